"""A new visitor signs up with an emailed code and lands on the dashboard, in Chromium."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE_LINE = re.compile(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", re.MULTILINE)


def test_a_new_visitor_signs_up_by_email_code_and_lands_on_the_dashboard(page, live_server):
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    page.on("console", lambda message: "Content Security Policy" in message.text and script_errors.append(message.text))

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Start writing free").click()
    page.get_by_label("Email").fill("newcomer@example.com")
    page.get_by_role("button", name="Create my account").click()

    # The same code page as a returning user's: the account is created once the code is confirmed.
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    expect(page.get_by_text("newcomer@example.com", exact=True)).to_be_visible()
    assert not User.objects.filter(email="newcomer@example.com").exists()
    (message,) = mail.outbox
    assert message.to == ["newcomer@example.com"]
    code = CODE_LINE.search(message.body).group(1)
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(f"{live_server.url}/dashboard/")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    user = User.objects.get(email="newcomer@example.com")
    assert user.has_verified_email
    assert script_errors == []


def test_a_returning_user_signs_in_from_the_login_page(page, live_server, user_factory):
    user = user_factory(email="returning@example.com")

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_role("button", name="Email me a code").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    code = CODE_LINE.search(mail.outbox[-1].body).group(1)
    page.get_by_label("Code").fill(code.lower())
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(f"{live_server.url}/dashboard/")
