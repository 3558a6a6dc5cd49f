"""The query parameters of every page that reads them, fuzzed as county A's administrator.

Months far away (``month=9999-12``), ranges of centuries (``from=0001-01&to=2026-01``),
place codes that are no place, page numbers past any page, formats nobody offers: each page
answers without a 5xx and within ``BOUND_S`` CPU seconds and ``WALL_BOUND_S`` (a request
still running at the bound is cut off and reported with where it was). Each page gets (1)
each parameter alone at its extremes and the ranges the issue saw (a sweep), then (2)
hypothesis examples combining several parameters. The API's query parameters are fuzzed
with its operations in ``test_api_fuzz.py``.

Find the pages that read parameters with ``grep -rn "request.GET" bangfu``; a page that
starts reading one belongs in ``QUERY_PAGES``.
"""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.harness import (
    HUNDRED_KB,
    Requests,
    any_hostile_text,
    brief,
    fuzz_settings,
    hostile_text,
)
from tests.test_scoping_walk import A_PLACE, MISSING_PLACE, PAGE_PROBES, county_a  # noqa: F401

EXAMPLES_PER_PAGE = 5  # after each page's sweep; `make fuzz` runs FUZZ_SCALE times as many

# Each page that reads query parameters, and the parameters it reads.
PERIOD = ["place", "month", "from", "to", "format"]
QUERY_PAGES = {
    "reports:dashboard": [*PERIOD, "table"],
    "reports:reported": PERIOD,
    "visits:compliance": ["place", "month", "format"],
    "visits:flags": ["place", "month"],
    "visits:fixed_days": ["month"],
    "visits:helper_month": ["month"],
    "visits:capture": ["household"],
    "pairing:coverage": ["place"],
    "registry:household_list": [
        "region_code",
        "name",
        "id_number",
        "number",
        "status",
        "main_cause",
        "attribute",
        "monitoring_type",
        "sort",
        "page",
        "format",
    ],
    "core:audit_log": ["page", "format"],
    "core:place_detail": ["format"],
    "accounts:user_list": ["format"],
    "reports:handbook_household": ["full"],
    "reports:handbook_place": ["full"],
    "teams:team_list": ["place", "state", "page", "format"],
    "teams:attendance": ["month", "format"],
    "monitoring:alerts": ["place", "state", "overdue", "rule", "run", "page", "format"],
    "monitoring:rules": ["place"],
    "monitoring:rule_runs": ["page"],
    "checks:differences": [
        "place",
        "state",
        "classification",
        "kind",
        "field",
        "snapshot",
        "problem_list",
        "page",
        "format",
    ],
    "checks:problem_lists": ["page"],
    "checks:snapshots": ["place", "page", "format"],
    "core:place_rules": ["key", "format"],
    "projects:library": ["place", "year", "kind", "stage", "q", "page"],
    "supervision:surveys": ["place", "month", "round", "method", "page", "format"],
    "supervision:survey_record": ["household", "round", "number"],
    "supervision:survey_household": ["round"],
    "supervision:satisfaction": ["place", "month"],
    "supervision:questionnaires": ["place", "page"],
    "projects:library_export": ["place", "year", "kind", "stage"],
    "projects:ledger_export": ["place", "year", "kind", "source", "entry_kind"],
    "supervision:rounds": ["place", "month", "state", "page", "format"],
    "supervision:findings": [
        "place",
        "state",
        "category",
        "source",
        "month",
        "overdue",
        "unit",
        "page",
        "format",
    ],
    "supervision:finding_add": ["household", "helper", "team", "project", "visit"],
    "supervision:rectification_rates": ["place", "from", "to"],
    "supervision:bulletins": ["place", "year", "page"],
    "supervision:scores": ["place", "level", "month", "format", "page"],
    "supervision:score_subject": ["place", "level", "month", "subject"],
    "supervision:year_totals": ["place", "level", "year", "format"],
    "supervision:hygiene": ["place", "month", "page"],
    "supervision:hygiene_entry": ["place", "month"],
    "supervision:schemes": ["page"],
}

MONTHS = [
    "9999-12",
    "0001-01",
    "0000-01",
    "10000-01",
    "2026-13",
    "2026-00",
    "2026-1",
    "-2026-01",
    "２０２６-０１",  # full-width digits, which int() reads
    "2026-01-01",
    "202601",
    "",
    "\x00",
]
PLACES = [
    A_PLACE,
    "611103000000",
    "610000000000",  # above the user's places
    "610118000000",  # another county's
    MISSING_PLACE,
    "6",
    "611103002201001",
    "6111030022010019999999",
    "%",
    "_",
    " 611103002201",
    "611103002201\x00",
    HUNDRED_KB,
]
EXTREMES = {
    "month": MONTHS,
    "from": MONTHS,
    "to": MONTHS,
    "place": PLACES,
    "region_code": PLACES,
    "page": ["0", "-1", "999999", str(2**63), "1e3", "abc", "last", ""],
    "format": ["xlsx", "docx", "csv", "XLSX", "\x00"],
    "table": ["figures", "places", "x", ""],
    "full": ["1", "0", "true"],
    "household": ["0", "-1", str(2**63), "abc", HUNDRED_KB],
    "sort": ["place", "number", "-number", "x", "\x00"],
}
# A period of centuries, reversed, or in years the calendar never heard of.
RANGES = [
    ("0001-01", "2026-01"),
    ("1600-01", "2026-01"),
    ("2026-01", "0001-01"),
    ("2026-12", "2026-01"),
    ("9999-01", "9999-12"),
    ("0001-01", "9999-12"),
]

month_text = st.one_of(
    st.sampled_from(MONTHS),
    st.builds(
        lambda year, month: f"{year:04d}-{month:02d}",
        st.integers(-10, 12000),
        st.integers(-1, 14),
    ),
    any_hostile_text,
)
VALUES = {
    "month": month_text,
    "from": month_text,
    "to": month_text,
    "place": st.one_of(st.sampled_from(PLACES), any_hostile_text),
    "region_code": st.one_of(st.sampled_from(PLACES), any_hostile_text),
    "page": st.one_of(st.sampled_from(EXTREMES["page"]), st.integers().map(str)),
    "household": st.one_of(st.sampled_from(EXTREMES["household"]), st.integers().map(str)),
}


def values_for(param: str):
    if param in VALUES:
        return VALUES[param]
    if param in EXTREMES:
        return st.one_of(st.sampled_from(EXTREMES[param]), any_hostile_text)
    return hostile_text


@pytest.mark.django_db(transaction=True)
def test_every_page_answers_any_query_without_server_error_within_the_bound(
    county_a,  # noqa: F811 (the fixture imported above)
    county_admin,
    fuzzing,
):
    requests, findings = fuzzing, fuzzing.findings
    client = Client(raise_request_exception=False)  # a 500 is a finding, not a crash
    client.force_login(county_admin)

    for name, params in QUERY_PAGES.items():
        fuzz_page(requests, client, name, params, county_a)
    assert not findings, findings.report()


def fuzz_page(requests: Requests, client, name: str, params: list[str], world) -> None:
    probe = PAGE_PROBES[name]
    path = reverse(name, kwargs=probe.target(world) if probe.target else {})

    def get(query: dict):
        shown = f"GET {path}?" + "&".join(f"{k}={brief(v, 40)}" for k, v in query.items())
        requests.send(name, shown, lambda: client.get(path, query))

    for param in params:
        for value in EXTREMES.get(param, [HUNDRED_KB, "\x00"]):
            get({param: value})
    if "from" in params:
        for start, end in RANGES:
            get({"from": start, "to": end})

    @fuzz_settings(EXAMPLES_PER_PAGE)
    @given(data=st.data())
    def run(data):
        chosen = data.draw(st.lists(st.sampled_from(params), min_size=1, unique=True))
        get({param: data.draw(values_for(param), label=param) for param in chosen})

    run()
