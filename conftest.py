"""Fixtures shared by every app's tests."""

import pytest
from django.db import connection

from tests.factories import UserFactory


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
