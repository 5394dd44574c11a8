"""Reservations per second: the project's quota code next to the raw single statement.

Run: .venv/bin/python -m bench.quota [--processes 4] [--seconds 3]

Each scenario runs N worker processes (each with its own database connection) for a fixed
time, on one hot row (every worker reserves for the same user, so they queue on one row
lock) and on many rows (each worker has its own users). Three ways to reserve:

- ``reserve``: quota.reserve(), what a request does (the conditional upsert + the Generation
  row, one transaction);
- ``take_unit``: quota.take_unit(), the conditional upsert alone through Django;
- ``raw SQL``: the same INSERT ... ON CONFLICT ... WHERE used < limit RETURNING used through
  psycopg directly, autocommit: the floor of what PostgreSQL can do.
"""

import argparse
import dataclasses
import multiprocessing
import time

from bench.database import bench_users, configure

USERS_PER_WORKER = 50


def worker(way, user_ids, seconds, url, results):
    import django

    django.setup()
    from billing.plans import PRO
    from generation import quota

    # A limit no run can reach, so every call does the full increment path.
    plan = dataclasses.replace(PRO, daily_generations=10**9)
    day = quota.usage_day()
    done, deadline = 0, time.perf_counter() + seconds
    if way == "raw SQL":
        import psycopg

        from generation.models import DailyUsage

        sql = quota.RESERVE_SQL.format(table=DailyUsage._meta.db_table)
        with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as connection:
            while time.perf_counter() < deadline:
                connection.execute(sql, [user_ids[done % len(user_ids)], day, plan.daily_generations]).fetchone()
                done += 1
    else:
        from accounts.models import User

        users = list(User.objects.filter(pk__in=user_ids))
        while time.perf_counter() < deadline:
            user = users[done % len(users)]
            if way == "reserve":
                quota.reserve(user, plan, prompt="bench", provider="bench", model="bench")
            else:
                quota.take_unit(user.pk, day, plan.daily_generations)
            done += 1
    results.put(done)


def run(way, rows, processes, seconds, users, url):
    # Spawned, not forked: a forked worker would inherit this process's connection pool and
    # share its sockets with the other workers.
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    workers = []
    for index in range(processes):
        if rows == "one hot row":
            ids = [users[0].pk]
        else:
            ids = [u.pk for u in users[index * USERS_PER_WORKER : (index + 1) * USERS_PER_WORKER]]
        workers.append(context.Process(target=worker, args=(way, ids, seconds, url, results)))
    for process in workers:
        process.start()
    total = sum(results.get() for _ in workers)
    for process in workers:
        process.join()
    return total / seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    url = configure()
    users = bench_users(args.processes * USERS_PER_WORKER, plan="pro")
    print(f"{args.processes} processes, {args.seconds:g} s each, PostgreSQL at {url.rsplit('@', 1)[-1]}")
    print(f"{'rows':<14}{'way':<12}{'reservations/s':>16}")
    for rows in ("one hot row", "many rows"):
        for way in ("reserve", "take_unit", "raw SQL"):
            rate = run(way, rows, args.processes, args.seconds, users, url)
            print(f"{rows:<14}{way:<12}{rate:>16,.0f}")
    bench_users(args.processes * USERS_PER_WORKER, plan="pro")  # leave the bench database small


if __name__ == "__main__":
    main()
