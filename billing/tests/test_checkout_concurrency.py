"""Two checkouts of one user at the same moment leave one payable session, and no database
lock or connection is held while Stripe answers (PostgreSQL, real threads and connections)."""

import io
import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop(fake, user):
    call_command("setup_billing", stdout=io.StringIO())
    return fake


def stall_session_creation(fake, monkeypatch, during):
    """Run ``during()`` in the fake's request thread while Stripe is creating a Checkout session."""
    create = fake.create_checkout_session

    def create_after(params):
        during()
        return create(params)

    monkeypatch.setattr(fake, "create_checkout_session", create_after)


def test_the_user_row_is_not_locked_while_stripe_creates_the_session(shop, user, monkeypatch):
    seen = []

    def try_to_lock_the_user():
        try:
            with transaction.atomic():
                get_user_model().objects.select_for_update(nowait=True).get(pk=user.pk)
            seen.append("free")
        except DatabaseError:
            seen.append("locked")
        finally:
            connection.close()  # this thread's own connection

    stall_session_creation(shop, monkeypatch, try_to_lock_the_user)
    client = Client()
    client.force_login(user)

    response = client.post(reverse("checkout"), {"price": "pro_monthly"})

    assert response.status_code == 303
    assert seen == ["free"]


def test_simultaneous_checkouts_leave_one_payable_session(shop, user, monkeypatch):
    both_asked = threading.Barrier(2, timeout=10)
    # Each creation takes a while, so without a guard both checkouts would find nothing open to expire.
    stall_session_creation(shop, monkeypatch, lambda: time.sleep(0.5))

    def checkout(lookup_key, statuses):
        client = Client()
        client.force_login(user)
        both_asked.wait()
        statuses.append(client.post(reverse("checkout"), {"price": lookup_key}).status_code)
        connection.close()

    statuses = []
    threads = [threading.Thread(target=checkout, args=(key, statuses)) for key in ("pro_monthly", "team_monthly")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [303, 303]
    sessions = list(shop.objects["checkout.session"].values())
    assert len(sessions) == 2
    assert sorted(session["status"] for session in sessions) == ["expired", "open"]
    assert len(shop.objects["customer"]) == 1
