"""The health and plans' indicators against the hand-counted health world
(``tests/health/world.py``) and a plan of three measures: from the place roll-ups, equal to
what the health and plans selectors count from the records, on the dashboard with their
definitions, in figures as reported, and only within the reader's places."""

# The health tests' fixtures are imported by name, so every test that takes one "redefines" it.
# ruff: noqa: F811

import datetime

import pytest

from bangfu.core.models import Region
from bangfu.core.services import policy_set
from bangfu.health import selectors as health_selectors
from bangfu.reports import rollups, selectors
from bangfu.reports.indicators import INDICATORS, keys_of
from tests.health.conftest import health  # noqa: F401 (a fixture)
from tests.plans.conftest import add
from tests.teams.conftest import on_day  # noqa: F401 (a fixture: freezes today)

D = datetime.date
SEPTEMBER = selectors.Period(D(2026, 9, 1), D(2026, 9, 1))
OCTOBER = selectors.Period(D(2026, 10, 1), D(2026, 10, 1))
NOVEMBER = selectors.Period(D(2026, 11, 1), D(2026, 11, 1))  # today is 2026-11-30
VILLAGE, TOWNSHIP, COUNTY = "611103002201", "611103002000", "611103000000"


@pytest.fixture
def planned(health, county_admin):
    """马建国's household's plan: an industry measure overdue since 31 October, an
    employment measure under way to the year's end, and a dropped one (not counted)."""
    household = health["health_household"]
    add(county_admin, household, kind="1", due_on=D(2026, 10, 31))
    add(county_admin, household, kind="2", due_on=D(2026, 12, 31), status="under_way")
    add(county_admin, household, kind="1", due_on=D(2026, 6, 30), status="dropped")
    return health


def figures(user, code, period=NOVEMBER) -> selectors.Figures:
    return selectors.Figures(user, Region.objects.get(code=code) if code else None, period)


def ours(values: dict) -> dict:
    return {key: values[key] for key in keys_of("health") + keys_of("plans")}


# 钓台街道 on 2026-11-30 (tests/health/world.py): six members in the registry (李五 left on
# 1 June); only 马建国's renewal is valid; 3 of 5 counted checked up (马小军 left out as away
# for work; 李六 counted, 康西村's rule counting those away); three ill (李五 gone); 王秀英
# overdue since 28 February and 马建国 since 31 October; 李四 followed up on 30 November; the
# health bus served 40 in 康西村.
NOVEMBER_FIGURES = {
    "signing_rate": 1 / 6,
    "unsigned": 5,
    "checkup_rate": 3 / 5,
    "checked": 3,
    "members_ill": 3,
    "follow_ups_done": 1,
    "follow_ups_due": 0,
    "follow_ups_overdue": 2,
    "health_activities": 1,
    "people_served": 40,
    "households_with_plan": 1,
    "measures": 2,
    "measures_overdue": 1,
}


def test_each_rate_against_the_hand_count(planned, county_admin):
    for code in (TOWNSHIP, COUNTY, None):
        assert ours(figures(county_admin, code).values) == NOVEMBER_FIGURES, code
    # The same as the check-up rate's own page counts, member by member.
    rate = health_selectors.checkup_rate(county_admin, Region.objects.get(code=TOWNSHIP), 2026)
    assert (rate.checked, rate.counted, len(rate.excluded)) == (3, 5, 1)


def test_a_past_month_is_judged_on_its_last_day(planned, county_admin):
    """On 30 September: 李六's check-up (30 November) is still to come, 马建国's follow-up due
    on 31 October is not yet overdue; October has that follow-up due and the free clinic."""
    september = ours(figures(county_admin, TOWNSHIP, SEPTEMBER).values)
    assert (september["checked"], september["checkup_rate"]) == (2, 2 / 5)
    assert (september["follow_ups_overdue"], september["measures_overdue"]) == (1, 0)
    assert september["members_ill"] == 3 and september["signing_rate"] == 1 / 6
    october = ours(figures(county_admin, TOWNSHIP, OCTOBER).values)
    assert (october["follow_ups_due"], october["follow_ups_done"]) == (1, 0)
    assert (october["health_activities"], october["people_served"]) == (1, 86)


def test_the_rule_that_counts_those_away_for_work_is_read_on_the_day_judged(planned, county_admin):
    """The county's rule leaving out 外出务工 only: 马小军 still out, 李六 (省外务工) counted by
    康西村's own rule; set at 马家寨村 to count everyone, 马小军 comes in (unchecked)."""
    policy_set(
        actor=county_admin,
        region_code=VILLAGE,
        key="health.checkup_excludes_away_for_work",
        value=False,
        valid_from=D(2026, 1, 1),
    )
    values = ours(figures(county_admin, TOWNSHIP).values)
    assert (values["checked"], values["checkup_rate"]) == (3, 3 / 6)
    assert values == ours(selectors.source_figures(county_admin, None, NOVEMBER))


def test_the_roll_ups_agree_with_the_records_and_with_a_rebuild(planned, county_admin):
    for period in (SEPTEMBER, OCTOBER, NOVEMBER):
        for code in (VILLAGE, TOWNSHIP, COUNTY):
            place = Region.objects.get(code=code)
            assert figures(county_admin, code, period).values == selectors.source_figures(
                county_admin, place, period
            ), (code, period)
    kept = ours(figures(county_admin, COUNTY).values)
    rollups.rebuild()
    assert ours(figures(county_admin, COUNTY).values) == kept


def test_a_reader_sees_only_the_figures_of_their_places(planned, township_staff, county_admin):
    """马王街道's staff: none of 钓台街道's members, plans or follow-ups."""
    mine = ours(figures(township_staff, None).values)
    assert mine == ours(selectors.source_figures(township_staff, None, NOVEMBER))
    assert mine["checked"] == 0 and mine["follow_ups_overdue"] == 0 and mine["measures"] == 0
    assert ours(figures(county_admin, "611103001000").values)["households_with_plan"] == 0


def test_the_dashboard_shows_the_blocks_with_their_definitions(planned, county_admin, signed_in):
    page = signed_in(county_admin).get(f"/reports/?place={TOWNSHIP}&month=2026-11")
    text = page.content.decode()
    assert "健康帮扶" in text and "一户一策" in text or "帮扶计划" in text
    for key in keys_of("health") + keys_of("plans"):
        assert str(INDICATORS[key].definition) in text, key
    # The check-up rate's definition for the place and day, and the list that checks it.
    assert "2026-01-01" in text and "2026-11-30" in text and "钓台街道" in text
    assert "/health/checkup-rate/?place=611103002000&amp;year=2026" in text
    assert "60.0%" in text and "16.7%" in text  # the check-up and signing rates


def test_figures_as_reported_give_the_health_line(planned, county_admin, signed_in):
    """Seed 000's shape: signed with a family doctor, the check-up rate, follow-up visits,
    clinic days, free clinics and the health bus, every number from the records."""
    page = signed_in(county_admin).get(
        f"/reports/reported/?place={TOWNSHIP}&from=2026-10&to=2026-11"
    )
    text = page.content.decode()
    assert "签约家庭医生" in text and "签约率16.7%" in text
    assert "体检率为60.0%" in text and "累计随访" in text and "1人次" in text
    assert "义诊1次" in text and "健康巴士下乡1次" in text and "服务群众126人次" in text
    assert "逾期未完成1项" in text
