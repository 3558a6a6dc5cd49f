"""Browser tests: Playwright (Python) driving Debian's Chromium, never a downloaded browser.

Outside CI a missing Chromium skips these tests with a banner at the end of the run; in CI
(``CI=true``) it fails them, because a green run must mean the browser tests ran.
"""

import os
from pathlib import Path

import pytest
from django.db import connections
from django.test.testcases import LiveServerThread

from .live import OneRequestAtATime
from .test_sign_in import sign_in

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


LiveServerThread.server_class = OneRequestAtATime


@pytest.fixture(autouse=True)
def answered_before_the_database_empties(request):
    """Set up after the test's database and before its browser contexts, so torn down after
    every context has closed and before the database is emptied: waits until the live
    server has answered all it was sent."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    OneRequestAtATime.wait_until_idle()


_skipped_for_browser = []


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(MISSING)
        _skipped_for_browser.append(True)
        pytest.skip(MISSING)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API leaves its event loop running in the test's thread, and Django,
    # seeing a running loop, looks connections up per async context from then on: the test
    # would get a new connection of its own, no longer the one the live server's requests
    # share, and two connections to the shared in-memory database fail at once where a
    # test's write meets a request's read ("database table is locked"). The test keeps its own.
    held = {connection.alias: connection for connection in connections.all()}
    with sync_playwright() as playwright:
        for alias, connection in held.items():
            connections[alias] = connection
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# Every document of a test's browser context reports what the Content-Security-Policy
# refused, through a binding to Python: the event is the browser's own account of a refusal,
# so a blocked inline style or eval is caught even where it breaks nothing visible. Chrome
# also writes each refusal to the console, which is watched too (a refusal before the
# listener exists, or in a frame).
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation({
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
  });
});
"""


def watch_policy(context) -> list[str]:
    """The refusals of the Content-Security-Policy in every page of ``context``, as lines."""
    violations: list[str] = []

    def reported(source, violation):
        violations.append(f"{source['page'].url}: {violation}")

    def console(message):
        if "Content Security Policy" in message.text:
            violations.append(f"{message.page.url if message.page else '?'}: {message.text}")

    context.expose_binding("__cspViolation", reported)
    context.add_init_script(REPORT_VIOLATIONS)
    context.on("console", console)
    return violations


@pytest.fixture
def office(browser):
    """A desktop page for each office user, signed in apart; none may meet a CSP refusal."""
    contexts = []

    def page_for(base_url, username, password):
        context = browser.new_context(locale="zh-CN")
        violations = watch_policy(context)
        contexts.append((context, violations))
        page = context.new_page()
        sign_in(page, base_url, username, password)
        return page

    yield page_for
    for context, violations in contexts:
        context.close()
        assert violations == [], "the Content-Security-Policy refused something"


@pytest.fixture
def phone_page(browser):
    """A phone's page; the test fails if the Content-Security-Policy refused anything."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    violations = watch_policy(context)
    page = context.new_page()
    page.csp_violations = violations
    yield page
    if not page.is_closed():
        page.evaluate("0")  # a round trip, so that refusals reported before it have arrived
    context.close()
    assert page.csp_violations == [], "the Content-Security-Policy refused something"


def pytest_terminal_summary(terminalreporter):
    if _skipped_for_browser:
        terminalreporter.write_sep("!", f"BROWSER TESTS DID NOT RUN: {MISSING}", red=True)
