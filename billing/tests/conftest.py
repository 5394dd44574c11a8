"""Billing fixtures: the fake Stripe on loopback, wired into stripe-python and the settings."""

import io

import pytest
from django.core.management import call_command
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
