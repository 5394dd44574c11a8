"""A user changes their email (by code), downloads their data, revokes a key after confirming, and
deletes their account, in Chromium."""

import json
import re
from pathlib import Path

import pytest
from allauth.usersessions.models import UserSession
from django.core import mail
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import ApiKey, User
from tests.browser_session import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE_LINE = re.compile(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", re.MULTILINE)


def test_a_user_changes_their_email_with_a_code_sent_to_the_new_address(page, client, user, live_server):
    sign_in(page, client, user, live_server)
    page.goto(f"{live_server.url}/account/")

    page.get_by_text("Change your email address").click()
    page.get_by_label("New email address").fill("moved@example.com")
    page.get_by_role("button", name="Send a code").click()

    expect(page.get_by_role("heading", name="Confirm your email")).to_be_visible()
    expect(page.get_by_text("moved@example.com", exact=True)).to_be_visible()
    assert mail.outbox[-1].to == ["moved@example.com"]
    page.get_by_label("Code").fill(CODE_LINE.search(mail.outbox[-1].body).group(1))
    page.get_by_role("button", name="Confirm and continue").click()

    expect(page).to_have_url(f"{live_server.url}/account/#email")
    expect(page.locator("#email strong").first).to_have_text("moved@example.com")
    user.refresh_from_db()
    assert user.email == "moved@example.com"


def test_a_user_downloads_their_data_as_json(page, client, user, live_server):
    sign_in(page, client, user, live_server)
    page.goto(f"{live_server.url}/account/")

    with page.expect_download() as download_info:
        page.locator("#your-data").get_by_role("link", name="Download your data").click()

    download = download_info.value
    assert re.fullmatch(r"inkwell-export-\d{4}-\d{2}-\d{2}\.json", download.suggested_filename)
    data = json.loads(Path(download.path()).read_text())
    assert data["profile"]["email"] == user.email
    assert set(data) >= {"profile", "generations", "documents", "teams"}


def test_revoking_a_key_asks_first(page, client, user, live_server):
    ApiKey.issue(user, "laptop")
    sign_in(page, client, user, live_server)
    page.goto(f"{live_server.url}/account/")

    page.locator("#api-keys summary", has_text="Revoke").click()
    expect(page.get_by_text("Revoke “laptop”? Every request using it is refused")).to_be_visible()
    assert ApiKey.objects.get().revoked_at is None
    page.get_by_role("button", name="Revoke key").click()

    expect(page.get_by_text("API key “laptop” revoked.")).to_be_visible()
    assert ApiKey.objects.get().revoked_at is not None


def test_a_user_deletes_their_account_after_typing_its_email(page, client, user, live_server):
    sign_in(page, client, user, live_server)
    page.goto(f"{live_server.url}/account/")

    page.get_by_role("link", name="Delete account…").click()
    expect(page.get_by_role("heading", name="Delete your account?")).to_be_visible()
    page.get_by_label("Type your email address").fill("not-me@example.com")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text(f"Type your account's email address, {user.email}, to confirm.")).to_be_visible()
    assert User.objects.filter(pk=user.pk).exists()

    page.get_by_label("Type your email address").fill(user.email)
    page.get_by_role("button", name="Delete my account").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_text(f"Your account {user.email} and its data are deleted.")).to_be_visible()
    assert not User.objects.filter(pk=user.pk).exists()
    page.goto(f"{live_server.url}/account/")
    expect(page).to_have_url(re.compile(r"/login/"))


def test_signing_out_the_other_sessions_asks_first(page, client, user, live_server):
    other_device = Client()
    other_device.force_login(user)
    other_device.get(reverse("account"))
    sign_in(page, client, user, live_server)
    page.goto(f"{live_server.url}/account/")

    page.get_by_text("Sign out other sessions (1)").click()
    expect(page.get_by_text("Those browsers need a new sign-in code.")).to_be_visible()
    assert UserSession.objects.filter(user=user).count() == 2
    page.get_by_role("button", name="Sign them out").click()

    expect(page.get_by_text("Signed out 1 other session.")).to_be_visible()
    assert other_device.get(reverse("account"))["Location"].startswith(reverse("login"))
