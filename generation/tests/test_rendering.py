"""Model output rendered as Markdown, with nothing from the model able to run in the page."""

from html.parser import HTMLParser

import pytest

from generation.rendering import count_words, render_markdown


class Elements(HTMLParser):
    """The (tag, attributes) of every element in an HTML fragment."""

    def __init__(self, html):
        super().__init__()
        self.found = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def test_markdown_becomes_headings_lists_emphasis_and_links():
    html = render_markdown("# Title\n\n**bold** and *soft*\n\n- one\n- two\n\n[site](https://example.com)")

    assert "<h1>Title</h1>" in html
    assert "<strong>bold</strong>" in html and "<em>soft</em>" in html
    assert "<li>one</li>" in html
    assert '<a href="https://example.com" rel="noopener noreferrer nofollow">site</a>' in html


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "[click](javascript:alert(1))",
        "[click](JAVASCRIPT:alert(1))",
        '<a href="javascript:alert(1)">click</a>',
        "<iframe src='https://example.com'></iframe>",
        "![x](https://example.com/x.png)",
    ],
)
def test_nothing_the_model_writes_can_run_or_load(attack):
    elements = Elements(render_markdown(f"Answer: {attack}")).found

    assert {tag for tag, _ in elements} <= {"p", "a"}
    for _, attributes in elements:
        assert not [name for name in attributes if name.startswith("on")]
        assert not attributes.get("href", "").lower().startswith("javascript")


def test_raw_html_is_shown_as_text_not_markup():
    assert render_markdown("<b>hi</b>") == "<p>&lt;b&gt;hi&lt;/b&gt;</p>\n"


def test_empty_answer_renders_nothing():
    assert render_markdown("") == ""


@pytest.mark.parametrize(
    ("text", "words"),
    [("## Launch checklist\n\n- Ship it with **care**.", 6), ("don't stop: café, 3.5", 5), ("", 0), ("# - **", 0)],
)
def test_words_are_counted_without_markdown_marks(text, words):
    assert count_words(text) == words
