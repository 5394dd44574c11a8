"""Each 402 daily_limit_reached answer is logged (who, when) for the founder metrics, with one INSERT
on the refused path and nothing on the path that generates."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from billing.plans import FREE
from generation.models import DailyUsage, LimitHit
from generation.quota import usage_day
from generation.tests.conftest import post_generate

pytestmark = pytest.mark.django_db


def limit_hit_statements(queries) -> list[str]:
    return [query["sql"] for query in queries if "generation_limithit" in query["sql"]]


def test_a_refused_call_logs_one_limit_hit_with_one_insert(signed_in_client, user):
    DailyUsage.objects.create(user=user, day=usage_day(), used=FREE.daily_generations)

    with CaptureQueriesContext(connection) as queries:
        response = post_generate(signed_in_client, {"prompt": "One more", "stream": False})

    assert response.status_code == 402
    [statement] = limit_hit_statements(queries)
    assert statement.startswith("INSERT")
    hit = LimitHit.objects.get()
    assert hit.user == user
    assert abs(hit.created_at - timezone.now()).total_seconds() < 60


def test_every_refusal_counts(signed_in_client, user):
    DailyUsage.objects.create(user=user, day=usage_day(), used=FREE.daily_generations)

    for _ in range(3):
        post_generate(signed_in_client, {"prompt": "Again", "stream": False})

    assert LimitHit.objects.filter(user=user).count() == 3


def test_a_generation_within_the_limit_writes_no_limit_hit(signed_in_client, user):
    with CaptureQueriesContext(connection) as queries:
        response = post_generate(signed_in_client, {"prompt": "Hello", "stream": False})

    assert response.status_code == 200
    assert limit_hit_statements(queries) == []
    assert not LimitHit.objects.exists()


def test_other_refusals_are_not_limit_hits(signed_in_client, user):
    post_generate(signed_in_client, {"prompt": ""})  # 400
    post_generate(signed_in_client, {"prompt": "x" * 100_000})  # 413

    assert not LimitHit.objects.exists()
