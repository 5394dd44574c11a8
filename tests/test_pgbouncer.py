"""Behind PgBouncer in transaction mode, as docs/serving.md says to run it (DISABLE_SERVER_SIDE_CURSORS=1).

A throwaway PgBouncer (transaction pooling, 3 server connections) sits between the Procfile's
web command and the test database. Streams finish, the quota race still grants exactly the
limit, a signed-in page that iterates a queryset renders, and PostgreSQL sees no more than
PgBouncer's pool. Skipped when the pgbouncer binary is not installed (apt-get install pgbouncer).
"""

import http.client
import json
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django.test import Client

from accounts.models import ApiKey
from bench.streams import Sampler, in_own_loop, labelled, run_streams
from billing.plans import PRO
from generation import quota
from generation.models import DailyUsage
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres]

SERVER_CONNECTIONS = 3


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def pgbouncer_url(transactional_db):
    """A DATABASE_URL for the test database through PgBouncer in transaction mode."""
    binary = shutil.which("pgbouncer") or next(
        (path for path in ("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer") if os.access(path, os.X_OK)), None
    )
    if binary is None:
        pytest.skip("pgbouncer is not installed (apt-get install pgbouncer)")
    settings_dict = connection.settings_dict
    user, port = settings_dict["USER"] or "postgres", free_port()
    directory = Path(tempfile.mkdtemp(prefix="inkwell-pgbouncer-"))
    directory.chmod(0o755)  # PgBouncer refuses to run as root and reads its files as "nobody"
    (directory / "users.txt").write_text(f'"{user}" "{settings_dict["PASSWORD"] or ""}"\n')
    (directory / "pgbouncer.ini").write_text(
        f"""[databases]
* = host={settings_dict["HOST"] or "127.0.0.1"} port={settings_dict["PORT"] or 5432}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {directory / "users.txt"}
pool_mode = transaction
default_pool_size = {SERVER_CONNECTIONS}
max_client_conn = 200
{"user = nobody" if os.geteuid() == 0 else ""}
"""
    )
    for path in directory.iterdir():
        path.chmod(0o644)
    process = subprocess.Popen(  # noqa: S603 - a fixed binary and a file written just above
        [binary, str(directory / "pgbouncer.ini")], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    url = f"postgres://{user}@127.0.0.1:{port}/{settings_dict['NAME']}"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                psycopg.connect(url.replace("postgres://", "postgresql://", 1), connect_timeout=2).close()
                break
            except psycopg.OperationalError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield labelled(url, "inkwell-pgbouncer-test")
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(directory)


def post_generate(port, key, body) -> int:
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    client.request("POST", "/api/generate", json.dumps(body), headers)
    response = client.getresponse()
    response.read()
    return response.status


def test_the_app_works_behind_pgbouncer_in_transaction_mode(procfile_web, pgbouncer_url, settings):
    settings.SECRET_KEY = secrets.token_urlsafe(50)  # shared with the server, so its session cookie is valid
    team_key = ApiKey.issue(UserFactory(plan="team"), "pgbouncer")[1]
    pro_user = UserFactory(plan=PRO.code)
    pro_key = ApiKey.issue(pro_user, "pgbouncer")[1]
    DailyUsage.objects.create(user=pro_user, day=quota.usage_day(), used=PRO.daily_generations - 5)
    browser = Client()
    browser.force_login(pro_user)
    server = procfile_web(
        database_url=pgbouncer_url,
        DEBUG=1,  # with DEBUG off, pages need collectstatic's manifest
        SECRET_KEY=settings.SECRET_KEY,
        DISABLE_SERVER_SIDE_CURSORS=1,
        LLM_PROVIDER="demo",
        DEMO_DELAY_SECONDS=0.02,
        RATE_LIMIT_PER_MINUTE=0,
    )
    sampler = Sampler(server, pgbouncer_url)
    sampler.start()
    try:
        streams = in_own_loop(run_streams(server.port, [team_key], 20, deadline_seconds=60))
        with ThreadPoolExecutor(max_workers=20) as pool:
            statuses = list(
                pool.map(lambda _: post_generate(server.port, pro_key, {"prompt": "Race", "stream": False}), range(20))
            )
        page = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        page.request("GET", "/account/", headers={"Cookie": f"sessionid={browser.cookies['sessionid'].value}"})
        account = page.getresponse()
        account_page = account.read().decode()
    finally:
        sampler.stopped.set()
        sampler.join()

    assert [stream.outcome for stream in streams] == ["done"] * 20
    assert sorted(statuses) == [200] * 5 + [402] * 15
    assert DailyUsage.objects.get(user=pro_user).used == PRO.daily_generations
    assert account.status == 200 and pro_user.email in account_page
    assert 0 < sampler.peak_connections <= SERVER_CONNECTIONS
