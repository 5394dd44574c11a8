"""/pricing/ and /billing/: what each visitor sees, with and without Stripe keys."""

import re

import pytest

from billing.plans import PLANS, TRIAL_DAYS

pytestmark = pytest.mark.django_db


def action_of(page, plan_code):
    """The text of the action area on a plan's card."""
    card = re.search(rf'data-plan="{plan_code}".*?class="plan-action">(.*?)</article>', page, re.S)
    return re.sub(r"\s+", " ", card[1])


def test_without_stripe_keys_pricing_and_billing_say_billing_is_not_configured(client, user):
    assert "Billing is not configured" in client.get("/pricing/").content.decode()
    client.force_login(user)
    for page in ("/pricing/", "/billing/"):
        response = client.get(page)
        assert response.status_code == 200
        assert "Billing is not configured" in response.content.decode()
    assert "Billing not configured" in action_of(client.get("/pricing/").content.decode(), "pro")


def test_pricing_shows_every_plan_from_the_catalog_with_both_intervals(client, catalog):
    page = client.get("/pricing/").content.decode()

    for plan in PLANS.values():
        assert plan.name in page and plan.tagline in page
        for feature in plan.features:
            assert feature in page
    assert "save 20%" in page
    assert "$19/month" in page.replace("<small>", "").replace("</small>", "")
    assert "$182.40 billed yearly" in page and "you save $45.60" in page
    assert "$470.40 billed yearly" in page


def test_visitors_are_offered_sign_up(client, catalog):
    page = client.get("/pricing/").content.decode()

    assert "Sign up free" in action_of(page, "free")
    assert f"Start {TRIAL_DAYS}-day free trial" in action_of(page, "pro")
    assert 'href="/accounts/signup/?next=/pricing/"' in action_of(page, "team")


def test_a_free_user_is_offered_upgrades_for_both_intervals(client, user, catalog):
    client.force_login(user)
    page = client.get("/pricing/").content.decode()

    assert "Current plan" in action_of(page, "free")
    for key in ("pro_monthly", "pro_yearly"):
        assert f'name="price" value="{key}"' in action_of(page, "pro")
    assert 'action="/billing/checkout/"' in action_of(page, "team")


def test_a_subscriber_sees_their_current_plan_and_manage_billing(client, user, customer, fake, post_event):
    post_event(fake.create_subscription(customer.id, "pro_monthly"))
    client.force_login(user)
    page = client.get("/pricing/").content.decode()

    assert "Current plan" in action_of(page, "pro") and "Manage billing" in action_of(page, "pro")
    assert 'action="/billing/portal/"' in action_of(page, "team")
    assert "/billing/checkout/" not in page


def test_billing_shows_the_subscription_renewal_and_invoices(client, user, customer, fake, post_event):
    created = fake.create_subscription(customer.id, "team_yearly")
    post_event(created)
    invoice = fake.objects["invoice"][created["data"]["object"]["latest_invoice"]]
    post_event(fake.event("invoice.paid", invoice))
    client.force_login(user)

    page = client.get("/billing/").content.decode()

    assert "Team plan" in page
    assert "Active" in page
    assert "Next renewal" in page and "$470.40" in page
    assert invoice["number"] in page
    assert invoice["hosted_invoice_url"] in page
    assert 'action="/billing/portal/"' in page


def test_billing_shows_the_trial_end(client, user, customer, fake, post_event):
    post_event(fake.create_subscription(customer.id, "pro_monthly", trial_days=TRIAL_DAYS))
    client.force_login(user)

    page = client.get("/billing/").content.decode()

    assert "Free trial" in page and "Trial ends" in page


def test_billing_after_cancellation_shows_free_and_the_ended_subscription(client, user, customer, fake, post_event):
    created = fake.create_subscription(customer.id, "pro_monthly")
    post_event(created)
    post_event(fake.cancel_subscription(created["data"]["object"]["id"]))
    client.force_login(user)

    page = client.get("/billing/").content.decode()

    assert "Free plan" in page and "Your subscription has ended" in page


def test_billing_needs_sign_in(client):
    assert client.get("/billing/")["Location"].startswith("/login/")


def test_answer_lengths_are_sold_in_words_not_tokens(client, user, catalog):
    client.force_login(user)
    for url in ("/pricing/", "/billing/", "/dashboard/"):
        page = client.get(url).content.decode()
        assert not re.search(r"\btokens?\b", page, re.IGNORECASE), url  # (csrftoken is not a word of its own)
    assert "about 1,500 words" in client.get("/pricing/").content.decode()
