"""Requests per second and SQL queries per request of POST /api/generate, next to /healthz.

Run: .venv/bin/python -m bench.generate [--seconds 5] [--concurrency 8]

The app runs as the Procfile's ``web:`` command (DEBUG off) on a socket bound to 127.0.0.1
port 0, with the demo model at zero delay and the burst rate limit off, against the bench
PostgreSQL database. Callers are Pro users with API keys (Bearer, as scripts call the API),
taken in turn so no one reaches the daily limit. Queries per request are counted in-process
with Django's CaptureQueriesContext (BEGIN and COMMIT count as queries). CPU per request is
read from /proc for gunicorn's workers and for the PostgreSQL backends of the bench database,
so a busy machine shows as fewer requests per second rather than as more CPU per request.
"""

import argparse
import http.client
import json
import os
import sys
import threading
import time
from pathlib import Path

from bench.database import bench_users, configure
from bench.server import procfile_command, production_env, web_server

os.environ.update({"LLM_PROVIDER": "demo", "DEMO_DELAY_SECONDS": "0", "RATE_LIMIT_PER_MINUTE": "0"})
ROUNDS = 5


def load(port, seconds, concurrency, make_request, statuses):
    """Send requests for ``seconds`` with ``concurrency`` keep-alive clients; count statuses into
    ``statuses``; the number of requests sent."""
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    sent = []

    def client(index):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        n = index
        while time.perf_counter() < deadline:
            method, path, body, headers = make_request(n)
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            with lock:
                statuses[response.status] = statuses.get(response.status, 0) + 1
                sent.append(1)
            n += concurrency
        connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(sent)


def queries_per_request(keys):
    """SQL queries of each kind of request, in-process. A key's first call looks the key up and
    records its use; later calls within API_KEY_CACHE_SECONDS find it in the process's cache."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    counts = {}
    for label, path, body, key in (
        ("GET /healthz", "/healthz", None, None),
        ("POST /api/generate stream:false, key's first call", "/api/generate", {"prompt": "Bench", "stream": False}, 0),
        ("POST /api/generate stream:false, later calls", "/api/generate", {"prompt": "Bench", "stream": False}, 0),
        ("POST /api/generate stream:true", "/api/generate", {"prompt": "Bench", "stream": True}, 0),
        ("GET /api/usage", "/api/usage", None, 0),
    ):
        headers = {} if key is None else {"Authorization": f"Bearer {keys[key]}"}
        with CaptureQueriesContext(connection) as queries:
            if body is None:
                response = client.get(path, headers=headers)
            else:
                response = client.post(path, json.dumps(body), content_type="application/json", headers=headers)
            if response.streaming:
                b"".join(response.streaming_content)
        assert response.status_code == 200, (label, response.status_code)
        counts[label] = len(queries)
    return counts


def cpu_seconds(pids) -> float:
    """User + system CPU time of these processes so far (those that have exited count nothing)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def postgres_backends() -> list[int]:
    """Process ids of the PostgreSQL backends serving the bench database, this one excepted."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    url = configure()
    from accounts import api_keys
    from accounts.models import ApiKey
    from generation import quota

    users = bench_users(100, plan="pro")
    ApiKey.objects.filter(user__in=users).delete()
    keys = [ApiKey.issue(user, "bench")[1] for user in users]

    print("SQL queries per request (in-process, Bearer key; BEGIN and COMMIT count):")
    queries = queries_per_request(keys)
    for label, count in queries.items():
        print(f"  {label:<52}{count:>3}")
    bench_users(100, plan="pro")
    api_keys.known_keys.clear()

    def healthz(n):
        return "GET", "/healthz", None, {}

    def generate(stream):
        def request(n):
            body = json.dumps({"prompt": f"Bench request {n}", "stream": stream})
            headers = {"Authorization": f"Bearer {keys[n % len(keys)]}", "Content-Type": "application/json"}
            return "POST", "/api/generate", body, headers

        return request

    requests = {
        "GET /healthz": healthz,
        "POST /api/generate stream:false": generate(False),
        "POST /api/generate stream:true": generate(True),
    }
    print(f"web: {procfile_command('web')}")
    print(f"{args.concurrency} keep-alive clients, {args.seconds:g} s each, in {ROUNDS} interleaved rounds")
    try:
        with web_server(production_env(url)) as server:
            # Interleaved, so a change in the machine's other load hits every kind of request alike.
            sent = dict.fromkeys(requests, 0)
            statuses = {label: {} for label in requests}
            cpu = {label: [0.0, 0.0] for label in requests}  # app workers, PostgreSQL
            for _ in range(ROUNDS):
                for label, make_request in requests.items():
                    quota.reset_today(users)  # long runs would otherwise use up the Pro limit (402s)
                    workers, backends = server.process_ids(), postgres_backends()
                    before = cpu_seconds(workers), cpu_seconds(backends)
                    sent[label] += load(
                        server.port, args.seconds / ROUNDS, args.concurrency, make_request, statuses[label]
                    )
                    backends = {*backends, *postgres_backends()}  # the pool may have opened some
                    cpu[label][0] += cpu_seconds(workers) - before[0]
                    cpu[label][1] += cpu_seconds(backends) - before[1]
        rates = {label: count / args.seconds for label, count in sent.items()}
        print(f"{'':<34}{'req/s':>9}   CPU ms per request: app workers, PostgreSQL")
        for label, rate in rates.items():
            workers_ms, postgres_ms = (1000 * seconds / max(sent[label], 1) for seconds in cpu[label])
            print(f"{label:<34}{rate:>9,.0f}   {workers_ms:>5.2f} {postgres_ms:>5.2f}   statuses {statuses[label]}")
        ratio = rates["POST /api/generate stream:false"] / rates["GET /healthz"]
        print()
        print(f"stream:false / healthz: {ratio:.2f}x (goal >= 0.5x)")
        first = queries["POST /api/generate stream:false, key's first call"]
        later = queries["POST /api/generate stream:false, later calls"]
        print(f"SQL queries per stream:false call: {first} on a key's first call, {later} after (goal <= 6)")
    finally:
        bench_users(100, plan="pro")
        ApiKey.objects.filter(user__in=users).delete()
    sys.stdout.flush()


if __name__ == "__main__":
    main()
