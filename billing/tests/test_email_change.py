"""A changed email address reaches the user's Stripe customer, so receipts follow it."""

import pytest
from django.urls import reverse

from accounts.tests.conftest import last_code

pytestmark = pytest.mark.django_db


def change_email(client, new_email):
    client.post(reverse("account_email"), {"email": new_email, "action_add": ""})
    client.post(reverse("account_email_verification_sent"), {"code": last_code(new_email)})


def test_the_stripe_customer_gets_the_new_address_once_it_is_confirmed(
    client, user, customer, fake, django_capture_on_commit_callbacks
):
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        change_email(client, "moved@example.com")

    assert fake.objects["customer"][customer.id]["email"] == "moved@example.com"


def test_stripe_refusing_the_update_does_not_undo_the_change(
    client, user, customer, fake, settings, django_capture_on_commit_callbacks
):
    client.force_login(user)
    settings.STRIPE_SECRET_KEY = "sk_test_revoked"

    with django_capture_on_commit_callbacks(execute=True):
        change_email(client, "moved@example.com")

    user.refresh_from_db()
    assert user.email == "moved@example.com"
    assert fake.objects["customer"][customer.id]["email"] != "moved@example.com"
