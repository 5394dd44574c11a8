from decimal import Decimal

from django import template

from billing import stripe_api
from billing.subscriptions import from_timestamp, has_past_due_subscription

register = template.Library()

CURRENCY_SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£"}


@register.filter
def money(cents, currency="usd"):
    """Stripe's amount in the smallest unit, as a price: ``1900|money:"usd"`` is ``$19.00``, ``-39`` is ``-$0.39``."""
    sign = "-" if (cents or 0) < 0 else ""
    amount = f"{abs(Decimal(cents or 0)) / 100:,.2f}"
    symbol = CURRENCY_SYMBOLS.get((currency or "").lower())
    return f"{sign}{symbol}{amount}" if symbol else f"{sign}{amount} {(currency or '').upper()}"


@register.filter
def stripe_date(timestamp):
    """A Stripe unix timestamp as an aware datetime, for the ``date`` filter."""
    return from_timestamp(timestamp)


@register.inclusion_tag("billing/_payment_failed_banner.html")
def payment_failed_banner(user):
    """A "payment failed" banner when the user's subscription is past due."""
    return {"show": bool(user and user.is_authenticated and has_past_due_subscription(user))}


@register.simple_tag
def billing_is_set_up() -> bool:
    """Whether plans can be bought here (Stripe keys set); upgrade buttons say so when they cannot."""
    return stripe_api.is_configured()
