"""Sign-in is passwordless: allauth's password pages lead to the account page and set nothing."""

import pytest

pytestmark = pytest.mark.django_db

PASSWORD_PAGES = [
    "/accounts/password/set/",
    "/accounts/password/change/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/password/reset/key/1-set-password/",
]


@pytest.mark.parametrize("path", PASSWORD_PAGES)
def test_password_pages_lead_to_the_account_page(signed_in_client, path):
    response = signed_in_client.get(path)
    assert response.status_code == 302 and response["Location"] == "/account/"


def test_posting_a_password_sets_none(signed_in_client, user):
    signed_in_client.post("/accounts/password/set/", {"password1": "a-Long-secret-42", "password2": "a-Long-secret-42"})
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_password_reset_sends_no_email(client, user, mailoutbox):
    client.post("/accounts/password/reset/", {"email": user.email})
    assert mailoutbox == []
