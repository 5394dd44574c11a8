"""API keys on the account page: the secret is shown once, only its hash is stored, keys can be revoked."""

import re

import pytest
from django.urls import reverse

from accounts.models import ApiKey
from billing.plans import PRO


@pytest.fixture
def user(user_factory):
    """API keys come with Pro and Team (billing/plans.py); the Free refusal is tested below."""
    return user_factory(plan=PRO.code)


def test_a_free_user_is_offered_an_upgrade_instead_of_a_key(client, user_factory):
    free_user = user_factory(plan="free")
    client.force_login(free_user)

    page = client.get("/account/").content.decode()
    response = client.post("/account/api-keys/", {"name": "Sneaky"})

    assert "Create key" not in page
    assert f"API keys come with the {PRO.name} plan" in page
    assert f'href="{reverse("pricing")}"' in page.split('id="api-keys"', 1)[1]
    assert response.status_code == 403
    assert "Upgrade to create and use them" in response.content.decode()
    assert not ApiKey.objects.exists()


def test_creating_a_key_shows_the_secret_once_and_stores_only_its_hash(signed_in_client, user):
    response = signed_in_client.post("/account/api-keys/", {"name": "Zapier"})

    page = response.content.decode()
    key = ApiKey.objects.get(user=user)
    raw_key = response.context["raw_key"]
    assert raw_key.startswith("ink_")
    assert raw_key in page
    assert key.name == "Zapier"
    assert key.key_hash == ApiKey.hash(raw_key)
    assert raw_key not in (key.prefix, key.key_hash)
    assert "no-store" in response["Cache-Control"]
    later = signed_in_client.get("/account/").content.decode()
    assert raw_key not in later
    assert "Zapier" in later and key.prefix in later


def test_htmx_create_answers_with_the_api_keys_section_only(signed_in_client, user):
    response = signed_in_client.post("/account/api-keys/", {"name": "CLI"}, HTTP_HX_REQUEST="true")

    page = response.content.decode()
    key = ApiKey.objects.get(user=user)
    shown = re.search(r'value="(ink_[^"]+)"', page).group(1)
    assert page.lstrip().startswith('<section class="card stack" id="api-keys">')
    assert "<html" not in page
    assert ApiKey.hash(shown) == key.key_hash


def test_a_key_needs_a_name_and_nothing_is_created_without_one(signed_in_client, user):
    response = signed_in_client.post("/account/api-keys/", {"name": ""})
    assert "This field is required." in response.content.decode()
    assert not ApiKey.objects.exists()


def test_revoking_a_key_marks_it_revoked_and_hides_it(signed_in_client, user):
    key, _ = ApiKey.issue(user, "Old laptop")

    response = signed_in_client.post(f"/account/api-keys/{key.pk}/revoke/", follow=True)

    key.refresh_from_db()
    assert key.revoked_at is not None
    assert "“Old laptop” revoked" in response.content.decode()
    assert key.prefix not in response.content.decode().split("API keys", 1)[1]


def test_a_user_cannot_revoke_someone_elses_key(signed_in_client, user_factory):
    key, _ = ApiKey.issue(user_factory(), "theirs")
    assert signed_in_client.post(f"/account/api-keys/{key.pk}/revoke/").status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None


def test_key_pages_refuse_get(signed_in_client):
    assert signed_in_client.get("/account/api-keys/").status_code == 405
