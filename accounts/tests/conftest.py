import re

import pytest
from django.core import mail
from django.core.cache import cache

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
def client_factory(db):
    """Fresh browsers, each with its own cookies."""
    from django.test import Client

    return Client
