"""Requests per second and SQL queries per request of POST /api/generate, next to /healthz.

Run: .venv/bin/python -m bench.generate [--seconds 5] [--concurrency 8]

The app runs under gunicorn as the Procfile runs it (gthread, 2 workers x 16 threads, DEBUG
off) on a listening socket bound to 127.0.0.1 port 0, with the demo model at zero delay and
the burst rate limit off, against the bench PostgreSQL database. Callers are Pro users with
API keys (Bearer, as scripts call the API), taken in turn so no one reaches the daily limit.
Queries per request are counted in-process with Django's CaptureQueriesContext.
"""

import argparse
import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time

from bench.database import ROOT, bench_users, configure

os.environ.update({"LLM_PROVIDER": "demo", "DEMO_DELAY_SECONDS": "0", "RATE_LIMIT_PER_MINUTE": "0"})


def start_gunicorn(url):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1024)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
    }
    command = [
        str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "--bind", f"fd://{listener.fileno()}",
        "--worker-class", "gthread", "--workers", "2", "--threads", "16", "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env, pass_fds=[listener.fileno()])
    port = listener.getsockname()[1]
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                break
        except OSError:
            time.sleep(0.1)
    listener.close()
    return server, port


def load(port, seconds, concurrency, make_request):
    """Requests/s and the status codes seen, with ``concurrency`` keep-alive clients."""
    statuses, lock = {}, threading.Lock()
    deadline = time.perf_counter() + seconds

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
            n += concurrency
        connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(statuses.values()) / (time.perf_counter() - started), statuses


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

    server, port = start_gunicorn(url)
    try:
        print(f"gunicorn gthread 2x16 on 127.0.0.1:{port}, {args.concurrency} clients, {args.seconds:g} s each")
        for label, make_request in (
            ("GET /healthz", healthz),
            ("POST /api/generate stream:false", generate(False)),
            ("POST /api/generate stream:true", generate(True)),
        ):
            rate, statuses = load(port, args.seconds, args.concurrency, make_request)
            print(f"{label:<34}{rate:>9,.0f} req/s   statuses {statuses}")
    finally:
        server.terminate()
        server.wait(timeout=30)
        bench_users(100, plan="pro")
        ApiKey.objects.filter(user__in=users).delete()
    sys.stdout.flush()


if __name__ == "__main__":
    main()
