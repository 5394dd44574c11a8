"""The account page's profile: a display name, and changing the email address by an emailed code."""

import html

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.tests.conftest import last_code

pytestmark = pytest.mark.django_db


def test_a_user_sets_and_clears_their_display_name(signed_in_client, user):
    response = signed_in_client.post(reverse("change_display_name"), {"name": "  Ada Lovelace "}, follow=True)

    user.refresh_from_db()
    assert user.name == "Ada Lovelace"
    assert "Your display name is saved." in response.content.decode()

    signed_in_client.post(reverse("change_display_name"), {"name": ""})
    user.refresh_from_db()
    assert user.display_name == user.email.split("@")[0]


def test_a_too_long_name_is_refused_with_the_page_kept(signed_in_client, user):
    response = signed_in_client.post(reverse("change_display_name"), {"name": "x" * 151})

    assert response.status_code == 400
    assert "at most 150 characters" in response.content.decode()


def test_changing_the_email_takes_effect_only_once_the_new_address_enters_its_code(signed_in_client, user):
    old = user.email
    response = signed_in_client.post(reverse("account_email"), {"email": "new@example.com", "action_add": ""})

    assert response["Location"] == reverse("account_email_verification_sent")
    assert mail.outbox[-1].to == ["new@example.com"]
    user.refresh_from_db()
    assert user.email == old

    response = signed_in_client.post(
        reverse("account_email_verification_sent"), {"code": last_code("new@example.com")}, follow=True
    )

    user.refresh_from_db()
    assert user.email == "new@example.com"
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")) == [
        ("new@example.com", True, True)
    ]
    assert response.redirect_chain[-1][0] == reverse("account") + "#email"


def test_a_wrong_code_leaves_the_email_unchanged(signed_in_client, user):
    old = user.email
    signed_in_client.post(reverse("account_email"), {"email": "new@example.com", "action_add": ""})

    response = signed_in_client.post(reverse("account_email_verification_sent"), {"code": "AAAA-AAAA"})

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.email == old


def test_an_address_of_another_account_cannot_be_taken(signed_in_client, user, user_factory):
    other = user_factory()

    signed_in_client.post(reverse("account_email"), {"email": other.email, "action_add": ""})

    user.refresh_from_db()
    assert user.email != other.email
    assert not EmailAddress.objects.filter(user=user, email=other.email).exists()


def test_allauths_email_page_shows_the_account_page(signed_in_client):
    assert signed_in_client.get(reverse("account_email"))["Location"] == reverse("account") + "#email"


@pytest.mark.parametrize(
    ("address", "refusal"),
    [
        ("not-an-address", "Enter a valid email address."),
        ("current", "This email address is already associated with this account."),
    ],
)
def test_a_refused_new_address_is_explained_on_the_account_page(signed_in_client, user, address, refusal):
    address = user.email if address == "current" else address
    response = signed_in_client.post(reverse("account_email"), {"email": address, "action_add": ""})

    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert refusal in page and 'id="change-email" open' in page
    assert f'value="{address}"' in page
    assert not mail.outbox
