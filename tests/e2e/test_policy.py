"""The pages work under the Content-Security-Policy: one page of each app, the error pages
and the API docs render in Chromium with nothing refused (``phone_page`` fails a test on
any refusal; see conftest.py)."""

import pytest
from django.conf import settings

from bangfu.core.middleware import build_policy
from bangfu.visits.models import Visit
from tests.reports.test_indicators import district  # noqa: F401 — fixtures
from tests.visits.conftest import households, thursdays, unit, wang  # noqa: F401

from .test_sign_in import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_watch_sees_what_the_policy_refuses(live_server, world, phone_page):
    """The watch itself: an inline style, an inline script and an eval on a real page are
    each reported, so an empty list in the other tests means nothing was refused."""
    page = phone_page
    page.goto(live_server.url + "/accounts/login/")
    page.evaluate(
        """() => {
          document.body.insertAdjacentHTML("beforeend", '<b style="color: red">x</b>');
          const script = document.createElement("script");
          script.textContent = "window.ran = true";
          document.body.append(script);
          // Code that Playwright evaluates may eval; a page's own handler may not.
          document.body.insertAdjacentHTML("beforeend", '<button id="evil">eval</button>');
          document.getElementById("evil").addEventListener("click", () => {
            try { eval("1"); } catch (refused) { window.refused = refused.name; }
          });
        }"""
    )
    page.click("#evil")
    assert page.evaluate("window.ran") is None
    assert page.evaluate("window.refused") == "EvalError"
    # Reports arrive through a binding, after the page's own work: on a loaded machine a
    # round trip may come back before the last of them, so they are awaited (5 s at most).
    kinds = ("style-src", "script-src", "eval")
    for _ in range(100):
        refused = " ".join(page.csp_violations)
        if all(kind in refused for kind in kinds):
            break
        page.wait_for_timeout(50)
    assert all(kind in refused for kind in kinds), refused
    page.csp_violations.clear()  # expected here; the fixture fails on anything left


def test_one_page_of_each_app_and_the_error_pages(
    live_server,
    district,  # noqa: F811
    households,  # noqa: F811
    phone_page,
    password,
):
    page = phone_page
    sign_in(page, live_server.url, "county_admin", password)
    visit = Visit.objects.filter(household=households[0]).first()
    pages = {
        "/": 200,  # core
        "/places/611103000000/rules/": 200,
        "/accounts/users/": 200,  # accounts
        "/households/": 200,  # registry
        f"/households/{households[0].pk}/": 200,  # with the pairing, visits, reports sections
        "/pairing/coverage/": 200,  # pairing
        f"/visits/{visit.pk}/": 200,  # visits
        "/visits/compliance/?month=2026-10": 200,
        "/reports/reported/?month=2026-10": 200,  # reports
        "/excel/imports/": 200,  # exchange
        "/households/999999999/": 404,
    }
    visit_pages(page, live_server.url, pages)
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert page.evaluate("getComputedStyle(document.querySelector('.topbar')).display") == "flex"

    with page.expect_navigation():
        page.get_by_role("button", name="退出").click()
    sign_in(page, live_server.url, "helper_wang", password)
    visit_pages(page, live_server.url, {"/visits/mine/": 200, "/accounts/users/": 403})


def visit_pages(page, base_url, pages):
    policy = build_policy(settings.SECURE_CSP)
    for path, status in pages.items():
        response = page.goto(base_url + path)
        assert response.status == status, path
        assert response.headers["content-security-policy"] == policy, path
        assert "no-store" in response.headers["cache-control"], path
        assert page.locator("main h1").count() == 1, path
        # htmx's indicator rules come from our stylesheet, not from a <style> it injects.
        assert page.evaluate("document.querySelectorAll('style').length") == 0, path


def test_the_api_docs_show_every_operation(live_server, world, phone_page, password):
    page = phone_page
    sign_in(page, live_server.url, "county_admin", password)
    spec = page.request.get(live_server.url + "/api/openapi.json").json()
    operations = sum(
        1
        for methods in spec["paths"].values()
        for method in methods
        if method in {"get", "post", "put", "patch", "delete"}
    )
    response = page.goto(live_server.url + "/api/docs")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(".opblock")
    assert page.locator(".opblock").count() == operations
    page.locator(".opblock-summary", has_text="/api/households").first.click()
    page.wait_for_selector(".opblock.is-open .parameters-container")
