"""Passwordless sign-up and sign-in by emailed code (allauth login-by-code and verification-by-code)."""

from datetime import timedelta

import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone

from accounts.models import User
from accounts.tests.conftest import last_code, request_code, sign_in_by_code


def signed_in_user(client):
    return client.get("/dashboard/").wsgi_request.user


def test_login_page_asks_for_an_email_only(client, db):
    page = client.get("/login/").content.decode()
    assert 'name="email"' in page
    assert 'type="password"' not in page


def test_a_new_email_on_the_login_page_creates_a_verified_account_once_the_code_is_confirmed(client, db):
    response = request_code(client, "new@example.com")
    assert response["Location"] == "/accounts/login/code/confirm/"
    assert mail.outbox[-1].subject == "Your Inkwell sign-in code"
    assert not User.objects.exists()

    response = client.post("/accounts/login/code/confirm/", {"code": last_code("new@example.com")})

    assert response["Location"] == "/dashboard/"
    user = User.objects.get(email="new@example.com")
    assert signed_in_user(client) == user
    assert user.plan == "free"
    assert user.has_verified_email


def test_signup_page_creates_an_account_by_code(client, db):
    response = client.post("/accounts/signup/", {"email": "writer@example.com"})
    assert response["Location"] == "/accounts/login/code/confirm/"
    assert not User.objects.exists()
    client.post("/accounts/login/code/confirm/", {"code": last_code("writer@example.com")})
    assert signed_in_user(client).email == "writer@example.com"
    assert EmailAddress.objects.get(email="writer@example.com").verified


def test_an_existing_user_signs_in_with_an_emailed_code(client, user):
    response = request_code(client, user.email)
    assert response["Location"] == "/accounts/login/code/confirm/"
    assert mail.outbox[-1].subject == "Your Inkwell sign-in code"

    response = client.post("/accounts/login/code/confirm/", {"code": last_code(user.email)})

    assert response["Location"] == "/dashboard/"
    assert signed_in_user(client) == user
    assert User.objects.count() == 1


def test_signing_in_by_code_verifies_an_unverified_address(client, user_factory):
    user = user_factory(verified=False)
    sign_in_by_code(client, user.email)
    assert signed_in_user(client) == user
    assert user.has_verified_email


def test_a_wrong_code_is_refused_and_the_right_one_still_works(client, user):
    request_code(client, user.email)
    response = client.post("/accounts/login/code/confirm/", {"code": "AAAA-AAAA"})
    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert signed_in_user(client).is_anonymous

    client.post("/accounts/login/code/confirm/", {"code": last_code(user.email)})
    assert signed_in_user(client) == user


def test_three_wrong_codes_void_the_code(client, user):
    request_code(client, user.email)
    code = last_code(user.email)
    for _ in range(3):
        response = client.post("/accounts/login/code/confirm/", {"code": "AAAA-AAAA"})
    assert response.status_code == 302

    client.post("/accounts/login/code/confirm/", {"code": code})
    assert signed_in_user(client).is_anonymous


def test_an_expired_code_is_refused(client, user):
    request_code(client, user.email)
    code = last_code(user.email)
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        client.post("/accounts/login/code/confirm/", {"code": code})
        assert signed_in_user(client).is_anonymous


def test_an_expired_verification_code_is_refused(client, db):
    request_code(client, "late@example.com")
    code = last_code("late@example.com")
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        client.post("/accounts/login/code/confirm/", {"code": code})
        assert signed_in_user(client).is_anonymous
    assert not User.objects.exists()


def test_code_requests_for_one_address_are_rate_limited(client, user):
    for _ in range(3):
        assert request_code(client, user.email).status_code == 302
    sent = len(mail.outbox)

    response = request_code(client, user.email)

    assert response.status_code == 200
    assert "Too many" in response.content.decode()
    assert len(mail.outbox) == sent


def test_a_bad_email_is_refused_and_kept_in_the_form(client, db):
    response = client.post("/login/", {"email": "not-an-email"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="not-an-email"' in page
    assert "valid email" in page
    assert not mail.outbox


def test_signed_in_users_skip_the_login_page(signed_in_client):
    assert signed_in_client.get("/login/")["Location"] == "/dashboard/"


def test_allauths_password_login_page_leads_to_the_code_page(client, db):
    assert client.get("/accounts/login/?next=/history/")["Location"] == "/login/?next=/history/"


def test_sign_out_ends_the_session(client, user):
    sign_in_by_code(client, user.email)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert signed_in_user(client).is_anonymous


def test_typing_another_address_replaces_a_pending_code(client, user_factory):
    first, second = user_factory(), user_factory()
    request_code(client, first.email)
    response = request_code(client, second.email)
    client.post(response["Location"], {"code": last_code(second.email)})
    assert signed_in_user(client) == second


def test_typing_a_new_address_after_a_pending_sign_up_signs_up_the_new_one(client, db):
    request_code(client, "typo@exmaple.com")
    response = request_code(client, "right@example.com")
    client.post(response["Location"], {"code": last_code("right@example.com")})
    assert signed_in_user(client).email == "right@example.com"


def test_code_requests_from_one_ip_are_rate_limited(client, db):
    for n in range(20):
        assert request_code(client, f"burst{n}@example.com").status_code == 302
        client.cookies.clear()

    response = request_code(client, "one-too-many@example.com")

    assert response.status_code == 200
    assert "Too many" in response.content.decode()
    assert not User.objects.filter(email="one-too-many@example.com").exists()


def test_sign_ups_from_one_ip_are_rate_limited_with_a_friendly_page(client, db):
    for n in range(20):
        assert client.post("/accounts/signup/", {"email": f"burst{n}@example.com"}).status_code == 302
        client.cookies.clear()

    response = client.post("/accounts/signup/", {"email": "one-too-many@example.com"})

    assert response.status_code == 200
    assert "Too many" in response.content.decode()
    assert 'value="one-too-many@example.com"' in response.content.decode()
    assert not User.objects.exists()


def test_an_unverified_user_confirms_the_address_from_the_account_page(client, user_factory):
    user = user_factory(verified=False)
    client.force_login(user)
    assert "Send a confirmation code" in client.get("/account/").content.decode()

    response = client.post("/accounts/email/", {"action_send": "", "email": user.email})
    assert response["Location"] == "/accounts/confirm-email/"
    client.post("/accounts/confirm-email/", {"code": last_code(user.email)})

    assert user.has_verified_email
    assert "Verified" in client.get("/account/").content.decode()


def test_sign_in_returns_to_the_page_that_asked_for_it(client, user):
    page = client.get("/login/?next=/history/").content.decode()
    assert 'name="next" value="/history/"' in page

    response = client.post("/login/", {"email": user.email, "next": "/history/"})
    response = client.post(response["Location"], {"code": last_code(user.email)})

    assert response["Location"] == "/history/"


def test_sign_up_returns_to_the_page_that_asked_for_it(client, db):
    response = client.post("/login/", {"email": "new@example.com", "next": "/pricing/"})
    response = client.post(response["Location"], {"code": last_code("new@example.com")})
    assert response["Location"] == "/pricing/"
