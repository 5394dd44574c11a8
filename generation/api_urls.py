"""The JSON API under /api/ (docs/api.md), included early in config/urls.py: every API call
resolves its URL, and these are matched before the site's pages are tried."""

from django.urls import path, re_path

from generation import api

urlpatterns = [
    path("generate", api.generate, name="api_generate"),
    path("usage", api.usage, name="api_usage"),
    re_path(r"", api.not_found),  # any other /api/ address: a JSON 404, not the HTML page
]
