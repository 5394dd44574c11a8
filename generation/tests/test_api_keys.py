"""Bearer API keys: no CSRF, revocation, last use."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import api_keys
from accounts.models import ApiKey, User
from billing.plans import FREE, PRO, TEAM
from generation.tests.conftest import post_generate

pytestmark = pytest.mark.django_db


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def bearer(raw_key):
    return {"Authorization": f"Bearer {raw_key}"}


def test_bearer_key_generates_without_csrf_and_records_last_use(csrf_client, user_factory):
    user = user_factory(plan=PRO.code)
    key, raw_key = ApiKey.issue(user, "CI")

    response = post_generate(csrf_client, {"prompt": "Hello", "stream": False}, **bearer(raw_key))

    assert response.status_code == 200
    assert response["X-Usage-Limit"] == str(PRO.daily_generations)
    key.refresh_from_db()
    assert key.last_used_at is not None
    assert user.generations.count() == 1


def test_bearer_key_reads_usage(csrf_client, user_factory):
    user = user_factory(plan=TEAM.code)
    _, raw_key = ApiKey.issue(user, "CLI")
    response = csrf_client.get("/api/usage", headers=bearer(raw_key))
    assert response.status_code == 200
    assert response.json()["plan"] == user.plan


@pytest.mark.parametrize("path", ["/api/generate", "/api/usage"])
def test_a_free_users_key_is_refused_with_an_upgrade_link(csrf_client, user, path):
    _, raw_key = ApiKey.issue(user, "Made before the plan changed")

    if path == "/api/generate":
        response = post_generate(csrf_client, {"prompt": "Hello", "stream": False}, **bearer(raw_key))
    else:
        response = csrf_client.get(path, headers=bearer(raw_key))

    assert response.status_code == 403
    body = response.json()
    assert body["error"] == "plan_required"
    assert body["upgrade_url"] == reverse("pricing")
    assert PRO.name in body["message"]
    assert not user.generations.exists()


@pytest.fixture
def key_cache_expires(settings, monkeypatch):
    """Lets API_KEY_CACHE_SECONDS pass for this process's cache of keys (accounts/api_keys.py): a
    change made in the database (by a webhook, the admin, another process) applies after that."""
    now = [1000.0]
    monkeypatch.setattr(api_keys, "monotonic", lambda: now[0])

    def expire():
        now[0] += settings.API_KEY_CACHE_SECONDS

    return expire


def test_a_downgraded_users_keys_stop_until_they_upgrade_again(csrf_client, user_factory, key_cache_expires):
    user = user_factory(plan=PRO.code)
    _, raw_key = ApiKey.issue(user, "CI")
    assert post_generate(csrf_client, {"prompt": "Hello", "stream": False}, **bearer(raw_key)).status_code == 200

    User.objects.filter(pk=user.pk).update(plan=FREE.code)
    key_cache_expires()
    refused = post_generate(csrf_client, {"prompt": "Hello", "stream": False}, **bearer(raw_key))
    User.objects.filter(pk=user.pk).update(plan=TEAM.code)
    key_cache_expires()
    restored = post_generate(csrf_client, {"prompt": "Hello", "stream": False}, **bearer(raw_key))

    assert refused.status_code == 403 and refused.json()["error"] == "plan_required"
    assert restored.status_code == 200
    assert user.generations.count() == 2


@pytest.mark.parametrize(
    "authorization", ["Bearer ink_not-a-real-key", "Bearer ", "Basic dXNlcjpwYXNz", "ink_no_scheme"]
)
def test_bad_keys_are_unauthorized(csrf_client, authorization):
    response = post_generate(csrf_client, {"prompt": "Hello"}, Authorization=authorization)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


def test_revoked_key_is_unauthorized(csrf_client, user):
    key, raw_key = ApiKey.issue(user, "Old")
    key.revoked_at = timezone.now()
    key.save()

    response = post_generate(csrf_client, {"prompt": "Hello"}, **bearer(raw_key))

    assert response.status_code == 401
    assert not user.generations.exists()


def test_key_of_a_deactivated_user_is_unauthorized(csrf_client, user):
    _, raw_key = ApiKey.issue(user, "Banned")
    user.is_active = False
    user.save()
    assert post_generate(csrf_client, {"prompt": "Hello"}, **bearer(raw_key)).status_code == 401


def test_bad_key_wins_over_a_valid_session(user):
    """An explicit credential that fails is never silently replaced by the cookie."""
    client = Client()
    client.force_login(user)
    response = post_generate(client, {"prompt": "Hello"}, **bearer("ink_wrong"))
    assert response.status_code == 401


def test_revoking_a_key_on_the_account_page_refuses_it_at_once(client, csrf_client, user_factory):
    """Even right after a call, when this process remembers the key."""
    user = user_factory(plan=PRO.code)
    key, raw_key = ApiKey.issue(user, "CI")
    assert post_generate(csrf_client, {"prompt": "Hello", "stream": False}, **bearer(raw_key)).status_code == 200

    client.force_login(user)
    client.post(reverse("api_key_revoke", args=[key.pk]))
    response = post_generate(csrf_client, {"prompt": "Hello", "stream": False}, **bearer(raw_key))

    assert response.status_code == 401
    assert user.generations.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        lambda key: ApiKey.objects.filter(pk=key.pk).update(revoked_at=timezone.now()),
        lambda key: User.objects.filter(pk=key.user_id).update(is_active=False),
    ],
    ids=["key revoked", "owner banned"],
)
def test_a_key_revoked_or_banned_by_another_process_is_refused_within_the_cache_time(
    csrf_client, user_factory, key_cache_expires, change
):
    user = user_factory(plan=PRO.code)
    key, raw_key = ApiKey.issue(user, "CI")
    assert post_generate(csrf_client, {"prompt": "Hello", "stream": False}, **bearer(raw_key)).status_code == 200

    change(key)  # in the database only, as another process would
    key_cache_expires()

    response = post_generate(csrf_client, {"prompt": "Hello", "stream": False}, **bearer(raw_key))
    assert response.status_code == 401
    assert user.generations.count() == 1
