import re

import pytest
import responses
from django.core import mail
from django.core.cache import cache
from django.test import Client

from accounts.tests import oauth
from tests.factories import TeamFactory, UserFactory

CODE_LINE = re.compile(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", re.MULTILINE)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """allauth counts rate limits in the cache; every test starts with none used."""
    cache.clear()
    yield
    cache.clear()


def last_code(to: str) -> str:
    """The code in the latest email sent to ``to``."""
    for message in reversed(mail.outbox):
        if to in message.to:
            return CODE_LINE.search(message.body).group(1)
    raise AssertionError(f"no email was sent to {to}")


def request_code(client, email):
    return client.post("/login/", {"email": email})


def sign_in_by_code(client, email):
    """Walk /login/ → emailed code → signed in; returns the last response."""
    response = request_code(client, email)
    assert response.status_code == 302, response.content
    return client.post(response["Location"], {"code": last_code(email)})


@pytest.fixture
def owner(db):
    """A Team-plan user who owns ``team``."""
    return UserFactory(plan="team")


@pytest.fixture
def team(owner):
    """The team "Acme Writers" (slug ``acme``), owned by ``owner``."""
    return TeamFactory(owner=owner, name="Acme Writers", slug="acme")


@pytest.fixture
def client_factory(db):
    """Fresh browsers, each with its own cookies."""
    return Client


@pytest.fixture
def providers(settings):
    """Both providers configured, as config/settings.py does when their env keys are set."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        "google": {"APP": oauth.GOOGLE, "SCOPE": ["profile", "email"], "EMAIL_AUTHENTICATION": True},
        "github": {"APP": oauth.GITHUB, "SCOPE": ["user:email"], "EMAIL_AUTHENTICATION": True},
    }


@pytest.fixture
def provider_http():
    """Answers allauth's calls to Google and GitHub; any call not set up fails instead of going out."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock
