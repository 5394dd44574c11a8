"""Slow or idle clients cannot starve the server (docs/serving.md).

Forty slowloris clients trickle into the Procfile's web command a byte at a time: half never
finish their headers, half send complete headers (with a valid API key) and then a body that
never finishes. Meanwhile /healthz keeps answering and a generation streams to its end. The
pool is tiny and quick to give up, so a slow client that held a database connection would
show at once as a failed health check.
"""

import http.client
import select
import socket
import threading

import pytest

from accounts.models import ApiKey
from bench.streams import in_own_loop, one_stream
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres]

TRICKLERS = 40
PAUSE_SECONDS = 0.1


class Trickler(threading.Thread):
    """Sends ``start`` at once, then ``trickle`` one byte every PAUSE_SECONDS, reconnecting whenever
    the server answers or hangs up; keeps the status lines of the answers and counts the hang-ups."""

    def __init__(self, port: int, start: bytes, trickle: bytes, stop: threading.Event):
        super().__init__(daemon=True)
        self.port, self.start_bytes, self.trickle_bytes, self.stop = port, start, trickle, stop
        self.answers: list[bytes] = []
        self.hang_ups = 0

    def run(self):
        while not self.stop.is_set():
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
                    self.trickle(sock)
            except OSError:
                self.hang_ups += 1

    def trickle(self, sock):
        sock.sendall(self.start_bytes)
        for byte in self.trickle_bytes:
            if self.stop.is_set():
                return
            sock.sendall(bytes([byte]))
            if select.select([sock], [], [], PAUSE_SECONDS)[0]:  # the server spoke (or hung up)
                answer = sock.recv(256)
                if not answer:
                    raise ConnectionResetError
                self.answers.append(answer.split(b"\r\n", 1)[0])
                return


def healthz(port) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/healthz")
    return connection.getresponse().status


def test_health_checks_and_streams_go_on_while_forty_clients_trickle(procfile_web):
    key = ApiKey.issue(UserFactory(plan="team"), "slow clients")[1]
    server = procfile_web(
        WEB_CONCURRENCY=2,
        DATABASE_POOL_MIN_SIZE=1,
        DATABASE_POOL_MAX_SIZE=2,
        DATABASE_POOL_TIMEOUT=2,
        REQUEST_BODY_TIMEOUT_SECONDS=2,
        LLM_PROVIDER="demo",
        DEMO_DELAY_SECONDS=0.01,
        RATE_LIMIT_PER_MINUTE=0,
    )
    headers = (
        f"POST /api/generate HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key}\r\n"
        "Content-Type: application/json\r\nContent-Length: 10000\r\n\r\n"
    ).encode()
    stop = threading.Event()
    slow_headers = [Trickler(server.port, b"", headers, stop) for _ in range(TRICKLERS // 2)]
    slow_bodies = [Trickler(server.port, headers, b'{"prompt": "' + b"x" * 9_000, stop) for _ in range(TRICKLERS // 2)]
    for trickler in slow_headers + slow_bodies:
        trickler.start()
    try:
        stop.wait(3)  # every trickler is connected, the body ones past their headers
        statuses = []
        for _ in range(5):
            statuses.append(healthz(server.port))
            stop.wait(0.5)
        stream = in_own_loop(one_stream(server.port, key, "Still serving?", deadline_seconds=60))
    finally:
        stop.set()
        for trickler in slow_headers + slow_bodies:
            trickler.join()

    assert statuses == [200] * 5
    assert stream.outcome == "done"
    assert sum(t.hang_ups for t in slow_headers) > 0, "headers that never end are cut off"
    assert any(b" 408 " in answer for t in slow_bodies for answer in t.answers), "a body that never ends gets 408"
