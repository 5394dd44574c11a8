"""Shared plumbing for the loopback fake model servers (fake_anthropic.py, fake_openai.py).

A fake is a ThreadingHTTPServer on 127.0.0.1, port 0. Tests script it: ``reply`` is the
answer, ``fail_next(...)`` queues failures for the next requests, ``requests`` records what
the server received (body and headers), so tests can assert on the prompt and system prompt.
``closed_mid_stream`` is set when a client closes a stream before its end (the app stopping
the model when its own caller went away).
"""

import json
import threading
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# How long the app waits for a fake (LLM_TIMEOUT_SECONDS in the fixtures). Generous, so that a
# loaded machine (a browser test's live server, fake and browser share two cores) never turns a
# slow fake into a refunded timeout; queuing a ``hang`` calls ``on_hang``, which the fixtures use to
# set the short one, so a timeout test waits 1 s rather than 10.
MODEL_TIMEOUT_SECONDS = 10.0
HANG_TIMEOUT_SECONDS = 1.0


@dataclass
class Failure:
    """``status``: answer with that HTTP error; ``hang``: send nothing until the client gives up;
    ``after_deltas``: stream that many deltas, then an error event (``drop``: cut the connection)."""

    status: int | None = None
    hang: bool = False
    after_deltas: int | None = None
    drop: bool = False


class FakeServer:
    path = "/"

    def __init__(self):
        self.reply = "Hello from the fake model. This answer streams word by word."
        self.delta_delay_seconds = 0.0  # e.g. 0.03 for a visible stream in `make demo`
        self.requests: list[dict] = []
        self.failures: deque[Failure] = deque()
        self.released = threading.Event()
        self.closed_mid_stream = threading.Event()
        self.on_hang = None  # called when a test queues a hang
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                fake.requests.append(
                    {
                        "path": self.path,
                        "headers": {name.lower(): value for name, value in self.headers.items()},
                        "body": body,
                    }
                )
                if self.path != fake.path:
                    return self.send_json(404, {"error": "not found"})
                failure = fake.failures.popleft() if fake.failures else Failure()
                if failure.hang:
                    fake.released.wait(30)
                    return
                if failure.status:
                    return fake.send_status_error(self, failure.status)
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                try:
                    fake.stream(self, body, failure)
                except (BrokenPipeError, ConnectionResetError):
                    fake.closed_mid_stream.set()

            def send_json(self, status, payload, headers=()):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def event(self, name, payload):
                prefix = f"event: {name}\n" if name else ""
                data = payload if isinstance(payload, str) else json.dumps(payload)
                self.wfile.write(f"{prefix}data: {data}\n\n".encode())
                self.wfile.flush()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def fail_next(self, *failures: Failure) -> None:
        self.failures.extend(failures)
        if self.on_hang and any(failure.hang for failure in failures):
            self.on_hang()

    def words(self, max_tokens: int) -> tuple[list[str], bool]:
        """The reply as deltas (one per word), cut at max_tokens; and whether it was cut."""
        words = self.reply.split(" ")
        chunks = [word if i == 0 else " " + word for i, word in enumerate(words)]
        return chunks[:max_tokens], len(chunks) > max_tokens

    def start(self) -> "FakeServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()
