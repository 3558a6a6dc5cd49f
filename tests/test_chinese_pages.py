"""Every page, read in Chinese, says nothing in English: a walk over every page each named
person can open finds Latin-letter words in what a reader sees, outside an allow-list of
product names, file types, units and codes."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.test_scoping_walk import PAGE_PROBES, county_a  # noqa: F401 — a fixture

pytestmark = pytest.mark.one_database  # the words a page shows, whatever stores its records

PEOPLE = ["county_admin", "township_staff", "helper_wang", "inspector", "leader"]
# Words a Chinese office writes in Latin letters too: products, file types, standards, units.
ALLOWED = {
    "API",
    "Bearer",
    "CSV",
    "csv",
    "docx",
    "ECharts",
    "Excel",
    "GBK",
    "GPS",
    "ID",
    "ods",
    "OpenAPI",
    "PDF",
    "pdf",
    "UTF",
    "WPS",
    "xls",
    "xlsx",
    "km",
    "kg",
    "mu",
    "English",  # the language switch names each language in itself
    "bangfu",  # the product's own name
    "Ctrl",  # a key on the keyboard
}
VISIBLE_ATTRIBUTES = {"title", "placeholder", "alt", "aria-label"}
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")


class VisibleText(HTMLParser):
    """The text a reader sees: element text and a few attributes; not scripts, data blocks,
    nor what a page marks ``translate="no"`` (login names, codes, what people typed)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.hidden_tag: str | None = None
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        if self.hidden_tag:
            self.depth += tag == self.hidden_tag
            return
        attributes = dict(attrs)
        if tag in ("script", "style", "template") or attributes.get("translate") == "no":
            if tag not in self.VOID:
                self.hidden_tag, self.depth = tag, 1
            return
        self.parts += [v for n, v in attrs if n in VISIBLE_ATTRIBUTES and v]
        if tag == "input" and attributes.get("type") == "submit":
            self.parts.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if self.hidden_tag == tag:
            self.depth -= 1
            if self.depth == 0:
                self.hidden_tag = None

    def handle_data(self, data):
        if not self.hidden_tag:
            self.parts.append(data)


def english_words(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return sorted(set(WORD.findall(" ".join(parser.parts))) - ALLOWED)


def pages(client, world_records):
    for name, probe in PAGE_PROBES.items():
        if "get" not in probe.methods:
            continue
        kwargs = probe.target(world_records) if probe.target else {}
        yield name, client.get(reverse(name, kwargs=kwargs))


@pytest.mark.parametrize("username", PEOPLE)
def test_no_page_speaks_english_to_a_chinese_reader(username, county_a, client):  # noqa: F811
    from bangfu.accounts.models import User

    client.force_login(User.objects.get(username=username))
    found = {}
    for name, response in pages(client, county_a):
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        words = english_words(response.content.decode())
        if words:
            found[name] = words
    assert found == {}, "\n".join(f"{page}: {words}" for page, words in found.items())
