"""Emails about billing: a failed payment and a trial about to end."""

from datetime import UTC, datetime

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from billing.plans import get_plan
from billing.subscriptions import subscribed_plan


def billing_url() -> str:
    return settings.SITE_URL + reverse("billing")


def send(user, template: str, context: dict) -> None:
    context = {"user": user, "billing_url": billing_url(), **context}
    subject = render_to_string(f"billing/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"billing/email/{template}.txt", context)
    send_mail(subject, body, None, [user.email])


def payment_failed(user, invoice: dict) -> None:
    send(
        user,
        "payment_failed",
        {
            "amount": invoice.get("amount_due") or 0,
            "currency": invoice.get("currency") or "usd",
            "invoice_url": invoice.get("hosted_invoice_url") or "",
            "plan": get_plan(user.plan),
        },
    )


def trial_will_end(user, subscription: dict) -> None:
    items = (subscription.get("items") or {}).get("data") or [{}]
    price = items[0].get("price") or {}
    trial_end = subscription.get("trial_end")
    send(
        user,
        "trial_will_end",
        {
            "plan": get_plan(subscribed_plan(subscription)),
            "trial_end": datetime.fromtimestamp(trial_end, tz=UTC) if trial_end else None,
            "amount": price.get("unit_amount") or 0,
            "currency": price.get("currency") or "usd",
            "interval": (price.get("recurring") or {}).get("interval", "month"),
        },
    )
