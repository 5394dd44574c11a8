"""Google and GitHub as allauth sees them over HTTP, answered by ``responses`` in tests."""

import time
from urllib.parse import parse_qs, urlparse

import jwt

GOOGLE = {"client_id": "google-client-id.apps.googleusercontent.com", "secret": "google-secret"}
GITHUB = {"client_id": "github-client-id", "secret": "github-secret"}


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
