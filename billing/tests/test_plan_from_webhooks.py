"""Signed webhooks through dj-stripe's real endpoint set each user's plan from the current state
of all their subscriptions, with the fake Stripe answering dj-stripe's re-reads."""

import logging

import pytest
from djstripe.models import Event

pytestmark = pytest.mark.django_db


def plan_of(user):
    user.refresh_from_db()
    return user.plan


@pytest.mark.parametrize("trial_days", [0, 7], ids=["active", "trialing"])
def test_a_live_subscription_grants_its_plan(fake, customer, post_event, user, trial_days):
    event = fake.create_subscription(customer.id, "pro_monthly", trial_days=trial_days)

    response = post_event(event)

    assert response.status_code == 200
    assert event["data"]["object"]["status"] == ("trialing" if trial_days else "active")
    assert plan_of(user) == "pro"


@pytest.mark.parametrize(
    ("lookup_key", "plan"),
    [("pro_monthly", "pro"), ("pro_yearly", "pro"), ("team_monthly", "team"), ("team_yearly", "team")],
)
def test_monthly_and_yearly_prices_grant_the_same_plan(fake, customer, post_event, user, lookup_key, plan):
    post_event(fake.create_subscription(customer.id, lookup_key))

    assert plan_of(user) == plan


def test_past_due_keeps_the_plan_and_shows_the_payment_failed_banner(fake, customer, post_event, user, client):
    subscription = fake.create_subscription(customer.id, "pro_monthly")
    post_event(subscription)

    for event in fake.fail_payment(subscription["data"]["object"]["id"]):
        assert post_event(event).status_code == 200

    assert plan_of(user) == "pro"
    client.force_login(user)
    for page in ("/billing/", "/dashboard/"):
        assert "payment failed" in client.get(page).content.decode().lower(), page


def test_no_banner_while_payments_succeed(fake, customer, post_event, user, client):
    post_event(fake.create_subscription(customer.id, "pro_monthly"))
    client.force_login(user)

    assert "payment failed" not in client.get("/billing/").content.decode().lower()


@pytest.mark.parametrize("status", ["canceled", "unpaid", "incomplete_expired", "paused"])
def test_an_ended_subscription_means_free(fake, customer, post_event, user, status):
    created = fake.create_subscription(customer.id, "team_monthly")
    post_event(created)
    assert plan_of(user) == "team"

    post_event(fake.update_subscription(created["data"]["object"]["id"], status=status))

    assert plan_of(user) == "free"


def test_the_same_event_five_times_is_processed_once(fake, customer, post_event, user):
    event = fake.create_subscription(customer.id, "pro_monthly")

    statuses = [post_event(event).status_code for _ in range(5)]

    assert statuses == [200] * 5
    assert Event.objects.filter(id=event["id"]).count() == 1
    assert plan_of(user) == "pro"


def test_an_old_active_update_delivered_after_the_cancellation_ends_free(fake, customer, post_event, user):
    created = fake.create_subscription(customer.id, "pro_monthly")
    subscription_id = created["data"]["object"]["id"]
    stale_update = fake.update_subscription(subscription_id, cancel_at_period_end=False)
    assert stale_update["data"]["object"]["status"] == "active"
    canceled = fake.cancel_subscription(subscription_id)

    for event in (created, canceled, stale_update):
        assert post_event(event).status_code == 200

    assert plan_of(user) == "free"


def test_a_created_event_arriving_after_the_cancellation_still_ends_free(fake, customer, post_event, user):
    created = fake.create_subscription(customer.id, "pro_monthly")
    canceled = fake.cancel_subscription(created["data"]["object"]["id"])

    post_event(canceled)
    post_event(created)

    assert plan_of(user) == "free"


def test_the_best_of_several_subscriptions_wins(fake, customer, post_event, user):
    post_event(fake.create_subscription(customer.id, "pro_monthly"))
    team = fake.create_subscription(customer.id, "team_yearly")
    post_event(team)
    assert plan_of(user) == "team"

    post_event(fake.cancel_subscription(team["data"]["object"]["id"]))

    assert plan_of(user) == "pro"


def test_a_bad_signature_is_rejected_and_changes_nothing(fake, customer, post_event, user):
    event = fake.create_subscription(customer.id, "pro_monthly")

    response = post_event(event, secret="whsec_not_the_right_secret")

    assert response.status_code == 400
    assert plan_of(user) == "free"
    assert not Event.objects.filter(id=event["id"]).exists()


def test_an_event_for_a_customer_linked_to_no_user_does_not_fail(fake, catalog, post_event, user):
    stranger = fake.create_customer(email="made-in-the-dashboard@example.com")

    response = post_event(fake.create_subscription(stranger["id"], "team_monthly"))

    assert response.status_code == 200
    assert plan_of(user) == "free"


def test_each_plan_change_is_logged_with_its_cause(fake, customer, post_event, user, caplog):
    event = fake.create_subscription(customer.id, "pro_monthly")

    with caplog.at_level(logging.INFO, logger="billing.subscriptions"):
        post_event(event)

    assert f"{user.email} free -> pro (cause: customer.subscription.created {event['id']})" in caplog.text
