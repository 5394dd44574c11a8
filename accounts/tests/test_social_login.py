"""Google and GitHub sign-in through allauth's real views, the providers answered at the HTTP layer.

allauth calls the providers with ``requests``; ``responses`` answers those calls and refuses
any other, so these tests never reach the network.
"""

import time
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
import responses
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount

from accounts.models import User

GOOGLE = {"client_id": "google-client-id.apps.googleusercontent.com", "secret": "google-secret"}
GITHUB = {"client_id": "github-client-id", "secret": "github-secret"}


@pytest.fixture
def providers(settings):
    """Both providers configured, as config/settings.py does when their env keys are set."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        "google": {"APP": GOOGLE, "SCOPE": ["profile", "email"], "EMAIL_AUTHENTICATION": True},
        "github": {"APP": GITHUB, "SCOPE": ["user:email"], "EMAIL_AUTHENTICATION": True},
    }


@pytest.fixture
def provider_http():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def google_answers(http, *, sub="google-uid-1", email="ada@example.com", name="Ada Lovelace", verified=True):
    now = int(time.time())
    id_token = jwt.encode(
        {
            "iss": "https://accounts.google.com",
            "aud": GOOGLE["client_id"],
            "sub": sub,
            "email": email,
            "email_verified": verified,
            "name": name,
            "iat": now,
            "exp": now + 3600,
        },
        "key-unused-because-the-token-comes-straight-from-googles-token-endpoint",
        algorithm="HS256",
    )
    http.post(
        "https://oauth2.googleapis.com/token",
        json={"access_token": "google-access-token", "expires_in": 3599, "token_type": "Bearer", "id_token": id_token},
    )


def github_answers(http, *, uid=4242, login="octocat", email="octo@example.com", name="Octo Cat"):
    http.post(
        "https://github.com/login/oauth/access_token",
        json={"access_token": "gho_token", "token_type": "bearer", "scope": "user:email"},
    )
    http.get("https://api.github.com/user", json={"id": uid, "login": login, "name": name, "email": None})
    http.get(
        "https://api.github.com/user/emails",
        json=[{"email": email, "primary": True, "verified": True, "visibility": "private"}],
    )


def sign_in_with(client, provider, data=None):
    """POST to allauth's provider login view, then come back to its callback as the provider would."""
    response = client.post(f"/accounts/{provider}/login/", data or {})
    assert response.status_code == 302
    authorize = urlparse(response["Location"])
    state = parse_qs(authorize.query)["state"][0]
    return client.get(f"/accounts/{provider}/login/callback/", {"code": "authorization-code", "state": state})


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
