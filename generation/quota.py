"""The daily quota: reserve, commit and refund generations on DailyUsage.

The invariant (docs/architecture.md, "The quota invariant"): nobody gets more charged generations
in a day than their plan allows, under any concurrency, across any number of processes sharing
the database.

What makes it safe is one conditional statement on the unique (user, day) row::

    INSERT ... VALUES (user, day, 1)
    ON CONFLICT (user_id, day) DO UPDATE SET used = used + 1 WHERE used < limit
    RETURNING used

PostgreSQL takes the row lock of the conflicting row for the DO UPDATE and re-checks
``used < limit`` against the latest committed version after waiting for it, so two
concurrent reservations can never both see the last free unit. The first reservation of
the day is an INSERT, and the unique constraint ``dailyusage_unique_user_day`` makes a
concurrent first INSERT wait and then take the UPDATE path. On SQLite the write lock taken
at BEGIN (transaction_mode IMMEDIATE) serialises writers. On PostgreSQL the Generation row is
inserted by the same statement, from its RETURNING row (one round trip, committed on its own);
on SQLite both writes share a transaction. Either way no lock is held while the model runs, and
``release_connection()`` gives the connection itself back to the pool until the commit or
refund needs one again (docs/serving.md).
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import F
from django.utils import timezone

from billing.plans import Plan
from generation.models import DailyUsage, Generation

logger = logging.getLogger(__name__)


def usage_timezone() -> ZoneInfo:
    return ZoneInfo(settings.USAGE_TIMEZONE)


def usage_day(now: datetime | None = None) -> date:
    """Today's date in USAGE_TIMEZONE: the day a generation is counted on."""
    return (now or timezone.now()).astimezone(usage_timezone()).date()


def next_reset(now: datetime | None = None) -> datetime:
    """The next midnight in USAGE_TIMEZONE, when today's counter stops applying."""
    tomorrow = usage_day(now) + timedelta(days=1)
    return datetime.combine(tomorrow, time.min, tzinfo=usage_timezone())


def used_today(user) -> int:
    row = DailyUsage.objects.filter(user=user, day=usage_day()).first()
    return row.used if row else 0


def reset_today(users) -> int:
    """Set today's counter back to zero for ``users``; returns how many counters changed."""
    return DailyUsage.objects.filter(user__in=users, day=usage_day()).exclude(used=0).update(used=0)


@dataclass(frozen=True)
class UsageStatus:
    """Where a user stands against a plan today; ``limit``/``remaining`` are None when unlimited."""

    limit: int | None
    used: int
    remaining: int | None
    reset_at: datetime

    @property
    def exhausted(self) -> bool:
        return self.remaining == 0

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.used / self.limit)) if self.limit else 0


def usage_status(user, plan: Plan) -> UsageStatus:
    return status_for(plan, used_today(user))


def status_for(plan: Plan, used: int) -> UsageStatus:
    if plan.is_unlimited:
        return UsageStatus(limit=None, used=used, remaining=None, reset_at=next_reset())
    limit = plan.daily_generations
    return UsageStatus(limit=limit, used=used, remaining=max(limit - used, 0), reset_at=next_reset())


class LimitReached(Exception):
    def __init__(self, status: UsageStatus):
        super().__init__(f"daily limit of {status.limit} reached")
        self.status = status


RESERVE_SQL = """
INSERT INTO {table} (user_id, day, used) VALUES (%s, %s, 1)
ON CONFLICT (user_id, day) DO UPDATE SET used = {table}.used + 1 WHERE {table}.used < %s
RETURNING used
"""


def take_unit(user_id: int, day: date, limit: int) -> int | None:
    """Count one generation on (user, day) if fewer than ``limit`` are counted; the new count, or None.

    A single statement: the row lock (or, for the day's first row, the unique constraint)
    serialises concurrent callers, and the WHERE clause is re-checked under that lock.
    """
    with connection.cursor() as cursor:
        cursor.execute(RESERVE_SQL.format(table=DailyUsage._meta.db_table), [user_id, day, limit])
        row = cursor.fetchone()
    return row[0] if row else None


# PostgreSQL: the unit and the pending Generation row in one statement, so one round trip and
# no BEGIN/COMMIT of its own. The row is inserted from the unit's RETURNING: no unit, no row.
RESERVE_WITH_GENERATION_SQL = """
WITH unit AS ({reserve}),
generation AS (INSERT INTO {generations} ({columns}) SELECT {values} FROM unit RETURNING id)
SELECT unit.used, generation.id FROM unit, generation
"""


def reserve(user, plan: Plan, **generation_fields) -> tuple[Generation, UsageStatus]:
    """Reserve one unit of today's quota and open its pending Generation, atomically.

    Returns the Generation and where the user stands with this unit counted (read from the
    counter's RETURNING, so answering the caller costs no further query). Raises LimitReached
    (and writes nothing) when the plan's daily limit is used up. The Generation row is written
    in the same statement (PostgreSQL) or transaction (SQLite) as the unit, so every reserved
    unit has exactly one row, and a crash between the two is impossible. Unlimited plans skip
    the counter (one INSERT, and their status reports ``used`` 0 rather than read the counter);
    their generations are still logged.
    """
    if plan.is_unlimited:
        generation = Generation.objects.create(user=user, plan=plan.code, **generation_fields)
        logger.info(
            "Generation %s for user %s on unlimited plan %s: counter skipped", generation.pk, user.pk, plan.code
        )
        return generation, status_for(plan, used=0)
    day = usage_day()
    generation = Generation(user=user, plan=plan.code, charged_day=day, **generation_fields)
    if connection.vendor == "postgresql":
        used = take_unit_with_generation(generation, plan.daily_generations)
    else:
        used = save_and_take_unit(generation, plan.daily_generations)
    if used is None:
        raise LimitReached(usage_status(user, plan))
    return generation, status_for(plan, used)


def take_unit_with_generation(generation: Generation, limit: int) -> int | None:
    """take_unit() for ``generation.user`` on ``generation.charged_day``, inserting ``generation``
    in the same statement if the unit was granted; the new count, or None (nothing written).

    The row's values come from the model's own fields as ``save()`` would write them (defaults,
    ``auto_now_add``, the model's price), without compiling an ORM query on every call.
    """
    generation.record_model_price()
    database = this_thread_connection()
    sql, fields = reserve_with_generation_statement()
    values = [field.get_db_prep_save(field.pre_save(generation, add=True), database) for field in fields]
    with database.cursor() as cursor:
        cursor.execute(sql, [generation.user_id, generation.charged_day, limit, *values])
        row = cursor.fetchone()
    if row is None:
        return None
    used, generation.pk = row
    generation._state.adding, generation._state.db = False, database.alias
    return used


@cache
def reserve_with_generation_statement() -> tuple[str, list]:
    """RESERVE_WITH_GENERATION_SQL for the Generation model, and the fields its values are for."""
    fields = [field for field in Generation._meta.local_concrete_fields if field is not Generation._meta.auto_field]
    sql = RESERVE_WITH_GENERATION_SQL.format(
        reserve=RESERVE_SQL.format(table=DailyUsage._meta.db_table),
        generations=Generation._meta.db_table,
        columns=", ".join(this_thread_connection().ops.quote_name(field.column) for field in fields),
        values=", ".join(["%s"] * len(fields)),
    )
    return sql, fields


def save_and_take_unit(generation: Generation, limit: int) -> int | None:
    """take_unit_with_generation() in two statements and a transaction, for SQLite."""
    with transaction.atomic():
        # The row is written first so the counter's write lock, taken last, is held only until COMMIT.
        generation.save()
        used = take_unit(generation.user_id, generation.charged_day, limit)
        if used is None:
            transaction.set_rollback(True)  # no unit, no row
    return used


def this_thread_connection():
    """The default database's connection object itself. ``django.db.connection`` is a proxy that
    looks the connection up on every attribute read, and the per-field value conversions read it
    a few dozen times per call."""
    return connections[DEFAULT_DB_ALIAS]


UPDATE_SQL = "UPDATE {table} SET {assignments} WHERE id = %s"


def commit(generation: Generation, **fields) -> None:
    """Record the finished answer (output, tokens, latency...) on its Generation: the unit stays spent.

    Written as one plain UPDATE of the given columns: every generation ends here, and the ORM's
    compilation of ``filter(pk=...).update(...)`` costs more than the statement (docs/serving.md).
    """
    fields.setdefault("status", Generation.Status.COMPLETED)
    fields.setdefault("finished_at", timezone.now())
    for name, value in fields.items():
        setattr(generation, name, value)
    database = this_thread_connection()
    sql, model_fields = update_statement(tuple(fields))
    values = [field.get_db_prep_save(getattr(generation, field.attname), database) for field in model_fields]
    with database.cursor() as cursor:
        cursor.execute(sql, [*values, generation.pk])


@cache
def update_statement(names: tuple[str, ...]) -> tuple[str, list]:
    """UPDATE_SQL for these Generation fields (a handful of combinations), and the fields themselves."""
    model_fields = [Generation._meta.get_field(name) for name in names]
    quote_name = this_thread_connection().ops.quote_name
    sql = UPDATE_SQL.format(
        table=Generation._meta.db_table,
        assignments=", ".join(f"{quote_name(field.column)} = %s" for field in model_fields),
    )
    return sql, model_fields


def refund(generation: Generation, **fields) -> bool:
    """Mark the generation failed and give its unit back to the day it was charged on.

    Idempotent: the conditional UPDATE on ``refunded=False`` takes the Generation's row lock,
    so of two concurrent refunds only one sees the row unrefunded and decrements the counter.
    The decrement goes to ``charged_day``, not today, so a refund after midnight restores
    the right day. Returns True if this call gave the unit back.
    """
    fields.setdefault("finished_at", timezone.now())
    with transaction.atomic():
        marked = Generation.objects.filter(pk=generation.pk, refunded=False).update(
            status=Generation.Status.FAILED, refunded=True, **fields
        )
        if marked and generation.charged_day:
            DailyUsage.objects.filter(user_id=generation.user_id, day=generation.charged_day, used__gt=0).update(
                used=F("used") - 1
            )
    generation.refresh_from_db()
    return bool(marked)


def release_connection() -> None:
    """Give this thread's database connection back to the pool before a long wait (a model streaming).

    The next query borrows one again, so a process serving a thousand open streams holds only
    the connections its reservations and commits need at that moment. Inside a transaction
    (a caller's ``atomic`` block, or a test's) the connection is kept: it carries the transaction.
    """
    if connection.connection is not None and not connection.in_atomic_block:
        connection.close()
