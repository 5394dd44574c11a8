"""Browser fixtures (Playwright driving Debian's Chromium against pytest-django's live server), and
the Procfile's web server for the serving tests."""

import os
import shutil
from contextlib import ExitStack
from urllib.parse import quote

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the test's ORM calls are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect, sync_playwright

    # Assertions wait as long as actions (the page fixtures' 15 s): on a loaded two-core machine a
    # click, a model call and the usage panel's refresh can together take more than expect's 5 s.
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def url_of(settings_dict) -> str:
    """A DATABASE_URL for the database Django is using (the test database, in the suite)."""
    credentials = quote(settings_dict["USER"] or "")
    if settings_dict["PASSWORD"]:
        credentials += ":" + quote(settings_dict["PASSWORD"])
    host = settings_dict["HOST"] or "127.0.0.1"
    return f"postgres://{credentials}@{host}:{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"


@pytest.fixture
def procfile_web(transactional_db):
    """Start the Procfile's web command: ``procfile_web(**env)`` -> WebServer, on the test database
    unless ``database_url=`` says otherwise.

    The data a test creates must be committed for the server to see it, hence transactional_db.
    The server is stopped when the test ends.
    """
    from django.db import connection

    from bench.server import production_env, web_server

    with ExitStack() as servers:

        def start(database_url=None, **env):
            url = database_url or url_of(connection.settings_dict)
            return servers.enter_context(web_server(production_env(url, **env)))

        yield start
