import json

import pytest
from django.core.cache import cache

from tests.fake_anthropic import FakeAnthropic
from tests.fake_openai import FakeOpenAI


@pytest.fixture(autouse=True)
def fresh_cache():
    """The burst rate limit lives in the cache; each test starts with none used."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fake_anthropic(settings):
    """The real anthropic SDK pointed at a loopback fake; retries off unless a test turns them on."""
    with FakeAnthropic() as fake:
        settings.LLM_PROVIDER = "anthropic"
        settings.LLM_MODEL = "claude-test"
        settings.ANTHROPIC_API_KEY = "sk-ant-test"
        settings.ANTHROPIC_BASE_URL = fake.url
        settings.LLM_MAX_RETRIES = 0
        settings.LLM_TIMEOUT_SECONDS = 1.0
        yield fake


@pytest.fixture
def fake_openai(settings):
    with FakeOpenAI() as fake:
        settings.LLM_PROVIDER = "openai"
        settings.LLM_MODEL = "llama-test"
        settings.OPENAI_API_KEY = "sk-test"
        settings.OPENAI_BASE_URL = fake.url + "/v1"
        settings.LLM_MAX_RETRIES = 0
        settings.LLM_TIMEOUT_SECONDS = 1.0
        yield fake


def post_generate(client, body=None, **headers):
    """POST /api/generate with a JSON body (a dict, or raw text for malformed-body tests)."""
    data = body if isinstance(body, str) else json.dumps(body or {})
    return client.post("/api/generate", data=data, content_type="application/json", headers=headers)


def sse_events(response) -> list[tuple[str, dict]]:
    """The (event, data) pairs of a streamed answer."""
    text = b"".join(response.streaming_content).decode()
    events = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events
