"""A free user hits the daily limit, upgrades through the hosted (fake) Stripe Checkout, comes
back, sees Pro once the webhook lands, keeps generating past the free limit, then cancels in the
(fake) Customer Portal: Pro until the period ends, Free once it has."""

import io
import re
import time

import pytest
from django.core.management import call_command
from djstripe.models import WebhookEndpoint
from playwright.sync_api import expect

from billing.plans import FREE
from generation.models import DailyUsage
from generation.quota import usage_day
from tests import fake_stripe
from tests.browser_session import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def stripe_server(settings, monkeypatch, live_server):
    """The fake Stripe, set up by setup_billing, delivering its webhooks to the live server."""
    server = fake_stripe.FakeStripe().start()
    fake_stripe.point_app_at(server, settings, monkeypatch)
    settings.LLM_PROVIDER = "demo"
    settings.DEMO_DELAY_SECONDS = 0
    call_command("setup_billing", stdout=io.StringIO())
    endpoint = WebhookEndpoint.objects.get()
    server.webhook_url = f"{live_server.url}/stripe/webhook/{endpoint.djstripe_uuid}/"
    yield server
    server.stop()


def generate(page, prompt):
    page.fill("#prompt", prompt)
    page.click("#generate-button")


def test_free_user_upgrades_through_checkout_and_generates_past_the_free_limit(
    page, client, user, live_server, stripe_server
):
    DailyUsage.objects.create(user=user, day=usage_day(), used=FREE.daily_generations - 1)
    sign_in(page, client, user, live_server)

    page.goto(f"{live_server.url}/generate/")
    generate(page, "A short note thanking a customer")
    expect(page.locator("#answer-meta")).not_to_be_empty()
    generate(page, "One more, please")
    expect(page.locator("#limit-modal")).to_be_visible()

    page.click("#upgrade-button")
    expect(page.get_by_role("heading", name="Subscribe to Inkwell Pro")).to_be_visible()
    page.get_by_role("button", name="Pay").click()

    expect(page).to_have_url(re.compile(r"/billing/success/\?session_id=cs_test_"))
    # The first subscription starts with a free trial: the page says so, and when the first charge comes.
    expect(page.get_by_role("heading", name="Your Pro trial has started")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Nothing has been charged today")).to_be_visible()
    expect(page.locator("#first-charge")).to_contain_text("Your first payment of $19.00 is charged on")
    expect(page.get_by_text("payment is confirmed")).to_have_count(0)
    user.refresh_from_db()
    assert user.plan == "pro"
    expect(page.locator(".nav-links .badge")).to_have_text("Pro")

    page.get_by_role("link", name="Start writing").click()
    expect(page.locator("#plan-badge")).to_have_text("Pro")
    generate(page, "Now past the free limit")
    expect(page.locator("#answer-meta")).not_to_be_empty()
    expect(page.locator("#limit-modal")).to_be_hidden()
    assert DailyUsage.objects.get(user=user, day=usage_day()).used == FREE.daily_generations + 1
    assert ("customer.subscription.created", 200) in stripe_server.deliveries

    page.goto(f"{live_server.url}/billing/")
    page.get_by_role("button", name="Manage billing").click()
    page.get_by_role("button", name="Cancel plan").click()
    expect(page.get_by_text("cancels at period end")).to_be_visible()
    page.get_by_role("link", name="Return to Inkwell").click()
    wait_for_delivery(stripe_server, "customer.subscription.updated")
    page.reload()
    expect(page.get_by_text("it will not renew")).to_be_visible()
    expect(page.locator("#plan-ends")).to_contain_text("Your plan ends on")
    expect(page.locator(".nav-links .badge")).to_have_text("Pro")

    page.get_by_role("button", name="Manage billing").click()
    page.get_by_role("button", name="Simulate the end of the period").click()
    page.get_by_role("link", name="Return to Inkwell").click()
    wait_for_delivery(stripe_server, "customer.subscription.deleted")
    page.reload()
    expect(page.locator(".nav-links .badge")).to_have_text("Free")
    expect(page.get_by_text("Your subscription has ended")).to_be_visible()


def wait_for_delivery(server, event_type, attempts=100):
    """Stripe (the fake) delivers webhooks in the background; wait until this one has been answered."""
    for _ in range(attempts):
        if any(delivered == event_type for delivered, _status in server.deliveries):
            return
        time.sleep(0.1)
    raise AssertionError(f"{event_type} was never delivered: {server.deliveries}")
