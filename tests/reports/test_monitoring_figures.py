"""The monitoring indicators (防止返贫监测) against a hand-counted world in 马家寨村: from the
place roll-ups, equal to what ``monitoring.selectors.figures_from_records`` counts from the
records, on the dashboard with their block and tables, and only within the reader's places.

Today is 2026-11-30; alerts are verified within 7 calendar days (the default).
"""

# The monitoring tests' fixtures are imported by name, so each test that takes one
# "redefines" it.
# ruff: noqa: F811

import pytest

from bangfu.core.models import Code, Region
from bangfu.monitoring.services import ClosingInput, alert_close, alert_raise
from bangfu.registry.models import Member
from bangfu.registry.services import StatusInput, household_status_change
from bangfu.reports import selectors
from bangfu.reports.indicators import INDICATORS, keys_of
from tests.monitoring.conftest import (  # noqa: F401 (fixtures)
    D,
    diaotai_staff,
    raise_alert,
    step,
    today,
    village_team,
)
from tests.monitoring.test_risk_code import measure
from tests.teams.conftest import on_day  # noqa: F401 (a fixture)
from tests.visits.conftest import households, unit, wang  # noqa: F401 (fixtures)

OCTOBER = selectors.Period(D(2026, 10, 1), D(2026, 10, 1))
NOVEMBER = selectors.Period(D(2026, 11, 1), D(2026, 11, 1))
BOTH = selectors.Period(D(2026, 10, 1), D(2026, 11, 1))
VILLAGE, TOWNSHIP, COUNTY = "611103002201", "611103002000", "611103000000"


def close(actor, alert, outcome, on, reason="务工收入稳定"):
    return alert_close(
        actor=actor,
        alert_id=alert.pk,
        closing=ClosingInput(outcome=outcome, closed_on=on, reason=reason),
    )


@pytest.fixture
def planted(today, county_admin, helper_wang, village_team, diaotai_staff, households):
    """曾佳轩 (households[0]): an alert raised 10-20, closed not at risk 10-25 (on time: due
    10-27); another raised by the medical-cost rule on 11-02, closed 11-05 (due 11-09).
    马建国 (households[1]): an alert raised 11-03 (due 11-10), closed 11-12 (late) with an
    identification, decided by the county on 11-20 (边缘易致贫户, 因病 and 因残): 17 days from
    the alert; then an employment measure. 李秀英 (households[2]): alerts raised 11-20 (due
    11-27: overdue) and 11-25 (due 12-02), open; monitored since June with no member able to
    work, her risk cleared on 11-28: tracked under social security."""
    first = raise_alert(county_admin, households[0], raised_on=D(2026, 10, 20))
    close(county_admin, first, "not_at_risk", D(2026, 10, 25))
    ruled = alert_raise(
        actor=county_admin,
        household_id=households[0].pk,
        alert=monitoring_input("医保：自付医疗费用超过年收入的一半", D(2026, 11, 2)),
        source="rule",
        rule_code="medical_costs",
        fired_by=[{"type": "health.medicalcost", "id": 12}],
    )
    close(county_admin, ruled, "not_at_risk", D(2026, 11, 5))
    alert = raise_alert(county_admin, households[1], raised_on=D(2026, 11, 3))
    procedure = close(county_admin, alert, "identifying", D(2026, 11, 12)).procedure
    step(helper_wang, procedure, "application", D(2026, 11, 12))
    step(helper_wang, procedure, "home_check", D(2026, 11, 13))
    step(village_team, procedure, "village_review", D(2026, 11, 13), notice_from=D(2026, 11, 13))
    step(diaotai_staff, procedure, "township_review", D(2026, 11, 19))
    step(
        county_admin,
        procedure,
        "county_decision",
        D(2026, 11, 20),
        monitoring_type="2",
        risk_types=["1", "3"],
    )
    measure(county_admin, households[1], "2")
    raise_alert(county_admin, households[2], raised_on=D(2026, 11, 20))
    raise_alert(county_admin, households[2], raised_on=D(2026, 11, 25))
    Member.objects.filter(household=households[2]).update(
        labour=Code.objects.get(kind="labour", value="5")
    )
    household_status_change(
        actor=county_admin,
        household_id=households[2].pk,
        change=StatusInput(
            "monitored", D(2026, 6, 1), "因残", monitoring_type="3", risk_types=["3"]
        ),
    )
    household_status_change(
        actor=county_admin,
        household_id=households[2].pk,
        change=StatusInput("risk_cleared", D(2026, 11, 28), "兜底保障落实"),
    )
    return households


def monitoring_input(summary, raised_on):
    from bangfu.monitoring.services import AlertInput

    return AlertInput(summary=summary, raised_on=raised_on)


NOVEMBER_FIGURES = {
    "alerts_raised": 4,  # 11-02 (by the rule), 11-03, 11-20, 11-25
    "alerts_verified": 2,  # 11-05 on time, 11-12 late
    "alerts_on_time": 1,
    "alerts_on_time_rate": 0.5,
    "alerts_open": 2,
    "alerts_overdue": 1,  # due 11-27
    "households_identified": 1,
    "decision_days_average": 17.0,
    "decision_days_median": 17.0,
    "monitored_able": 1,  # 马建国 (李秀英's risk is cleared; she has no labour)
    "monitored_developing": 1,
    "developing_share": 1.0,
    "social_security": 1,
    "risk_cleared": 0,  # no risk-clearing procedure has passed
    "clearing_rate": 0.5,  # 李秀英 cleared, 马建国 monitored
    "exits_verified": 0,
}


def ours(values: dict) -> dict:
    return {key: values[key] for key in keys_of("monitoring")}


def figures(user, code, period=NOVEMBER) -> selectors.Figures:
    return selectors.Figures(user, Region.objects.get(code=code) if code else None, period)


def test_each_figure_against_the_hand_count(planted, county_admin):
    for code in (VILLAGE, TOWNSHIP, COUNTY, None):
        assert ours(figures(county_admin, code).values) == NOVEMBER_FIGURES, code


def test_the_roll_ups_equal_the_records(planted, county_admin):
    for period in (OCTOBER, NOVEMBER, BOTH):
        for code in (VILLAGE, COUNTY):
            within = Region.objects.get(code=code)
            kept = ours(selectors.Figures(county_admin, within, period).values)
            counted = ours(selectors.source_figures(county_admin, within, period))
            assert kept == counted, (period, code)


def test_october_and_the_two_months(planted, county_admin):
    october = ours(figures(county_admin, COUNTY, OCTOBER).values)
    assert (october["alerts_raised"], october["alerts_verified"], october["alerts_on_time"]) == (
        1,
        1,
        1,
    )
    assert october["households_identified"] == 0 and october["decision_days_median"] is None
    # Open alerts are those open now; overdue is judged on the period's last day.
    assert (october["alerts_open"], october["alerts_overdue"]) == (2, 0)
    both = ours(figures(county_admin, COUNTY, BOTH).values)
    assert (both["alerts_raised"], both["alerts_verified"], both["alerts_on_time"]) == (5, 3, 2)


def test_the_tables_by_source_rule_type_and_risk(planted, county_admin):
    tables = figures(county_admin, COUNTY).monitoring_tables
    assert tables["by_source"] == [("部门数据预警规则", 1), ("干部排查", 3)]
    assert tables["by_rule"] == [("medical_costs", 1)]
    assert tables["by_type"] == [("边缘易致贫户", 1)]
    assert tables["by_risk"] == [("因病", 1), ("因残", 1)]


def test_a_rule_set_later_reaches_the_figures(planted, county_admin):
    from tests.visits.conftest import set_rule

    set_rule(county_admin, "monitoring.developmental_measure_kinds", "1")
    values = ours(figures(county_admin, COUNTY).values)
    assert (values["monitored_developing"], values["developing_share"]) == (0, 0.0)


def test_the_dashboard_shows_the_block_and_its_tables(planted, signed_in, county_admin):
    page = signed_in(county_admin).get("/reports/?month=2026-11").content.decode()
    assert "防止返贫监测" in page
    assert "预警按期核实率" in page and "帮扶未落实的监测户" in page
    assert set(keys_of("monitoring")) <= set(INDICATORS)
    assert "medical_costs" in page and "边缘易致贫户" in page


def test_another_county_counts_none_of_it(planted, other_county_admin):
    values = ours(figures(other_county_admin, None).values)
    assert values["alerts_raised"] == 0 and values["monitored_able"] == 0
