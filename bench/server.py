"""The Procfile's ``web:`` command, started as a platform starts it, on a loopback socket.

Used by the benchmarks and by the suite's capacity test, so both measure the server that
production runs. The command runs through ``sh`` (it expands ``${WEB_CONCURRENCY:-2}`` and the
like) with the virtualenv's ``bin`` first on PATH; gunicorn listens on a socket this process
bound to 127.0.0.1 port 0 (``GUNICORN_CMD_ARGS=--bind fd://N``), so nothing else is reachable
and no port can clash.
"""

import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def procfile_command(process_type: str = "web") -> str:
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        if name.strip() == process_type:
            return command.strip()
    raise LookupError(f"The Procfile has no {process_type}: line")


def production_env(database_url: str, **overrides) -> dict:
    """What a deployment sets (DEBUG off, a real secret), for a server on 127.0.0.1 over plain http."""
    return {
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
        **{name: str(value) for name, value in overrides.items()},
    }


@dataclass
class WebServer:
    process: subprocess.Popen
    port: int
    log: Path

    def process_ids(self) -> list[int]:
        """gunicorn's master and its workers."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [self.process.pid, *map(int, children.read_text().split())]
        except OSError:
            return []

    def rss_bytes(self) -> int:
        """Resident memory of the master and its workers, summed."""
        total = 0
        for pid in self.process_ids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
            total += int(match.group(1)) * 1024 if match else 0
        return total

    def worker_count(self) -> int:
        return len(self.process_ids()) - 1

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def settle(server: WebServer, deadline: float) -> None:
    """Wait until the workers stop growing: a booting worker's memory grows as it imports."""
    previous = -1
    while time.monotonic() < deadline:
        current = server.rss_bytes()
        if abs(current - previous) < 2**20:
            return
        previous = current
        time.sleep(1)


def healthz_status(port: int) -> int | None:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/healthz")
        return connection.getresponse().status
    except OSError:
        return None


@contextmanager
def web_server(env: dict, startup_seconds: float = 60):
    """Run the Procfile's web command with ``env`` added to this environment; yields a WebServer.

    Yields once /healthz answers and every worker has booted (one worker answering is not
    enough: the others would still be importing when the load arrives). Stopped with SIGINT
    (gunicorn's quick shutdown) when the block ends, even mid-stream.
    """
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(2048)
    port = listener.getsockname()[1]
    log = Path(tempfile.mkstemp(prefix="inkwell-web-", suffix=".log")[1])
    full_env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        # gunicorn's control socket has one default path per user: servers started side by side would clash.
        "GUNICORN_CMD_ARGS": f"--bind fd://{listener.fileno()} --no-control-socket",
        **env,
    }
    with log.open("w") as output:
        process = subprocess.Popen(
            ["sh", "-c", f"exec {procfile_command('web')}"],
            cwd=ROOT,
            env=full_env,
            pass_fds=[listener.fileno()],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    listener.close()
    server = WebServer(process, port, log)
    try:
        deadline = time.monotonic() + startup_seconds
        while healthz_status(port) != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"The web server did not start:\n{server.log_tail()}")
            time.sleep(0.2)
        settle(server, deadline)
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.unlink(missing_ok=True)
