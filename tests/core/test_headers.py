"""Every response Django makes carries the Content-Security-Policy and ``no-store``, and no
page or template holds script or style the policy would refuse. The browser tests
(tests/e2e) prove the pages still work under the policy."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path

from bangfu.core.middleware import build_policy
from tests.registry.conftest import household  # noqa: F401 — a fixture
from tests.test_pages import PEOPLE, rendered_pages

ROOT = Path(settings.BASE_DIR)
# WeasyPrint lays this one out into a PDF; no browser ever receives it as a page.
NOT_A_PAGE = {
    ROOT / "bangfu/reports/templates/reports/handbook.html",
    ROOT / "bangfu/monitoring/templates/monitoring/notice_pdf.html",
    ROOT / "bangfu/supervision/templates/supervision/bulletins_print.html",
}
TEMPLATES = sorted(
    p
    for p in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("bangfu/*/templates/**/*.html")]
    if p not in NOT_A_PAGE
)
SCRIPTS = sorted([*ROOT.glob("static/**/*.js"), *ROOT.glob("bangfu/*/static/**/*.js")])
# Script types a browser does not run: data blocks such as json_script's.
DATA_BLOCKS = {"application/json", "application/ld+json"}


def policy() -> dict[str, set[str]]:
    return {
        name: set(values)
        for name, *values in (part.split() for part in build_policy(settings.SECURE_CSP).split(";"))
    }


def assert_headers(response, what):
    sent = response.headers.get("Content-Security-Policy")
    assert sent == build_policy(settings.SECURE_CSP), what
    cache = {part.strip() for part in response.headers.get("Cache-Control", "").split(",")}
    assert {"private", "no-store"} <= cache, what


class Inline(HTMLParser):
    """What in a page the policy refuses: inline scripts, <style>, style="" and on…=
    attributes, javascript: URLs, and htmx's hx-on (which evals)."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._script_without_src = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "style":
            self.found.append("<style>")
        if tag == "script":
            kind = (attributes.get("type") or "").lower()
            self._script_without_src = "src" not in attributes and kind not in DATA_BLOCKS
        for name, value in attrs:
            if name == "style" or re.match(r"on[a-z]+$", name):
                self.found.append(f"<{tag} {name}=…>")
            if name.startswith(("hx-on", "data-hx-on")):
                self.found.append(f"<{tag} {name}=…>")
            if value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._script_without_src = False

    def handle_data(self, data):
        if self._script_without_src and data.strip():
            self.found.append(f"inline script: {data.strip()[:60]}")


def inline_code(html: str) -> list[str]:
    parser = Inline()
    parser.feed(html)
    return parser.found


def test_the_policy_is_strict():
    sent = policy()
    assert sent["default-src"] == {"'self'"}
    for directive in ("script-src", "style-src"):
        assert sent[directive] == {"'self'"}, "no inline code, no eval, no nonce"
    assert sent["object-src"] == {"'none'"}
    assert sent["base-uri"] == {"'none'"}
    assert sent["frame-ancestors"] == {"'none'"}
    assert sent["form-action"] == {"'self'"}
    assert sent["img-src"] == {"'self'", "data:", "blob:"}
    assert sent["connect-src"] == sent["worker-src"] == {"'self'"}


@pytest.mark.parametrize("username", PEOPLE)
def test_every_page_sends_the_headers_and_has_no_inline_code(username, client, world):
    from bangfu.accounts.models import User

    user = User.objects.get(username=username)
    client.force_login(user)
    for name, response in rendered_pages(client, user):
        assert_headers(response, name)
        if response["Content-Type"].startswith("text/html"):  # not a download
            assert inline_code(response.content.decode()) == [], name


def test_signed_out_pages_and_error_pages_send_the_policy(client, world, helper_wang):
    assert_headers(client.get("/accounts/login/"), "sign-in")
    assert_headers(client.get("/no-such-page/"), "404 signed out")
    assert_headers(client.get("/", headers={"host": "elsewhere.example"}), "400")
    client.force_login(helper_wang)
    not_found = client.get("/households/999999999/")
    assert not_found.status_code == 404
    assert_headers(not_found, "404")
    assert inline_code(not_found.content.decode()) == []
    forbidden = client.get("/accounts/users/")
    assert forbidden.status_code == 403
    assert_headers(forbidden, "403")
    assert inline_code(forbidden.content.decode()) == []


def _fails(request):
    raise RuntimeError("a bug")


urlpatterns = [path("fails/", _fails)]


@override_settings(ROOT_URLCONF=__name__)
def test_the_server_error_page_sends_the_policy(client):
    client.raise_request_exception = False
    response = client.get("/fails/")
    assert response.status_code == 500
    assert_headers(response, "500")
    # In the reader's language, with the way forward, and no inline code either.
    assert "出错了" in response.content.decode() and "请稍后再试" in response.content.decode()
    assert inline_code(response.content.decode()) == []


def test_a_households_pages_its_full_ids_and_its_handbook_are_not_stored(
    client,
    county_admin,
    household,  # noqa: F811 — the fixture imported above
):
    client.force_login(county_admin)
    for what, response in [
        ("household", client.get(f"/households/{household.pk}/")),
        ("ID numbers revealed", client.post(f"/households/{household.pk}/reveal/")),
        ("API", client.get(f"/api/households/{household.pk}")),
        ("handbook PDF", client.get(f"/reports/handbook/households/{household.pk}/")),
        ("behind as .xlsx", client.get("/visits/compliance/?format=xlsx")),
    ]:
        assert response.status_code == 200, what
        assert_headers(response, what)
    assert client.get("/visits/compliance/?format=xlsx")["Content-Type"].startswith("application/")
    assert inline_code(client.post(f"/households/{household.pk}/reveal/").content.decode()) == []


def test_api_answers_downloads_and_the_service_worker_are_not_stored(client, county_admin):
    client.force_login(county_admin)
    for url in ["/api/households", "/api/openapi.json", "/visits/sw.js", "/excel/template.xlsx"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_headers(response, url)


def test_a_view_that_allowed_caching_is_still_not_stored(rf):
    from bangfu.core.middleware import NoStoreMiddleware

    def cacheable(request):
        response = HttpResponse("figures")
        response["Cache-Control"] = "public, max-age=3600"
        return response

    cache = NoStoreMiddleware(cacheable)(rf.get("/")).headers["Cache-Control"]
    assert "public" not in cache and {"private", "no-store"} <= set(cache.split(", "))


@override_settings(WHITENOISE_USE_FINDERS=True)  # as in DEBUG: no collectstatic needed
def test_static_files_stay_cacheable():
    response = Client().get(settings.STATIC_URL + "css/bangfu.css")
    assert response.status_code == 200
    assert "max-age" in response.headers["Cache-Control"]
    assert "no-store" not in response.headers.get("Cache-Control", "")


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_has_inline_script_or_style(template):
    source = template.read_text()
    # Template tags are not markup; blank them so that the parser sees only the HTML.
    markup = re.sub(
        r"{% comment %}.*?{% endcomment %}|{%.*?%}|{{.*?}}|{#.*?#}", "", source, flags=re.DOTALL
    )
    assert inline_code(markup) == []


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_script_builds_markup_or_evals(script):
    """Markup built from strings may carry style="" or on…= (refused), and eval-like calls
    are refused outright: scripts build elements and set textContent, classes and data-."""
    source = script.read_text()
    forbidden = [
        r"\.innerHTML\s*=(?!\s*[\"']{2})",
        r"\.outerHTML\s*=",
        r"insertAdjacentHTML",
        r"document\.write",
        r"\beval\s*\(",
        r"new\s+Function\b",
        r"set(?:Timeout|Interval)\s*\(\s*[\"'`]",
        r"setAttribute\(\s*[\"'](?:style|on[a-z]+)[\"']",
    ]
    assert [pattern for pattern in forbidden if re.search(pattern, source)] == []
