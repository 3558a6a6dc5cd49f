"""The national definitions run on a province's own database (SQLite or PostgreSQL) give
the dashboard's figures, place by place: what the nation computes from the export is what
the province reads on its dashboard."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from bangfu.core.models import Region
from bangfu.national.definitions import INDICATOR_KEYS
from bangfu.national.selectors import figures_from_records
from bangfu.reports.selectors import Figures, Period
from tests.national.conftest import COUNTIES, NOVEMBER, OCTOBER, PROVINCES

PLACES = [("province", code) for code in PROVINCES] + [("county", code) for code in COUNTIES]
PLACES += [("city", "611100000000"), ("city", "610100000000"), ("city", "620100000000")]


def dashboard(user, code: str, month) -> dict:
    values = Figures(user, Region.objects.get(code=code), Period(month, month)).values
    return {key: values[key] for key in INDICATOR_KEYS}


def national(found, level: str, code: str) -> dict:
    return {key: found[level, code][key] for key in INDICATOR_KEYS}


@pytest.mark.parametrize("month", [OCTOBER, NOVEMBER])
def test_the_definitions_on_the_province_database_give_the_dashboards_figures(nation, month):
    found = figures_from_records(month)
    for level, code in PLACES:
        assert national(found, level, code) == dashboard(nation, code, month), (level, code)

    # Not empty figures that agree by being nothing.
    gansu = found["province", "620000000000"]
    assert (gansu["households"], gansu["helpers"], gansu["alerts_open"]) == (12, 4, 2)
    if month == OCTOBER:
        assert gansu["goods_value"] == Decimal("355.00") and gansu["money_value"] == 2000
        assert (gansu["alerts_raised"], gansu["alerts_on_time"]) == (4, 4)
        assert gansu["households_identified"] == 2 and 0 < gansu["compliance"] < 1


def test_the_teams_and_supervision_figures_are_not_empty(nation):
    """Teams, residence, leave, meetings and tasks; rounds, samples, findings and surveys:
    each figure something somewhere, and not the same everywhere."""
    october, november = figures_from_records(OCTOBER), figures_from_records(NOVEMBER)
    shaanxi, gansu = (october["province", code] for code in PROVINCES)
    ended = october["county", "610118000000"]
    assert (shaanxi["teams"], november["province", PROVINCES[0]]["teams"]) == (2, 1)
    assert (shaanxi["team_leaders"], shaanxi["first_secretaries"], shaanxi["liaisons"]) == (2, 1, 1)
    assert (gansu["team_members"], november["province", PROVINCES[1]]["team_members"]) == (2, 1)
    assert (ended["members_short"], ended["residence_compliance"]) == (1, 0)
    assert (shaanxi["residence_compliance"], gansu["residence_compliance"]) == (1 / 5, 2 / 3)
    assert (shaanxi["leave_days"], shaanxi["meetings"], shaanxi["tasks_overdue"]) == (2, 1, 1)
    later = november["province", PROVINCES[1]]
    assert (later["meetings"], later["tasks_overdue"], gansu["tasks_overdue"]) == (1, 1, 0)

    assert (shaanxi["inspections"], shaanxi["households_sampled"], gansu["inspections"]) == (
        1,
        2,
        0,
    )
    assert (later["inspections"], later["households_sampled"]) == (1, 3)
    assert (shaanxi["findings_found"], later["findings_found"]) == (3, 1)
    assert shaanxi["findings_overdue"] + later["findings_overdue"] > 0
    assert 0 <= shaanxi["rectified_on_time"] <= 1
    assert (shaanxi["satisfaction_rate"], ended["satisfaction_rate"]) == (2 / 4, 0)
    assert later["satisfaction_rate"] == 1 / 2


def test_the_command_prints_a_provinces_figures(nation):
    out = io.StringIO()
    call_command("national_figures", "--month", "2026-10", stdout=out)
    rows = [line.split("\t") for line in out.getvalue().splitlines()[1:]]
    gansu = {row[4]: row[5] for row in rows if row[2] == "620000000000"}
    assert rows[0][3] and gansu["households"] == "12" and gansu["money_value"] == "2000"
    with pytest.raises(CommandError):
        call_command("national_figures", "--month", "2026-13")


def test_the_checks_and_projects_figures_are_not_empty(nation):
    """What ``_checks_and_projects`` wrote, counted (agreement with the dashboard is the
    test above): not figures that agree by being nothing."""
    october, november = figures_from_records(OCTOBER), figures_from_records(NOVEMBER)
    shaanxi = october["province", "610000000000"]
    assert (shaanxi["differences_found"], shaanxi["reports_missing"]) == (3, 4)
    assert shaanxi["reports_on_time_rate"] == 0 and shaanxi["match_rate"] is None
    assert shaanxi["funds_paid"] == Decimal("120000.50") and shaanxi["villages_below_floor"] == 4
    assert (shaanxi["donations"], shaanxi["sales_amount"]) == (1, 800)
    gansu = november["province", "620000000000"]
    assert (gansu["differences_fixed"], gansu["match_rate"], gansu["reports_on_time_rate"]) == (
        1,
        0,
        1,
    )
    assert (gansu["projects_accepted"], gansu["beneficiary_households"]) == (1, 2)
    assert gansu["disbursement_rate"] == 0.75 and gansu["income_coverage"] == 3 / 11
    assert gansu["donations_value"] == Decimal("500.50") and gansu["villages_good_share"] == 0.5
    assert november["province", "610000000000"]["differences_closed"] == 1


def test_the_health_plans_and_assistance_figures_are_not_empty(nation):
    """The health, plans and monitoring figures agree (above) on values that are something:
    a median of halves, a rule that leaves members out in October only, overdue counts that
    grow as the month is judged later."""
    october, november = figures_from_records(OCTOBER), figures_from_records(NOVEMBER)
    shaanxi, county = october["province", "610000000000"], october["county", "611103000000"]
    assert (shaanxi["decision_days_median"], county["decision_days_median"]) == (13.5, 24.0)
    assert county["decision_days_average"] == 164 / 6
    assert (shaanxi["unsigned"], shaanxi["members_ill"], shaanxi["people_served"]) == (22, 4, 80)
    assert (shaanxi["monitored_able"], shaanxi["monitored_developing"]) == (10, 4)
    assert shaanxi["social_security"] == 1 and 0 < shaanxi["clearing_rate"] < 1
    assert (shaanxi["households_with_plan"], shaanxi["measures"]) == (11, 11)
    # 610118's member away for work is left out in October, counted from November.
    assert october["county", "610118000000"]["checkup_rate"] == 0
    assert november["county", "610118000000"]["checked"] == 1
    later = november["province", "610000000000"]
    assert (later["alerts_overdue"], later["measures_overdue"]) == (6, 4)
    assert (later["follow_ups_overdue"], later["checked"]) == (3, 5)
    assert later["signing_rate"] < shaanxi["signing_rate"]
