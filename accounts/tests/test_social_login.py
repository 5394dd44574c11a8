"""Google and GitHub sign-in through allauth's real views, the providers answered at the HTTP layer.

allauth calls the providers with ``requests``; ``responses`` answers those calls and refuses
any other, so these tests never reach the network.
"""

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount

from accounts.models import User
from accounts.tests.conftest import last_code
from accounts.tests.oauth import github_answers, google_answers, sign_in_with


def current_user(client):
    return client.get("/dashboard/").wsgi_request.user


def test_login_page_shows_a_button_per_configured_provider(client, db, providers):
    page = client.get("/login/").content.decode()
    assert "Continue with Google" in page
    assert "Continue with GitHub" in page
    assert 'action="/accounts/google/login/?process=login"' in page


def test_login_page_hides_provider_buttons_without_keys(client, db, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    page = client.get("/login/").content.decode()
    assert "Continue with Google" not in page
    assert "Continue with GitHub" not in page


def test_google_sign_in_creates_a_signed_in_user_with_a_linked_account(client, db, providers, provider_http):
    google_answers(provider_http)

    response = sign_in_with(client, "google")

    assert response["Location"] == "/dashboard/"
    user = User.objects.get(email="ada@example.com")
    assert current_user(client) == user
    assert user.name == "Ada Lovelace"
    assert SocialAccount.objects.get(provider="google").user == user
    assert SocialAccount.objects.get(provider="google").uid == "google-uid-1"
    assert EmailAddress.objects.get(user=user).verified, "Google's verified email counts as verified"


def test_a_second_google_sign_in_reuses_the_user(client_factory, db, providers, provider_http):
    google_answers(provider_http)
    sign_in_with(client_factory(), "google")
    google_answers(provider_http)

    again = client_factory()
    sign_in_with(again, "google")

    assert current_user(again).email == "ada@example.com"
    assert User.objects.count() == 1
    assert SocialAccount.objects.count() == 1


def test_github_sign_in_creates_a_signed_in_user_with_a_linked_account(client, db, providers, provider_http):
    github_answers(provider_http)

    response = sign_in_with(client, "github")

    assert response["Location"] == "/dashboard/"
    user = User.objects.get(email="octo@example.com")
    assert current_user(client) == user
    account = SocialAccount.objects.get(provider="github")
    assert (account.user, account.uid) == (user, "4242")
    assert user.has_verified_email


def test_a_second_github_sign_in_reuses_the_user(client_factory, db, providers, provider_http):
    github_answers(provider_http)
    sign_in_with(client_factory(), "github")
    github_answers(provider_http)

    again = client_factory()
    sign_in_with(again, "github")

    assert current_user(again).email == "octo@example.com"
    assert User.objects.count() == 1
    assert SocialAccount.objects.count() == 1


@pytest.mark.parametrize("provider", ["google", "github"])
def test_a_provider_email_already_used_by_a_code_user_links_to_that_user(
    client, user_factory, providers, provider_http, provider
):
    existing = user_factory(email="ada@example.com")
    if provider == "google":
        google_answers(provider_http, email="ada@example.com")
    else:
        github_answers(provider_http, email="ada@example.com")

    sign_in_with(client, provider)

    assert current_user(client) == existing
    assert User.objects.count() == 1
    assert SocialAccount.objects.get(provider=provider).user == existing


def test_a_provider_error_shows_a_clear_failure_and_signs_nobody_in(client, db, providers, provider_http):
    provider_http.post("https://oauth2.googleapis.com/token", status=500, json={"error": "internal"})

    response = sign_in_with(client, "google")

    assert response.status_code == 401
    assert "We could not sign you in with Google" in response.content.decode()
    assert current_user(client).is_anonymous
    assert not User.objects.exists()


def test_a_banned_user_signing_in_with_google_is_told_the_account_is_suspended(
    client, user_factory, providers, provider_http
):
    google_answers(provider_http, email="banned@example.com")
    sign_in_with(client, "google")
    User.objects.filter(email="banned@example.com").update(is_active=False)
    client.logout()
    google_answers(provider_http, email="banned@example.com")

    response = sign_in_with(client, "google")

    assert response["Location"] == "/accounts/inactive/"
    assert "suspended" in client.get(response["Location"]).content.decode()
    assert current_user(client).is_anonymous


def test_a_banned_code_user_is_told_the_account_is_suspended_when_trying_google(
    client, user_factory, providers, provider_http
):
    banned = user_factory(email="banned@example.com", is_active=False)
    google_answers(provider_http, email="banned@example.com")

    response = sign_in_with(client, "google")

    assert response["Location"] == "/accounts/inactive/"
    assert current_user(client).is_anonymous
    assert list(User.objects.values_list("email", flat=True)) == [banned.email]
    assert not SocialAccount.objects.filter(user__is_active=True).exists()


def test_github_without_a_usable_email_asks_for_one_then_confirms_it(client, db, providers, provider_http):
    provider_http.post(
        "https://github.com/login/oauth/access_token", json={"access_token": "t", "token_type": "bearer"}
    )
    provider_http.get("https://api.github.com/user", json={"id": 7, "login": "quiet", "name": None, "email": None})
    provider_http.get("https://api.github.com/user/emails", json=[])

    response = sign_in_with(client, "github")
    assert response["Location"] == "/accounts/3rdparty/signup/"
    assert "did not give us an email address" in client.get(response["Location"]).content.decode()

    response = client.post("/accounts/3rdparty/signup/", {"email": "quiet@example.com"})
    assert response["Location"] == "/accounts/confirm-email/"
    client.post("/accounts/confirm-email/", {"code": last_code("quiet@example.com")})

    user = current_user(client)
    assert user.email == "quiet@example.com"
    assert user.has_verified_email
    assert SocialAccount.objects.get(provider="github").user == user
