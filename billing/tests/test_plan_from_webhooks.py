"""Signed webhooks through dj-stripe's endpoint set each user's plan from their subscriptions."""

import pytest

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
