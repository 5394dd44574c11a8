"""N concurrent streamed generations against the Procfile's web command (docs/serving.md).

Run: .venv/bin/python -m bench.streams [--streams 200] [--over 0] [--answer-seconds 10]

The server is the Procfile's ``web:`` command with DEBUG off, the demo model paced so one
answer takes ``--answer-seconds``, the burst rate limit off, against the bench PostgreSQL
database. Callers are Team users with API keys (unlimited plan, so every call is served);
``--over S`` starts the streams evenly over S seconds instead of all at once. Each client is
one HTTP/1.1 connection on 127.0.0.1 (asyncio, one thread). Prints first-delta p50/p95 (from
sending the request to the first ``delta`` event), whole-answer p50/p95, how many streams ended
with ``done``, the server's peak RSS (master + workers) and the peak number of PostgreSQL
connections to the bench database, sampled every 0.2 s from pg_stat_activity.
"""

import argparse
import asyncio
import json
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import parse_qs, urlparse

from bench.database import bench_users, configure
from bench.server import procfile_command, production_env, web_server

USERS = 50


@dataclass
class Stream:
    """One streamed generation as its client saw it (time.monotonic() instants)."""

    sent_at: float
    first_delta_at: float | None = None
    done_at: float | None = None
    outcome: str = "no answer"

    @property
    def first_delta_seconds(self) -> float | None:
        return None if self.first_delta_at is None else self.first_delta_at - self.sent_at

    @property
    def answer_seconds(self) -> float | None:
        return None if self.done_at is None else self.done_at - self.sent_at


async def one_stream(port, key, prompt, start_delay=0.0, deadline_seconds=600.0) -> Stream:
    """POST /api/generate with ``"stream": true`` on its own connection and read it to the end."""
    await asyncio.sleep(start_delay)
    body = json.dumps({"prompt": prompt, "stream": True}).encode()
    request = (
        f"POST /api/generate HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body
    stream = Stream(sent_at=time.monotonic())
    tail = b""
    try:
        async with asyncio.timeout(deadline_seconds):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            if status != 200:
                stream.outcome = f"HTTP {status}"
            while status == 200 and (chunk := await reader.read(65536)):
                seen = tail + chunk  # an event name may straddle two reads
                if stream.first_delta_at is None and b"event: delta" in seen:
                    stream.first_delta_at = time.monotonic()
                if b"event: done" in seen:
                    stream.done_at, stream.outcome = time.monotonic(), "done"
                elif b"event: error" in seen:
                    stream.outcome = "error event"
                tail = seen[-32:]
            writer.close()
    except TimeoutError:
        stream.outcome = "timed out"
    except (OSError, asyncio.IncompleteReadError) as error:
        stream.outcome = type(error).__name__
    return stream


async def run_streams(port, keys, count, over=0.0, deadline_seconds=600.0) -> list[Stream]:
    """``count`` streams, started evenly over ``over`` seconds (0: all at once), keys taken in turn."""
    tasks = [
        one_stream(port, keys[n % len(keys)], f"Bench stream {n}", over * n / count, deadline_seconds)
        for n in range(count)
    ]
    return await asyncio.gather(*tasks)


def in_own_loop(coroutine):
    """Run ``coroutine`` on a fresh event loop in a thread of its own: this thread may already run
    one (Playwright's sync API does, in the test suite), and asyncio.run() refuses to nest."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def labelled(url: str, application_name: str) -> str:
    """``url`` with an application_name, so pg_stat_activity tells the server's connections apart."""
    return f"{url}{'&' if '?' in url else '?'}application_name={application_name}"


class Sampler(threading.Thread):
    """Peak RSS of the server and peak PostgreSQL connections made with ``url`` (its database and
    application_name; see ``labelled``), every 0.2 s."""

    def __init__(self, server, url):
        super().__init__(daemon=True)
        parts = urlparse(url)
        self.server, self.database = server, parts.path.lstrip("/")
        self.application_name = parse_qs(parts.query)["application_name"][0]
        self.admin_url = parts._replace(scheme="postgresql", path="/postgres", query="").geturl()
        self.peak_rss = self.peak_connections = 0
        self.stopped = threading.Event()

    def run(self):
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            while not self.stopped.is_set():
                (count,) = connection.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND application_name = %s",
                    [self.database, self.application_name],
                ).fetchone()
                self.peak_connections = max(self.peak_connections, count)
                self.peak_rss = max(self.peak_rss, self.server.rss_bytes())
                self.stopped.wait(0.2)


def percentile(values, fraction):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, default=200)
    parser.add_argument("--over", type=float, default=0.0, help="seconds over which the streams start (0: at once)")
    parser.add_argument("--answer-seconds", type=float, default=10.0, help="how long the demo model takes to answer")
    parser.add_argument("--deadline", type=float, default=600.0, help="seconds after which a stream is abandoned")
    args = parser.parse_args()
    url = configure()
    from django.conf import settings
    from django.db import connection

    from accounts.models import ApiKey
    from generation.providers.demo import demo_draft

    users = bench_users(USERS, plan="team")
    ApiKey.objects.filter(user__in=users).delete()
    keys = [ApiKey.issue(user, "bench")[1] for user in users]
    connection.close()

    words = len(demo_draft("Bench stream 0").split(" "))
    delay = args.answer_seconds / (words - 1)
    server_url = labelled(url, "inkwell-bench-web")
    env = production_env(server_url, LLM_PROVIDER="demo", DEMO_DELAY_SECONDS=f"{delay:.4f}", RATE_LIMIT_PER_MINUTE=0)
    with web_server(env) as server:
        workers, pool_size = server.worker_count(), settings.DATABASES["default"]["OPTIONS"]["pool"]["max_size"]
        sampler = Sampler(server, server_url)
        sampler.start()
        started = time.monotonic()
        results = asyncio.run(run_streams(server.port, keys, args.streams, args.over, args.deadline))
        elapsed = time.monotonic() - started
        sampler.stopped.set()
        sampler.join()
    first = [s.first_delta_seconds for s in results if s.first_delta_at is not None]
    whole = [s.answer_seconds for s in results if s.done_at is not None]
    outcomes = Counter(s.outcome for s in results)
    start = "at once" if not args.over else f"over {args.over:g} s"
    print(f"{args.streams} streams {start}, demo answer {args.answer_seconds:g} s ({words} chunks), {elapsed:.1f} s")
    print(f"  web: {procfile_command('web')}")
    print(f"  first delta  p50 {percentile(first, 0.5):6.2f} s   p95 {percentile(first, 0.95):6.2f} s")
    print(f"  whole answer p50 {percentile(whole, 0.5):6.2f} s   p95 {percentile(whole, 0.95):6.2f} s", end="")
    print(f"   (p50 = {percentile(whole, 0.5) / args.answer_seconds:.2f}x the model's own time)")
    print(f"  finished {outcomes['done']}/{args.streams}   outcomes {dict(outcomes)}")
    print(
        f"  peak RSS {sampler.peak_rss / 2**20:,.0f} MiB   peak PostgreSQL connections {sampler.peak_connections}"
        f" (bound: {workers} workers x pool {pool_size} = {workers * pool_size})"
    )
    bench_users(USERS, plan="team")
    ApiKey.objects.filter(user__in=users).delete()


if __name__ == "__main__":
    main()
