"""Keyboard and screen-reader access in Chromium: the skip link, the phone menu's button, the
current page marked in the header, and Tab kept inside the daily-limit dialog (axe-core also checks
the open menu and the open dialog)."""

import pytest
from playwright.sync_api import expect

from billing.plans import FREE
from generation.models import DailyUsage
from generation.quota import usage_day
from tests.axe import blocking_violations
from tests.browser_session import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_on_a_phone_the_menu_opens_from_the_keyboard_and_marks_the_current_page(page, client, user, live_server):
    sign_in(page, client, user, live_server)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/history/")

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_focused()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("link", name="Billing")).to_be_hidden()

    page.keyboard.press("Enter")

    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("link", name="Billing")).to_be_visible()
    expect(page.locator("#nav-links [aria-current=page]")).to_have_text("History")
    assert blocking_violations(page) == []
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")


def test_the_skip_link_moves_focus_to_the_page_content(page, client, user, live_server):
    sign_in(page, client, user, live_server)
    page.goto(f"{live_server.url}/account/")

    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    expect(page.locator("main")).to_be_focused()


def test_tab_stays_inside_the_limit_dialog_and_focus_returns_when_it_closes(page, client, user, live_server, settings):
    settings.LLM_PROVIDER = "demo"
    settings.DEMO_DELAY_SECONDS = 0
    DailyUsage.objects.create(user=user, day=usage_day(), used=FREE.daily_generations)
    sign_in(page, client, user, live_server)
    page.goto(f"{live_server.url}/generate/")
    page.fill("#prompt", "One more, please")
    page.click("#generate-button")
    dialog = page.get_by_role("dialog", name="You've reached today's limit")
    expect(dialog).to_be_visible()
    # Billing is not set up here, so focus lands on "Not now" rather than an upgrade button.
    expect(page.get_by_role("button", name="Not now")).to_be_focused()
    assert blocking_violations(page) == []

    for _ in range(8):
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.getElementById('limit-modal').contains(document.activeElement)")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("() => document.getElementById('limit-modal').contains(document.activeElement)")

    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.locator("#generate-button")).to_be_focused()
