# ruff: noqa: F811
# (the fixtures imported from other test modules are redefined as parameters)
"""Query parameters as an attacker or a careless client sends them: every page and API
operation answers 4xx with words for a person (or the default page), never 500, and what a
page costs does not grow with what it is asked for (issue 12, item 2).

Runs on SQLite and on PostgreSQL (``scripts/with_postgres.py``), where NUL in text and an id
past a bigint are errors of the database itself.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bangfu.core import params
from tests.reports.test_indicators import district  # noqa: F401
from tests.visits.conftest import households, set_rule, thursdays, unit, wang  # noqa: F401

VILLAGE, COUNTY = "611103002201", "611103000000"
BAD_MONTHS = ["9999-12", "0001-01", "1600-01", "2026-13", "soon", "2026-11%00"]
MONTH_PAGES = [
    "/reports/",
    "/reports/reported/",
    "/visits/compliance/",
    "/visits/flags/",
    f"/visits/places/{COUNTY}/fixed-days/",
]
ENOUGH_DIGITS = str(10**20)  # past a bigint: PostgreSQL "bigint out of range", SQLite overflow


@pytest.fixture
def admin(county_admin, signed_in):
    client = signed_in(county_admin)
    client.raise_request_exception = False  # a 500 must show as a 500, not as an exception
    return client


def assert_refused_on_the_layout(response, field: str) -> None:
    """400 on the shared layout, naming the parameter, with words in Chinese."""
    assert response.status_code == 400
    page = response.content.decode()
    assert "<nav" in page and "地址中的参数有误" in page and f"<code>{field}</code>" in page


def assert_api_refused(response, field: str) -> None:
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == ("bad_parameter", field)
    assert any("\u4e00" <= c <= "\u9fff" for c in body["message"])  # in Chinese


@pytest.mark.parametrize("month", BAD_MONTHS)
@pytest.mark.parametrize("page", MONTH_PAGES)
def test_a_month_that_is_no_month_is_refused_on_every_page(admin, page, month):
    assert_refused_on_the_layout(admin.get(f"{page}?month={month}"), "month")


def test_a_helpers_month_refuses_a_month_outside_the_window(admin, wang):
    for month in BAD_MONTHS:
        response = admin.get(f"/visits/helpers/{wang.pk}/month/?month={month}")
        assert_refused_on_the_layout(response, "month")


@pytest.mark.parametrize("page", MONTH_PAGES)
def test_no_month_is_this_month(admin, page):
    response = admin.get(f"{page}?month=")
    assert response.status_code == 200
    assert f"{params.this_month():%Y-%m}" in response.content.decode()


def test_the_first_and_last_months_show_without_links_past_them(admin):
    first, last = params.month_window()
    page = admin.get(f"/visits/compliance/?month={first:%Y-%m}").content.decode()
    assert "month=2012-12" not in page and "month=2013-02" in page
    page = admin.get(f"/visits/compliance/?month={last:%Y-%m}").content.decode()
    assert f"month={params.add_months(last, 1):%Y-%m}" not in page


@pytest.mark.parametrize("month", BAD_MONTHS)
def test_the_api_refuses_a_month_that_is_no_month(admin, month):
    assert_api_refused(admin.get(f"/api/compliance/visits?month={month}"), "month")


@pytest.mark.parametrize(
    "query, field",
    [
        ("from=1600-01&to=2026-01", "from"),
        ("from=0001-01", "from"),
        ("from=2026-01&to=9999-12", "to"),
        ("to=2026-99", "to"),
    ],
)
def test_ranges_outside_the_window_are_refused(admin, query, field):
    assert_refused_on_the_layout(admin.get(f"/reports/?{query}"), field)
    assert_refused_on_the_layout(admin.get(f"/reports/reported/?{query}"), field)


@pytest.mark.parametrize(
    "url, field",
    [
        ("/reports/?place=%00", "place"),
        ("/reports/?place=6111", "place"),
        ("/reports/reported/?place=" + "6" * 100_000, "place"),
        ("/visits/compliance/?place=611103%00", "place"),
        ("/visits/flags/?place=x", "place"),
        ("/pairing/coverage/?place=%00", "place"),
        ("/reports/?format=pdf", "format"),
        ("/reports/?format=xlsx&table=secrets", "table"),
        ("/reports/reported/?format=xlsx", "format"),
        ("/visits/compliance/?format=csv", "format"),
        ("/visits/compliance/?sort=%00", "sort"),
        ("/visits/compliance/?list=everyone", "list"),
        ("/visits/compliance/?show=" + "b" * 5000, "show"),
        ("/visits/problems/?place=x", "place"),
        ("/visits/problems/?format=csv", "format"),
        ("/audit/?format=%00", "format"),
        (f"/reports/handbook/places/{VILLAGE}/?full=yes", "full"),
    ],
)
def test_malformed_places_and_choices_are_refused(admin, url, field):
    assert_refused_on_the_layout(admin.get(url), field)


@pytest.mark.parametrize(
    "url, field",
    [
        ("/api/coverage?place=%00", "place"),
        ("/api/compliance/visits?place=61110300220", "place"),
        ("/api/households?region_code=%00", "region_code"),
        ("/api/households?name=" + "王" * 51, "name"),
        ("/api/households?name=%00", "name"),
        ("/api/households?number=" + "1" * 5000, "number"),
        ("/api/households?status=rich", "status"),
        ("/api/households?sort=pk", "sort"),
        ("/api/households?main_cause=" + "1" * 21, "main_cause"),
    ],
)
def test_the_api_refuses_malformed_filters(admin, url, field):
    assert_api_refused(admin.get(url), field)


def test_a_well_formed_place_one_may_not_see_answers_like_a_missing_one(admin):
    assert admin.get("/reports/?place=610118000000").status_code == 404
    assert admin.get("/api/coverage?place=619999999999").json()["code"] == "not_found"


def without_csrf(response) -> str:
    """The page with its per-request CSRF tokens and own address blanked, to compare 404s."""
    body = response.content.decode().replace(response.request["PATH_INFO"], "")
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", body)


def test_ids_no_record_can_have_answer_like_missing_records(admin):
    missing = admin.get(f"/households/{10**9}/")
    for url in [
        f"/households/{ENOUGH_DIGITS}/",
        "/households/0/",
        f"/visits/helpers/{'9' * 30}/month/",
        f"/reports/handbook/households/{ENOUGH_DIGITS}/",
    ]:
        response = admin.get(url)
        assert response.status_code == missing.status_code == 404
        assert without_csrf(response) == without_csrf(missing)
    assert admin.get(f"/places/{COUNTY}%00/").status_code == 404
    assert admin.get("/places/6111/").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        f"/api/households/{ENOUGH_DIGITS}",
        "/api/households/0",
        f"/api/visits/{ENOUGH_DIGITS}/flags",
        f"/api/households/{ENOUGH_DIGITS}/pairings",
        "/api/places/611103%00",
        "/api/places/6111",
    ],
)
def test_the_api_answers_impossible_ids_not_found(admin, url):
    response = admin.get(url)
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_the_api_answers_impossible_ids_in_a_body_not_found(admin):
    response = admin.post(
        "/api/pairings",
        {"household_id": 10**20, "started_on": "2026-01-01", "helper_id": 1},
        content_type="application/json",
    )
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    response = admin.get("/api/households/abc")
    assert (response.status_code, response.json()["code"]) == (422, "invalid")


@pytest.mark.parametrize(
    "query", [f"page={ENOUGH_DIGITS}", "page=0", "page=100001", f"page_size={ENOUGH_DIGITS}"]
)
def test_api_page_numbers_are_bounded(admin, query):
    response = admin.get(f"/api/households?{query}")
    assert (response.status_code, response.json()["code"]) == (422, "invalid")


def test_an_api_page_past_the_end_is_empty(admin, households):
    body = admin.get("/api/households?page=100000").json()
    assert (body["items"], body["count"]) == ([], 3)
    assert len(admin.get("/api/households?page_size=2").json()["items"]) == 2


def test_the_api_list_reads_one_page_of_households(admin, households):
    with CaptureQueriesContext(connection) as queries:
        admin.get("/api/households?page_size=1")
    # The page's rows are read with a LIMIT, not every household the caller may see.
    listing = [q["sql"] for q in queries if 'FROM "registry_household"' in q["sql"]]
    assert listing and all("COUNT(" in sql or "LIMIT 1" in sql for sql in listing)


@pytest.mark.parametrize("page", [ENOUGH_DIGITS, "-1", "abc", "²"])
def test_page_numbers_on_pages_fall_back(admin, page):
    assert admin.get(f"/households/?page={page}").status_code == 200
    assert admin.get(f"/audit/?page={page}").status_code == 200


@pytest.mark.parametrize(
    "query, field",
    [
        ("name=" + "x" * 100_000, "name"),
        ("name=a%00b", "name"),
        ("number=" + "1" * 5000, "number"),
        ("number=1%002", "number"),
    ],
)
def test_household_filters_that_cannot_be_read_answer_the_page_with_the_reason(
    admin,
    households,
    query,
    field,
):
    response = admin.get(f"/households/?{query}")
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="error" role="alert"' in page and "6111030022010001" not in page  # lists nothing


@pytest.mark.parametrize(
    "query", ["id_number=%01garbage%FF", "id_number=" + "x" * 32, "number=%C2%B2", "number=99999"]
)
def test_household_filters_of_garbage_find_nothing(admin, households, query):
    response = admin.get(f"/households/?{query}")
    assert response.status_code == 200
    assert "6111030022010001" not in response.content.decode()
    assert admin.get(f"/api/households?{query}").status_code == 200


def test_hints_that_are_no_ids_fall_back(admin, households):
    page = admin.get('/visits/capture/?household="]x').content.decode()
    assert 'data-chosen=""' in page  # no household preselected, and no broken selector
    response = admin.post(
        f"/visits/problems/{10**9}/solve/", {"household": "²", "solved_on": "2026-11-01"}
    )
    assert (response.status_code, response["Location"]) == (302, "/visits/mine/")
    response = admin.post(
        f"/visits/problems/{10**9}/solve/", {"household": "9" * 40, "solved_on": "2026-11-01"}
    )
    assert (response.status_code, response["Location"]) == (302, "/visits/mine/")


# -- what a page costs ---------------------------------------------------------------------


def queries_of(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in queries]


@pytest.mark.parametrize("page", ["/reports/", "/reports/reported/"])
def test_the_longest_range_costs_what_two_years_cost(admin, district, page):
    """From 2013 to the end of next year is cut to the rule's 24 months in one step, and the
    page reads no more than it does for any 24 months."""
    first, last = params.month_window()
    admin.get(page)  # the roll-ups catch up with the district's writes first
    two_years = queries_of(admin, f"{page}?from=2024-11&to=2026-10")
    longest = queries_of(admin, f"{page}?from={first:%Y-%m}&to={last:%Y-%m}")
    reversed_ = queries_of(admin, f"{page}?from={last:%Y-%m}&to={first:%Y-%m}")
    assert len(longest) == len(reversed_) == len(two_years)
    assert max(map(len, longest)) <= max(map(len, two_years)) + 100  # the same IN list, 24 long
    body = admin.get(f"{page}?from={first:%Y-%m}&to={last:%Y-%m}").content.decode()
    assert f"{params.add_months(last, -23):%Y-%m} – {last:%Y-%m}" in body


def test_the_longest_period_is_the_rule_of_the_place_shown(
    admin,
    district,
    county_admin,
):
    set_rule(county_admin, "reports.max_months", 3, code=COUNTY)
    body = admin.get(f"/reports/?place={COUNTY}&from=2013-01&to=2026-10").content.decode()
    assert "2026-08 – 2026-10" in body
    # Above the county (all the user's places, read at the user's own place: the county too).
    assert "2026-08 – 2026-10" in admin.get("/reports/?from=2013-01&to=2026-10").content.decode()


def test_the_number_of_queries_does_not_grow_with_the_months(admin, district, county_admin):
    """At the rule's ceiling (60 months) the dashboard reads in as many queries as for one
    month: the roll-up rows of every month in one query, each place's rules once for all
    months (the cost that remains is Python adding up 60 months, bounded by the rule)."""
    set_rule(county_admin, "reports.max_months", 60, code=COUNTY)
    admin.get("/reports/")
    one = queries_of(admin, "/reports/?month=2026-10")
    sixty = queries_of(admin, "/reports/?from=2021-11&to=2026-10")
    everything = queries_of(admin, "/reports/?from=2013-01&to=2027-12")
    assert len(everything) == len(sixty) == len(one)


@pytest.mark.parametrize("page", [ENOUGH_DIGITS, "0", "-1", "x", "%00"])
@pytest.mark.parametrize("url", ["/visits/compliance/?list=helpers&", "/visits/problems/?"])
def test_the_lists_page_numbers_past_the_end_are_the_last_page(admin, households, url, page):
    assert admin.get(f"{url}page={page}").status_code == 200
