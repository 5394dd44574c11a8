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
# Read with every subscription and customer (billing/djstripe_compat.py, sync_plans): a discount's
# coupon (what it takes off) and promotion code (what the customer typed), instead of their ids.
SUBSCRIPTION_EXPAND = ["discounts.source.coupon", "discounts.promotion_code"]
CUSTOMER_EXPAND = ["discount.source.coupon", "discount.promotion_code"]


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


def applied_discounts(subscription_data: dict, customer_data: dict | None = None) -> list[dict]:
    """The discounts on the subscription's invoices: its own, else the customer's (as Stripe applies them)."""
    discounts = subscription_data.get("discounts") or []
    if not discounts and customer_data and customer_data.get("discount"):
        discounts = [customer_data["discount"]]
    return [describe_discount(discount) for discount in discounts]


def describe_discount(discount) -> dict:
    """What a discount takes off (percent or amount), for how long, and the promotion code used.

    Expanded (SUBSCRIPTION_EXPAND) the discount says all that; an id alone only that there is one.
    """
    discount = discount if isinstance(discount, dict) else {}
    coupon = (discount.get("source") or {}).get("coupon")
    coupon = coupon if isinstance(coupon, dict) else {}
    promotion_code = discount.get("promotion_code")
    return {
        "name": coupon.get("name") or "",
        "percent_off": coupon.get("percent_off"),
        "amount_off": coupon.get("amount_off"),
        "currency": coupon.get("currency") or "usd",
        "duration": coupon.get("duration") or "",
        "end": from_timestamp(discount.get("end")),
        "code": promotion_code.get("code", "") if isinstance(promotion_code, dict) else "",
    }


def amount_after_discounts(amount: int, discounts: list[dict], at: datetime | None) -> int:
    """``amount`` (cents) less the discounts (as described above) that still apply at ``at``."""
    for discount in discounts:
        if discount["end"] and at and discount["end"] <= at:
            continue
        if discount["percent_off"]:
            amount -= round(amount * discount["percent_off"] / 100)
        elif discount["amount_off"]:
            amount -= min(discount["amount_off"], amount)
    return amount


def describe(subscription_data: dict, customer_data: dict | None = None) -> dict:
    """What a person needs to know about a subscription: plan, status, trial, discount, next renewal."""
    items = (subscription_data.get("items") or {}).get("data") or [{}]
    price = items[0].get("price") or {}
    status = subscription_data.get("status", "")
    # Since API version basil the period is on the items, not on the subscription.
    period_end = from_timestamp(items[0].get("current_period_end"))
    discounts = applied_discounts(subscription_data, customer_data)
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
        "period_end": period_end,
        "discounts": discounts,
        "next_amount": amount_after_discounts(price.get("unit_amount") or 0, discounts, period_end),
        "cancel_at_period_end": bool(subscription_data.get("cancel_at_period_end")),
        "ended": status not in LIVE_STATUSES,
        "past_due": status == "past_due",
    }


def invoice_subscription_id(invoice_data: dict) -> str | None:
    """The subscription an invoice bills (since API version basil it is under ``parent``)."""
    details = (invoice_data.get("parent") or {}).get("subscription_details") or {}
    return details.get("subscription") or invoice_data.get("subscription")


def describe_invoices(invoices, subscription_statuses: dict[str, str]) -> list[dict]:
    """Invoices (Stripe dicts) for the billing page, each with ``label`` and whether it is ``payable``.

    Stripe stops collecting the open invoices of a subscription once it is canceled, so those are
    shown as not charged rather than as something to pay.
    """
    rows = []
    for invoice in invoices:
        status = invoice.get("status") or "draft"
        canceled = subscription_statuses.get(invoice_subscription_id(invoice)) == "canceled"
        not_charged = status == "open" and canceled
        rows.append(
            {
                "invoice": invoice,
                "status": "void" if not_charged else status,
                "label": "Not charged" if not_charged else status.capitalize(),
                "not_charged": not_charged,
                "url": None if not_charged else invoice.get("hosted_invoice_url"),
            }
        )
    return rows


def customers_of(user):
    return Customer.objects.filter(subscriber=user, livemode=settings.STRIPE_LIVE_MODE)


def mirrored_subscriptions(user):
    """The user's subscriptions in dj-stripe's mirror, newest first."""
    return Subscription.objects.filter(
        customer__subscriber=user, customer__livemode=settings.STRIPE_LIVE_MODE
    ).order_by("-created")


def all_mirrored_subscriptions():
    """Every subscription in dj-stripe's mirror (this Stripe mode), with its customer and the customer's user."""
    return Subscription.objects.filter(customer__livemode=settings.STRIPE_LIVE_MODE).select_related(
        "customer__subscriber"
    )


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
