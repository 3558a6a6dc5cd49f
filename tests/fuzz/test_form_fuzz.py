"""Every page form's POST, fuzzed with hostile values as county A's administrator.

The routes and their sample data come from the scoping walk's ``PAGE_PROBES`` (so a new
form is fuzzed as soon as it is probed there). The field names come from the forms
themselves: the pages of county A are read and every ``<form method="post">`` is parsed
(inputs, selects, textareas, with the values a browser would send). Each form gets (1) each
field alone at its extremes (a sweep: the same every run), then (2) hypothesis examples: the
form as a browser would send it with one to three fields hostile, empty, left out or sent
twice. No answer may be a 5xx or take longer than ``BOUND_S`` CPU seconds (or
``WALL_BOUND_S``); afterwards every list, page and handbook of the place still answers 200
(issue 12, item 7).

Transactional, like the API fuzz: each request commits as in production.
"""

import io
import itertools
import re
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from bangfu.pairing.services import helper_create
from bangfu.registry.models import Household
from bangfu.registry.services import household_register, member_add
from tests.fuzz.harness import (
    HUNDRED_KB,
    Finding,
    Requests,
    Target,
    any_hostile_text,
    brief,
    check_reads_survive,
    check_target_still_reads,
    fresh_id_number,
    fuzz_settings,
    hostile_date_text,
    hostile_datetime_text,
    hostile_number_text,
    hostile_text,
    shard_of,
    shards,
)
from tests.plans.conftest import signature_png
from tests.registry.conftest import first_status, household_input, member_input
from tests.test_scoping_walk import A_PLACE, PAGE_PROBES, county_a  # noqa: F401 (a fixture)

EXAMPLES_PER_FORM = 2  # after each form's sweep; `make fuzz` runs FUZZ_SCALE times as many

# A village's handbooks are made in the request by the tests' immediate task backend: send
# that form first, while the village has few households. Forms that end or remove what the
# others aim at go last.
FIRST = ["reports:handbook_place"]
LAST = [
    "visits:problem_solve",
    "visits:visit_delete",
    "registry:member_move",
    "registry:member_leave",
    "registry:household_status",
    "registry:household_merge",
    "pairing:end",
    "pairing:transfer",
    "pairing:leave",
    "core:rule_withdraw",
    "accounts:user_token_revoke",
]

VALID_SHEET = "户编号,行政村,姓名\n6111030022019998,马家寨村,马某\n".encode()
SIGNATURE = signature_png()  # plans: what a picture field sends


def _zip_without_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "no workbook here")
    return out.getvalue()


# What people upload by mistake, and what another system might send.
HOSTILE_FILES = [
    ("沣西新城.xlsx", b"plain text renamed .xlsx"),
    ("报表.xlsx", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF"),
    ("压缩包.xlsx", _zip_without_workbook()),
    ("utf16.csv", "户编号,行政村,姓名\n6111030022019997,马家寨村,马某\n".encode("utf-16")),
    ("latin1.csv", b"\xff\xfe\x00\x80\x81,\x9f\n"),
    ("长.csv", "户编号,行政村,姓名\n".encode() + HUNDRED_KB.encode() + b",x,y\n"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512),
    ("\x00.csv", VALID_SHEET),
    ("no-extension", VALID_SHEET),
]


# ---------------------------------------------------------------------------------------
# Reading the forms of a page.


@dataclass
class Field:
    name: str
    kind: str  # an input's type, "select", "select-multiple" or "textarea"
    values: list = field(default_factory=list)  # what a browser sends as the page stands
    options: list = field(default_factory=list)  # a select's or a checkbox group's values

    @property
    def base(self):
        """What a browser would send: the current value, a select's first real option when
        none is chosen, a file that is a valid sheet."""
        if self.kind == "file":
            return ("沣西新城.csv", VALID_SHEET)
        if self.kind == "image-file":
            return ("signature.png", SIGNATURE)
        if self.kind in ("checkbox", "select-multiple"):
            return list(self.values)
        if self.kind in ("select", "radio") and not self.values:
            real = [o for o in self.options if o]
            return real[0] if real else ""
        return self.values[0] if self.values else ""


@dataclass
class Form:
    action: str
    fields: dict = field(default_factory=dict)


class FormReader(HTMLParser):
    """Every ``<form method="post">`` of a page with its fields."""

    def __init__(self, page_path: str):
        super().__init__()
        self.page_path = page_path
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._option: str | None = None
        self._option_selected = False
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self._form = Form(a.get("action") or self.page_path)
                self.forms.append(self._form)
            return
        if self._form is None or (tag != "option" and not a.get("name")):
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset") or a["name"] == "csrfmiddlewaretoken":
                return
            known = self._form.fields.setdefault(a["name"], Field(a["name"], kind))
            if kind in ("checkbox", "radio"):
                known.options.append(a.get("value", "on"))
                if "checked" in a:
                    known.values.append(a.get("value", "on"))
            elif kind != "file":
                known.values = [a.get("value", "")]
            elif a.get("accept", "").startswith("image/"):
                known.kind = "image-file"  # plans: a file input that takes a picture
        elif tag == "select":
            kind = "select-multiple" if "multiple" in a else "select"
            self._select = self._form.fields.setdefault(a["name"], Field(a["name"], kind))
        elif tag == "option" and self._select is not None:
            self._option, self._option_selected = a.get("value"), "selected" in a
            if self._option is not None:
                self._close_option()
        elif tag == "textarea":
            self._textarea = self._form.fields.setdefault(a["name"], Field(a["name"], "textarea"))
            self._textarea.values = [""]

    def _close_option(self, text=""):
        value = self._option if self._option is not None else text.strip()
        self._select.options.append(value)
        if self._option_selected:
            self._select.values.append(value)
        self._option = None
        self._option_selected = False

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.values = [self._textarea.values[0] + data]

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops the line break that follows <textarea> (HTML's parsing rule;
            # Django writes one there): a required text area would otherwise send "\n".
            value = self._textarea.values[0]
            self._textarea.values = [value[1:] if value.startswith("\n") else value]
            self._textarea = None


def forms_on(client, path: str) -> list[Form]:
    """The POST forms of one page (none if it does not answer with HTML)."""
    response = client.get(path)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return []
    reader = FormReader(path)
    reader.feed(response.content.decode())
    return reader.forms


# ---------------------------------------------------------------------------------------
# Aiming the probes at the target.


def aimed_world(world, target: Target, second_member_id: int | None):
    """``county_a`` as PAGE_PROBES' targets read it, with the target's current records; a
    household's ``members.get()`` answers the member a route should act on."""

    def household(member_id):
        members = SimpleNamespace(get=lambda: SimpleNamespace(pk=member_id))
        return SimpleNamespace(pk=target.household.pk, members=members)

    common = {
        **world,
        "helper": target.helper,
        "pairing": target.pairing,
        "visit": target.visit,
        "problem": target.problem,
    }
    # The head may be edited but not moved out or sent away: those act on a second member.
    return {
        "head": {**common, "household": household(target.member_id)},
        "other": {**common, "household": household(second_member_id or target.member_id)},
    }


def kwargs_of(name: str, world, target: Target, second_member) -> dict:
    probe = PAGE_PROBES[name]
    if probe.target is None:
        return {}
    if name in ("registry:member_move", "registry:member_leave"):
        return probe.target(aimed_world(world, target, second_member())["other"])
    return probe.target(aimed_world(world, target, None)["head"])


def url_of(name: str, world, target: Target, second_member) -> str:
    return reverse(name, kwargs=kwargs_of(name, world, target, second_member))


# Where the scoping walk's sample data is not a complete valid form (it only has to be
# refused for an intruder), the values that make it one for county A's administrator: the
# fuzz departs from an accepted request, so a hostile field is what gets refused, or stored.
OTHER_HOUSEHOLD = "611103002201M0001"  # registered by the test: a household to move into


def valid_values(name: str, fields: dict, second_member: int) -> dict:
    members = [f for f in fields if f.startswith("member_")]
    return {
        "registry:household_create": {
            "head-name": "马建国",
            "head-relation": "01",
            "status-status": "not_out",
            "status-effective_on": "2016-05-01",
            "status-reason": "2016 年精准识别",
        },
        "registry:household_income": {
            "year": "2024",
            "wages": "12000",
            "business": "0",
            "transfers": "3000",
            "property_income": "0",
            "costs": "500",
        },
        "registry:member_create": {"name": "马小红", "relation": "03"},
        "registry:household_split": {
            "effective_on": "2024-01-01",
            "reason": "分户",
            **{f: "01" for f in members if f == f"member_{second_member}"},
        },
        "registry:member_move": {
            "to_number": OTHER_HOUSEHOLD,
            "relation": "03",
            "effective_on": "2024-01-01",
            "reason": "投亲",
        },
        "registry:household_status": {
            "status": "out_with_policy",
            "effective_on": "2020-01-01",
            "reason": "收入稳定超过标准",
        },
        "registry:household_merge": {
            "into_number": OTHER_HOUSEHOLD,
            "effective_on": "2024-01-01",
            "reason": "合户",
            **dict.fromkeys(members, "03"),
        },
        # the inspection group: one of the people the form offers (ids differ by world)
        "supervision:round_plan": (
            {"inspectors": fields["inspectors"].options[:1]} if "inspectors" in fields else {}
        ),
    }.get(name, {})


# Forms that answer 200 with their result instead of redirecting.
SHOWS_RESULT = {"accounts:user_token_create", "registry:household_reveal"}


# ---------------------------------------------------------------------------------------
# Hostile values by field.

DATE_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
NUMBER_LIKE = re.compile(r"^-?\d+(\.\d+)?$")


def kind_of(f: Field, base) -> str:
    if f.kind == "image-file":  # plans: hostile files as for any file field
        return "file"
    if f.kind in ("number", "date", "datetime-local", "file", "checkbox", "radio"):
        return f.kind
    if f.kind.startswith("select"):
        return "select"
    if isinstance(base, str) and DATETIME_LIKE.match(base):
        return "datetime-local"
    if isinstance(base, str) and DATE_LIKE.match(base):
        return "date"
    if isinstance(base, str) and NUMBER_LIKE.match(base):
        return "number"
    return "text"


EXTREMES = {
    "number": ["1e15", "1e30", "-5", str(2**63), "NaN"],
    "date": ["0001-01-01", "9999-12-31", "2099-01-01"],
    "datetime-local": ["0001-01-01T00:00", "9999-12-31T23:59", "2099-01-01T10:00"],
    "text": [HUNDRED_KB, "\x00"],
    "select": ["\x00", HUNDRED_KB],
    "checkbox": [["\x00", HUNDRED_KB]],
    "radio": ["\x00"],
    "file": HOSTILE_FILES,
}

HOSTILE_BY_KIND = {
    "number": hostile_number_text,
    "date": hostile_date_text,
    "datetime-local": hostile_datetime_text,
    "text": hostile_text,
    "select": any_hostile_text,
    "checkbox": st.lists(any_hostile_text, min_size=1, max_size=3),
    "radio": any_hostile_text,
    "file": st.sampled_from(HOSTILE_FILES),
}


TARGET_KEYS = {"household_id", "member_id", "visit_id", "problem_id", "pairing_id", "helper_id"}


def freshened(data: dict, serial: int, keep: set) -> dict:
    """Values that must be unique made fresh for each request (a household number, an ID
    number, a login name), except the fields the request is about: otherwise every request
    after the first would be refused as a duplicate before its hostile field is looked at."""
    fresh = {
        "number": f"611103002201P{serial:04d}",
        "id_number": fresh_id_number(serial, "444"),
        "head-id_number": fresh_id_number(serial, "444"),
        "username": f"fuzz{serial}",
    }
    return {
        name: fresh[name] if name in fresh and name not in keep and name in data else value
        for name, value in data.items()
    }


def encoded(data: dict) -> dict:
    """Form data as the test client posts it: files as uploads."""
    return {
        name: SimpleUploadedFile(value[0], value[1]) if isinstance(value, tuple) else value
        for name, value in data.items()
    }


def form_errors(response) -> list[str]:
    """What a refused form says, for the report."""
    if response is None or response.status_code == 302:
        return []
    body = response.content.decode(errors="replace")
    alerts = re.findall(r'role="alert">(.*?)</(?:p|div|li)>', body, re.S)
    return [re.sub(r"<[^>]+>", " ", alert).strip() for alert in alerts][:5]


def shown_changes(changed: dict) -> str:
    if not changed:
        return "as the form stands"
    return "with " + ", ".join(f"{name}={brief(value)}" for name, value in changed.items())


# ---------------------------------------------------------------------------------------


@pytest.mark.stricter_database
@pytest.mark.django_db(transaction=True)
@shards
def test_every_page_form_answers_hostile_posts_without_server_error_within_the_bound(
    county_a,  # noqa: F811 (the fixture imported above)
    county_admin,
    fuzzing,
    shard,
):
    target = Target(county_admin, county_a)
    # A second helper to hand households to, and a household to move a member into and merge
    # with.
    helper_create(actor=county_admin, name="李帮扶", unit_id=county_a["helper"].unit_id)
    household_register(
        actor=county_admin,
        household=household_input(number=OTHER_HOUSEHOLD),
        members=[member_input(id_number=fresh_id_number(0, "888"))],
        status=first_status(),
    )
    requests, findings = fuzzing, fuzzing.findings
    client = Client(raise_request_exception=False)  # a 500 is a finding, not a crash
    client.force_login(county_admin)

    made = itertools.count(1)

    def second_member():
        members = target.household.members.exclude(pk=target.member_id).filter(left_on=None)
        found = members.values_list("pk", flat=True).first()
        if found is None:
            n = next(made)
            added = member_add(
                actor=county_admin,
                household_id=target.household.pk,
                member=member_input(
                    name="马小军",
                    id_number=fresh_id_number(n, "555"),
                    relation="03",
                ),
            )
            found = added.pk
        return found

    # A village's pages (``by_place``: the hygiene ranking and cards) post to an address with
    # ``?place=``; the walk aims their posts, the API fuzz their writes (``hygiene_score``).
    posts = [
        name
        for name, probe in PAGE_PROBES.items()
        if "post" in probe.methods and not probe.by_place
    ]
    ordered = (
        [n for n in FIRST if n in posts]
        + [n for n in posts if n not in FIRST and n not in LAST]
        + [n for n in LAST if n in posts]
    )
    assert set(ordered) == set(posts)
    catalogue = Catalogue(client, county_a, target, second_member)
    for name in shard_of(ordered, shard):
        fuzz_form(requests, client, catalogue, name)

    check_reads_survive(requests, client, county_admin, A_PLACE, target.households)
    assert not findings, findings.report()


# The export form carries the household list's filters as hidden fields, but only those the
# list was asked with: read the list with every filter set, so that each is fuzzed.
def forms_shown_by_query() -> list[str]:
    every_filter = (
        f"?region_code={A_PLACE}&name=马&id_number=6111&number=6111&status=not_out"
        "&main_cause=1&attribute=1&monitoring_type=1&sort=number"
    )
    return [reverse("registry:household_list") + every_filter]


class Catalogue:
    """Where each form lives and what it holds. Every probed page that answers GET is read
    once to find which page holds the form of which route; after that, a route's fields are
    read from its page anew each time they are asked for (an edit form shows the record's
    values, a merge form has a field per member, a renewed target has new addresses)."""

    def __init__(self, client, world, target: Target, second_member):
        self.client, self.world, self.target = client, world, target
        self.second_member = second_member
        self.serial = itertools.count(1)  # for values that must be unique per request
        self._host: dict[str, set[str]] = {}  # route → the page routes holding its form
        route_of = {self.url(route): route for route in PAGE_PROBES}
        pages = [name for name, probe in PAGE_PROBES.items() if "get" in probe.methods]
        for page in pages + forms_shown_by_query():
            for form in forms_on(client, self.url(page)):
                route = route_of.get(form.action.split("?")[0])
                if route is not None:
                    self._host.setdefault(route, set()).add(page)

    def url(self, page: str) -> str:
        """A route's address aimed at the target, or a page's address as it is."""
        if page.startswith("/"):
            return page
        return url_of(page, self.world, self.target, self.second_member)

    def fields_for(self, route: str) -> dict[str, Field]:
        fields: dict[str, Field] = {}
        url = self.url(route)
        for page in sorted(self._host.get(route, ())):
            for form in forms_on(self.client, self.url(page)):
                if form.action.split("?")[0] == url:
                    fields.update(form.fields)
        return fields


def fuzz_form(requests: Requests, client, catalogue: Catalogue, name: str):
    world, target, second_member = catalogue.world, catalogue.target, catalogue.second_member
    serial = catalogue.serial
    # Only a write aimed at the target's records can leave them unreadable; a form that
    # creates a record elsewhere is checked by the reads after the fuzz.
    writes_to_target = bool(TARGET_KEYS & set(kwargs_of(name, world, target, second_member)))

    def post(data: dict, changed: dict):
        url = url_of(name, world, target, second_member)
        data = freshened(data, next(serial), set(changed))
        shown = f"POST {url} {shown_changes(changed)}"
        outcome = requests.send(name, shown, lambda: client.post(url, encoded(data)))

        stored = outcome.status is None or outcome.status == 302 or outcome.status >= 500
        if stored and writes_to_target:
            check_target_still_reads(requests, client, target, name, shown)
        if Household.objects.filter(pk=target.household.pk).exclude(closed_on=None).exists():
            target.renew()  # merged away: the forms that follow need an open household
        return outcome

    def base_and_fields():
        """The form as a browser would send it (read again after the target moved on: an
        edit form shows the new record's values)."""
        fields = catalogue.fields_for(name)
        base = {f.name: f.base for f in fields.values()}
        for key, value in PAGE_PROBES[name].data.items():
            if key not in fields or base.get(key) in ("", []):
                # The probe's sample where the form offers no value (a create form's empty
                # field); its ids ("1") only where the form has no select to take one from.
                base[key] = value
        base.update(valid_values(name, fields, second_member()))
        for key in [k for k, v in base.items() if v in ("", [])]:
            if fields.get(key) and fields[key].kind in ("checkbox", "select-multiple"):
                del base[key]  # an unticked box is not sent at all
        return base, fields

    base, fields = base_and_fields()
    # The fuzz is only as deep as its starting point: the form as it stands must be accepted.
    first = post(dict(base), {})
    accepted = first.status == 302 or (first.status == 200 and name in SHOWS_RESULT)
    if not accepted:
        requests.findings.add(
            Finding(
                "valid form refused (the fuzz cannot get past it)",
                name,
                f"POST {url_of(name, world, target, second_member)} {brief(base)}",
                first.status,
                "; ".join(form_errors(first.response)),
                "",
                first.seconds,
            )
        )
    if not fields:
        # A form of buttons only (reveal, withdraw, revoke, commit...): as it stands, and
        # with an unexpected field.
        post({**base, "x": HUNDRED_KB}, {"x": HUNDRED_KB})
        return

    read_for = target.renewed

    def current_base():
        nonlocal base, read_for
        if read_for != target.renewed:
            base, read_for = base_and_fields()[0], target.renewed
        return base

    # The sweep: each field alone at its extremes.
    for f in fields.values():
        for value in EXTREMES[kind_of(f, f.base)]:
            post({**current_base(), f.name: value}, {f.name: value})

    names = sorted(fields)

    @fuzz_settings(EXAMPLES_PER_FORM)
    @given(data=st.data())
    def run(data):
        chosen = data.draw(
            st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True),
            label="fields made hostile",
        )
        sent = dict(current_base())
        changed = {}
        for field_name in chosen:
            f = fields[field_name]
            how = data.draw(
                st.sampled_from(["hostile", "hostile", "any", "empty", "absent", "twice"]),
                label=field_name,
            )
            kind = kind_of(f, f.base)
            if how == "absent":
                sent.pop(field_name, None)
                changed[field_name] = "(left out)"
                continue
            if how == "hostile":
                value = data.draw(HOSTILE_BY_KIND[kind])
            elif how == "any":
                value = data.draw(any_hostile_text)
            elif how == "empty":
                value = ""
            else:
                value = [data.draw(any_hostile_text), data.draw(HOSTILE_BY_KIND["text"])]
            if kind == "file" and not isinstance(value, tuple):
                value = ("sheet.csv", str(value).encode("utf-8", "surrogatepass"))
            sent[field_name] = value
            changed[field_name] = value
        post(sent, changed)

    run()
