"""dj-stripe webhook receivers: derive plans, and email about failed payments and ending trials;
and one allauth receiver: a changed email address is passed on to Stripe.

dj-stripe verifies the signature, stores the Event once (a redelivered event id is not processed
again) and re-reads the affected object from Stripe into its mirror before these receivers run:
billing's AppConfig loads after djstripe's, so its receivers are connected after dj-stripe's own.
Everything runs inside the webhook's transaction; emails go out only once it commits.
"""

import logging

from allauth.account.signals import email_changed
from django.db import transaction
from django.dispatch import receiver
from djstripe.event_handlers import djstripe_receiver
from djstripe.models import Customer

from billing import notices, stripe_api
from billing.subscriptions import sync_user_plan

logger = logging.getLogger(__name__)

PLAN_EVENTS = [
    "checkout.session.completed",
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "customer.subscription.paused",
    "customer.subscription.resumed",
    "customer.subscription.pending_update_applied",
    "customer.subscription.pending_update_expired",
    "customer.subscription.trial_will_end",
    "invoice.paid",
    "invoice.payment_failed",
]


def subscriber_of(event):
    """The Inkwell user the event's customer is linked to, or None (logged) for unknown customers."""
    obj = event.data.get("object", {})
    customer_id = obj.get("id") if obj.get("object") == "customer" else obj.get("customer")
    if isinstance(customer_id, dict):
        customer_id = customer_id.get("id")
    customer = Customer.objects.filter(id=customer_id).select_related("subscriber").first() if customer_id else None
    if customer is None or customer.subscriber is None:
        logger.warning("Stripe event %s (%s): customer %s is not linked to a user", event.id, event.type, customer_id)
        return None
    return customer.subscriber


@djstripe_receiver(PLAN_EVENTS)
def derive_plan_from_subscriptions(sender, event, **kwargs):
    user = subscriber_of(event)
    if user is not None:
        sync_user_plan(user.pk, cause=f"{event.type} {event.id}")


def email_once_committed(event, notice) -> None:
    """Send ``notice(user, the event's object)`` to the event's subscriber once the webhook's transaction commits."""
    user = subscriber_of(event)
    if user is not None:
        stripe_object = event.data["object"]
        transaction.on_commit(lambda: notice(user, stripe_object))


@djstripe_receiver("invoice.payment_failed")
def email_payment_failed(sender, event, **kwargs):
    email_once_committed(event, notices.payment_failed)


@djstripe_receiver("customer.subscription.trial_will_end")
def email_trial_will_end(sender, event, **kwargs):
    email_once_committed(event, notices.trial_will_end)


@receiver(email_changed)
def pass_email_change_to_stripe(sender, user, to_email_address, **kwargs):
    """Receipts go to the address the user now signs in with; Stripe is called once the change is
    committed, holding no transaction open while it answers."""
    email = to_email_address.email
    transaction.on_commit(lambda: stripe_api.update_customer_emails(user, email))
