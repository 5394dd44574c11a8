"""Staff see the Stripe customer and subscription status on the user's admin page."""

import pytest
from django.template import Context, Template

from billing.summary import stripe_summary

pytestmark = pytest.mark.django_db


def test_a_user_without_a_customer(user):
    assert stripe_summary(user) == "No Stripe customer"


def test_the_summary_links_the_customer_and_shows_subscription_status(fake, customer, post_event, user):
    post_event(fake.create_subscription(customer.id, "pro_yearly", trial_days=7))

    summary = stripe_summary(user)

    assert f'href="/admin/djstripe/customer/{customer.pk}/change/"' in summary
    assert f"https://dashboard.stripe.com/test/customers/{customer.id}" in summary
    assert "Trialing (Pro yearly)" in summary


def test_staff_can_open_dj_stripes_admin(client, user_factory, customer):
    client.force_login(user_factory(is_staff=True, is_superuser=True))

    assert client.get(f"/admin/djstripe/customer/{customer.pk}/change/").status_code == 200
    assert customer.id in client.get(f"/admin/accounts/user/{customer.subscriber.pk}/change/").content.decode()


def test_the_banner_tag_renders_only_for_past_due(fake, customer, post_event, user):
    template = Template("{% load billing %}{% payment_failed_banner user %}")
    created = fake.create_subscription(customer.id, "pro_monthly")
    post_event(created)
    assert "payment failed" not in template.render(Context({"user": user})).lower()

    post_event(fake.update_subscription(created["data"]["object"]["id"], status="past_due"))

    assert "payment failed" in template.render(Context({"user": user})).lower()
