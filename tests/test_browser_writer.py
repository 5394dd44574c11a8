"""The writer in a browser: Markdown answers (sanitised), Stop, refinements that send "parent", and
templates that fill the prompt."""

import os

import pytest
from playwright.sync_api import expect

from billing.plans import FREE
from generation.models import DailyUsage, Generation
from generation.quota import usage_day
from tests.test_browser_generate import generate, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SCREENSHOT_DIR")  # set to keep screenshots of the pages at 1280 and 390 px

HOSTILE_MARKDOWN = (
    "# Launch plan\n\n"
    "Three **bold** steps:\n\n"
    "- Write the [announcement](https://example.com/launch)\n"
    "- Click [here](javascript:window.pwned=1) for a prize\n"
    "- Ship it\n\n"
    "<script>window.pwned=2</script>\n\n"
    '<img src="x" onerror="window.pwned=3">'
)


@pytest.fixture
def demo_model(settings):
    """The offline demo model (it answers in Markdown), without delays or a rate limit."""
    settings.LLM_PROVIDER = "demo"
    settings.DEMO_DELAY_SECONDS = 0
    settings.RATE_LIMIT_PER_MINUTE = 0
    return settings


def screenshot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_a_markdown_answer_renders_formatted_and_nothing_the_model_sent_runs(
    page, client, user, live_server, fake_anthropic
):
    fake_anthropic.reply = HOSTILE_MARKDOWN
    sign_in(page, client, user, live_server)
    page.goto(f"{live_server.url}/generate/")

    generate(page, "A launch plan")

    output = page.locator("#output")
    expect(output.locator("h1")).to_have_text("Launch plan")
    expect(output.locator("li")).to_have_count(3)
    expect(output.locator("strong")).to_have_text("bold")
    expect(output.get_by_role("link", name="announcement")).to_have_attribute("href", "https://example.com/launch")
    expect(page.locator("#answer-meta")).to_contain_text("Saved to history")
    expect(output.locator("a")).to_have_count(1)  # the javascript: link stays plain text
    expect(output).to_contain_text("<script>window.pwned=2</script>")  # shown as text, not run
    assert output.locator("script, img, [onerror]").count() == 0
    assert page.evaluate("window.pwned") is None

    page.goto(f"{live_server.url}/history/{Generation.objects.get().pk}/")
    answer = page.locator(".rendered")
    expect(answer.locator("h1")).to_have_text("Launch plan")
    expect(answer.locator("li")).to_have_count(3)
    expect(answer.locator("a")).to_have_count(1)
    assert answer.locator("script, img").count() == 0
    assert page.evaluate("window.pwned") is None


def test_stop_ends_the_stream_and_the_meter_says_it_counted(page, client, user, live_server, demo_model):
    demo_model.DEMO_DELAY_SECONDS = 0.2  # a long stream, so Stop comes while it is still writing
    sign_in(page, client, user, live_server)
    page.goto(f"{live_server.url}/generate/")

    generate(page, "A long essay on tea")
    expect(page.locator("#output h2")).to_contain_text("A first draft")
    expect(page.locator("[data-usage-text]")).to_have_text(f"1 of {FREE.daily_generations}")  # counted from the start
    screenshot(page, "generate-streaming-1280")
    page.click("#stop-button")

    expect(page.locator("#stop-button")).to_be_hidden()
    expect(page.locator("#streaming-indicator")).to_be_hidden()
    expect(page.locator("[data-usage-text]")).to_have_text(f"1 of {FREE.daily_generations}")
    expect(page.locator("#answer-meta")).to_contain_text("Stopped. What arrived counts as a generation")
    expect(page.locator("#output")).not_to_contain_text("Edit freely")  # the rest never came
    generation = Generation.objects.get()
    for _ in range(100):  # the server settles when its next write finds the connection closed
        generation.refresh_from_db()
        if generation.status != Generation.Status.PENDING:
            break
        page.wait_for_timeout(100)
    assert (generation.status, generation.stop_reason, generation.refunded) == ("completed", "client_closed", False)
    assert DailyUsage.objects.get(user=user).used == 1


def test_refine_sends_the_parent_and_the_model_receives_the_earlier_exchange(
    page, client, user, live_server, fake_anthropic
):
    fake_anthropic.reply = "Dear customers, our shop now opens at eight every weekday morning."
    sign_in(page, client, user, live_server)
    page.goto(f"{live_server.url}/generate/")
    generate(page, "An email about our new opening hours")
    expect(page.locator("#answer-meta")).to_contain_text("Saved to history")
    fake_anthropic.reply = "We open at eight."

    page.get_by_role("button", name="Shorter").click()

    expect(page.locator("#output")).to_have_text("We open at eight.")
    first, refined = Generation.objects.order_by("pk")
    assert refined.parent == first
    assert fake_anthropic.requests[-1]["body"]["messages"] == [
        {"role": "user", "content": "An email about our new opening hours"},
        {"role": "assistant", "content": "Dear customers, our shop now opens at eight every weekday morning."},
        {"role": "user", "content": "Make it shorter: keep the main points and cut the rest."},
    ]

    page.fill("#change-input", "Mention the free parking")
    page.get_by_role("button", name="Change it").click()
    expect(page.locator("[data-usage-text]")).to_have_text(f"3 of {FREE.daily_generations}")
    assert fake_anthropic.requests[-1]["body"]["messages"][1]["content"] == "We open at eight."
    assert fake_anthropic.requests[-1]["body"]["messages"][2]["content"] == "Mention the free parking"


def test_a_refused_attempt_keeps_the_last_good_answer(page, client, user, live_server, fake_anthropic):
    DailyUsage.objects.create(user=user, day=usage_day(), used=FREE.daily_generations - 1)
    fake_anthropic.reply = "The last answer of the day."
    sign_in(page, client, user, live_server)
    page.goto(f"{live_server.url}/generate/")
    generate(page, "Hello")
    expect(page.locator("#answer-meta")).to_contain_text("Saved to history")

    page.get_by_role("button", name="Regenerate").click()

    expect(page.locator("#limit-modal")).to_be_visible()
    page.click("#limit-close")
    expect(page.locator("#output")).to_have_text("The last answer of the day.")
    expect(page.locator("#copy-button")).to_be_enabled()


def test_a_template_with_tone_and_length_fills_the_prompt(page, client, user, live_server, demo_model):
    sign_in(page, client, user, live_server)
    page.goto(f"{live_server.url}/generate/")
    expect(page.locator("#starters")).to_be_visible()  # no history yet: starter prompts

    page.select_option("#template", label="Email")
    page.fill("#field-email-recipient", "customers who signed up last week")
    page.fill("#field-email-purpose", "our new opening hours")
    page.select_option("#tone", label="Friendly")
    page.select_option("#length", label="Short (about 50 words)")

    expected = (
        "Write an email.\nIt is for: customers who signed up last week.\nIt is about: our new opening hours.\n"
        "Tone: friendly.\nLength: about 50 words."
    )
    expect(page.locator("#prompt")).to_have_value(expected)
    page.click("#generate-button")
    expect(page.locator("#answer-meta")).to_contain_text("Saved to history")
    assert Generation.objects.get().prompt == expected

    page.select_option("#template", label="Blank prompt")
    page.fill("#prompt", "A haiku about tea")
    page.select_option("#tone", label="Playful")
    expect(page.locator("#prompt")).to_have_value("A haiku about tea\nTone: playful.\nLength: about 50 words.")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_generate_page_fits_and_shows_the_answer(browser, client, user, live_server, demo_model, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    sign_in(page, client, user, live_server)
    page.goto(f"{live_server.url}/generate/")
    screenshot(page, f"generate-empty-{width}")

    generate(page, "A welcome email for new subscribers")
    expect(page.locator("#answer-meta")).to_contain_text("Saved to history")
    expect(page.locator("#refine")).to_be_visible()

    assert page.evaluate("document.documentElement.scrollWidth") == width
    if width < 800:  # on a phone the answer is scrolled into view
        expect(page.locator("#output h2")).to_be_in_viewport()
    screenshot(page, f"generate-{width}")
    context.close()


def make_history(user):
    answers = [
        (
            "A welcome email for new subscribers",
            "## Welcome aboard\n\nThanks for joining. Here is **what happens next**:\n\n- a tour\n- a tip a week",
        ),
        (
            "Three subject lines for our spring sale",
            "1. Spring into savings\n2. Fresh deals, fresh start\n3. Your spring shortlist",
        ),
    ]
    return [
        Generation.objects.create(
            user=user, prompt=prompt, output=output, status="completed", plan="free", provider="demo",
            model="inkwell-demo", output_tokens=40, charged_day=usage_day(),
        )
        for prompt, output in answers
    ]  # fmt: skip


def history_item(page, prompt):
    return page.locator(".history-item").filter(has=page.get_by_role("link", name=prompt))


def test_history_actions_reuse_regenerate_send_and_delete(page, client, user, live_server, demo_model):
    welcome, subjects = make_history(user)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    sign_in(page, client, user, live_server)
    page.goto(f"{live_server.url}/history/")
    item = history_item(page, "Three subject lines for our spring sale")
    item.get_by_role("button", name="Copy").click()
    expect(item.get_by_role("button", name="Copied")).to_be_visible()
    copied = page.evaluate("async () => (await (await navigator.clipboard.read())[0].getType('text/html')).text()")
    assert "<li>Fresh deals, fresh start</li>" in copied
    expect(item.locator(".history-snippet")).to_have_text(
        "Spring into savings Fresh deals, fresh start Your spring shortlist"
    )

    item.get_by_role("link", name="Reuse prompt").click()
    expect(page.locator("#prompt")).to_have_value("Three subject lines for our spring sale")
    expect(page.locator("#output li")).to_have_count(3)  # its answer, ready to refine
    assert Generation.objects.count() == 2  # reusing runs nothing
    page.get_by_role("button", name="Friendlier").click()
    expect(page.locator("#answer-meta")).to_contain_text("Saved to history")
    assert Generation.objects.latest("pk").parent == subjects

    page.goto(f"{live_server.url}/history/")
    history_item(page, "Three subject lines for our spring sale").get_by_role("link", name="Regenerate").click()
    expect(page.locator("#answer-meta")).to_contain_text("Saved to history")
    assert Generation.objects.latest("pk").prompt == "Three subject lines for our spring sale"
    page.reload()
    expect(page.locator("#prompt")).to_have_value("Three subject lines for our spring sale")
    page.wait_for_load_state("networkidle")
    assert Generation.objects.count() == 4  # a reload does not run it again

    page.goto(f"{live_server.url}/history/")
    item = history_item(page, "A welcome email for new subscribers")
    item.locator("summary", has_text="Send to document").click()
    item.get_by_role("button", name="Add").click()
    expect(page.locator(".message")).to_contain_text("added to")
    assert user.documents.get().body == welcome.output

    page.goto(f"{live_server.url}/history/")
    page.on("dialog", lambda dialog: dialog.accept())
    history_item(page, "A welcome email for new subscribers").get_by_role("button", name="Delete").click()
    expect(page.locator(".message")).to_contain_text("still counts")
    expect(history_item(page, "A welcome email for new subscribers")).to_have_count(0)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_history_pages_fit(browser, client, user, live_server, width):
    welcome, _ = make_history(user)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    sign_in(page, client, user, live_server)

    page.goto(f"{live_server.url}/history/")
    expect(page.locator(".history-item")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") == width
    screenshot(page, f"history-{width}")
    page.goto(f"{live_server.url}/history/{welcome.pk}/")
    expect(page.locator(".rendered h2")).to_have_text("Welcome aboard")
    assert page.evaluate("document.documentElement.scrollWidth") == width
    screenshot(page, f"history-detail-{width}")
    context.close()


def test_copy_puts_formatted_and_plain_text_on_the_clipboard(page, client, user, live_server, fake_anthropic):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    fake_anthropic.reply = "## Opening hours\n\nWe open at **eight**."
    sign_in(page, client, user, live_server)
    page.goto(f"{live_server.url}/generate/")
    generate(page, "Opening hours")
    expect(page.locator("#answer-meta")).to_contain_text("Saved to history")

    page.click("#copy-button")
    expect(page.locator("#copy-button")).to_have_text("Copied")

    clipboard = page.evaluate(
        """async () => {
            const [item] = await navigator.clipboard.read();
            const read = async (type) => (await item.getType(type)).text();
            return {types: item.types, html: await read("text/html"), text: await read("text/plain")};
        }"""
    )
    assert set(clipboard["types"]) >= {"text/html", "text/plain"}
    assert "<h2>Opening hours</h2>" in clipboard["html"] and "<strong>eight</strong>" in clipboard["html"]
    assert "Opening hours" in clipboard["text"] and "**" not in clipboard["text"] and "##" not in clipboard["text"]
