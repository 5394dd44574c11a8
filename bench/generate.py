"""Requests per second and SQL queries per request of POST /api/generate, next to /healthz.

Run: .venv/bin/python -m bench.generate [--seconds 5] [--concurrency 8]

The app runs as the Procfile's ``web:`` command (DEBUG off) on a socket bound to 127.0.0.1
port 0, with the demo model at zero delay and the burst rate limit off, against the bench
PostgreSQL database. Callers are Pro users with API keys (Bearer, as scripts call the API),
taken in turn so no one reaches the daily limit. Queries per request are counted in-process
with Django's CaptureQueriesContext (BEGIN and COMMIT count as queries).
"""

import argparse
import http.client
import json
import os
import sys
import threading
import time

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
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    counts = {}
    for label, path, body in (
        ("/healthz", "/healthz", None),
        ("/api/generate (stream: false)", "/api/generate", {"prompt": "Bench", "stream": False}),
        ("/api/generate (stream: true)", "/api/generate", {"prompt": "Bench", "stream": True}),
        ("/api/usage", "/api/usage", None),
    ):
        headers = {"Authorization": f"Bearer {keys[0]}"}
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    url = configure()
    from accounts.models import ApiKey

    users = bench_users(100, plan="pro")
    ApiKey.objects.filter(user__in=users).delete()
    keys = [ApiKey.issue(user, "bench")[1] for user in users]

    print("SQL queries per request (in-process, Bearer key):")
    for label, count in queries_per_request(keys).items():
        print(f"  {label:<32}{count:>3}")
    bench_users(100, plan="pro")

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
            for _ in range(ROUNDS):
                for label, make_request in requests.items():
                    sent[label] += load(
                        server.port, args.seconds / ROUNDS, args.concurrency, make_request, statuses[label]
                    )
        rates = {label: count / args.seconds for label, count in sent.items()}
        for label, rate in rates.items():
            print(f"{label:<34}{rate:>9,.0f} req/s   statuses {statuses[label]}")
        ratio = rates["POST /api/generate stream:false"] / rates["GET /healthz"]
        print(f"stream:false / healthz: {ratio:.2f}x")
    finally:
        bench_users(100, plan="pro")
        ApiKey.objects.filter(user__in=users).delete()
    sys.stdout.flush()


if __name__ == "__main__":
    main()
