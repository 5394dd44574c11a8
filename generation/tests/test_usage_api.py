"""GET /api/usage (docs/api.md)."""

from datetime import datetime

import pytest

from billing.plans import FREE, TEAM
from generation.tests.conftest import post_generate
from tests.fake_llm import Failure

pytestmark = pytest.mark.django_db


def generate(client, times=1):
    for _ in range(times):
        assert post_generate(client, {"prompt": "Hi", "stream": False}).status_code == 200


def test_usage_shape_and_numbers(signed_in_client, user, fake_anthropic, time_machine):
    time_machine.move_to("2026-09-02 09:00:00+00:00", tick=False)
    generate(signed_in_client)
    time_machine.move_to("2026-09-03 09:00:00+00:00", tick=False)
    generate(signed_in_client, times=2)
    fake_anthropic.fail_next(Failure(status=529))
    post_generate(signed_in_client, {"prompt": "Hi", "stream": False})  # refunded: not counted

    response = signed_in_client.get("/api/usage")

    body = response.json()
    assert response.status_code == 200
    assert body["plan"] == "free"
    assert body["today"]["used"] == 2
    assert body["today"]["limit"] == FREE.daily_generations
    assert body["today"]["remaining"] == FREE.daily_generations - 2
    assert datetime.fromisoformat(body["today"]["reset_at"]) == datetime.fromisoformat("2026-09-04T00:00:00+00:00")
    assert body["month"]["start"] == "2026-09-01"
    assert body["month"]["generations"] == 3
    assert body["month"]["input_tokens"] > 0 and body["month"]["output_tokens"] > 0
    assert body["daily"] == [
        {"date": "2026-09-01", "generations": 0},
        {"date": "2026-09-02", "generations": 1},
        {"date": "2026-09-03", "generations": 2},
    ]
    assert response["X-Usage-Remaining"] == str(FREE.daily_generations - 2)


def test_unlimited_plan_has_null_limit_and_remaining(client, user_factory):
    client.force_login(user_factory(plan=TEAM.code))
    generate(client)

    today = client.get("/api/usage").json()["today"]

    assert (today["used"], today["limit"], today["remaining"]) == (1, None, None)


def test_usage_needs_authentication(client):
    response = client.get("/api/usage")
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
