"""A team writes together: invite, accept, and two people editing and generating in one document."""

import re

import pytest
from django.core import mail
from django.test import Client
from playwright.sync_api import expect

from generation.documents import save_body
from generation.models import Document
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE_UPDATE_TIMEOUT = 15_000  # the editor polls every few seconds


@pytest.fixture
def open_as(browser, live_server):
    """Open a browser context signed in as a user; every context is closed after the test."""
    contexts = []

    console_errors = []

    def open_page(user):
        client = Client()
        client.force_login(user)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
        return page

    yield open_page
    for context in contexts:
        context.close()
    # Script errors and CSP violations show up here; a 409 or a held-back poll is expected.
    assert [error for error in console_errors if not error.startswith("Failed to load resource")] == []


@pytest.fixture
def owner():
    return UserFactory(email="olive@example.com", name="Olive", plan="team")


@pytest.fixture
def colleague():
    return UserFactory(email="tom@example.com", name="Tom", plan="free")


def test_owner_invites_colleague_and_both_write_in_one_document(open_as, live_server, owner, colleague, settings):
    settings.SITE_URL = live_server.url
    settings.RATE_LIMIT_PER_MINUTE = 0
    olive = open_as(owner)
    tom = open_as(colleague)

    # Olive creates a team; the address is suggested from the name.
    olive.goto(f"{live_server.url}/teams/")
    olive.fill("#id_name", "Acme Writers")
    expect(olive.locator("#id_slug")).to_have_value("acme-writers")
    olive.click("text=Create team")
    expect(olive.locator("h1")).to_have_text("Acme Writers")

    # She invites Tom; he gets an email with a link.
    olive.fill("#id_email", "tom@example.com")
    olive.click("text=Send invitation")
    expect(olive.locator(".messages")).to_contain_text("Invitation sent to tom@example.com")
    (message,) = mail.outbox
    link = re.search(r"http\S+/teams/join/\S+/", message.body).group(0)

    # Tom accepts and lands on the team page.
    tom.goto(link)
    tom.click("text=Accept and join Acme Writers")
    expect(tom.locator(".messages")).to_contain_text("Welcome to Acme Writers")
    expect(tom.locator("#members")).to_contain_text("Olive")

    # Olive starts a team document and writes.
    olive.goto(f"{live_server.url}/teams/acme-writers/")
    expect(olive.locator("#members")).to_contain_text("tom@example.com")
    olive.click("text=New document")
    olive.wait_for_url(re.compile(r"/documents/\d+/$"))  # loaded: the editor's scripts are ready
    olive.fill("#document-body", "Olive's opening line.")
    expect(olive.locator("#save-status")).to_contain_text("Saved at")
    document = Document.objects.get()
    assert document.body == "Olive's opening line."

    # Tom opens it, sees her text, and adds his own; Olive's editor picks it up.
    tom.goto(f"{live_server.url}/documents/{document.pk}/")
    expect(tom.locator("#document-body")).to_have_value("Olive's opening line.")
    expect(tom.locator("#document-meta")).to_contain_text("Last edited by Olive")
    tom.fill("#document-body", "Olive's opening line.\nTom's second line.")
    expect(tom.locator("#save-status")).to_contain_text("Saved at")
    expect(olive.locator("#document-body")).to_have_value(
        "Olive's opening line.\nTom's second line.", timeout=LIVE_UPDATE_TIMEOUT
    )
    expect(olive.locator("#document-meta")).to_contain_text("Last edited by Tom", timeout=LIVE_UPDATE_TIMEOUT)

    # Tom generates into the document (the team's unlimited plan, though he is on Free); both see it.
    tom.fill("#ask-prompt", "A closing sentence about bread")
    tom.click("text=Write at cursor")
    tom.click("#ask-accept")
    expect(tom.locator("#ask-pending")).to_contain_text("Added to your document")
    expect(tom.locator("#save-status")).to_contain_text("Saved at")
    generation = document.generations.get()
    assert generation.user == colleague and generation.team.slug == "acme-writers"
    for page in (tom, olive):
        expect(page.locator("#document-generations")).to_contain_text(
            "A closing sentence about bread", timeout=LIVE_UPDATE_TIMEOUT
        )
        expect(page.locator("#document-body")).to_have_value(
            re.compile(re.escape(generation.output.strip()[:40])), timeout=LIVE_UPDATE_TIMEOUT
        )
    expect(olive.locator("#document-generations")).to_contain_text("Tom")


def test_a_conflicting_edit_is_reported_not_overwritten(open_as, live_server, owner, colleague):
    from accounts.models import Membership
    from tests.factories import DocumentFactory, TeamFactory

    team = TeamFactory(owner=owner, slug="acme")
    Membership.objects.create(team=team, user=colleague)
    document = DocumentFactory(team=team, created_by=owner, body="Start.")
    page = open_as(owner)
    page.route(re.compile(r".*/live/.*"), lambda route: route.abort())  # hold back live updates: edit "blind"
    page.goto(f"{live_server.url}/documents/{document.pk}/")

    save_body(document, "Start. Tom's words.", document.version, colleague)
    page.fill("#document-body", "Start. Olive's words.")

    expect(page.locator("#save-status")).to_contain_text("Tom changed this document")
    document.refresh_from_db()
    assert document.body == "Start. Tom's words."
    expect(page.locator("#document-body")).to_have_value("Start. Olive's words.")

    page.click("text=Keep my version")
    expect(page.locator("#save-status")).to_contain_text("Saved at")
    document.refresh_from_db()
    assert document.body == "Start. Olive's words."


def test_a_save_the_server_refuses_before_the_view_is_reported_not_left_saving(open_as, live_server, owner, settings):
    from tests.factories import DocumentFactory

    document = DocumentFactory(created_by=owner, body="Short.")
    page = open_as(owner)
    page.goto(f"{live_server.url}/documents/{document.pk}/")
    # Django answers 400 itself, before the view and without our status fragment, above this size.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000

    page.fill("#document-body", "word " * 1_000)

    expect(page.locator("#save-status")).to_contain_text("Not saved: the server refused this text")
    expect(page.locator("#save-status")).to_have_attribute("data-state", "error")
    expect(page.locator("#document-body")).to_have_value("word " * 1_000)
    document.refresh_from_db()
    assert document.body == "Short."


@pytest.mark.parametrize("width", [1280, 390])
def test_long_unbroken_names_wrap_instead_of_widening_the_page(open_as, live_server, owner, width):
    from tests.factories import DocumentFactory, TeamFactory

    team = TeamFactory(owner=owner, name="W" * 100, slug="wide", brand_voice="V" * 3000)
    document = DocumentFactory(team=team, created_by=owner, title="T" * 200, body="B" * 3000)
    page = open_as(owner)
    page.set_viewport_size({"width": width, "height": 900})

    for path in ["/teams/", "/teams/wide/", "/teams/wide/history/", "/documents/", f"/documents/{document.pk}/"]:
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
