"""Billing fixtures: the fake Stripe on loopback, wired into stripe-python and the settings."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from djstripe.models import WebhookEndpoint

from billing import stripe_api
from tests import fake_stripe


@pytest.fixture
def fake(settings, monkeypatch):
    """A fresh fake Stripe; stripe-python and dj-stripe talk to it with test-mode keys."""
    server = fake_stripe.FakeStripe().start()
    fake_stripe.point_app_at(server, settings, monkeypatch)
    yield server
    server.stop()


@pytest.fixture
def catalog(fake, db):
    """setup_billing has run: products, the four prices, the local webhook endpoint."""
    call_command("setup_billing", stdout=io.StringIO())
    return fake


@pytest.fixture
def webhook_endpoint(catalog):
    return WebhookEndpoint.objects.get()


@pytest.fixture
def post_event(client, webhook_endpoint, fake):
    """Deliver an event to dj-stripe's real webhook view, signed like Stripe signs it."""

    def post(event, secret=None):
        body, signature = fake.signed(event, secret=secret)
        return client.post(
            f"/stripe/webhook/{webhook_endpoint.djstripe_uuid}/",
            data=body,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=signature,
        )

    return post


@pytest.fixture
def customer(user, catalog):
    """The user's Stripe customer, linked the way checkout links it."""
    return stripe_api.customer_for(user)


@pytest.fixture
def post_new_events(fake, post_event):
    """Deliver, oldest first, every event the fake recorded and this fixture has not delivered yet;
    each must be processed (200). Returns their types."""
    delivered = set()

    def post():
        types = []
        for event in list(fake.objects["event"].values()):
            if event["id"] not in delivered:
                delivered.add(event["id"])
                response = post_event(event)
                assert response.status_code == 200, (event["type"], response.content[:300])
                types.append(event["type"])
        return types

    return post


@pytest.fixture
def journey(client, user, customer, fake, post_new_events):
    """A subscriber's whole life through the app, each event delivered as it happens: Checkout with a
    promotion code and a trial, the trial's reminder and first payment, a switch to yearly in the
    Portal, a failed renewal and its recovery, a customer-level coupon, cancellation at the period's
    end and the end itself; then a second subscription, without a trial. Returns the user."""
    coupon = fake.create_coupon(percent_off=20, name="Launch offer")
    fake.create_promotion_code(coupon["id"], "LAUNCH20")
    loyalty = fake.create_coupon(amount_off=500, duration="repeating", duration_in_months=3, name="Loyalty")
    client.force_login(user)

    checkout = client.post(reverse("checkout"), {"price": "pro_monthly"})["Location"].rsplit("/", 1)[1]
    fake.pay_checkout(checkout, promotion_code="launch20")
    post_new_events()
    [subscription_id] = fake.objects["subscription"]
    assert client.get(reverse("billing")).status_code == 200
    fake.portal_action(portal_session(client), "trial_will_end", subscription_id)
    post_new_events()
    fake.pay_renewal(subscription_id)
    post_new_events()

    portal = portal_session(client)
    fake.portal_action(portal, "switch", subscription_id, fake.price_for("pro_yearly")["id"])
    fake.portal_action(portal, "fail", subscription_id)
    post_new_events()
    fake.portal_action(portal, "renew", subscription_id)
    fake.apply_customer_discount(customer.id, loyalty["id"])
    post_new_events()
    assert client.get(reverse("billing")).status_code == 200

    fake.portal_action(portal, "cancel", subscription_id)
    post_new_events()
    fake.cancel_subscription(subscription_id)
    post_new_events()

    again = client.post(reverse("checkout"), {"price": "team_monthly"})["Location"].rsplit("/", 1)[1]
    fake.pay_checkout(again)
    post_new_events()
    assert client.get(reverse("billing")).status_code == 200
    return user


def portal_session(client):
    """The id of a Portal session opened through Manage billing."""
    response = client.post(reverse("billing_portal"))
    assert response.status_code == 303, response
    return response["Location"].rsplit("/", 1)[1]
