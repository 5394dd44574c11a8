"""The founder metrics cost a fixed number of queries: the page and the command run as many with
1,000 users, subscriptions, generations and limit hits as with 10."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import metrics_world

pytestmark = pytest.mark.django_db


def query_count(action) -> int:
    with CaptureQueriesContext(connection) as queries:
        action()
    return len(queries)


def test_page_and_command_queries_do_not_grow_with_the_data(client, user_factory):
    client.force_login(user_factory(is_staff=True))
    client.get(reverse("staff_metrics"))  # the session's first request also records the session

    def costs():
        page = query_count(lambda: client.get(reverse("staff_metrics")))
        command = query_count(lambda: call_command("metrics", "--json", stdout=io.StringIO()))
        report = query_count(lambda: call_command("metrics", stdout=io.StringIO()))
        return {"page": page, "command --json": command, "command": report}

    metrics_world.build(users=10, generations_per_user=1, label="first")
    with_10 = costs()
    metrics_world.build(users=990, generations_per_user=1, label="more")
    with_1000 = costs()

    assert with_10 == with_1000
    assert with_1000["command --json"] <= 8
