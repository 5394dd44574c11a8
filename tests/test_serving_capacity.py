"""Open streams cost the server neither a worker thread nor a database connection (docs/serving.md).

The Procfile's web command runs as in production (DEBUG off, 2 workers) with a small pool and
a slow demo model, and receives more simultaneous streams than 2 workers x 16 threads could
ever hold. Every stream must get its first delta before any stream finishes (a server that
queued streams behind busy threads would finish the first ones before starting the last),
and the app's PostgreSQL connections must stay within workers x pool size throughout.
"""

import pytest
from django.db import connection

from accounts.models import ApiKey
from bench.streams import Sampler, in_own_loop, labelled, run_streams
from tests.conftest import url_of
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres]

STREAMS = 100
WORKERS = 2
POOL_SIZE = 4
# About 6 s per answer (81 chunks): far longer than it takes to open every stream.
DEMO_DELAY_SECONDS = 0.075


def test_every_stream_starts_before_any_finishes_within_the_pool_bound(procfile_web):
    key = ApiKey.issue(UserFactory(plan="team"), "capacity")[1]
    url = labelled(url_of(connection.settings_dict), "inkwell-capacity-test")
    server = procfile_web(
        database_url=url,
        WEB_CONCURRENCY=WORKERS,
        DATABASE_POOL_MIN_SIZE=1,
        DATABASE_POOL_MAX_SIZE=POOL_SIZE,
        LLM_PROVIDER="demo",
        DEMO_DELAY_SECONDS=DEMO_DELAY_SECONDS,
        RATE_LIMIT_PER_MINUTE=0,
    )
    sampler = Sampler(server, url)
    sampler.start()
    try:
        streams = in_own_loop(run_streams(server.port, [key], STREAMS, deadline_seconds=120))
    finally:
        sampler.stopped.set()
        sampler.join()

    assert [stream.outcome for stream in streams] == ["done"] * STREAMS
    last_first_delta = max(stream.first_delta_at for stream in streams)
    first_finish = min(stream.done_at for stream in streams)
    assert last_first_delta < first_finish, "some streams waited for others to finish before they started"
    assert 0 < sampler.peak_connections <= WORKERS * POOL_SIZE
