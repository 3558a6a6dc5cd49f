"""Every page renders for each named person, in Chinese, phone-ready, with nothing from outside."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.test_scoping_walk import PAGE_PROBES

PEOPLE = ["county_admin", "township_staff", "helper_wang", "inspector", "leader"]
URL_ATTRIBUTES = {"src", "href", "action", "data-src", "poster", "formaction"}
OUTSIDE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in URL_ATTRIBUTES and value:
                self.urls.append(value)
            if name == "style" and value:
                self.urls.extend(re.findall(r"url\(\s*['\"]?([^'\")]+)", value))


def outside_references(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    inline_css = re.findall(r"url\(\s*['\"]?([^'\")]+)", html)
    imports = re.findall(r"@import\s+['\"]([^'\"]+)", html)
    return [url for url in parser.urls + inline_css + imports if OUTSIDE.match(url)]


def rendered_pages(client, user):
    for name, probe in PAGE_PROBES.items():
        if "get" in probe.methods and probe.target is None:
            yield name, client.get(reverse(name))
    place = user.held_places()[0][0]
    for path in [f"/places/{place}/", f"/places/{place}/rules/", "/api/docs"]:
        yield path, client.get(path)


@pytest.mark.parametrize("username", PEOPLE)
def test_every_page_is_local_chinese_and_phone_ready(username, client, world):
    from bangfu.accounts.models import User

    user = User.objects.get(username=username)
    client.force_login(user)
    for name, response in rendered_pages(client, user):
        if response.status_code == 403:
            continue
        assert response.status_code == 200, name
        if not response["Content-Type"].startswith("text/html"):
            continue  # a download (the sheets' exports stream), not a page
        html = response.content.decode()
        assert outside_references(html) == [], name
        if name != "/api/docs":
            assert '<html lang="zh-hans">' in html, name
            assert 'name="viewport"' in html, name


def test_the_sign_in_page_is_local(client, world):
    assert outside_references(client.get("/accounts/login/").content.decode()) == []


def test_stylesheets_reference_nothing_outside():
    for path in Path(settings.BASE_DIR, "static").rglob("*.css"):
        css = path.read_text()
        assert not [u for u in re.findall(r"url\(\s*['\"]?([^'\")]+)", css) if OUTSIDE.match(u)]
        assert "@import" not in css


def test_the_charting_and_htmx_libraries_are_served_by_the_app():
    assert finders.find("vendor/echarts/echarts.min.js"), "npm ci has not installed ECharts"
    assert finders.find("django-htmx/htmx-2.min.js") or finders.find("django_htmx/htmx-2.min.js")


def test_a_page_links_its_stylesheet_and_htmx_from_static(client, county_admin):
    client.force_login(county_admin)
    html = client.get("/").content.decode()
    assert f"{settings.STATIC_URL}css/bangfu.css" in html
    assert "htmx" in html
