"""How long the founder metrics take over 100,000 generations.

Run: .venv/bin/python -m bench.metrics [--users 1000] [--generations 100000]

Fills the bench PostgreSQL database (bench/database.py) with that many users, each a Stripe
customer with one mirrored subscription and a daily-limit hit, and the generations spread over the
last 30 days (tests/metrics_world.py), then times ``manage.py metrics --json`` (the figures) and
the /staff/metrics/ page (figures and both charts) for each window, with their query counts. The
bench users are removed afterwards.
"""

import argparse
import io
import os
import time

from bench.database import configure

LABEL = "metricsbench"


def timed(action):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        action()
        elapsed = time.perf_counter() - started
    return elapsed, len(queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--generations", type=int, default=100_000)
    args = parser.parse_args()
    os.environ["ALLOWED_HOSTS"] = "testserver"  # Django's test client, which serves the page in-process
    configure()

    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from tests import metrics_world

    metrics_world.remove(LABEL)
    started = time.perf_counter()
    metrics_world.build(args.users, args.generations // args.users, label=LABEL)
    print(f"built {args.users:,} users and {args.generations:,} generations in {time.perf_counter() - started:.1f} s")

    staff = User.objects.create(email=f"{LABEL}-staff@example.com", is_staff=True)  # removed with the rest
    client = Client()
    client.force_login(staff)
    client.get(reverse("staff_metrics"))  # the session's first request also records the session
    try:
        for days in (7, 30, 90):
            command, command_queries = timed(
                lambda days=days: call_command("metrics", "--days", str(days), "--json", stdout=io.StringIO())
            )
            page, page_queries = timed(lambda days=days: client.get(reverse("staff_metrics"), {"days": days}))
            print(
                f"{days:>2} days: metrics --json {command * 1000:6.0f} ms ({command_queries} queries), "
                f"/staff/metrics/ {page * 1000:6.0f} ms ({page_queries} queries)"
            )
    finally:
        metrics_world.remove(LABEL)


if __name__ == "__main__":
    main()
