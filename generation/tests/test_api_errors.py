"""Every row of the error table in docs/api.md, the X-Usage-* headers, and "a rejected call never reaches the model"."""

import json
from datetime import datetime

import pytest
from django.test import Client

from accounts.models import ApiKey
from billing.plans import FREE, PRO
from generation.models import DailyUsage, Generation
from generation.quota import usage_day
from generation.tests.conftest import post_generate

pytestmark = pytest.mark.django_db


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["error"] == code
    assert isinstance(body["message"], str) and body["message"]
    return body


def assert_nothing_spent(fake):
    assert fake.requests == []
    assert not Generation.objects.exists()
    assert not DailyUsage.objects.filter(used__gt=0).exists()


def use_up(user, plan):
    DailyUsage.objects.create(user=user, day=usage_day(), used=plan.daily_generations)


def test_anonymous_caller_is_unauthorized_without_usage_headers(client, fake_anthropic):
    response = post_generate(client, {"prompt": "Hello"})
    assert_error(response, 401, "unauthorized")
    assert "X-Usage-Limit" not in response
    assert_nothing_spent(fake_anthropic)


@pytest.mark.parametrize(
    "body",
    ["{not json", "[1, 2]", "", '"just a string"', "[" * 100_000, '{"prompt": "\\ud800"}'],
    ids=["broken", "list", "empty", "str", "deep", "lone-surrogate"],
)
def test_bad_json_is_invalid_request(signed_in_client, fake_anthropic, body):
    assert_error(post_generate(signed_in_client, body), 400, "invalid_request")
    assert_nothing_spent(fake_anthropic)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"prompt": ""},
        {"prompt": "   \n"},
        {"prompt": 42},
        {"prompt": ["a"]},
        {"prompt": None},
        {"prompt": "x", "stream": "yes"},
        {"prompt": "nul \x00 byte"},
        {"prompt": "x", "team": {"slug": "acme"}},
        {"prompt": "x", "document": "12abc"},
        {"prompt": "x", "document": True},
    ],
    ids=[
        "missing",
        "empty",
        "blank",
        "number",
        "list",
        "null",
        "bad-stream",
        "nul",
        "team-object",
        "doc-text",
        "doc-bool",
    ],
)
def test_bad_prompt_is_invalid_request(signed_in_client, fake_anthropic, body):
    assert_error(post_generate(signed_in_client, body), 400, "invalid_request")
    assert_nothing_spent(fake_anthropic)


def test_unknown_or_huge_document_id_is_not_found(signed_in_client, fake_anthropic):
    for document in (10**30, 123456):
        assert_error(post_generate(signed_in_client, {"prompt": "x", "document": document}), 404, "not_found")
    assert_nothing_spent(fake_anthropic)


@pytest.mark.parametrize("document", ["²", "١٢", "-1", " 12"], ids=["superscript", "arabic-indic", "negative", "space"])
def test_document_id_that_is_not_ascii_digits_is_invalid_request(signed_in_client, fake_anthropic, document):
    assert_error(post_generate(signed_in_client, {"prompt": "x", "document": document}), 400, "invalid_request")
    assert_nothing_spent(fake_anthropic)


def test_prompt_over_the_maximum_is_413(signed_in_client, fake_anthropic, settings):
    settings.PROMPT_MAX_CHARS = 50
    assert post_generate(signed_in_client, {"prompt": "x" * 50, "stream": False}).status_code == 200
    fake_anthropic.requests.clear()
    Generation.objects.all().delete()
    DailyUsage.objects.all().delete()

    assert_error(post_generate(signed_in_client, {"prompt": "x" * 51}), 413, "prompt_too_long")
    assert_nothing_spent(fake_anthropic)


def test_unverified_free_user_must_verify_email(client, user_factory, fake_anthropic):
    client.force_login(user_factory(verified=False))
    assert_error(post_generate(client, {"prompt": "Hello"}), 403, "email_unverified")
    assert_nothing_spent(fake_anthropic)


def test_unverified_paying_user_may_generate(client, user_factory):
    client.force_login(user_factory(verified=False, plan=PRO.code))
    assert post_generate(client, {"prompt": "Hello", "stream": False}).status_code == 200


def test_daily_limit_reached_is_402_with_the_upgrade_details(signed_in_client, user, fake_anthropic, time_machine):
    time_machine.move_to("2026-05-04 15:30:00+00:00", tick=False)
    use_up(user, FREE)

    response = post_generate(signed_in_client, {"prompt": "Hello"})

    body = assert_error(response, 402, "daily_limit_reached")
    assert body["limit"] == FREE.daily_generations
    assert body["remaining"] == 0
    assert datetime.fromisoformat(body["reset_at"]) == datetime.fromisoformat("2026-05-05T00:00:00+00:00")
    assert body["upgrade_url"] == "/pricing/"
    assert response["X-Usage-Remaining"] == "0"
    assert fake_anthropic.requests == []
    assert not Generation.objects.exists()
    assert DailyUsage.objects.get(user=user).used == FREE.daily_generations


def test_limit_allows_exactly_the_plan_count(signed_in_client, user):
    statuses = [post_generate(signed_in_client, {"prompt": "Hi", "stream": False}).status_code for _ in range(11)]
    assert statuses == [200] * FREE.daily_generations + [402]
    assert DailyUsage.objects.get(user=user).used == FREE.daily_generations


def test_burst_rate_limit_is_429_with_retry_after(signed_in_client, user, settings, fake_anthropic):
    settings.RATE_LIMIT_PER_MINUTE = 2
    for _ in range(2):
        assert post_generate(signed_in_client, {"prompt": "Hi", "stream": False}).status_code == 200

    response = post_generate(signed_in_client, {"prompt": "Hi"})

    assert_error(response, 429, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 60
    assert len(fake_anthropic.requests) == 2
    assert Generation.objects.count() == 2
    assert DailyUsage.objects.get(user=user).used == 2


def test_rate_limit_of_zero_turns_it_off(signed_in_client, settings):
    settings.RATE_LIMIT_PER_MINUTE = 0
    statuses = {post_generate(signed_in_client, {"prompt": "Hi", "stream": False}).status_code for _ in range(5)}
    assert statuses == {200}


def test_rate_limit_window_resets_after_a_minute(signed_in_client, settings, time_machine):
    settings.RATE_LIMIT_PER_MINUTE = 1
    time_machine.move_to("2026-05-04 10:00:05+00:00", tick=False)
    assert post_generate(signed_in_client, {"prompt": "Hi", "stream": False}).status_code == 200
    assert post_generate(signed_in_client, {"prompt": "Hi", "stream": False}).status_code == 429
    time_machine.move_to("2026-05-04 10:01:05+00:00", tick=False)
    assert post_generate(signed_in_client, {"prompt": "Hi", "stream": False}).status_code == 200


@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
def test_body_over_the_upload_limit_is_413_json(signed_in_client, fake_anthropic, settings, content_type):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"prompt": "x" * 2000})

    response = signed_in_client.post("/api/generate", body, content_type=content_type)

    assert_error(response, 413, "prompt_too_long")
    assert response["X-Usage-Limit"] == str(FREE.daily_generations)
    assert_nothing_spent(fake_anthropic)


def test_session_post_without_csrf_token_is_refused(user, fake_anthropic):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = post_generate(client, {"prompt": "Hello"})

    assert_error(response, 403, "csrf_failed")
    assert response["X-Usage-Limit"] == str(FREE.daily_generations)
    assert_nothing_spent(fake_anthropic)


def test_session_post_with_csrf_token_is_accepted(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/generate/")
    token = client.cookies["csrftoken"].value

    response = post_generate(client, {"prompt": "Hello", "stream": False}, **{"X-CSRFToken": token})

    assert response.status_code == 200


def test_wrong_method_is_a_json_405(signed_in_client):
    response = signed_in_client.get("/api/generate")
    assert_error(response, 405, "method_not_allowed")


def test_wrong_method_with_an_api_key_still_carries_usage_headers(client, user_factory):
    _, raw_key = ApiKey.issue(user_factory(plan=PRO.code), "CLI")

    response = client.get("/api/generate", headers={"Authorization": f"Bearer {raw_key}"})

    assert_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "POST"
    assert response["X-Usage-Limit"] == str(PRO.daily_generations)
    assert response["X-Usage-Remaining"] == str(PRO.daily_generations)


def test_wrong_method_from_a_stranger_is_unauthorized(client):
    assert_error(client.get("/api/generate"), 401, "unauthorized")


@pytest.mark.parametrize("path", ["/api/generate/", "/api/usage/", "/api/", "/api/v2/generate"])
def test_unknown_api_address_is_a_json_404(user, fake_anthropic, path):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(path, '{"prompt": "x"}', content_type="application/json")
    assert_error(response, 404, "not_found")
    assert_nothing_spent(fake_anthropic)


def test_usage_headers_on_success_and_on_errors(signed_in_client, time_machine):
    time_machine.move_to("2026-05-04 15:30:00+00:00", tick=False)
    ok = post_generate(signed_in_client, {"prompt": "Hello", "stream": False})
    bad = post_generate(signed_in_client, {"prompt": ""})
    streamed = post_generate(signed_in_client, {"prompt": "Hello"})

    assert (ok["X-Usage-Limit"], ok["X-Usage-Remaining"]) == (str(FREE.daily_generations), "9")
    assert (bad["X-Usage-Limit"], bad["X-Usage-Remaining"]) == (str(FREE.daily_generations), "9")
    assert streamed["X-Usage-Remaining"] == "8"
    for response in (ok, bad, streamed):
        assert datetime.fromisoformat(response["X-Usage-Reset"]) == datetime.fromisoformat("2026-05-05T00:00:00+00:00")
