"""Each indicator against a hand-counted district, and the roll-ups against the visit rows."""

import datetime
from decimal import Decimal

import pytest

from bangfu.core import params
from bangfu.core.models import Region
from bangfu.pairing import services as pairing
from bangfu.registry.services import household_register
from bangfu.reports import selectors
from bangfu.reports.indicators import INDICATORS
from bangfu.visits import services as visits
from tests.registry.conftest import first_status, household_input, id_number, member_input
from tests.visits.conftest import at, households, log, set_rule, thursdays, unit, wang  # noqa: F401

D = datetime.date
OCTOBER = selectors.Period(D(2026, 10, 1), D(2026, 10, 1))
AUTUMN = selectors.Period(D(2026, 9, 1), D(2026, 10, 1))


def register(actor, number, village, serial, **status):
    return household_register(
        actor=actor,
        household=household_input(number=number, region_code=village, main_cause="2"),
        members=[member_input(id_number=id_number("19800101", serial))],
        status=first_status(**status),
    )


@pytest.fixture
def district(thursdays, county_admin, helper_wang, households, unit):  # noqa: F811
    """马家寨村: the three households of 王哲铭 (因病, not yet out), paired since January.
    康西村: one household out for good (因残; needs no helper) and one monitored household
    (因残) that nobody is paired with. 马王街道 has nothing. A second helper has left.

    October 2026 (Thursdays 10-08 after the holiday, 15, 22, 29): household 1 has four home
    visits, all on Thursdays, one finding two problems of which one is solved in October and
    one in November, and giving 200 yuan of goods and a job; household 2 has two home visits
    and one phone call (giving 50 yuan in money); household 3 has none. September: household
    3 has one home visit finding a problem solved on 09-30."""
    register(county_admin, "6111030022020001", "611103002202", "101", status="out_without_policy")
    register(
        county_admin,
        "6111030022020002",
        "611103002202",
        "102",
        status="monitored",
        monitoring_type="1",
        risk_types=["1"],
    )
    left = pairing.helper_create(actor=county_admin, name="离岗", unit_id=unit.pk)
    pairing.helper_leave(actor=county_admin, helper_id=left.pk, left_on=D(2026, 6, 1))
    first, second, third = households
    for day in (8, 15, 22, 29):
        kwargs = {}
        if day == 8:
            kwargs = {"problems": ["屋顶漏雨", "缺化肥"], "goods_value": "200", "jobs_found": 1}
        log(helper_wang, first, at(D(2026, 10, day)), **kwargs)
    problems = list(first.problems.order_by("pk"))
    visits.problem_solve(
        actor=helper_wang, problem_id=problems[0].pk, solved_on=D(2026, 10, 20), solution="维修"
    )
    visits.problem_solve(
        actor=helper_wang, problem_id=problems[1].pk, solved_on=D(2026, 11, 3), solution="送化肥"
    )
    log(helper_wang, second, at(D(2026, 10, 9)))
    log(helper_wang, second, at(D(2026, 10, 16)))
    log(helper_wang, second, at(D(2026, 10, 17)), kind="phone", money_value="50")
    september = log(helper_wang, third, at(D(2026, 9, 10)), problems=["孩子上学远"])
    visits.problem_solve(
        actor=helper_wang,
        problem_id=september.problems.get().pk,
        solved_on=D(2026, 9, 30),
        solution="校车",
    )
    return households


def test_every_indicator_has_its_definition():
    for indicator in INDICATORS.values():
        assert indicator.name and indicator.definition and indicator.formula and indicator.unit


def test_the_indicators_of_the_county_in_october(district, county_admin):
    values = selectors.Figures(county_admin, None, OCTOBER).values
    assert values == {
        "households": 5,
        "monitored": 1,
        "coverage": 3 / 4,  # four need a helper (not the one out for good); three have one
        "helpers": 1,  # 王哲铭; the one who left does not count
        "compliance": 1 / 3,  # of the three paired households, only household 1 had four
        "behind": 2,
        "visits": 7,
        "home_visits": 6,
        "problems_found": 2,
        "problems_solved": 1,  # the other was solved in November
        "jobs_found": 1,
        "goods_value": Decimal("200.00"),
        "money_value": Decimal("50.00"),
        # no resident work team yet (tests/reports/test_team_figures.py has them)
        "teams": 0,
        "team_leaders": 0,
        "first_secretaries": 0,
        "liaisons": 0,
        "team_members": 0,
        "residence_compliance": None,
        "members_short": 0,
        "leave_days": 0,
        "meetings": 0,
        "tasks_overdue": 0,
        # no health record or plan yet (tests/reports/test_health_figures.py has them): five
        # members (one a household), none with a family doctor, none checked up
        "signing_rate": 0.0,
        "unsigned": 5,
        "checkup_rate": 0.0,
        "checked": 0,
        "members_ill": 0,
        "follow_ups_done": 0,
        "follow_ups_due": 0,
        "follow_ups_overdue": 0,
        "health_activities": 0,
        "people_served": 0,
        "households_with_plan": 0,
        "measures": 0,
        "measures_overdue": 0,
        # no alert or procedure (tests/reports/test_monitoring_figures.py has them); the
        # monitored household, able to work, has no developmental measure
        "alerts_raised": 0,
        "alerts_verified": 0,
        "alerts_on_time": 0,
        "alerts_on_time_rate": None,
        "alerts_open": 0,
        "alerts_overdue": 0,
        "households_identified": 0,
        "decision_days_average": None,
        "decision_days_median": None,
        "monitored_able": 1,
        "monitored_developing": 0,
        "developing_share": 0.0,
        "social_security": 0,
        "risk_cleared": 0,
        "clearing_rate": 0.0,
        "exits_verified": 0,
        # the monthly check: no snapshot, no difference; every village's October report due
        # and missing
        "differences_found": 0,
        "differences_fixed": 0,
        "differences_closed": 0,
        "differences_open": 0,
        "reports_on_time_rate": 0.0,
        "reports_missing": 4,
        "match_rate": None,
        # no project, donation, sale or collective income yet (tests/projects/test_figures.py
        # has them): every household able to work lacks an income project; the county's four
        # villages are below the collective-income floor
        "projects": 0,
        "projects_carried_out": 0,
        "projects_accepted": 0,
        "funds_planned": Decimal(0),
        "funds_allocated": Decimal(0),
        "funds_paid": Decimal(0),
        "disbursement_rate": None,
        "outputs": "",
        "beneficiary_households": 0,
        "income_able": 5,
        "income_covered": 0,
        "income_coverage": 0.0,
        "donations": 0,
        "donations_value": Decimal(0),
        "sales": 0,
        "sales_amount": Decimal(0),
        "villages_floor": 0,
        "villages_below_floor": 4,
        "villages_good_share": 0.0,
        # no inspection, finding, survey or published score yet
        # (tests/supervision/test_figures.py has them)
        "inspections": 0,
        "households_sampled": 0,
        "findings_found": 0,
        "rectified_on_time": None,
        "findings_overdue": 0,
        "satisfaction_rate": None,
        "average_scores": "",
    }


def test_the_composition_by_status_cause_and_type(district, county_admin):
    figures = selectors.Figures(county_admin, None, OCTOBER)
    # In the order of the status list: not yet out, out for good, monitored.
    assert [n for _label, n in figures.by_status] == [3, 1, 1]
    assert [n for _label, n in figures.by_cause] == [3, 2]  # 因病 3, 因残 2
    assert [n for _label, n in figures.by_monitoring_type] == [1]


def test_a_range_adds_up_its_months_and_judges_the_last(district, county_admin):
    values = selectors.Figures(county_admin, None, AUTUMN).values
    assert (values["visits"], values["problems_found"], values["problems_solved"]) == (8, 3, 2)
    assert values["compliance"] == 1 / 3  # October's


def test_a_place_counts_only_what_is_under_it(district, county_admin):
    kangxi = Region.objects.get(code="611103002202")
    values = selectors.Figures(county_admin, kangxi, OCTOBER).values
    assert (values["households"], values["monitored"], values["coverage"]) == (2, 1, 0.0)
    assert (values["visits"], values["compliance"], values["behind"]) == (0, None, 0)


def test_drill_down_rows_add_up_to_their_place(district, county_admin):
    township = Region.objects.get(code="611103002000")
    rows = selectors.place_rows(county_admin, township, OCTOBER)
    assert [(r.place.name, r.households, r.flows["visits"], r.last.behind) for r in rows] == [
        ("马家寨村", 3, 7, 2),
        ("康西村", 2, 0, 0),
    ]
    assert rows[0].coverage == 1.0 and rows[1].coverage == 0.0
    county = selectors.place_rows(county_admin, Region.objects.get(code="611103000000"), OCTOBER)
    assert [(r.place.name, r.households) for r in county] == [("马王街道", 0), ("钓台街道", 5)]


def test_all_my_places_list_the_next_level_down_at_once(district, county_admin, township_staff):
    """The county's townships (not the county alone, one click away from them); for a
    township's staff, its villages; for someone holding two places, those places."""
    mine = selectors.place_rows(county_admin, None, OCTOBER)
    assert [(r.place.name, r.households) for r in mine] == [("马王街道", 0), ("钓台街道", 5)]
    assert [r.place.name for r in selectors.place_rows(township_staff, None, OCTOBER)] == [
        "石桥村",
        "马王村",
    ]
    township_staff.places.set(["611103001000", "611103002000"])
    township_staff = type(township_staff).objects.get(pk=township_staff.pk)
    assert [r.place.name for r in selectors.place_rows(township_staff, None, OCTOBER)] == [
        "马王街道",
        "钓台街道",
    ]


def test_a_village_counts_the_helpers_serving_its_households(district, county_admin):
    """王哲铭's unit is the county's; he is the helper in post of 马家寨村, whose households he
    serves, and of nowhere where he serves none."""
    village = Region.objects.get(code="611103002201")
    assert selectors.Figures(county_admin, village, OCTOBER).values["helpers"] == 1
    kangxi = Region.objects.get(code="611103002202")
    assert selectors.Figures(county_admin, kangxi, OCTOBER).values["helpers"] == 0


def test_the_roll_ups_and_the_visit_rows_agree(district, county_admin):
    for period in (OCTOBER, AUTUMN, selectors.Period(D(2026, 9, 1), D(2026, 11, 1))):
        rolled = selectors.Figures(county_admin, None, period).values
        assert rolled == selectors.source_figures(county_admin, None, period), period


def test_the_fixed_days_are_marked_on_the_days_chart(district, county_admin):
    days = selectors.visits_by_day(county_admin, None, D(2026, 10, 1))
    assert len(days) == 31
    marked = [day.day for day, _n, fixed in days if fixed]
    assert marked == [8, 15, 22, 29]
    assert {day.day: n for day, n, _fixed in days if n} == {
        8: 1,
        9: 1,
        15: 1,
        16: 1,
        17: 1,
        22: 1,
        29: 1,
    }


def test_periods_from_the_address_bar(county_admin):
    def period(first: str, last: str) -> selectors.Period:
        return selectors.period_of(county_admin, None, *params.month_range(first, last))

    assert period("2026-10", "") == OCTOBER
    assert period("2026-10", "2026-09") == AUTUMN  # put in order
    assert period("2026-09", "2026-10").months == [D(2026, 9, 1), D(2026, 10, 1)]
    assert len(period("2020-01", "2026-10").months) == 24  # the rule reports.max_months
