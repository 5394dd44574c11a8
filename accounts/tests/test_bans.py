"""Staff ban a user from the admin: every session ends at once and sign-in says "suspended"."""

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session

from accounts.tests.conftest import sign_in_by_code


@pytest.fixture
def staff_client(client_factory, user_factory):
    staff = user_factory(is_staff=True, is_superuser=True)
    browser = client_factory()
    browser.force_login(staff)
    return browser


def run_action(staff_client, action, *users):
    return staff_client.post(
        "/admin/accounts/user/", {"action": action, "_selected_action": [u.pk for u in users]}, follow=True
    )


def who(client):
    return client.get("/dashboard/").wsgi_request.user


def test_ban_ends_both_sessions_at_once(staff_client, client_factory, user):
    laptop, phone = client_factory(), client_factory()
    sign_in_by_code(laptop, user.email)
    sign_in_by_code(phone, user.email)
    assert who(laptop) == user and who(phone) == user
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    assert len(keys) == 2

    response = run_action(staff_client, "ban", user)

    assert "Banned 1 user and ended 2 sessions." in response.content.decode()
    assert who(laptop).is_anonymous
    assert who(phone).is_anonymous
    assert not UserSession.objects.filter(user=user).exists()
    assert not Session.objects.filter(session_key__in=keys).exists()
    user.refresh_from_db()
    assert not user.is_active
    assert user.banned_at is not None


def test_a_banned_user_who_signs_in_is_told_the_account_is_suspended(staff_client, client, user):
    run_action(staff_client, "ban", user)

    response = sign_in_by_code(client, user.email)

    assert response["Location"] == "/accounts/inactive/"
    page = client.get("/accounts/inactive/").content.decode()
    assert "Your account is suspended" in page
    assert who(client).is_anonymous


def test_unban_lets_the_user_sign_in_again(staff_client, client, user):
    run_action(staff_client, "ban", user)

    response = run_action(staff_client, "unban", user)

    assert "Unbanned 1 user." in response.content.decode()
    sign_in_by_code(client, user.email)
    assert who(client) == user
    user.refresh_from_db()
    assert user.is_active and user.banned_at is None


def test_banning_twice_reports_no_change(staff_client, user):
    run_action(staff_client, "ban", user)
    response = run_action(staff_client, "ban", user)
    assert "Banned 0 users and ended 0 sessions." in response.content.decode()


def test_end_all_sessions_signs_the_user_out_everywhere_without_banning(staff_client, client_factory, user):
    laptop, phone = client_factory(), client_factory()
    sign_in_by_code(laptop, user.email)
    sign_in_by_code(phone, user.email)

    response = run_action(staff_client, "end_all_sessions", user)

    assert "Ended 2 sessions of 1 user." in response.content.decode()
    assert who(laptop).is_anonymous and who(phone).is_anonymous
    sign_in_by_code(laptop, user.email)
    assert who(laptop) == user


def test_staff_cannot_ban_themselves(staff_client, user):
    staff = who(staff_client)

    response = run_action(staff_client, "ban", staff, user)

    page = response.content.decode()
    assert "You cannot ban yourself" in page and "Banned 1 user" in page
    staff.refresh_from_db()
    user.refresh_from_db()
    assert staff.is_active and not user.is_active
    assert staff_client.get("/admin/").status_code == 200
