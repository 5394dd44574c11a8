"""invoice.payment_failed and customer.subscription.trial_will_end email the user."""

import pytest

from billing.plans import TRIAL_DAYS

pytestmark = pytest.mark.django_db


def test_a_failed_payment_emails_the_user_and_keeps_the_plan(
    fake, customer, post_event, user, mailoutbox, django_capture_on_commit_callbacks
):
    created = fake.create_subscription(customer.id, "pro_monthly")
    post_event(created)

    with django_capture_on_commit_callbacks(execute=True):
        for event in fake.fail_payment(created["data"]["object"]["id"]):
            post_event(event)

    [email] = mailoutbox
    assert email.to == [user.email]
    assert "payment failed" in email.subject
    assert "$19.00" in email.body and "http://127.0.0.1:8000/billing/" in email.body
    user.refresh_from_db()
    assert user.plan == "pro"


def test_a_redelivered_failure_does_not_email_twice(
    fake, customer, post_event, user, mailoutbox, django_capture_on_commit_callbacks
):
    post_event(created := fake.create_subscription(customer.id, "pro_monthly"))
    _past_due, failed = fake.fail_payment(created["data"]["object"]["id"])

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            post_event(failed)

    assert len(mailoutbox) == 1


def test_the_trial_ending_soon_emails_a_reminder(
    fake, customer, post_event, user, mailoutbox, django_capture_on_commit_callbacks
):
    created = fake.create_subscription(customer.id, "team_yearly", trial_days=TRIAL_DAYS)
    post_event(created)
    reminder = fake.event("customer.subscription.trial_will_end", created["data"]["object"])

    with django_capture_on_commit_callbacks(execute=True):
        post_event(reminder)

    [email] = mailoutbox
    assert email.to == [user.email]
    assert "Team trial ends soon" in email.subject
    assert "$470.40 per year" in email.body


def test_no_email_for_a_customer_linked_to_no_user(
    fake, catalog, post_event, mailoutbox, django_capture_on_commit_callbacks
):
    stranger = fake.create_customer(email="stranger@example.com")
    created = fake.create_subscription(stranger["id"], "pro_monthly")

    with django_capture_on_commit_callbacks(execute=True):
        for event in fake.fail_payment(created["data"]["object"]["id"]):
            assert post_event(event).status_code == 200

    assert mailoutbox == []
