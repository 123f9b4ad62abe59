"""Browser fixtures: Debian's chromium driven by Playwright against pytest-django's live server.

The browser is never downloaded (no ``playwright install``): Playwright launches the chromium
binary of the Debian package, ``/usr/bin/chromium`` (``CHROMIUM`` overrides the path). When it
is missing the tests fail, they are not skipped: CI installs it with ``.ci/run``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

# Playwright's sync API keeps an asyncio event loop running in the test thread for as long as
# it is started, which makes Django refuse ORM calls from that thread (SynchronousOnlyOperation).
# The tests still use the ORM synchronously, one call at a time, so the check does not apply.
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # The machine may be offline: keep chromium from calling Google in the background.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000
# Assertions wait as long as actions do: on a loaded 2-core CI machine a page that saves and
# redirects can take longer than Playwright's default 5 s for ``expect``.
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="module")
def browser():
    """One headless chromium per test module.

    Module scope, not session: the event loop of Playwright, and DJANGO_ALLOW_ASYNC_UNSAFE with
    it, must end with the browser tests, or the tests collected after them would run with async
    safety off (and subprocesses such as ``check --deploy`` would inherit the variable).
    """
    if not CHROMIUM.is_file() or not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"The browser tests need Debian's chromium at {CHROMIUM}: "
            "install it with `apt-get install chromium` (.ci/run does), "
            "or set CHROMIUM to the path of a chromium binary.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture
def page(browser):
    """A fresh browser context (no cookies) per test, as an Italian visitor's browser.

    ``locale="it-IT"`` makes chromium send ``Accept-Language: it-IT``, which Django's
    LocaleMiddleware honours, so pages start in Italian as they would for the site's public.
    """
    context = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
