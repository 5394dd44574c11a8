"""`{{ text|markdown }}`: model output rendered as sanitised HTML (generation/rendering.py)."""

from django import template
from django.utils.safestring import mark_safe

from generation.rendering import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    # Safe to mark: render_markdown escapes raw HTML and cleans the result to an allow-list.
    return mark_safe(render_markdown(text or ""))  # noqa: S308
