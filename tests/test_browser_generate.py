"""A free user writes a prompt, watches the answer stream in, and on the 11th attempt of the
day meets the limit modal with its one-click upgrade."""

import re

import pytest
from playwright.sync_api import expect

from billing.plans import FREE
from generation.models import DailyUsage, Generation
from generation.quota import usage_day
from tests.browser_session import sign_in
from tests.fake_llm import Failure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_model(settings):
    settings.LLM_PROVIDER = "demo"
    settings.DEMO_DELAY_SECONDS = 0.03  # slow enough to see the stream arrive in pieces
    settings.RATE_LIMIT_PER_MINUTE = 0
    return settings


def generate(page, prompt):
    page.fill("#prompt", prompt)
    page.click("#generate-button")


def test_free_user_sees_the_answer_stream_then_hits_the_limit_modal(page, client, user, live_server, demo_model):
    script_errors = []  # uncaught exceptions and CSP violations; the expected 402 is not one
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    page.on("console", lambda message: "Content Security Policy" in message.text and script_errors.append(message.text))
    demo_model.STRIPE_SECRET_KEY = "sk_test_browser"  # billing set up: the limit dialog offers Checkout
    sign_in(page, client, user, live_server)
    page.goto(f"{live_server.url}/generate/")
    expect(page.locator("[data-usage-text]")).to_have_text(f"0 of {FREE.daily_generations}")

    generate(page, "A welcome email for new subscribers")

    # Mid-stream: the indicator shows while part of the answer is already on screen.
    page.wait_for_function(
        """() => !document.getElementById('streaming-indicator').classList.contains('hidden')
                 && document.getElementById('output').textContent.includes('Demo model')"""
    )
    expect(page.locator("#streaming-indicator")).to_be_hidden()
    expect(page.locator("#output")).to_contain_text("A welcome email for new subscribers")
    expect(page.locator("#output")).to_contain_text("Edit freely")
    expect(page.locator("[data-usage-text]")).to_have_text(f"1 of {FREE.daily_generations}")
    expect(page.locator("#copy-button")).to_be_enabled()
    expect(page.locator("#answer-meta a")).to_have_attribute("href", re.compile(r"^/history/\d+/$"))

    demo_model.DEMO_DELAY_SECONDS = 0
    for attempt in range(2, FREE.daily_generations + 1):
        generate(page, f"Draft {attempt}")
        expect(page.locator("[data-usage-text]")).to_have_text(f"{attempt} of {FREE.daily_generations}")

    generate(page, "One more, please")

    modal = page.locator("#limit-modal")
    expect(modal).to_be_visible()
    expect(modal).to_contain_text(f"all {FREE.daily_generations} generations")
    expect(page.locator("#limit-reset")).not_to_be_empty()
    upgrade = page.locator("#upgrade-button")
    expect(upgrade).to_be_visible()
    expect(upgrade).to_have_text("Upgrade to Pro")
    assert page.locator("#limit-modal form").get_attribute("action") == "/billing/checkout/"
    assert page.locator("#limit-modal input[name=price]").get_attribute("value") == "pro_monthly"
    expect(modal.get_by_role("link", name="Compare plans")).to_have_attribute("href", "/pricing/")

    page.click("#limit-close")
    expect(modal).to_be_hidden()
    assert DailyUsage.objects.get(user=user).used == FREE.daily_generations
    assert Generation.objects.filter(user=user).count() == FREE.daily_generations
    assert script_errors == []


def test_team_member_writes_into_a_team_document(page, client, user, user_factory, live_server, demo_model):
    from accounts.models import Membership, Team
    from generation.models import Document

    demo_model.DEMO_DELAY_SECONDS = 0
    team = Team.objects.create(name="Acme Writers", slug="acme")
    Membership.objects.create(team=team, user=user_factory(plan="team"), role=Membership.Role.OWNER)
    Membership.objects.create(team=team, user=user)
    Document.objects.create(title="My notes", created_by=user)
    brief = Document.objects.create(title="Team brief", team=team, created_by=user, body="Intro.")
    sign_in(page, client, user, live_server)
    page.goto(f"{live_server.url}/generate/")

    expect(page.locator("#document option", has_text="Team brief")).to_be_disabled()
    expect(page.locator("#document option", has_text="My notes")).to_be_enabled()
    page.select_option("#workspace", "acme")
    expect(page.locator("[data-usage-text]")).to_have_text("Unlimited")
    expect(page.locator("#document option", has_text="My notes")).to_be_disabled()
    expect(page.locator("#document option", has_text="Team brief")).to_be_enabled()
    page.select_option("#document", label="Team brief")
    generate(page, "A paragraph for the brief")
    expect(page.locator("#answer-meta a")).to_be_visible()

    brief.refresh_from_db()
    generation = Generation.objects.get(user=user)
    assert (generation.team, generation.document) == (team, brief)
    assert brief.body.startswith("Intro.\n\n[Demo model")
    assert not DailyUsage.objects.filter(user=user, used__gt=0).exists()


def test_failed_model_call_says_it_was_not_counted(page, client, user, live_server, fake_anthropic):
    fake_anthropic.fail_next(Failure(status=529))
    sign_in(page, client, user, live_server)
    page.goto(f"{live_server.url}/generate/")

    generate(page, "Hello")

    expect(page.locator("#generate-error")).to_contain_text("not counted against your limit")
    expect(page.locator("#answer-meta")).to_contain_text("Not counted against your limit")
    expect(page.locator("[data-usage-text]")).to_have_text(f"0 of {FREE.daily_generations}")

    generate(page, "Hello again")
    expect(page.locator("#output")).to_contain_text("Hello from the fake model")
    expect(page.locator("#generate-error")).to_be_hidden()
    expect(page.locator("[data-usage-text]")).to_have_text(f"1 of {FREE.daily_generations}")


def test_reset_time_reads_the_same_on_the_generate_page_and_the_dashboard(browser, client, user, live_server):
    # A browser far from the server's time zone: the pages must not switch to its local format.
    context = browser.new_context(timezone_id="America/Los_Angeles", locale="en-GB")
    page = context.new_page()
    DailyUsage.objects.create(user=user, day=usage_day(), used=FREE.daily_generations)
    sign_in(page, client, user, live_server)

    page.goto(f"{live_server.url}/dashboard/")
    on_dashboard = page.locator("[data-usage-reset] time").text_content()
    page.goto(f"{live_server.url}/generate/")
    generate(page, "One more, please")
    expect(page.locator("#limit-modal")).to_be_visible()

    assert re.fullmatch(r"[A-Z][a-z]{2} \d{1,2}, \d\d:\d\d UTC", on_dashboard)
    expect(page.locator("[data-usage-reset] time")).to_have_text(on_dashboard)
    expect(page.locator("#limit-reset")).to_have_text(on_dashboard)
    # The reader's own clock follows in brackets, in their locale's format (en-GB: 24-hour).
    expect(page.locator("#limit-reset + .local-time")).to_have_text(re.compile(r"^ \(\w{3} \d{1,2}:00 your time\)$"))
    context.close()


def test_long_unbroken_words_wrap_at_phone_width(browser, client, user, live_server, demo_model):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    sign_in(page, client, user, live_server)
    long_word = "https://example.com/" + "x" * 400
    demo_model.DEMO_DELAY_SECONDS = 0

    page.goto(f"{live_server.url}/generate/")
    generate(page, f"Rewrite {long_word}")
    expect(page.locator("#output")).to_contain_text("Edit freely")
    generate_width = page.evaluate("document.documentElement.scrollWidth")
    page.goto(f"{live_server.url}/history/{Generation.objects.get(user=user).pk}/")
    detail_width = page.evaluate("document.documentElement.scrollWidth")

    assert (generate_width, detail_width) == (390, 390)
    context.close()
