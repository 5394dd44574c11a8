"""Fixtures shared by every app's tests."""

import pytest
from django.core.cache import cache
from django.db import connection

from accounts import api_keys
from tests.factories import UserFactory
from tests.fake_anthropic import FakeAnthropic
from tests.fake_llm import HANG_TIMEOUT_SECONDS, MODEL_TIMEOUT_SECONDS
from tests.fake_openai import FakeOpenAI


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate limits (ours and allauth's) live in the cache, API keys in each process's; each test
    starts with none used and no key known."""
    cache.clear()
    api_keys.known_keys.clear()
    yield
    cache.clear()
    api_keys.known_keys.clear()


def set_model_timeouts(fake, settings):
    """The app waits MODEL_TIMEOUT_SECONDS for the fake, and HANG_TIMEOUT_SECONDS once a test queues a hang."""
    settings.LLM_TIMEOUT_SECONDS = MODEL_TIMEOUT_SECONDS
    fake.on_hang = lambda: setattr(settings, "LLM_TIMEOUT_SECONDS", HANG_TIMEOUT_SECONDS)


@pytest.fixture
def fake_anthropic(settings):
    """The real anthropic SDK pointed at a loopback fake; retries off unless a test turns them on."""
    with FakeAnthropic() as fake:
        settings.LLM_PROVIDER = "anthropic"
        settings.LLM_MODEL = "claude-test"
        settings.ANTHROPIC_API_KEY = "sk-ant-test"
        settings.ANTHROPIC_BASE_URL = fake.url
        settings.LLM_MAX_RETRIES = 0
        set_model_timeouts(fake, settings)
        yield fake


@pytest.fixture
def fake_openai(settings):
    with FakeOpenAI() as fake:
        settings.LLM_PROVIDER = "openai"
        settings.LLM_MODEL = "llama-test"
        settings.OPENAI_API_KEY = "sk-test"
        settings.OPENAI_BASE_URL = fake.url + "/v1"
        settings.LLM_MAX_RETRIES = 0
        set_model_timeouts(fake, settings)
        yield fake


@pytest.fixture
def user_factory(db):
    return UserFactory


@pytest.fixture
def user(db):
    """A signed-up free user with a verified email."""
    return UserFactory()


@pytest.fixture
def signed_in_client(client, user):
    client.force_login(user)
    return client


def pytest_collection_modifyitems(config, items):
    """Skip PostgreSQL-only tests, saying why, when the suite runs on SQLite."""
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL); the suite is running on SQLite")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
