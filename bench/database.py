"""Shared set-up for the benchmarks: a dedicated, migrated PostgreSQL database.

BENCH_DATABASE_URL (default postgres://<you>@127.0.0.1:5432/inkwell_bench) is created if
missing and migrated; the benchmarks empty the generation tables before each run.
"""

import getpass
import os
import sys
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = f"postgres://{getpass.getuser()}@127.0.0.1:5432/inkwell_bench"


def configure() -> str:
    """Point Django at the bench database (creating it if needed) and set it up; returns the URL."""
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    create_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url


def create_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin_url, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def bench_users(count: int, plan: str):
    """``count`` verified users on ``plan`` (reused between runs); their usage and log emptied."""
    from allauth.account.models import EmailAddress

    from accounts.models import ApiKey, User
    from generation.models import DailyUsage, Generation

    users = []
    for n in range(count):
        user, created = User.objects.get_or_create(email=f"bench{n}@example.com", defaults={"plan": plan})
        if created:
            EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        elif user.plan != plan:
            User.objects.filter(pk=user.pk).update(plan=plan)
            user.plan = plan
        users.append(user)
    DailyUsage.objects.filter(user__in=users).delete()
    Generation.objects.filter(user__in=users).delete()
    vacuum(DailyUsage, Generation, ApiKey)
    return users


def vacuum(*models) -> None:
    """VACUUM the tables the benchmarks churn. Every run deletes the previous run's rows and keys,
    and where autovacuum is off or behind (a development server), the dead rows would make each
    run's inserts and upserts slower than the last."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(model._meta.db_table for model in models)}")
