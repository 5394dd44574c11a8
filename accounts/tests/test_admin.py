"""The staff user list and its actions: plan by hand, bans' neighbours, and what each reports.

Today's usage (a column and a reset action added by generation/admin.py) is tested in
generation/tests/test_admin.py."""

import io

import pytest
from django.core.management import call_command

from accounts.models import User
from accounts.tests.conftest import sign_in_by_code
from billing.plans import PLANS


@pytest.fixture
def staff_client(client_factory, user_factory):
    staff = user_factory(email="staff@example.com", is_staff=True, is_superuser=True)
    browser = client_factory()
    browser.force_login(staff)
    return browser


def run_action(staff_client, action, *users):
    response = staff_client.post(
        "/admin/accounts/user/", {"action": action, "_selected_action": [u.pk for u in users]}, follow=True
    )
    assert response.status_code == 200
    return response.content.decode()


def test_user_list_shows_plan_verification_and_sessions(staff_client, client_factory, user_factory):
    writer = user_factory(email="writer@example.com", plan="pro")
    user_factory(email="unverified@example.com", verified=False)
    sign_in_by_code(client_factory(), writer.email)

    response = staff_client.get("/admin/accounts/user/")

    page = response.content.decode()
    listed = {user.email: user for user in response.context["cl"].result_list}
    assert listed["writer@example.com"].session_count == 1
    assert listed["writer@example.com"].verified_email_exists
    assert not listed["unverified@example.com"].verified_email_exists
    for column in ("Plan", "Verified email", "Last seen", "Sessions"):
        assert column in page


@pytest.mark.parametrize("plan", list(PLANS))
def test_staff_set_a_plan_by_hand(staff_client, user_factory, plan):
    users = [user_factory(plan="free" if plan != "free" else "pro") for _ in range(2)]

    page = run_action(staff_client, f"set_plan_{plan}", *users)

    assert f"Set 2 users to the {PLANS[plan].name} plan." in page
    assert set(User.objects.filter(pk__in=[u.pk for u in users]).values_list("plan", flat=True)) == {plan}


def test_user_page_shows_the_stripe_summary_read_only(staff_client, user):
    page = staff_client.get(f"/admin/accounts/user/{user.pk}/change/").content.decode()
    assert "Stripe" in page
    assert "No Stripe customer" in page
    assert 'name="stripe_summary"' not in page


def test_createsuperuser_works_with_an_email(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a long staff passphrase 42")
    call_command("createsuperuser", "--noinput", "--email", "Boss@Example.com", stdout=io.StringIO())
    boss = User.objects.get()
    assert boss.email == "boss@example.com"
    assert boss.is_staff and boss.is_superuser
    assert boss.check_password("a long staff passphrase 42")
