"""Model output as safe HTML: Markdown rendered by markdown-it-py, then cleaned by nh3 to an allow-list.

Models answer in Markdown, and a model's answer is untrusted input (a prompt can ask it to write
`<script>` or a `javascript:` link). So raw HTML in the Markdown is not passed through (html=False),
and the rendered HTML is sanitised again with an allow-list of tags, attributes and URL schemes: no
script, no event handler and no `javascript:` URL survives either step. static/js/markdown.js does
the same in the browser (markdown-it + DOMPurify) with the same lists, for text still streaming.
"""

import re

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "s", "del", "code", "pre",
        "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
# No style attributes: the Content-Security-Policy forbids inline styles.
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)


def render_markdown(text: str) -> str:
    """The Markdown `text` as sanitised HTML (a fragment, safe to mark safe in a template)."""
    if not text:
        return ""
    return nh3.clean(
        _markdown.render(text),
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
    )


# A word starts with a letter or digit; Markdown's marks (#, **, -, >) are not words. static/js/documents.js
# counts the editor's words with the same pattern, so the page and the server agree.
_WORD = re.compile(r"[^\W_][\w'’-]*")


def count_words(text: str) -> int:
    return len(_WORD.findall(text or ""))
