"""manage.py setup_billing and sync_plans."""

import io

import pytest
from django.core.management import CommandError, call_command
from djstripe.models import Price, WebhookEndpoint

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_setup_billing_creates_products_prices_and_the_webhook_endpoint(fake, db, settings):
    out = run("setup_billing")

    assert out.count("created product") == 2 and out.count("created price") == 4
    prices = {p["lookup_key"]: p for p in fake.objects["price"].values()}
    assert {key: (p["unit_amount"], p["recurring"]["interval"]) for key, p in prices.items()} == {
        "pro_monthly": (1900, "month"),
        "pro_yearly": (18240, "year"),
        "team_monthly": (4900, "month"),
        "team_yearly": (47040, "year"),
    }
    assert set(Price.objects.values_list("lookup_key", flat=True)) == set(prices)
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret == settings.STRIPE_WEBHOOK_SECRET
    assert f"/stripe/webhook/{endpoint.djstripe_uuid}/" in out


def test_setup_billing_twice_creates_nothing_new(fake, db):
    run("setup_billing")
    calls = len(fake.requests)

    out = run("setup_billing")

    assert "created" not in out
    assert out.count("found product") == 2 and out.count("found price") == 4 and "found webhook endpoint" in out
    assert [c for c in fake.requests[calls:] if c[0] == "POST"] == []
    assert len(fake.objects["price"]) == 4 and WebhookEndpoint.objects.count() == 1


def test_setup_billing_replaces_a_price_whose_amount_changed(fake, db):
    run("setup_billing")
    fake.price_for("pro_monthly")["unit_amount"] = 1500

    out = run("setup_billing")

    assert "replaced price pro_monthly" in out
    assert fake.price_for("pro_monthly")["unit_amount"] == 1900


def test_setup_billing_without_keys_says_what_to_set(db):
    with pytest.raises(CommandError, match="STRIPE_SECRET_KEY"):
        run("setup_billing")


@pytest.fixture
def drifted(fake, customer, post_event, user, user_factory):
    """Stripe says pro, but a webhook was missed: the user is still free. Another user drifted the other way."""
    fake.create_subscription(customer.id, "pro_monthly")
    user_factory(email="staff-comped@example.com", plan="team")  # no Stripe customer: left alone
    return user


def test_sync_plans_fixes_a_plan_that_drifted(drifted):
    out = run("sync_plans")

    assert f"{drifted.email}: free -> pro" in out
    drifted.refresh_from_db()
    assert drifted.plan == "pro"
    assert "staff-comped" not in out
    assert run("sync_plans").count("->") == 0


def test_sync_plans_downgrades_a_user_whose_subscription_ended(fake, customer, post_event, user):
    created = fake.create_subscription(customer.id, "team_monthly")
    post_event(created)
    fake.cancel_subscription(created["data"]["object"]["id"])  # the webhook never arrives

    assert f"{user.email}: team -> free" in run("sync_plans")
    user.refresh_from_db()
    assert user.plan == "free"


def test_sync_plans_dry_run_prints_the_change_and_changes_nothing(drifted):
    out = run("sync_plans", "--dry-run")

    assert f"{drifted.email}: free -> pro" in out and "nothing changed" in out
    drifted.refresh_from_db()
    assert drifted.plan == "free"
