"""A user's billing state as staff see it in the admin."""

from django.urls import reverse
from django.utils.html import format_html, format_html_join

from billing.subscriptions import customers_of, describe, mirrored_subscriptions


def stripe_summary(user) -> str:
    """The user's Stripe customer (admin and Stripe dashboard links) and their subscriptions' status."""
    customers = list(customers_of(user))
    if not customers:
        return "No Stripe customer"
    links = format_html_join(
        ", ",
        '<a href="{}">{}</a> (<a href="{}" target="_blank" rel="noopener">Stripe dashboard</a>)',
        (
            (reverse("admin:djstripe_customer_change", args=[c.pk]), c.id, c.get_stripe_dashboard_url())
            for c in customers
        ),
    )
    subscriptions = [describe(s.stripe_data) for s in mirrored_subscriptions(user)]
    statuses = format_html_join(
        "; ",
        "{}: {} ({} {})",
        ((s["id"], s["status_label"], s["plan"].name, s["interval"] + "ly") for s in subscriptions),
    )
    return format_html("Customer {}. Subscriptions: {}", links, statuses or "none")
