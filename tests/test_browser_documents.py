"""A writer edits a document in Markdown with a live preview, asks Inkwell to write at the cursor or
to rewrite a selection (accept, discard, undo), and downloads the document as .md and .docx."""

import io

import pytest
from docx import Document as WordDocument
from playwright.sync_api import expect

from billing.plans import FREE
from generation.models import DailyUsage, Generation
from generation.quota import usage_day
from tests.factories import DocumentFactory
from tests.fake_llm import Failure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

START = "First paragraph.\n\nLast paragraph."
ANSWER = "## Launch checklist\n\nShip it with **care**."


@pytest.fixture
def model(fake_anthropic, settings):
    settings.RATE_LIMIT_PER_MINUTE = 0
    fake_anthropic.reply = ANSWER
    fake_anthropic.delta_delay_seconds = 0.15  # slow enough to see the answer arrive in pieces
    return fake_anthropic


@pytest.fixture
def document(user):
    return DocumentFactory(created_by=user, title="Launch notes", body=START)


@pytest.fixture
def editor(page, client, user, live_server, document):
    """The document open in the editor, with script errors and CSP violations collected."""
    page.script_errors = []
    page.on("pageerror", lambda error: page.script_errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and page.script_errors.append(message.text))
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/documents/{document.pk}/")
    expect(page.locator("#word-count")).to_have_text("4 words")  # the editor's script is ready
    return page


def select(page, start, end):
    page.evaluate(
        "([start, end]) => { const body = document.getElementById('document-body'); body.focus();"
        " body.setSelectionRange(start, end); body.dispatchEvent(new Event('select')); }",
        [start, end],
    )


def ask(page, prompt):
    page.fill("#ask-prompt", prompt)
    page.click("#ask-button")


def test_ask_inkwell_streams_in_at_the_cursor_and_undo_removes_it(editor, model, document):
    select(editor, len("First paragraph."), len("First paragraph."))
    expect(editor.locator("#ask-button")).to_have_text("Write at cursor")

    ask(editor, "A launch checklist")

    # Mid-stream: part of the answer already sits at the cursor, shown as pending, not saved.
    expect(editor.locator("#ask-pending")).to_have_attribute("data-state", "writing")
    editor.wait_for_function(
        """() => { const text = document.getElementById('document-body').value;
                   return text.startsWith('First paragraph.\\n\\n## Launch') && !text.includes('care')
                          && text.endsWith('\\n\\nLast paragraph.'); }"""
    )
    expect(editor.locator("#ask-accept")).to_be_visible()
    with_answer = f"First paragraph.\n\n{ANSWER}\n\nLast paragraph."
    expect(editor.locator("#document-body")).to_have_value(with_answer)
    pending = editor.locator("#document-preview-body .doc-pending-block")
    expect(pending.locator("h2")).to_have_text("Launch checklist")
    expect(pending.locator("strong")).to_have_text("care")
    document.refresh_from_db()
    assert document.body == START  # pending text is not saved

    editor.click("#ask-accept")
    expect(editor.locator("#save-status")).to_contain_text("Saved at")
    document.refresh_from_db()
    assert document.body == with_answer
    assert Generation.objects.get().document == document
    expect(editor.locator("#document-generations")).to_contain_text("6 words", timeout=10_000)
    expect(editor.locator("#document-preview-body .doc-pending-block")).to_have_count(0)
    expect(editor.locator("#document-preview-body h2")).to_have_text("Launch checklist")

    editor.locator("#document-body").press("Control+z")
    expect(editor.locator("#document-body")).to_have_value(START)
    expect(editor.locator("#save-status")).to_contain_text("Saved at")
    document.refresh_from_db()
    assert document.body == START
    expect(editor.locator("#document-preview-body h2")).to_have_count(0)
    assert editor.script_errors == []


def test_rewriting_a_selection_replaces_it_after_discard_leaves_it_alone(editor, model, document):
    model.reply = "The closing paragraph."
    model.delta_delay_seconds = 0
    select(editor, START.index("Last"), len(START))
    expect(editor.locator("#ask-button")).to_have_text("Rewrite selection")

    ask(editor, "Make it more formal")
    expect(editor.locator("#document-body")).to_have_value("First paragraph.\n\nThe closing paragraph.")
    prompt = model.requests[-1]["body"]["messages"][-1]["content"]
    prompt = prompt if isinstance(prompt, str) else prompt[0]["text"]
    assert prompt.startswith("Make it more formal") and "Last paragraph." in prompt
    editor.click("#ask-discard")
    expect(editor.locator("#document-body")).to_have_value(START)

    select(editor, START.index("Last"), len(START))
    ask(editor, "Make it more formal")
    editor.click("#ask-accept")
    expect(editor.locator("#save-status")).to_contain_text("Saved at")
    document.refresh_from_db()
    assert document.body == "First paragraph.\n\nThe closing paragraph."
    expect(editor.locator("#ask-undo")).to_be_visible()
    editor.click("#ask-undo")
    expect(editor.locator("#document-body")).to_have_value(START)
    assert editor.script_errors == []


def test_a_refused_request_says_why_and_keeps_the_text(editor, model, user, document):
    DailyUsage.objects.create(user=user, day=usage_day(), used=FREE.daily_generations)
    select(editor, 0, 0)

    ask(editor, "One more")

    expect(editor.locator("#ask-status")).to_contain_text(f"all {FREE.daily_generations} generations for today")
    expect(editor.locator("#ask-status a")).to_have_text("See plans")
    expect(editor.locator("#document-body")).to_have_value(START)
    expect(editor.locator("#ask-pending")).to_be_hidden()
    assert model.requests == []
    editor.fill("#document-body", START + " Still editable.")
    expect(editor.locator("#save-status")).to_contain_text("Saved at")


def test_a_model_failure_mid_answer_puts_the_text_back_and_says_it_was_not_counted(editor, model):
    model.fail_next(Failure(after_deltas=2))
    select(editor, 0, 0)

    ask(editor, "A launch checklist")

    expect(editor.locator("#ask-status")).to_contain_text("not counted against your limit")
    expect(editor.locator("#document-body")).to_have_value(START)
    expect(editor.locator("#ask-pending")).to_be_hidden()
    expect(editor.locator("#ask-button")).to_have_text("Write at cursor")


def test_stop_keeps_what_arrived_for_review(editor, model, document):
    model.reply = " ".join(f"word{number}" for number in range(60))
    model.delta_delay_seconds = 0.2
    select(editor, len(START), len(START))

    ask(editor, "A long list")
    editor.wait_for_function("() => document.getElementById('document-body').value.includes('word2')")
    editor.click("#ask-stop")

    expect(editor.locator("#ask-pending")).to_contain_text("Stopped")
    assert model.closed_mid_stream.wait(10)  # the model stops writing too
    kept = editor.locator("#document-body").input_value()
    assert kept.startswith(START + "\n\nword0 word1 word2") and "word59" not in kept
    editor.click("#ask-accept")
    expect(editor.locator("#save-status")).to_contain_text("Saved at")
    document.refresh_from_db()
    assert document.body == kept


def test_the_preview_renders_markdown_and_keeps_scripts_inert(editor):
    editor.fill(
        "#document-body",
        "# Plan\n\n- one\n- two\n\n<script>window.pwned = 1</script>\n\n"
        '<img src=x onerror="window.pwned = 2">\n\n[click](javascript:window.pwned=3)',
    )

    preview = editor.locator("#document-preview-body")
    expect(preview.locator("h1")).to_have_text("Plan")
    expect(preview.locator("li")).to_have_count(2)
    expect(preview.locator("script, img")).to_have_count(0)
    assert preview.locator("a").count() == 0 or not (preview.locator("a").get_attribute("href") or "").startswith(
        "javascript"
    )
    assert editor.evaluate("window.pwned") is None
    expect(editor.locator("#word-count")).to_contain_text("words")
    expect(editor.locator("#save-status")).to_contain_text("Saved at")


def test_toolbar_formats_the_selection(editor, document):
    select(editor, 0, len("First paragraph."))
    editor.click("[data-format=bold]")
    expect(editor.locator("#document-body")).to_have_value("**First paragraph.**\n\nLast paragraph.")
    expect(editor.locator("#document-preview-body strong")).to_have_text("First paragraph.")
    expect(editor.locator("#save-status")).to_contain_text("Saved at")


def test_exports_open_with_the_documents_headings(editor, document):
    document.body = "# Launch notes\n\n## Steps\n\n- Write\n- Ship\n\nSome *emphasis*."
    document.save()
    editor.reload()

    editor.click("summary:has-text('Export')")
    with editor.expect_download() as markdown_download:
        editor.click("#export-md")
    assert markdown_download.value.suggested_filename == "Launch notes.md"
    with open(markdown_download.value.path(), encoding="utf-8") as markdown:
        assert markdown.read().startswith("# Launch notes\n\n## Steps")

    with editor.expect_download() as word_download:
        editor.click("#export-docx")
    assert word_download.value.suggested_filename == "Launch notes.docx"
    with open(word_download.value.path(), "rb") as word_file:
        word = WordDocument(io.BytesIO(word_file.read()))
    paragraphs = [(paragraph.style.name, paragraph.text) for paragraph in word.paragraphs]
    assert paragraphs[:4] == [
        ("Heading 1", "Launch notes"),
        ("Heading 2", "Steps"),
        ("List Bullet", "Write"),
        ("List Bullet", "Ship"),
    ]
    assert [run.text for run in word.paragraphs[4].runs if run.italic] == ["emphasis"]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_document_page_fits_the_screen(editor, document, width, tmp_path):
    document.body = "# Launch notes\n\nA paragraph with **bold** and *italic* words.\n\n- One\n- Two\n\n> A quote."
    document.save()
    editor.set_viewport_size({"width": width, "height": 900})
    editor.reload()
    expect(editor.locator("#document-preview-body h1")).to_have_text("Launch notes")

    assert editor.evaluate("document.documentElement.scrollWidth") <= width
    if width == 390:
        expect(editor.locator("#document-preview")).to_be_hidden()
        editor.click("#tab-preview")
        expect(editor.locator("#document-preview")).to_be_visible()
        expect(editor.locator("#document-body")).to_be_hidden()
    else:
        expect(editor.locator("#tab-preview")).to_be_hidden()
        expect(editor.locator("#document-preview")).to_be_visible()
        expect(editor.locator("#document-body")).to_be_visible()
    editor.screenshot(path=str(tmp_path / f"document-{width}.png"), full_page=True)
    assert editor.script_errors == []


def test_a_read_only_reader_sees_formatted_text_that_follows_changes(page, client, user_factory, live_server):
    from accounts.models import Membership
    from generation.documents import save_body
    from tests.factories import TeamFactory

    owner = user_factory(plan="pro")  # no Team plan: the team's documents are read-only
    team = TeamFactory(owner=owner, slug="acme")
    reader = user_factory()
    Membership.objects.create(team=team, user=reader)
    document = DocumentFactory(team=team, created_by=owner, body="# Shared\n\n<script>window.pwned = 1</script>")
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    client.force_login(reader)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/documents/{document.pk}/")

    readonly = page.locator("#document-body-readonly")
    expect(readonly.locator("h1")).to_have_text("Shared")
    expect(readonly.locator("script")).to_have_count(0)
    save_body(document, "## Updated\n\n- a point", document.version, owner)
    expect(readonly.locator("h2")).to_have_text("Updated")
    expect(readonly.locator("li")).to_have_text("a point")
    assert page.evaluate("window.pwned") is None
    assert errors == []


def test_copy_gives_formatted_text_and_markdown(editor):
    editor.context.grant_permissions(["clipboard-read", "clipboard-write"])
    editor.fill("#document-body", "## Plan\n\nShip it with **care**.")
    expect(editor.locator("#document-preview-body h2")).to_have_text("Plan")

    editor.click("summary:has-text('Export')")
    editor.click("[data-copy=formatted]")
    expect(editor.locator("#copy-status")).to_have_text("Copied.")
    html, plain = editor.evaluate(
        """async () => { const [item] = await navigator.clipboard.read();
             const text = async (type) => (await item.getType(type)).text();
             return [await text('text/html'), await text('text/plain')]; }"""
    )
    assert "<h2>Plan</h2>" in html and "<strong>care</strong>" in html
    assert "Ship it with care." in plain and "**" not in plain

    editor.click("[data-copy=markdown]")
    assert editor.evaluate("navigator.clipboard.readText()") == "## Plan\n\nShip it with **care**."
