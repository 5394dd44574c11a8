"""A user's plan, derived from the state of all their Stripe subscriptions.

The plan is never computed from one event's delta: every webhook (and `sync_plans`) recomputes it
from the subscriptions as they are now, so duplicated, retried and out-of-order events all end
in the same plan.
"""

import logging
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from djstripe.models import Customer, Subscription

from billing.plans import DEFAULT_PLAN, PLAN_RANK, get_plan, plan_for_lookup_key

logger = logging.getLogger(__name__)

# Statuses that grant the subscribed plan. past_due keeps it while Stripe retries the card.
GRANTING_STATUSES = frozenset({"active", "trialing", "past_due"})
# Statuses shown as a live subscription on the billing page (others are history).
LIVE_STATUSES = GRANTING_STATUSES | {"incomplete", "unpaid", "paused"}


def lookup_keys(subscription_data: dict) -> list[str]:
    """The price lookup keys of a subscription, as Stripe returns it (or dj-stripe mirrors it)."""
    items = (subscription_data.get("items") or {}).get("data") or []
    return [(item.get("price") or {}).get("lookup_key") or "" for item in items]


def subscribed_plan(subscription_data: dict) -> str:
    """The best plan among a subscription's prices, whatever its status (Free if none is known)."""
    plans = [plan_for_lookup_key(key) for key in lookup_keys(subscription_data)]
    return max((plan.code for plan in plans if plan), key=PLAN_RANK.__getitem__, default=DEFAULT_PLAN)


def plan_for_subscriptions(subscriptions) -> str:
    """The best plan that any of ``subscriptions`` (Stripe subscription dicts) grants; Free if none."""
    granted = [subscribed_plan(data) for data in subscriptions if data.get("status") in GRANTING_STATUSES]
    return max(granted, key=PLAN_RANK.__getitem__, default=DEFAULT_PLAN)


def from_timestamp(value):
    return datetime.fromtimestamp(value, tz=UTC) if value else None


def describe(subscription_data: dict) -> dict:
    """What a person needs to know about a subscription: plan, status, trial, next renewal."""
    items = (subscription_data.get("items") or {}).get("data") or [{}]
    price = items[0].get("price") or {}
    status = subscription_data.get("status", "")
    return {
        "id": subscription_data.get("id"),
        "status": status,
        "status_label": status.replace("_", " ").capitalize(),
        "plan": get_plan(subscribed_plan(subscription_data)),
        "amount": price.get("unit_amount") or 0,
        "currency": price.get("currency") or "usd",
        "interval": (price.get("recurring") or {}).get("interval", "month"),
        "trialing": status == "trialing",
        "trial_end": from_timestamp(subscription_data.get("trial_end")),
        # Newer API versions keep the period on the items rather than on the subscription.
        "period_end": from_timestamp(subscription_data.get("current_period_end") or items[0].get("current_period_end")),
        "cancel_at_period_end": bool(subscription_data.get("cancel_at_period_end")),
        "ended": status not in LIVE_STATUSES,
        "past_due": status == "past_due",
    }


def customers_of(user):
    return Customer.objects.filter(subscriber=user, livemode=settings.STRIPE_LIVE_MODE)


def mirrored_subscriptions(user):
    """The user's subscriptions in dj-stripe's mirror, newest first."""
    return Subscription.objects.filter(
        customer__subscriber=user, customer__livemode=settings.STRIPE_LIVE_MODE
    ).order_by("-created")


def current_subscription(user):
    """The subscription the billing page shows: the best live one, else the most recent."""
    subscriptions = list(mirrored_subscriptions(user))
    live = [s for s in subscriptions if s.stripe_data.get("status") in LIVE_STATUSES]
    if live:
        return max(live, key=lambda s: PLAN_RANK[subscribed_plan(s.stripe_data)])
    return subscriptions[0] if subscriptions else None


def has_past_due_subscription(user) -> bool:
    return any(s.stripe_data.get("status") == "past_due" for s in mirrored_subscriptions(user))


def derive_plan(user) -> str:
    return plan_for_subscriptions(s.stripe_data for s in mirrored_subscriptions(user))


def sync_user_plan(user_id, cause: str) -> tuple[str, str]:
    """Set the user's plan from the mirror; returns (old, new) and logs a change with its cause.

    Safe under concurrent webhooks: the user row is locked (select_for_update) before the
    subscriptions are read, so two deliveries for one user apply one after the other, and the
    later one sees the mirror as the earlier one left it. Idempotent: applying it twice is a no-op.
    """
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user_id)
        old, new = user.plan, derive_plan(user)
        if old != new:
            user.plan = new
            user.save(update_fields=["plan"])
            logger.info("plan change: %s %s -> %s (cause: %s)", user.email, old, new, cause)
    return old, new
