"""The figures of projects and funds (项目资金指标): their values on a small year in 沣西新城
from the place roll-ups, equal to hand-counted ones and to what the records say
(``projects_from_records``); the roll-ups kept through audited writes equal to rebuilt ones;
the funds summary by source, kind, year and place with its links to the ledger; the
dashboard's block and "figures as reported".
"""

import datetime
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from bangfu.core.models import Region
from bangfu.projects.models import ProjectStep, Stage
from bangfu.projects.selectors.figures import funds_summary, ledger_url
from bangfu.reports import rollups, selectors
from bangfu.reports.indicators import INDICATORS, keys_of
from bangfu.reports.models import PlaceMonth, PlaceStock
from tests.projects.figures_world import (
    COUNTY,
    OTHER_TOWNSHIP,
    OTHER_VILLAGE,
    TOWNSHIP,
    VILLAGE,
    benefit,
    entry,
    figures_world,
    income,
    touch,
)

NOVEMBER = selectors.Period(datetime.date(2026, 11, 1), datetime.date(2026, 11, 1))


@pytest.fixture
def year(today, county_admin, make_project):
    return figures_world(county_admin, make_project)


def values_of(user, code: str, period=NOVEMBER) -> dict:
    values = selectors.Figures(user, Region.objects.get(code=code), period).values
    return {key: values[key] for key in keys_of("projects")}


def test_the_projects_block_names_its_indicators_with_definitions():
    assert keys_of("projects")[:7] == [
        "projects",
        "projects_carried_out",
        "projects_accepted",
        "funds_planned",
        "funds_allocated",
        "funds_paid",
        "disbursement_rate",
    ]
    for key in keys_of("projects"):
        assert INDICATORS[key].definition and INDICATORS[key].formula, key


def test_the_county_figures_equal_the_hand_counted_ones(year, county_admin):
    assert values_of(county_admin, COUNTY) == {
        "projects": 2,
        "projects_carried_out": 2,
        "projects_accepted": 1,
        "funds_planned": Decimal(170000),
        "funds_allocated": Decimal(170000),
        "funds_paid": Decimal(115000),
        "disbursement_rate": 115000 / 170000,
        "outputs": "硬化道路2.5公里、产业基地120亩",
        "beneficiary_households": 2,
        "income_able": 4,
        "income_covered": 3,
        "income_coverage": 0.75,
        "donations": 2,
        "donations_value": Decimal(1500),
        "sales": 2,
        "sales_amount": Decimal("4500.50"),
        "villages_floor": 1,
        "villages_below_floor": 3,
        "villages_good_share": 0.25,
    }


def test_a_village_and_a_township(year, county_admin):
    village = values_of(county_admin, VILLAGE)
    assert village["projects"] == 1
    assert (village["funds_allocated"], village["funds_paid"]) == (120000, 65000)
    assert (village["income_able"], village["income_covered"]) == (3, 2)
    assert (village["villages_floor"], village["villages_below_floor"]) == (0, 1)  # 55,000 < 60,000
    township = values_of(county_admin, TOWNSHIP)
    assert township["projects"] == 1  # P3 cancelled
    assert township["funds_planned"] == Decimal(120000)  # P3's plan left out
    assert township["donations"] == 2
    other = values_of(county_admin, OTHER_TOWNSHIP)
    assert (other["villages_floor"], other["villages_good_share"]) == (1, 0.5)
    # 2025, judged in a 2025 period: P4 only.
    last_year = selectors.Period(datetime.date(2025, 12, 1), datetime.date(2025, 12, 1))
    old = values_of(county_admin, COUNTY, last_year)
    assert (old["projects"], old["funds_paid"], old["disbursement_rate"]) == (1, 80000, 1.0)
    assert old["villages_floor"] == 1  # 马家寨村's 90,000 of 2025


@pytest.mark.parametrize("code", [COUNTY, TOWNSHIP, VILLAGE, OTHER_TOWNSHIP, OTHER_VILLAGE])
def test_the_roll_ups_agree_with_the_records(year, county_admin, code):
    place = Region.objects.get(code=code)
    from_records = selectors.projects_from_records(county_admin, place, NOVEMBER)
    assert set(from_records) == set(keys_of("projects"))
    assert values_of(county_admin, code) == from_records


def test_all_my_places_of_a_township_officer(year, township_staff):
    values = selectors.Figures(township_staff, None, NOVEMBER).values
    assert values["projects"] == 1
    assert values["funds_paid"] == Decimal(65000)
    assert selectors.projects_from_records(township_staff, None, NOVEMBER)["funds_paid"] == 65000


def stored() -> list[tuple]:
    return sorted(
        (
            model.__name__,
            row.region_id,
            str(getattr(row, "month", "")),
            json.dumps(row.projects, sort_keys=True),
        )
        for model in (PlaceStock, PlaceMonth)
        for row in model.objects.all()
        if row.projects
    )


def test_kept_figures_equal_rebuilt_ones_after_writes(year, county_admin):
    rollups.catch_up()
    p1, p2, _p3, _p4 = year["projects"]
    h1, _h2, _h3, h4, _h5 = year["households"]
    # P1 cancelled: its beneficiaries in 马家寨村 are no longer covered there.
    p1.stage, p1.stage_on = Stage.CANCELLED, datetime.date(2026, 11, 30)
    p1.save()
    ProjectStep.objects.create(
        project=p1,
        region=p1.region,
        stage=Stage.CANCELLED,
        day=p1.stage_on,
        reason="选址变更",
        recorded_at=timezone.now(),
        recorded_by=county_admin,
    )
    touch(county_admin, p1)
    rollups.catch_up()
    assert values_of(county_admin, OTHER_VILLAGE)["income_covered"] == 0
    # P2 moved to 康西村; a payment reversed; a household benefiting; an income replaced.
    before = p2.region_id
    p2.region_id = "611103002202"
    p2.save()
    p2.ledger.update(region_id=p2.region_id)
    p2.outputs.update(region_id=p2.region_id)
    p2.planned_funds.update(region_id=p2.region_id)
    touch(county_admin, p2)
    assert before != p2.region_id
    paid = p2.ledger.get(kind="payment")
    entry(county_admin, p2, "payment", "1", -paid.amount, datetime.date(2026, 11, 30), paid)
    benefit(county_admin, p2, h4)
    row = income(county_admin, VILLAGE, 2026, "2", 10000)
    rollups.catch_up()
    kept = stored()
    rollups.rebuild()
    assert stored() == kept
    assert values_of(county_admin, "611103002202")["funds_paid"] == 0
    assert values_of(county_admin, VILLAGE)["villages_floor"] == 1  # 65,000 ≥ 60,000
    for code in (COUNTY, TOWNSHIP, VILLAGE, OTHER_TOWNSHIP, OTHER_VILLAGE):
        place = Region.objects.get(code=code)
        assert values_of(county_admin, code) == selectors.projects_from_records(
            county_admin, place, NOVEMBER
        ), code
    assert row.pk and h1.pk


def test_a_rule_of_collective_income_changes_the_villages_under_it(year, county_admin):
    from bangfu.core.services import policy_set

    rollups.catch_up()
    policy_set(
        actor=county_admin,
        region_code=COUNTY,
        key="projects.collective_income_good",
        value=50000,
        valid_from=datetime.date(2026, 2, 1),
    )
    values = values_of(county_admin, COUNTY)
    assert values["villages_good_share"] == 0.5  # 石桥村 55,000 and 马家寨村 120,000
    kept = stored()
    rollups.rebuild()
    assert stored() == kept


def test_the_funds_summary_by_source_kind_year_and_place(year, county_admin):
    county = Region.objects.get(code=COUNTY)
    summary = funds_summary(county_admin, county, 2026)
    assert (summary.total.allocated, summary.total.paid) == (170000, 115000)
    sources = {row.label: row for row in summary.by_source}
    assert list(sources) == ["中央财政", "县级财政"]
    central = sources["中央财政"]
    assert (central.funds.planned, central.funds.allocated, central.funds.paid) == (
        150000,
        150000,
        110000,
    )
    assert central.ledger == "/projects/ledger/?place=611103000000&year=2026&source=1"
    assert [(row.label, row.funds.allocated) for row in summary.by_kind] == [
        ("基建", 120000),
        ("产业", 50000),
    ]
    assert [(row.label, row.funds.paid) for row in summary.by_year] == [
        ("2026", 115000),
        ("2025", 80000),
    ]
    assert [(row.label, row.funds.balance) for row in summary.by_place] == [
        ("马王街道", 55000),
        ("钓台街道", 0),
    ]
    assert summary.by_place[0].ledger == "/projects/ledger/?place=611103001000&year=2026"
    industry = funds_summary(county_admin, county, 2026, "2")
    assert industry.total.paid == 50000
    assert industry.ledger == "/projects/ledger/?place=611103000000&year=2026&kind=2"


def test_the_ledger_link_carries_only_what_was_chosen():
    assert ledger_url() == "/projects/ledger/?"
    assert ledger_url(place=VILLAGE, source="4") == f"/projects/ledger/?place={VILLAGE}&source=4"


def test_the_funds_page_and_its_download(year, county_admin, client):
    client.force_login(county_admin)
    page = client.get("/projects/funds/", {"place": COUNTY, "year": "2026"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "资金汇总" in text and "中央财政" in text and "马王街道" in text
    assert "/projects/ledger/?place=611103000000&amp;year=2026&amp;source=1" in text
    assert "67.6%" in text
    sheet = client.get("/projects/funds/", {"place": COUNTY, "year": "2026", "format": "xlsx"})
    assert sheet.status_code == 200
    assert sheet["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get("/projects/funds/", {"kind": "九"}).status_code == 400
    assert client.get("/projects/funds/", {"year": "2029"}).status_code == 200  # ahead
    assert client.get("/projects/funds/", {"year": "2030"}).status_code == 400
    assert client.get("/projects/funds/", {"year": "二〇二六"}).status_code == 400
    assert client.get("/projects/funds/", {"place": "610118000000"}).status_code == 404


def test_the_dashboard_block_and_figures_as_reported(year, county_admin, client):
    client.force_login(county_admin)
    page = client.get("/reports/", {"month": "2026-11", "place": COUNTY}).content.decode()
    assert "项目资金" in page and "支出进度" in page and "硬化道路" in page
    assert "chart-project-kinds" in page and "/projects/funds/?place=611103000000" in page
    text = client.get("/reports/reported/", {"month": "2026-11", "place": COUNTY})
    words = text.content.decode()
    assert "整合资金17万元" in words, words
    assert "基建1项" in words and "支出进度67.6%" in words
    assert "硬化道路2.5公里、产业基地120亩" in words
    docx = client.get("/reports/reported/", {"month": "2026-11", "place": COUNTY, "format": "docx"})
    assert docx.status_code == 200
