"""Private pages are not cached, a proxy the settings ignore is reported once, invitation tokens stay out of
the logs, and the example environment does not turn DEBUG on."""

import http.client
import logging
import re
from pathlib import Path

import pytest
from django.test import Client

from accounts.models import Invitation
from config.logs import RedactTokens
from tests.factories import TeamFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent

PRIVATE_PAGES = ["/account/", "/documents/", "/history/", "/generate/", "/billing/", "/teams/", "/dashboard/"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PRIVATE_PAGES)
def test_signed_in_pages_are_never_stored(signed_in_client, path):
    response = signed_in_client.get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_public_pages_keep_their_caching(client):
    assert not client.get("/pricing/").has_header("Cache-Control")


@pytest.mark.django_db
def test_forwarded_for_without_a_proxy_count_is_reported_once(settings, caplog):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    browser = Client()
    with caplog.at_level(logging.WARNING, logger="config.middleware"):
        browser.get("/pricing/")
        browser.get("/pricing/", HTTP_X_FORWARDED_FOR="203.0.113.7")
        browser.get("/pricing/", HTTP_X_FORWARDED_FOR="203.0.113.8")

    warnings = [record.getMessage() for record in caplog.records if record.name == "config.middleware"]
    assert len(warnings) == 1
    assert "TRUSTED_PROXY_COUNT" in warnings[0]


@pytest.mark.django_db
def test_a_configured_proxy_count_is_not_reported(settings, caplog):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    with caplog.at_level(logging.WARNING, logger="config.middleware"):
        Client().get("/pricing/", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert not [record for record in caplog.records if record.name == "config.middleware"]


def test_the_example_environment_leaves_debug_off():
    lines = (ROOT / ".env.example").read_text().splitlines()
    assert not [line for line in lines if re.match(r"\s*DEBUG\s*=", line)]
    assert any(line.startswith("# DEBUG=") for line in lines)
    assert any(line.startswith("TRUSTED_PROXY_COUNT=") or line.startswith("# TRUSTED_PROXY_COUNT=") for line in lines)


def test_djangos_request_log_redacts_invitation_tokens(db):
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Bad Request: %s", ("/teams/join/s3cr3t-T0ken_x/",), None
    )
    RedactTokens().filter(record)
    assert record.getMessage() == "Bad Request: /teams/join/[token]/"


@pytest.mark.postgres
def test_the_access_log_carries_no_invitation_token(procfile_web):
    owner = UserFactory(plan="team")
    invitation = Invitation.objects.create(team=TeamFactory(owner=owner), email="guest@example.com")
    server = procfile_web(WEB_CONCURRENCY=1)

    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("GET", f"/teams/join/{invitation.token}/", headers={"Referer": "http://x/teams/join/abc/"})
    connection.getresponse().read()  # the page itself is beside the point (and needs collectstatic here)
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("GET", "/teams/join/not-a-real-token/?from=mail")
    connection.getresponse().read()

    log = server.log.read_text()
    assert "/teams/join/[token]/" in log
    assert invitation.token not in log and "not-a-real-token" not in log and "/join/abc/" not in log
