"""The counter resets at midnight in USAGE_TIMEZONE, with no cron: a new day is a new row."""

from datetime import datetime

import pytest

from billing.plans import FREE
from generation.models import DailyUsage
from generation.tests.conftest import post_generate

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_york(settings):
    settings.USAGE_TIMEZONE = "America/New_York"


def generate(client):
    return post_generate(client, {"prompt": "Hi", "stream": False})


def test_limit_resets_at_local_midnight_not_utc_midnight(signed_in_client, user, new_york, time_machine):
    time_machine.move_to("2026-07-01 23:50:00-04:00", tick=False)
    for _ in range(FREE.daily_generations):
        assert generate(signed_in_client).status_code == 200
    refused = generate(signed_in_client)
    assert refused.status_code == 402
    assert datetime.fromisoformat(refused.json()["reset_at"]) == datetime.fromisoformat("2026-07-02T00:00:00-04:00")

    time_machine.move_to("2026-07-01 23:59:59-04:00", tick=False)  # already July 2nd in UTC
    assert generate(signed_in_client).status_code == 402

    time_machine.move_to("2026-07-02 00:00:00-04:00", tick=False)
    response = generate(signed_in_client)
    assert response.status_code == 200
    assert response.json()["remaining"] == FREE.daily_generations - 1
    assert datetime.fromisoformat(response["X-Usage-Reset"]) == datetime.fromisoformat("2026-07-03T00:00:00-04:00")

    rows = {str(day): used for day, used in DailyUsage.objects.filter(user=user).values_list("day", "used")}
    assert rows == {"2026-07-01": FREE.daily_generations, "2026-07-02": 1}


def test_usage_api_reports_the_new_day(signed_in_client, new_york, time_machine):
    time_machine.move_to("2026-07-01 22:00:00-04:00", tick=False)
    generate(signed_in_client)
    assert signed_in_client.get("/api/usage").json()["today"]["used"] == 1

    time_machine.move_to("2026-07-02 00:00:01-04:00", tick=False)
    today = signed_in_client.get("/api/usage").json()["today"]
    assert (today["used"], today["remaining"]) == (0, FREE.daily_generations)
