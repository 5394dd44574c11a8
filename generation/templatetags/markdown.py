"""`{{ text|markdown }}`: model output rendered as sanitised HTML; `{{ text|words }}`: its word count
(generation/rendering.py)."""

from django import template
from django.utils.safestring import mark_safe

from generation.rendering import count_words, render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    # Safe to mark: render_markdown escapes raw HTML and cleans the result to an allow-list.
    return mark_safe(render_markdown(text or ""))  # noqa: S308


@register.filter(name="words")
def words_filter(text):
    return count_words(text)
