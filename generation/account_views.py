"""/account/export/ and /account/delete/: the account lifecycle pages (generation/account_lifecycle.py)."""

import logging

import stripe
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accounts.lifecycle import AccountNotDeleted, teams_blocking_deletion
from billing.subscriptions import current_subscription, describe
from generation.account_lifecycle import delete_account, export_account

logger = logging.getLogger(__name__)

STRIPE_FAILED = (
    "Your account was not deleted: we could not cancel your subscription with our payment provider. "
    "Nothing has changed; please try again in a minute."
)


@login_required
@require_safe
@never_cache
def account_export(request):
    """The user's data as a JSON file download."""
    response = JsonResponse(export_account(request.user), json_dumps_params={"indent": 2, "ensure_ascii": False})
    filename = f"inkwell-export-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def account_delete(request):
    """GET: what deleting means, and the confirmation form; POST: delete, sign out, go to the landing page."""
    user = request.user
    error, status = "", 200
    if request.method == "POST":
        email = user.email
        try:
            canceled = delete_account(user, request.POST.get("confirm_email", ""))
        except AccountNotDeleted as refusal:
            error, status = str(refusal), 400
        except stripe.StripeError:
            logger.exception("Deleting the account of %s: Stripe did not cancel the subscriptions", email)
            error, status = STRIPE_FAILED, 502
        else:
            logger.info("account deleted: %s (subscriptions canceled: %s)", email, ", ".join(canceled) or "none")
            logout(request)
            messages.success(request, f"Your account {email} and its data are deleted. Thank you for writing with us.")
            return redirect("landing")
    subscription = current_subscription(user)
    return render(
        request,
        "accounts/account_delete.html",
        {
            "blocking_teams": teams_blocking_deletion(user),
            "subscription": describe(subscription.stripe_data) if subscription else None,
            "error": error,
        },
        status=status,
    )
