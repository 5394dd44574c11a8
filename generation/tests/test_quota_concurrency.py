"""The quota invariant (docs/architecture.md) under concurrency, on PostgreSQL with real transactions.

Many threads, each with its own database connection, hit POST /api/generate for one user at
the same moment (released together by a barrier). Exactly the plan's limit may succeed. The
control runs the same requests through a naive read-then-write quota, with every read forced
before any write, and shows it over-grants: what these tests would catch.
"""

import threading

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.test import Client

from billing.plans import FREE, PRO
from generation import quota
from generation.models import DailyUsage, Generation

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def pool_size() -> int:
    """How many connections this process's pool lends at once (DATABASE_POOL_MAX_SIZE)."""
    return connection.settings_dict["OPTIONS"]["pool"]["max_size"]


@pytest.fixture(autouse=True)
def fast_demo_model(settings):
    settings.LLM_PROVIDER = "demo"
    settings.DEMO_DELAY_SECONDS = 0
    settings.RATE_LIMIT_PER_MINUTE = 0


def hammer(user, requests: int) -> list[int]:
    """Send ``requests`` simultaneous generations for ``user``; their status codes."""
    signed_in = Client()
    signed_in.force_login(user)
    barrier = threading.Barrier(requests)
    # All requests are released together; as many run at once as the pool lends connections, the
    # rest queue here rather than in the pool (whose wait has a timeout).
    slots = threading.BoundedSemaphore(min(requests, pool_size()))
    statuses = []

    def one_request():
        client = Client()
        client.cookies = signed_in.cookies
        barrier.wait()
        with slots:
            try:
                response = client.post(
                    "/api/generate", {"prompt": "Race", "stream": False}, content_type="application/json"
                )
                statuses.append(response.status_code)
            finally:
                connection.close()

    threads = [threading.Thread(target=one_request) for _ in range(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def assert_exactly_limit_granted(user, plan, requests):
    statuses = hammer(user, requests)

    assert len(statuses) == requests
    assert statuses.count(200) == plan.daily_generations
    assert statuses.count(402) == requests - plan.daily_generations
    assert DailyUsage.objects.get(user=user).used == plan.daily_generations
    assert Generation.objects.filter(user=user, status="completed").count() == plan.daily_generations
    assert Generation.objects.filter(user=user).count() == plan.daily_generations


def test_free_user_gets_exactly_the_daily_limit_out_of_100_simultaneous_requests(user_factory):
    assert_exactly_limit_granted(user_factory(plan=FREE.code), FREE, requests=100)


def test_pro_user_gets_exactly_the_daily_limit_when_racing_past_it(user_factory):
    assert_exactly_limit_granted(user_factory(plan=PRO.code), PRO, requests=PRO.daily_generations + 50)


def naive_reserve(barrier: threading.Barrier):
    """The bug the real quota prevents: read the count, decide, then write. ``barrier`` holds every
    request between its read and its write until all have read, so they all decide on the same count."""

    def reserve(user, plan, **generation_fields):
        day = quota.usage_day()
        with transaction.atomic():
            row = DailyUsage.objects.get(user=user, day=day)
            if row.used >= plan.daily_generations:
                raise quota.LimitReached(quota.status_for(plan, row.used))
            barrier.wait()
            DailyUsage.objects.filter(pk=row.pk).update(used=F("used") + 1)
            generation = Generation.objects.create(user=user, plan=plan.code, charged_day=day, **generation_fields)
        return generation, quota.status_for(plan, row.used + 1)

    return reserve


def test_control_naive_read_then_write_quota_over_grants(user_factory, monkeypatch):
    """The same requests and counts as above catch a quota that checks before it writes: with one
    unit left, every simultaneous request is granted."""
    user = user_factory(plan=FREE.code)
    DailyUsage.objects.create(user=user, day=quota.usage_day(), used=FREE.daily_generations - 1)
    requests = min(5, pool_size())  # all at the barrier at once: each holds a pooled connection there
    monkeypatch.setattr(quota, "reserve", naive_reserve(threading.Barrier(requests, timeout=30)))

    statuses = hammer(user, requests)

    assert statuses == [200] * requests
    assert DailyUsage.objects.get(user=user).used == FREE.daily_generations - 1 + requests
