"""The compliance page lists a page of households or helpers at a time, behind or all, sorted
by place, by helper or by how far behind; its cost follows the page, and its download is
the whole list."""

import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from python_calamine import CalamineWorkbook

from bangfu.pairing import services as pairing
from bangfu.registry.services import household_register
from bangfu.reports import rollups
from bangfu.visits import selectors
from tests.registry.conftest import first_status, household_input, id_number, member_input

from .conftest import at, log

D = datetime.date
OCTOBER = "/visits/compliance/?month=2026-10"


def paired(actor, helper, number: str, village: str, serial: str):
    household = household_register(
        actor=actor,
        household=household_input(number=number, region_code=village),
        members=[member_input(id_number=id_number("19800101", serial))],
        status=first_status(),
    )
    pairing.pairing_start(
        actor=actor,
        household_id=household.pk,
        helper_id=helper.pk,
        is_main=True,
        started_on=D(2026, 1, 1),
    )
    return household


@pytest.fixture
def october(thursdays, county_admin, helper_wang, households, unit):
    """Four fixed days in October. 王哲铭's households in 马家寨村 had 4, 1 and 0 home visits;
    赵帮扶's household in 康西村 had 2: three households behind, short by 3, 4 and 2."""
    zhao = pairing.helper_create(actor=county_admin, name="赵帮扶", unit_id=unit.pk)
    kangxi = paired(county_admin, zhao, "6111030022020001", "611103002202", "201")
    for day in (8, 15, 22, 29):
        log(helper_wang, households[0], at(D(2026, 10, day)))
    log(helper_wang, households[1], at(D(2026, 10, 8)))
    for day in (8, 15):
        log(county_admin, kangxi, at(D(2026, 10, day)), helper_id=zhao.pk)
    return [*households, kangxi], zhao


def listed(page: str) -> list[str]:
    """The household numbers (or helper names) of the list, in order."""
    section = page.split('id="list"')[1]
    numbers = re.findall(r"/households/\d+/\">(\d{16})</a>", section)
    return numbers or re.findall(r"/month/\?month=2026-10\">([^<]+)</a>", section)


def test_households_behind_a_page_at_a_time_in_the_order_asked(
    october, county_admin, signed_in, monkeypatch
):
    (first, second, third, kangxi), _zhao = october
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    client = signed_in(county_admin)
    page = client.get(OCTOBER).content.decode()
    assert listed(page) == [second.number, third.number]  # by place, behind only
    assert "共 3 条" in page and "第 1 页，共 2 页" in page
    assert 'href="?month=2026-10&amp;page=2"' in page  # the pager keeps the month
    assert listed(client.get(OCTOBER + "&page=2").content.decode()) == [kangxi.number]
    by_shortfall = client.get(OCTOBER + "&sort=behind").content.decode()
    assert listed(by_shortfall) == [third.number, second.number]  # short by 4, then 3
    assert "sort=behind&amp;page=2" in by_shortfall
    every = client.get(OCTOBER + "&show=all&sort=helper&page=2").content.decode()
    assert listed(every) == [third.number, kangxi.number]  # 王哲铭's three, then 赵帮扶's
    # All the county's places: its townships are listed at once.
    assert "马王街道" in page and "?place=611103002000&amp;month=2026-10" in page


def test_helpers_behind_sorted_by_how_many_households_are_behind(october, county_admin, signed_in):
    client = signed_in(county_admin)
    page = client.get(OCTOBER + "&list=helpers&sort=behind").content.decode()
    assert listed(page) == ["王哲铭", "赵帮扶"]
    rows = selectors.compliance_by_helper(county_admin, None, D(2026, 10, 1), order="behind")
    assert [(r.helper.name, r.households, r.compliant, r.behind, r.own_visits) for r in rows] == [
        ("王哲铭", 3, 1, 2, 5),
        ("赵帮扶", 1, 0, 1, 2),
    ]
    by_name = client.get(OCTOBER + "&list=helpers&sort=helper&place=611103002202")
    assert listed(by_name.content.decode()) == ["赵帮扶"]


def test_the_download_is_the_whole_list(october, county_admin, signed_in, monkeypatch):
    (first, second, third, kangxi), _zhao = october
    monkeypatch.setattr(selectors, "PAGE_SIZE", 1)
    response = signed_in(county_admin).get(OCTOBER + "&sort=behind&page=2&format=xlsx")
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    rows = book.get_sheet_by_index(0).to_python()
    numbers = [row[0] for row in rows if str(row[0]).startswith("6111")]
    assert numbers == [third.number, second.number, kangxi.number]
    helpers = signed_in(county_admin).get(OCTOBER + "&list=helpers&show=all&format=xlsx")
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(helpers.streaming_content)))
    assert ["王哲铭", 3, 1, 2, 5] in [row[:5] for row in book.get_sheet_by_index(0).to_python()]


def test_a_page_costs_the_same_whatever_the_households_behind(
    october, county_admin, helper_wang, signed_in, monkeypatch
):
    (first, *_rest), zhao = october
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    client = signed_in(county_admin)

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    urls = [OCTOBER, OCTOBER + "&sort=helper", OCTOBER + "&list=helpers&sort=behind"]
    # The page's own cost, the place roll-ups kept up to date beforehand: bringing them up to
    # date (a first build, or catching up with writes) is counted by the roll-ups' tests.
    rollups.catch_up()
    before = [queries(url) for url in urls]
    for serial in range(3):
        paired(
            county_admin, zhao, f"61110300220200{serial + 2:02d}", "611103002202", f"3{serial:02d}"
        )
    rollups.catch_up()
    assert [queries(url) for url in urls] == before


@pytest.mark.parametrize("wrong", ["sort=name", "list=everyone", "show=some"])
def test_a_list_that_cannot_be_read_is_refused(october, county_admin, signed_in, wrong):
    response = signed_in(county_admin).get(f"{OCTOBER}&{wrong}")
    assert response.status_code == 400


def test_the_page_figures_from_the_place_roll_ups_equal_those_counted_from_households(
    october, county_admin
):
    """The page reads the place roll-ups (registered by the reports app); counted from the
    households' month roll-ups they are the same, and the list is as long as they say."""
    from bangfu.core.models import Region
    from bangfu.core.selectors import places_listed

    assert selectors._PLACE_FIGURES, "the reports app registers its figures"
    month = D(2026, 10, 1)
    for within in (None, Region.objects.get(code="611103002000")):
        places = places_listed(county_admin, within)
        rolled = selectors._PLACE_FIGURES[0](county_admin, within, places, month)
        assert rolled == selectors._counted(county_admin, within, places, month)
        for shown, counted in (("behind", rolled[0].behind), ("all", rolled[0].households)):
            listed = selectors.scheduled_households(county_admin, within, month, shown=shown)
            assert listed.count() == counted
