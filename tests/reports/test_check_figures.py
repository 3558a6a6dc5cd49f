"""The monthly check's indicators (账实相符): their definitions, their values on a small
check of 马家寨村 and 康西村 from the place roll-ups, equal to what the records say
(``checks_from_records``), and roll-ups kept through audited writes equal to rebuilt ones.

The differences are made as rows here, each write audited about its checks record as the
comparison and the workflow audit theirs (``object_type`` ``checks.*``), which is what the
roll-ups read.
"""

# The day's fixture is imported by name, so each test that takes it "redefines" it.
# ruff: noqa: F811

import datetime
import json

import pytest
from django.db import transaction

from bangfu.checks.models import DifferenceState
from bangfu.checks.services import self_check_report_submit
from bangfu.core import audit
from bangfu.core.models import Region
from bangfu.core.services import policy_set
from bangfu.reports import rollups, selectors
from bangfu.reports.indicators import INDICATORS, keys_of
from bangfu.reports.models import PlaceMonth, PlaceStock
from tests.checks.reports_world import (
    MONTH,
    OTHER_VILLAGE,
    TOWNSHIP,
    VILLAGE,
    check_world,
    difference,
)
from tests.factories import UserFactory
from tests.teams.conftest import on_day  # noqa: F401 (a fixture)

D = datetime.date
JANUARY = selectors.Period(MONTH, MONTH)


def test_the_checks_block_names_its_indicators():
    assert keys_of("checks") == [
        "differences_found",
        "differences_fixed",
        "differences_closed",
        "differences_open",
        "reports_on_time_rate",
        "reports_missing",
        "match_rate",
    ]
    assert all(INDICATORS[key].definition for key in keys_of("checks"))


def _touch(actor, *rows):
    """Audit a write about each checks record, as the services do."""
    with transaction.atomic():
        for row in rows:
            audit.record(
                actor=actor,
                action="checks.test_write",
                obj=row,
                region_code=getattr(row, "region_id", ""),
            )


@pytest.fixture
def checked(county_admin):
    world = check_world(county_admin)
    _touch(county_admin, world["snapshot"])
    return world


@pytest.fixture
def work_team(world):
    return UserFactory(
        username="work_team_figures", full_name="马村干", places=[VILLAGE], roles=["work_team"]
    )


def test_the_figures_of_a_village_and_its_township(checked, county_admin, work_team, on_day):
    on_day(D(2026, 2, 3))
    self_check_report_submit(actor=work_team, region_code=VILLAGE, month=MONTH, note="")
    village = Region.objects.get(code=VILLAGE)
    values = selectors.Figures(county_admin, village, JANUARY).values
    assert {key: values[key] for key in keys_of("checks")} == {
        "differences_found": 4,
        "differences_fixed": 1,
        "differences_closed": 1,
        "differences_open": 3,
        "reports_on_time_rate": 0.0,  # in, but late
        "reports_missing": 0,
        "match_rate": 0.5,  # 2 of 4 households
    }
    township = Region.objects.get(code=TOWNSHIP)
    figures = selectors.Figures(county_admin, township, JANUARY)
    assert figures.values["differences_open"] == 4
    assert figures.values["reports_missing"] == 1  # 康西村
    assert figures.values["reports_on_time_rate"] == 0.0
    assert figures.values["match_rate"] == 2 / 5
    tables = figures.check_tables
    assert dict(tables["by_field"])["姓名"] == {"found": 3, "fixed": 0, "closed": 0, "open": 3}
    for place in (village, township, Region.objects.get(code="611103000000")):
        from_records = selectors.checks_from_records(county_admin, place, JANUARY)
        kept = selectors.Figures(county_admin, place, JANUARY).values
        assert {key: kept[key] for key in from_records} == from_records, place.code


def test_the_dashboard_and_figures_as_reported_show_them(checked, county_admin, client):
    client.force_login(county_admin)
    page = client.get("/reports/", {"month": "2026-01", "place": TOWNSHIP}).content.decode()
    assert "账账相符率" in page and "差异按分类" in page
    text = client.get("/reports/reported/", {"month": "2026-01", "place": TOWNSHIP})
    assert "发现差异5条" in text.content.decode()


def stored() -> list[tuple]:
    rows = []
    for model in (PlaceStock, PlaceMonth):
        for row in model.objects.all():
            rows.append(
                (
                    model.__name__,
                    row.region_id,
                    str(getattr(row, "month", "")),
                    json.dumps(row.checks, sort_keys=True),
                )
            )
    return sorted(rows)


def test_kept_check_figures_equal_rebuilt_ones(checked, county_admin, work_team, on_day):
    on_day(D(2026, 2, 3))
    rollups.catch_up()
    # A difference found, one fixed, one reclassified, one of a group closed by hand, a
    # report in, and a rule moving the day due: each audited, each read in between.
    shot = checked["snapshot"]
    new = difference(shot, OTHER_VILLAGE, "6111030022020002", "性别", D(2026, 2, 2), field="sex")
    _touch(county_admin, new)
    rollups.catch_up()
    fixed = checked["open_name"]
    fixed.state, fixed.closed_on = DifferenceState.FIXED, D(2026, 2, 3)
    fixed.save()
    _touch(county_admin, fixed)
    group = checked["group"]
    group.classification, group.state = "accepted", DifferenceState.CLOSED
    group.closed_on, group.close_reason = D(2026, 2, 3), "户主已更正，国家系统下月同步"
    group.save()
    _touch(county_admin, group)
    rollups.catch_up()
    self_check_report_submit(actor=work_team, region_code=VILLAGE, month=MONTH, note="")
    policy_set(
        actor=county_admin,
        region_code=TOWNSHIP,
        key="checks.report_due",
        value=2,
        valid_from=D(2025, 1, 1),
    )
    rollups.catch_up()
    kept = stored()
    assert any('"open"' in row[3] for row in kept)
    rollups.rebuild()
    assert stored() == kept
    february = selectors.Period(D(2026, 2, 1), D(2026, 2, 1))
    for code in (VILLAGE, OTHER_VILLAGE, TOWNSHIP):
        place = Region.objects.get(code=code)
        for period in (JANUARY, february):
            from_records = selectors.checks_from_records(county_admin, place, period)
            values = selectors.Figures(county_admin, place, period).values
            assert {key: values[key] for key in from_records} == from_records, (code, period)
