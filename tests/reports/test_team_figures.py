"""The teams' indicators: teams and members by role in post on the day judged, residence
compliance and members short by each place's rules, leave days, meetings and tasks overdue;
from the place roll-ups, equal to what the records say, on the dashboard and in figures as
reported."""

# The teams tests' fixtures are imported by name, so every test that takes one "redefines" it.
# ruff: noqa: F811

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from bangfu.core.models import Region
from bangfu.reports import rollups, selectors
from bangfu.reports.indicators import keys_of
from bangfu.reports.models import PlaceMonth
from bangfu.teams.models import DayStatus, Meeting, MeetingTask
from bangfu.teams.services import member_add, member_end, team_create, team_update
from tests.teams.conftest import (  # noqa: F401
    leader,
    liaison,
    member_input,
    secretary,
    sending_unit,
    team,
    team_input,
    team_leader_login,
)
from tests.teams.days import check_in, leave, register
from tests.visits.conftest import set_rule

D = datetime.date
SEPTEMBER = selectors.Period(D(2026, 9, 1), D(2026, 9, 1))
AUTUMN = selectors.Period(D(2026, 9, 1), D(2026, 10, 1))
VILLAGE, TOWNSHIP, COUNTY = "611103002201", "611103002000", "611103000000"


def figures(user, code, period=SEPTEMBER) -> dict:
    return selectors.Figures(user, Region.objects.get(code=code), period).values


def team_keys(values: dict) -> dict:
    return {key: values[key] for key in keys_of("teams")}


@pytest.fixture
def september(county_admin, leader, secretary, liaison):
    """September 2026 (a month that is over): the leader 22 days in the village; the first
    secretary 15 in the village and 5 on official business (which counts by default); the
    liaison 10 in the village and 8 days of leave (which does not)."""
    for day in range(1, 23):
        check_in(county_admin, leader, D(2026, 9, day))
    for day in range(1, 16):
        check_in(county_admin, secretary, D(2026, 9, day))
    for day in range(16, 21):
        register(county_admin, secretary, D(2026, 9, day), DayStatus.OFFICIAL)
    for day in range(1, 11):
        check_in(county_admin, liaison, D(2026, 9, day))
    leave(county_admin, liaison, D(2026, 9, 11), D(2026, 9, 18))


def test_the_teams_figures_of_a_month_that_is_over(county_admin, september):
    expected = {
        "teams": 1,
        "team_leaders": 1,
        "first_secretaries": 1,
        "liaisons": 1,
        "team_members": 0,
        "residence_compliance": 2 / 3,
        "members_short": 1,
        "leave_days": 8,
        "meetings": 0,
        "tasks_overdue": 0,
    }
    for code in (VILLAGE, TOWNSHIP, COUNTY):
        assert team_keys(figures(county_admin, code)) == expected, code
        period = SEPTEMBER
        place = Region.objects.get(code=code)
        assert team_keys(selectors.source_figures(county_admin, place, period)) == expected
    assert team_keys(figures(county_admin, "611103001000"))["teams"] == 0  # 马王街道


def test_the_rules_of_the_place_say_which_days_count(county_admin, september):
    set_rule(county_admin, "teams.leave_counts", True, code=TOWNSHIP)
    set_rule(county_admin, "teams.residence_days_min", 18, code=TOWNSHIP)
    assert figures(county_admin, COUNTY)["residence_compliance"] == 1.0  # 10 + 8 ≥ 18
    set_rule(county_admin, "teams.official_business_counts", False, code=VILLAGE)
    values = figures(county_admin, COUNTY)
    assert (values["residence_compliance"], values["members_short"]) == (2 / 3, 1)  # 15 < 18
    assert values == selectors.source_figures(
        county_admin, Region.objects.get(code=COUNTY), SEPTEMBER
    )


def test_the_register_says_what_a_day_was(county_admin, leader, september):
    for day in range(1, 4):  # the office found the leader away: absent, check-ins or not
        register(county_admin, leader, D(2026, 9, day), DayStatus.ABSENT, reason="核查不在岗")
    values = figures(county_admin, VILLAGE)
    assert (values["members_short"], values["residence_compliance"]) == (2, 1 / 3)  # 19 < 20


def test_a_member_not_in_post_from_the_month_s_first_day_is_not_judged_in_it(
    county_admin, team, sending_unit, september, liaison
):
    member_add(
        actor=county_admin,
        team_id=team.pk,
        member=member_input(sending_unit, "孙队员", "104", "4", started_on=D(2026, 9, 10)),
    )
    member_end(actor=county_admin, member_id=liaison.pk, ended_on=D(2026, 9, 25), reason="召回")
    values = figures(county_admin, VILLAGE)
    assert (values["team_members"], values["liaisons"]) == (1, 0)  # on 30 September
    assert (values["residence_compliance"], values["members_short"]) == (1.0, 0)
    august = figures(county_admin, VILLAGE, selectors.Period(D(2026, 8, 1), D(2026, 8, 1)))
    assert (august["liaisons"], august["team_members"]) == (1, 0)
    assert (august["members_short"], august["residence_compliance"]) == (3, 0.0)  # no day


def test_a_range_adds_up_leave_and_meetings_and_judges_its_last_month(
    county_admin, team, september, leader
):
    leave(county_admin, leader, D(2026, 10, 5), D(2026, 10, 7))
    with transaction.atomic():
        meeting = Meeting.objects.create(
            team=team, region=team.region, held_on=D(2026, 10, 9), recorded_by=county_admin
        )
        MeetingTask.objects.create(
            meeting=meeting, region=team.region, description="修路", due_on=D(2026, 10, 20)
        )
        MeetingTask.objects.create(
            meeting=meeting, region=team.region, description="走访", due_on=D(2026, 11, 30)
        )
        from bangfu.core import audit

        audit.record(
            actor=county_admin,
            action="meeting.record",
            obj=meeting,
            region_code=meeting.region_id,
            after={"held_on": "2026-10-09"},
        )
    values = figures(county_admin, COUNTY, AUTUMN)
    assert (values["leave_days"], values["meetings"], values["tasks_overdue"]) == (11, 1, 1)
    # October: nobody checked in (the leader's three days of leave do not count).
    assert (values["residence_compliance"], values["members_short"]) == (0.0, 3)
    assert values == selectors.source_figures(county_admin, Region.objects.get(code=COUNTY), AUTUMN)


def test_the_current_month_is_judged_on_the_minimum_spread_so_far(county_admin, leader):
    today = timezone.localdate()
    month = today.replace(day=1)
    last = (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    for day in range(1, today.day + 1):
        check_in(county_admin, leader, month.replace(day=day))
    values = figures(county_admin, VILLAGE, selectors.Period(month, month))
    # Every day so far: on schedule whatever the day of the month (20 × today ÷ days).
    assert today.day >= 20 * today.day // last.day
    assert (values["residence_compliance"], values["members_short"]) == (1.0, 0)


def test_a_team_moved_takes_its_figures_along(county_admin, team, sending_unit, september):
    team_update(
        actor=county_admin,
        team_id=team.pk,
        team=team_input(sending_unit, region_code="611103002202"),
    )
    assert figures(county_admin, VILLAGE)["teams"] == 0
    moved = figures(county_admin, "611103002202")
    assert (moved["teams"], moved["residence_compliance"], moved["leave_days"]) == (1, 2 / 3, 8)
    assert PlaceMonth.objects.filter(region_id=VILLAGE, month=D(2026, 9, 1)).first() is None or (
        PlaceMonth.objects.get(region_id=VILLAGE, month=D(2026, 9, 1)).residence == {}
    )


def test_a_team_s_term_over_is_no_longer_in_post(county_admin, sending_unit):
    team_create(
        actor=county_admin,
        team=team_input(sending_unit, term_start=D(2024, 1, 1), term_end=D(2026, 8, 31)),
    )
    assert figures(county_admin, VILLAGE)["teams"] == 0
    august = selectors.Period(D(2026, 8, 1), D(2026, 8, 1))
    assert figures(county_admin, VILLAGE, august)["teams"] == 1


def test_kept_rows_equal_rebuilt_ones(county_admin, september):
    rollups.catch_up()
    from tests.reports.test_place_rollups import stored

    kept = stored()
    rollups.rebuild()
    assert stored() == kept


def test_the_dashboard_and_figures_as_reported_show_the_teams(client, county_admin, september):
    client.force_login(county_admin)
    page = client.get("/reports/", {"place": COUNTY, "month": "2026-09"}).content.decode()
    assert "驻村工作队" in page and "66.7%" in page
    reported = client.get("/reports/reported/", {"place": COUNTY, "month": "2026-09"})
    text = reported.content.decode()
    assert "在岗驻村工作队1支、第一书记1名" in text
