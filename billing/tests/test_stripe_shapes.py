"""The fake Stripe speaks the pinned API version as Stripe does: every request carries that version,
and every object, list, event and error it produced over a subscriber's whole journey validates
against Stripe's OpenAPI schemas for it (tests/stripe_spec): required fields present, no field the
version no longer has."""

from collections import Counter

import pytest
import stripe
from django.conf import settings
from djstripe.settings import djstripe_settings

from tests import fake_stripe, stripe_spec

pytestmark = pytest.mark.django_db


def test_settings_pin_the_dahlia_version_dj_stripe_supports():
    assert settings.STRIPE_API_VERSION == djstripe_settings.DEFAULT_STRIPE_API_VERSION == "2026-05-27.dahlia"
    assert djstripe_settings.STRIPE_API_VERSION == settings.STRIPE_API_VERSION
    assert fake_stripe.API_VERSION == stripe_spec.API_VERSION == settings.STRIPE_API_VERSION


def test_the_fake_refuses_a_request_for_another_version(fake):
    with pytest.raises(stripe.InvalidRequestError, match="speaks API version 2026-05-27.dahlia"):
        stripe.Customer.list(api_key=fake.secret_key, stripe_version="2026-08-26.dahlia")


def answered_objects(fake):
    """Every JSON body the fake answered, and every event it recorded (delivered as webhooks)."""
    return [body for _method, _path, _status, body in fake.answers] + list(fake.objects["event"].values())


def kinds(bodies):
    found = Counter()
    for body in bodies:
        for obj in body.get("data", []) if body.get("object") == "list" else [body]:
            found[obj.get("object", "error")] += 1
    return found


def test_every_answer_and_event_of_a_whole_journey_matches_stripes_schemas(journey, fake):
    bodies = answered_objects(fake)

    found = sorted({problem for body in bodies for problem in stripe_spec.problems(body)})
    assert not found, "\n".join(found)
    assert {
        "account",
        "billing_portal.configuration",
        "billing_portal.session",
        "checkout.session",
        "coupon",
        "customer",
        "event",
        "invoice",
        "price",
        "product",
        "subscription",
    } <= set(kinds(bodies))
    events = {event["type"] for event in fake.objects["event"].values()}
    assert {
        "checkout.session.completed",
        "customer.discount.created",
        "customer.subscription.created",
        "customer.subscription.deleted",
        "customer.subscription.trial_will_end",
        "customer.subscription.updated",
        "customer.updated",
        "invoice.paid",
        "invoice.payment_failed",
    } <= events
    # Every request of the journey carried the pinned version (the fake refuses any other).
    assert not [body for body in bodies if "speaks API version" in str(body)]


def test_the_fakes_refusals_are_stripe_error_bodies(fake, customer):
    fake.objects["billing_portal.configuration"].clear()
    with pytest.raises(stripe.InvalidRequestError, match="save your customer portal settings"):
        stripe.billing_portal.Session.create(
            customer=customer.id, api_key=fake.secret_key, stripe_version=settings.STRIPE_API_VERSION
        )

    [(_method, _path, status, body)] = [answer for answer in fake.answers if answer[1] == "/v1/billing_portal/sessions"]
    assert status == 400 and stripe_spec.problems(body) == []


def test_shapes_from_older_api_versions_are_caught(fake, customer):
    """What the fake used to send: a subscription with its period (gone since basil) and an invoice
    with ``paid`` and ``subscription`` (gone since basil)."""
    subscription = fake.create_subscription(customer.id, "pro_monthly")["data"]["object"]
    invoice = dict(fake.objects["invoice"][subscription["latest_invoice"]], paid=True, subscription=subscription["id"])
    subscription = dict(subscription, current_period_start=0, current_period_end=0)

    [subscription_problem] = stripe_spec.problems(subscription)
    assert "'current_period_end', 'current_period_start' were unexpected" in subscription_problem
    [invoice_problem] = stripe_spec.problems(invoice)
    assert "'paid', 'subscription' were unexpected" in invoice_problem
    del invoice["lines"]
    assert any("'lines' is a required property" in problem for problem in stripe_spec.problems(invoice))
