"""Browser tests: Playwright (Python) driving Debian's Chromium, never a downloaded browser.

Outside CI a missing Chromium skips these tests with a banner at the end of the run; in CI
(``CI=true``) it fails them, because a green run must mean the browser tests ran.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# This machine has no outside network: without these flags Chromium keeps trying to reach
# Google's hosts (updates, sync, field trials) and floods the log with refused connections.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MISSING = f"Chromium not found at {CHROMIUM}: install Debian's chromium (apt-get install chromium)"
_skipped_for_browser = []


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(MISSING)
        _skipped_for_browser.append(True)
        pytest.skip(MISSING)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    yield page
    context.close()


def pytest_terminal_summary(terminalreporter):
    if _skipped_for_browser:
        terminalreporter.write_sep("!", f"BROWSER TESTS DID NOT RUN: {MISSING}", red=True)
