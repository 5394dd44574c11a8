"""Webhooks for one user delivered at the same moment still end in the right plan (PostgreSQL)."""

import io
import threading

import pytest
from django.core.management import call_command
from djstripe.models import WebhookEndpoint

from billing import stripe_api

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def deliver_at_once(fake, events):
    """Deliver ``events`` from one thread each, released together; returns the HTTP statuses."""
    start = threading.Barrier(len(events))
    statuses = []

    def deliver(event):
        start.wait()
        statuses.extend(fake.deliver(event))

    threads = [threading.Thread(target=deliver, args=(event,)) for event in events]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_simultaneous_subscriptions_end_on_the_best_plan(fake, live_server, user_factory):
    call_command("setup_billing", stdout=io.StringIO())
    fake.webhook_url = f"{live_server.url}/stripe/webhook/{WebhookEndpoint.objects.get().djstripe_uuid}/"

    for _round in range(5):
        user = user_factory()
        customer = stripe_api.customer_for(user)
        events = [fake.create_subscription(customer.id, key) for key in ("pro_monthly", "team_monthly")]

        assert deliver_at_once(fake, events) == [200, 200]
        user.refresh_from_db()
        assert user.plan == "team"
