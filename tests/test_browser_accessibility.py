"""axe-core (vendored in tests/vendor/axe-core) on the main pages at desktop and phone widths: no
serious or critical violations, no Content-Security-Policy refusal in the console, and at phone
width nothing wider than the screen.

Set INKWELL_SCREENSHOTS=<dir> to keep a full-page screenshot of every page and width there.
"""

import os

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import ApiKey, Membership
from billing.tests.conftest import catalog, customer, fake, post_event, webhook_endpoint  # noqa: F401
from generation.models import Generation
from tests.axe import blocking_violations
from tests.factories import DocumentFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}
PUBLIC_PAGES = [("landing",), ("pricing",), ("login",), ("terms",), ("privacy",), ("contact",)]
SIGNED_IN_PAGES = [
    ("dashboard",),
    ("generate",),
    ("history",),
    ("account",),
    ("account_delete",),
    ("billing",),
    ("document_list",),
    ("team_list",),
    ("team_detail", "acme-writers"),
    ("team_history", "acme-writers"),
]


@pytest.fixture
def writer(customer, fake, post_event):  # noqa: F811
    """A subscriber with something on every page (generations, a document, a team, a key, invoices),
    and the pages of their document and first generation."""
    user = customer.subscriber
    user.name = "Ada"
    user.save(update_fields=["name"])
    created = fake.create_subscription(customer.id, "pro_monthly")
    post_event(created)
    post_event(fake.event("invoice.paid", fake.objects["invoice"][created["data"]["object"]["latest_invoice"]]))
    team = TeamFactory(owner=user, name="Acme Writers", slug="acme-writers")
    Membership.objects.create(team=team, user=UserFactory(), role="member")
    document = DocumentFactory(created_by=user, title="Launch announcement")
    ApiKey.issue(user, "Zapier integration")
    generations = [
        Generation.objects.create(
            user=user,
            prompt=prompt,
            output="Dear customers, …",
            status="completed",
            plan="pro",
            provider="demo",
            model="demo",
            input_tokens=20,
            output_tokens=120,
        )
        for prompt in ("A friendly email about our new opening hours and the parking", "A tweet")
    ]
    return user, [("document_detail", document.pk), ("history_detail", generations[0].pk)]


def overflow(page) -> int:
    """How many pixels the page is wider than the window (0 when nothing is cut off or scrolls sideways)."""
    return page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")


def check_pages(page, base_url, names, width_name):
    width, height = WIDTHS[width_name]
    page.set_viewport_size({"width": width, "height": height})
    screenshots = os.environ.get("INKWELL_SCREENSHOTS")
    refused = []
    page.on("console", lambda message: "Content Security Policy" in message.text and refused.append(message.text))
    problems = {}
    for name, *args in names:
        page.goto(base_url + reverse(name, args=args))
        expect(page.locator("main")).to_be_visible()
        found = blocking_violations(page)
        if refused:
            found.append(f"the browser refused: {refused}")
            refused.clear()
        if width_name == "phone" and overflow(page) > 0:
            found.append(f"the page is {overflow(page)} px wider than the {width} px screen")
        if found:
            problems[name] = found
        if screenshots:
            page.screenshot(path=f"{screenshots}/{name}-{width}.png", full_page=True)
    assert problems == {}


@pytest.mark.parametrize("width_name", WIDTHS)
def test_public_pages_are_accessible(page, live_server, width_name, db):
    check_pages(page, live_server.url, PUBLIC_PAGES, width_name)


@pytest.mark.parametrize("width_name", WIDTHS)
def test_signed_in_pages_are_accessible(page, client, live_server, writer, width_name):
    writer, detail_pages = writer
    client.force_login(writer)
    session = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])

    check_pages(page, live_server.url, SIGNED_IN_PAGES + detail_pages, width_name)
