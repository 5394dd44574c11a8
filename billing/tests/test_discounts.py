"""Discounts: a promotion code entered at Checkout (subscription-level) and a coupon on the customer
(customer-level, whose webhooks dj-stripe 2.11 failed on: billing/djstripe_compat.py) are mirrored,
and /billing/ shows what they take off and the next payment after them."""

import pytest
from django.urls import reverse
from django.utils.dateformat import format as format_date
from djstripe.models import Coupon, Customer

from billing.subscriptions import from_timestamp

pytestmark = pytest.mark.django_db


def test_a_coupon_on_the_customer_is_mirrored_and_its_webhooks_succeed(fake, customer, post_event):
    post_event(fake.create_subscription(customer.id, "pro_monthly"))
    coupon = fake.create_coupon(percent_off=25, duration="forever", name="Friends")

    statuses = [post_event(event).status_code for event in fake.apply_customer_discount(customer.id, coupon["id"])]

    assert statuses == [200, 200]
    discount = Customer.objects.get(id=customer.id).stripe_data["discount"]
    assert discount["source"]["coupon"]["percent_off"] == 25
    assert Coupon.objects.get(id=coupon["id"]).stripe_data["name"] == "Friends"


def test_a_promotion_code_entered_at_checkout_shows_on_billing(client, user, customer, fake, post_new_events):
    coupon = fake.create_coupon(percent_off=20, duration="forever")
    fake.create_promotion_code(coupon["id"], "LAUNCH20")
    client.force_login(user)
    checkout = client.post(reverse("checkout"), {"price": "pro_monthly"})["Location"].rsplit("/", 1)[1]

    fake.pay_checkout(checkout, promotion_code="LAUNCH20")
    post_new_events()

    page = client.get(reverse("billing")).content.decode()
    assert "20% off, for as long as you subscribe" in page and "LAUNCH20" in page
    [subscription] = fake.objects["subscription"].values()
    first_payment = from_timestamp(subscription["items"]["data"][0]["current_period_end"])
    assert f"{format_date(first_payment, 'F j, Y')} for $15.20" in page  # $19.00 less 20%, after the trial


def test_a_coupon_on_the_customer_shows_on_billing_until_it_ends(client, user, customer, fake, post_new_events):
    fake.create_subscription(customer.id, "team_monthly")
    coupon = fake.create_coupon(amount_off=500, duration="repeating", duration_in_months=3)
    fake.apply_customer_discount(customer.id, coupon["id"])
    post_new_events()
    client.force_login(user)

    page = client.get(reverse("billing")).content.decode()

    discount_end = from_timestamp(fake.objects["customer"][customer.id]["discount"]["end"])
    assert f"$5.00 off until {format_date(discount_end, 'F j, Y')}" in page
    assert "for $44.00" in page  # the next renewal, within the three months
