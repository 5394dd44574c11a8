"""Exporting and deleting a whole account: the one place that sees every app's part of a user
(accounts' profile and teams, billing's Stripe subscriptions, generation's history and documents),
which the dependency arrow allows only here (docs/architecture.md).
"""

from django.db import transaction
from django.utils import timezone

from accounts.lifecycle import check_deletable, delete_sign_in_side, profile_data, teams_data
from billing.stripe_api import cancel_subscriptions_now
from generation.models import Document, Generation

EXPORT_FORMAT_VERSION = 1


def personal_documents(user):
    return Document.objects.filter(created_by=user, team__isnull=True)


def export_account(user) -> dict:
    """Everything Inkwell keeps about ``user`` that they can take elsewhere, as JSON-ready data."""
    generations = Generation.objects.filter(user=user).select_related("team").order_by("created_at")
    return {
        "format_version": EXPORT_FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "profile": profile_data(user),
        "teams": teams_data(user),
        "generations": [
            {
                "id": generation.pk,
                "created_at": generation.created_at.isoformat(),
                "workspace": generation.team.slug if generation.team else "personal",
                "document_id": generation.document_id,
                "prompt": generation.prompt,
                "output": generation.output,
                "status": generation.status,
                "plan": generation.plan,
                "model": generation.model,
                "input_tokens": generation.input_tokens,
                "output_tokens": generation.output_tokens,
            }
            for generation in generations.iterator()
        ],
        "documents": [
            {
                "id": document.pk,
                "title": document.title,
                "body": document.body,
                "created_at": document.created_at.isoformat(),
                "updated_at": document.updated_at.isoformat(),
            }
            for document in personal_documents(user).order_by("created_at")
        ],
    }


def delete_account(user, confirmation: str) -> list[str]:
    """Delete ``user``'s account; returns the ids of the Stripe subscriptions canceled.

    Refusals (accounts.lifecycle.AccountNotDeleted) come before anything changes. Stripe is asked
    first, outside the transaction, so a Stripe failure (stripe.StripeError) leaves the account
    whole rather than deleted with a subscription still charging. Then, in one transaction: the
    personal documents, and the sign-in side (sessions, API keys, solo teams, the user), which
    takes the generations and daily usage with it.
    """
    check_deletable(user, confirmation)
    canceled = cancel_subscriptions_now(user)
    with transaction.atomic():
        personal_documents(user).delete()
        delete_sign_in_side(user)
    return canceled
