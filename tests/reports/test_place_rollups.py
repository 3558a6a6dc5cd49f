"""The place roll-ups kept from the audit log equal those rebuilt from the records, and give
the same figures as the households' own month roll-ups and as the records (the teams' too),
after any sequence of writes; a page reads them at a cost that follows the places it shows."""

# The visits tests' fixtures are imported by name, so every test that takes one "redefines" it.
# ruff: noqa: F811

import contextlib
import datetime
import json

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bangfu.core.errors import DomainError, NotPermitted, OutOfScope
from bangfu.core.models import Region
from bangfu.core.services import policy_set
from bangfu.health.models import Condition
from bangfu.health.services import ActivityInput, activity_record
from bangfu.monitoring import services as monitoring
from bangfu.monitoring.models import Alert, Procedure
from bangfu.pairing import services as pairing
from bangfu.pairing.models import Pairing
from bangfu.plans import services as plans
from bangfu.plans.models import Measure
from bangfu.registry import services as registry
from bangfu.registry.models import Member
from bangfu.reports import rollups, selectors
from bangfu.reports.models import PlaceHelper, PlaceMonth, PlaceStock
from bangfu.teams import services as teams
from bangfu.teams.models import TeamMember
from bangfu.visits import selectors as visit_selectors
from bangfu.visits import services as visits
from tests.fuzz.harness import FUZZ_SCALE  # make fuzz: the depth
from tests.health.world import checkup, condition, contract, follow_up
from tests.monitoring.conftest import step as monitoring_step
from tests.plans.conftest import add as plan_add
from tests.plans.conftest import measure_input
from tests.registry.conftest import first_status, household_input, id_number, member_input
from tests.teams import days
from tests.teams.conftest import member_input as team_member_input
from tests.teams.conftest import team_input
from tests.visits.conftest import at, households, log, set_rule, thursdays, unit, wang  # noqa: F401
from tests.visits.test_rollups import apply as apply_visit_step
from tests.visits.test_rollups import operation as visit_operation

D = datetime.date
MONTHS = [D(2026, 9, 1), D(2026, 10, 1), D(2026, 11, 1)]
PLACES = ["611103000000", "611103002000", "611103002201", "611103002202"]
VILLAGES = ["611103002201", "611103002202"]

household = st.integers(0, 2)
member = st.integers(0, 9)
team_day = st.dates(D(2026, 9, 1), D(2026, 11, 20))
TEAM_RULES = [
    ("teams.leave_counts", True),
    ("teams.official_business_counts", False),
    ("teams.residence_days_min", 10),
]
team_operation = st.one_of(
    st.tuples(st.just("team_check_in"), member, team_day),
    st.tuples(
        st.just("team_register"),
        member,
        team_day,
        st.sampled_from(["official", "absent", "in_village", "leave"]),
    ),
    st.tuples(st.just("team_leave"), member, team_day, st.integers(0, 40)),
    st.tuples(st.just("team_end"), member, team_day),
    st.tuples(st.just("team_replace"), member, team_day),
    st.tuples(st.just("team_move"), st.sampled_from(VILLAGES)),
    st.tuples(st.just("team_rule"), st.sampled_from(TEAM_RULES)),
)
health_day = st.dates(D(2026, 1, 1), D(2026, 11, 20))
health_operation = st.one_of(
    st.tuples(st.just("health_contract"), household, health_day, st.integers(0, 400)),
    st.tuples(st.just("health_checkup"), household, health_day),
    st.tuples(
        st.just("health_condition"), household, st.sampled_from(["chronic", "serious"]), health_day
    ),
    st.tuples(st.just("health_follow_up"), household, health_day, st.integers(1, 200)),
    st.tuples(st.just("health_activity"), st.sampled_from(VILLAGES), health_day),
    st.tuples(st.just("health_member"), household, st.sampled_from(["", "外出务工", "务农"])),
    st.tuples(st.just("health_leave"), household, health_day),
    st.tuples(st.just("health_rule"), st.booleans(), st.sampled_from(VILLAGES)),
    st.tuples(
        st.just("plan_measure"),
        household,
        st.sampled_from(["1", "2"]),
        st.dates(D(2026, 3, 1), D(2027, 3, 1)),
        st.sampled_from(["planned", "under_way", "done", "dropped"]),
    ),
    st.tuples(st.just("plan_status"), household, st.sampled_from(["under_way", "done", "dropped"])),
)
monitoring_day = st.dates(D(2026, 9, 1), D(2026, 11, 20))
monitoring_operation = st.one_of(
    st.tuples(st.just("monitoring_alert"), household, monitoring_day, st.booleans()),
    st.tuples(
        st.just("monitoring_close"),
        household,
        st.sampled_from(["not_at_risk", "identifying"]),
        st.integers(0, 20),
    ),
    st.tuples(st.just("monitoring_decide"), household, st.integers(0, 15)),
    st.tuples(
        st.just("monitoring_rule"),
        st.sampled_from(
            [
                ("monitoring.able_to_work_labour", "1、2"),
                ("monitoring.developmental_measure_kinds", "1、9"),
            ]
        ),
        st.sampled_from(VILLAGES),
    ),
    st.tuples(st.just("monitoring_member"), household, st.sampled_from(["1", "5"])),
    st.tuples(
        st.just("plan_measure"),
        household,
        st.just("9"),
        st.just(D(2026, 12, 1)),
        st.just("planned"),
    ),
)
operation = st.one_of(
    monitoring_operation,
    health_operation,
    health_operation,
    team_operation,
    team_operation,
    visit_operation,
    st.tuples(st.just("unpair"), household),
    st.tuples(st.just("pair"), household),
    st.tuples(st.just("pair_other"), household),
    st.tuples(st.just("status"), household, st.sampled_from(["monitored", "risk_cleared"])),
    st.tuples(st.just("move"), household, st.sampled_from(VILLAGES)),
    st.tuples(st.just("rule"), st.sampled_from(["每周四", "每月第1、3个周四", "无"])),
    st.tuples(st.just("read")),
)


def make_team(admin, unit):
    """A team in 马家寨村 since January: a leader, a first secretary and a liaison."""
    team = teams.team_create(actor=admin, team=team_input(unit))
    for name, serial, role in (
        ("张队长", "101", "1"),
        ("李书记", "102", "2"),
        ("王联络", "103", "3"),
    ):
        teams.member_add(
            actor=admin, team_id=team.pk, member=team_member_input(unit, name, serial, role)
        )
    return team


def apply_team(admin, team, unit, step, serial) -> None:
    """A write of the teams app: a term ended or replaced, the team moved, a residence rule,
    or a day of attendance (planted as the check-in and leave services write them)."""
    name = step[0]
    members = list(TeamMember.objects.filter(team=team).order_by("pk"))
    chosen = members[step[1] % len(members)] if name not in ("team_move", "team_rule") else None
    if name == "team_check_in":
        days.check_in(admin, chosen, step[2])
    elif name == "team_register":
        days.register(admin, chosen, step[2], step[3])
    elif name == "team_leave":
        days.leave(admin, chosen, step[2], step[2] + datetime.timedelta(days=step[3]))
    elif name == "team_end":
        teams.member_end(actor=admin, member_id=chosen.pk, ended_on=step[2], reason="轮换")
    elif name == "team_replace":
        teams.member_replace(
            actor=admin,
            member_id=chosen.pk,
            on=step[2],
            reason="调整",
            member=team_member_input(unit, "新队员", f"{serial:03d}", "4"),
        )
    elif name == "team_move":
        team.refresh_from_db()
        teams.team_update(actor=admin, team_id=team.pk, team=team_input(unit, region_code=step[1]))
    elif name == "team_rule":
        key, value = step[1]
        set_rule(admin, key, value, code="611103002000")


def apply_health(admin, homes, step, serial) -> None:
    """A write of the health or plans app, or of a member (joining with a work status,
    leaving), on one of the households (or a village, or a check-up rule)."""
    name = step[0]
    if name == "health_activity":
        activity_record(
            actor=admin, activity=ActivityInput(step[1], "free_clinic", step[2], "卫生院", 30)
        )
        return
    if name == "health_rule":
        policy_set(
            actor=admin,
            region_code=step[2],
            key="health.checkup_excludes_away_for_work",
            value=step[1],
            valid_from=D(2026, 1, 1) + datetime.timedelta(days=serial),
        )
        return
    home = homes[step[1]]
    members = list(Member.objects.filter(household=home, left_on=None).order_by("pk"))
    member = members[-1]
    if name == "health_contract":
        contract(admin, member, step[2], step[2] + datetime.timedelta(days=step[3]))
    elif name == "health_checkup":
        checkup(admin, member, step[2])
    elif name == "health_condition":
        condition(admin, member, "1", step[2], step[3])
    elif name == "health_follow_up":
        ill = Condition.objects.filter(member__household=home).order_by("-pk").first()
        if ill is not None:
            follow_up(admin, ill, step[2], "home", step[2] + datetime.timedelta(days=step[3]))
    elif name == "health_member":
        registry.member_add(
            actor=admin,
            household_id=home.pk,
            member=member_input(
                name="新成员",
                id_number=id_number("19950101", f"{serial % 1000:03d}"),
                relation="03",
                work_status=step[2],
            ),
        )
    elif name == "health_leave" and not member.is_head:
        registry.member_leave(actor=admin, member_id=member.pk, left_on=step[2], reason="出嫁")
    elif name == "plan_measure":
        plan_add(admin, home, kind=step[2], due_on=step[3], status=step[4])
    elif name == "plan_status":
        measure = Measure.objects.filter(household=home).order_by("pk").first()
        if measure is not None:
            plans.measure_update(
                actor=admin,
                measure_id=measure.pk,
                measure=measure_input(kind=measure.kind.value, status=step[2]),
            )


def apply_monitoring(admin, homes, step, serial) -> None:
    """A write of monitoring (an alert raised by screening or by a rule, closed, a running
    identification taken to the county's decision), a rule of assistance set on a village,
    or a member able or not to work joining a household."""
    name = step[0]
    if name == "monitoring_rule":
        (key, value), village = step[1], step[2]
        policy_set(
            actor=admin,
            region_code=village,
            key=key,
            value=value,
            valid_from=D(2026, 1, 1) + datetime.timedelta(days=serial),
        )
        return
    home = homes[step[1]]
    if name == "monitoring_alert":
        by_rule = (
            {
                "source": "rule",
                "rule_code": "medical_costs",
                "fired_by": [{"type": "health.medicalcost", "id": 1}],
            }
            if step[3]
            else {}
        )
        monitoring.alert_raise(
            actor=admin,
            household_id=home.pk,
            alert=monitoring.AlertInput(summary="排查发现", raised_on=step[2]),
            **by_rule,
        )
    elif name == "monitoring_close":
        alert = Alert.objects.filter(household=home, state="open").order_by("pk").first()
        if alert is not None:
            monitoring.alert_close(
                actor=admin,
                alert_id=alert.pk,
                closing=monitoring.ClosingInput(
                    outcome=step[2],
                    closed_on=alert.raised_on + datetime.timedelta(days=step[3]),
                    reason="收入稳定",
                ),
            )
    elif name == "monitoring_decide":
        procedure = Procedure.objects.filter(household=home, state="running").first()
        if procedure is not None:
            day = procedure.started_on
            for key in ("application", "home_check", "village_review"):
                monitoring_step(admin, procedure, key, day, notice_from=day)
            day += datetime.timedelta(days=6)
            monitoring_step(admin, procedure, "township_review", day)
            monitoring_step(
                admin,
                procedure,
                "county_decision",
                day + datetime.timedelta(days=step[2]),
                monitoring_type="2",
                risk_types=["1", "7"],
            )
    elif name == "monitoring_member":
        registry.member_add(
            actor=admin,
            household_id=home.pk,
            member=member_input(
                name="新成员",
                id_number=id_number("19950101", f"{serial % 1000:03d}"),
                relation="03",
                labour=step[2],
            ),
        )


def apply(admin, helper, homes, step, other=None, team=None, unit=None, serial=0) -> None:
    """One write (or a read that catches the roll-ups up); a refused one changes nothing.
    ``other`` is a second helper, paired beside the first (not as main helper)."""
    name = step[0]
    if name.startswith("monitoring_"):
        with contextlib.suppress(DomainError, NotPermitted, OutOfScope):
            apply_monitoring(admin, homes, step, serial)
        return
    if name.startswith(("health_", "plan_")):
        with contextlib.suppress(DomainError, NotPermitted, OutOfScope):
            apply_health(admin, homes, step, serial)
        return
    if name.startswith("team_"):
        # A term already ended, a day before the term: refused, nothing written.
        with contextlib.suppress(DomainError, NotPermitted, OutOfScope):
            apply_team(admin, team, unit, step, serial)
        return
    home = homes[step[1]] if name in ("unpair", "pair", "pair_other", "status", "move") else None
    try:
        if name == "unpair":
            current = Pairing.objects.filter(household=home, ended_on=None).first()
            if current:
                pairing.pairing_end(
                    actor=admin, pairing_id=current.pk, ended_on=D(2026, 11, 20), reason="调整"
                )
        elif name == "pair":
            pairing.pairing_start(
                actor=admin,
                household_id=home.pk,
                helper_id=Pairing.objects.filter(helper__isnull=False).first().helper_id,
                started_on=D(2026, 11, 21),
                is_main=True,
            )
        elif name == "pair_other" and other is not None:
            pairing.pairing_start(
                actor=admin, household_id=home.pk, helper_id=other.pk, started_on=D(2026, 11, 21)
            )
        elif name == "status":
            monitored = step[2] == "monitored"
            registry.household_status_change(
                actor=admin,
                household_id=home.pk,
                change=first_status(
                    status=step[2],
                    effective_on=D(2026, 11, 2),
                    reason="动态调整",
                    monitoring_type="1" if monitored else "",
                    risk_types=["1"] if monitored else [],
                ),
            )
        elif name == "move":
            registry.household_update(
                actor=admin,
                household_id=home.pk,
                household=household_input(number=home.number, region_code=step[2]),
            )
        elif name == "rule":
            set_rule(admin, "visits.fixed_days", step[1], code="611103002000")
        elif name == "read":
            rollups.catch_up()
        else:
            apply_visit_step(helper, homes, step)
    except (DomainError, NotPermitted, OutOfScope):
        pass  # the helper's own household moved away or unpaired: refused, nothing written


def stored() -> list[tuple]:
    """Every roll-up row, its figures as sorted JSON so that rows compare whole."""
    rows = []
    for model in (PlaceStock, PlaceMonth):
        for row in model.objects.all():
            figures = {name: getattr(row, name) for name in rollups._figures(row)}
            rows.append(
                (
                    model.__name__,
                    row.region_id,
                    str(getattr(row, "month", "")),
                    json.dumps(figures, sort_keys=True, default=str),
                )
            )
    for helper in PlaceHelper.objects.all():
        rows.append(("PlaceHelper", helper.region_id, str(helper.helper_id), str(helper.pairings)))
    return sorted(rows)


class Rollback(Exception):
    pass


@settings(
    max_examples=12 * FUZZ_SCALE,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=st.lists(operation, min_size=1, max_size=12), read_each=st.booleans())
def test_kept_place_roll_ups_equal_rebuilt_ones_and_the_households_figures(
    thursdays, county_admin, helper_wang, households, unit, steps, read_each
):
    """Reads after each write check each write's own places and months; reads now and then
    check writes taken together. Households moved between the villages and a second helper
    make helpers who serve two villages."""
    try:
        with transaction.atomic():
            other = pairing.helper_create(actor=county_admin, name="赵帮扶", unit_id=unit.pk)
            team = make_team(county_admin, unit)
            rollups.catch_up()
            for serial, step in enumerate(steps, start=200):
                apply(county_admin, helper_wang, households, step, other, team, unit, serial)
                if read_each:
                    rollups.catch_up()
            rollups.catch_up()
            kept = stored()
            rollups.rebuild()
            assert stored() == kept
            for code in PLACES:
                place = Region.objects.get(code=code)
                for month in MONTHS:
                    period = selectors.Period(month, month)
                    figures = selectors.Figures(county_admin, place, period)
                    counted = visit_selectors.compliance(county_admin, place, month)
                    assert figures.months[0] == counted, (code, month)
                    from_records = selectors.source_figures(county_admin, place, period)
                    assert figures.values == from_records, (code, month)
            raise Rollback
    except Rollback:
        pass


def test_a_page_reads_as_many_rows_whatever_the_households(
    thursdays, county_admin, helper_wang, households
):
    """The county page's figures cost the same number of queries with three households in
    one village as with five in two villages and a month more of visits."""
    county = Region.objects.get(code="611103000000")
    period = selectors.Period(D(2026, 10, 1), D(2026, 11, 1))

    def queries() -> int:
        rollups.catch_up()  # the writes' own cost, not the page's
        with CaptureQueriesContext(connection) as captured:
            _ = selectors.Figures(county_admin, county, period).values
            selectors.place_rows(county_admin, county, period)
            selectors.trend(county_admin, county, period)
        return len(captured)

    log(helper_wang, households[0], at(D(2026, 10, 8)))
    small = queries()
    for serial in range(2):  # the helper's cap is five households
        made = registry.household_register(
            actor=county_admin,
            household=household_input(
                number=f"61110300220200{serial + 1:02d}", region_code="611103002202"
            ),
            members=[member_input(id_number=id_number("19800101", f"2{serial:02d}"))],
            status=first_status(),
        )
        helper_id = households[0].pairings.get().helper_id
        pairing.pairing_start(
            actor=county_admin, household_id=made.pk, helper_id=helper_id, started_on=D(2026, 1, 1)
        )
        for day in (D(2026, 9, 10), D(2026, 11, 5)):  # typed in by the office (代录)
            log(county_admin, made, at(day), helper_id=helper_id)
    assert queries() == small


def test_catching_up_with_nothing_written_costs_one_small_read(thursdays, households):
    rollups.catch_up()
    with CaptureQueriesContext(connection) as captured:
        rollups.catch_up()
    assert len(captured) == 1


def test_a_write_changes_its_place_and_those_above_by_its_change_only(
    thursdays, county_admin, helper_wang, households
):
    rollups.catch_up()
    other = PlaceStock.objects.get(region_id="611103002201")
    other.helpers = 99  # a mark that computing this village again would wipe out
    other.save()
    township = PlaceStock.objects.get(region_id="611103002000")
    registry.household_register(
        actor=county_admin,
        household=household_input(number="6111030022020009", region_code="611103002202"),
        members=[member_input(id_number=id_number("19800101", "299"))],
        status=first_status(),
    )
    rollups.catch_up()
    assert PlaceStock.objects.get(region_id="611103002202").households == 1
    assert PlaceStock.objects.get(region_id="611103002201").helpers == 99
    after = PlaceStock.objects.get(region_id="611103002000")
    assert (after.households, after.needing, after.helpers) == (
        township.households + 1,
        township.needing + 1,
        township.helpers,
    )


@pytest.mark.parametrize("text", ["每月第1、3个周四", "无"])
def test_a_new_rule_on_a_place_judges_every_household_under_it_again(
    thursdays, county_admin, helper_wang, households, text
):
    for day in (8, 15):
        log(helper_wang, households[0], at(D(2026, 10, day)))
    october = selectors.Period(D(2026, 10, 1), D(2026, 10, 1))
    township = Region.objects.get(code="611103002000")
    assert selectors.Figures(county_admin, township, october).months[0].fixed_days == 3 * 4
    set_rule(county_admin, "visits.fixed_days", text, code="611103002000")
    figures = selectors.Figures(county_admin, township, october).months[0]
    assert figures.fixed_days == (3 * 2 if text != "无" else 0)
    assert figures == visit_selectors.compliance(county_admin, township, D(2026, 10, 1))


def test_a_household_moved_leaves_its_old_village(thursdays, county_admin, households):
    rollups.catch_up()
    registry.household_update(
        actor=county_admin,
        household_id=households[0].pk,
        household=household_input(number=households[0].number, region_code="611103002202"),
    )
    rollups.catch_up()
    assert PlaceStock.objects.get(region_id="611103002201").households == 2
    assert PlaceStock.objects.get(region_id="611103002202").households == 1
    assert PlaceStock.objects.get(region_id="611103002000").households == 3


def test_a_problem_solved_in_a_later_month_counts_there(
    thursdays, county_admin, helper_wang, households
):
    visit = log(helper_wang, households[0], at(D(2026, 9, 10)), problems=["屋顶漏雨"])
    rollups.catch_up()
    visits.problem_solve(
        actor=helper_wang,
        problem_id=visit.problems.get().pk,
        solved_on=D(2026, 10, 20),
        solution="已维修",
    )
    october = selectors.Period(D(2026, 10, 1), D(2026, 10, 1))
    village = Region.objects.get(code="611103002201")
    assert selectors.Figures(county_admin, village, october).values["problems_solved"] == 1


def test_a_visit_moved_to_another_month_leaves_the_first(
    thursdays, county_admin, helper_wang, households
):
    visit = log(helper_wang, households[0], at(D(2026, 9, 10)))
    rollups.catch_up()
    visits.visit_update(
        actor=helper_wang,
        visit_id=visit.pk,
        data=visits.VisitInput(household_id=households[0].pk, visited_at=at(D(2026, 10, 8))),
    )
    village = Region.objects.get(code="611103002201")
    september, october = (selectors.Period(month, month) for month in MONTHS[:2])
    assert selectors.Figures(county_admin, village, september).values["visits"] == 0
    assert selectors.Figures(county_admin, village, october).values["visits"] == 1


def test_a_visit_refreshes_its_month_only(thursdays, helper_wang, households):
    log(helper_wang, households[0], at(D(2026, 9, 10)))
    rollups.catch_up()
    september = PlaceMonth.objects.get(region_id="611103002201", month=D(2026, 9, 1))
    september.visits = 99  # a mark that computing September again would wipe out
    september.save()
    log(helper_wang, households[1], at(D(2026, 10, 8)))
    rollups.catch_up()
    assert PlaceMonth.objects.get(region_id="611103002201", month=D(2026, 9, 1)).visits == 99
    assert PlaceMonth.objects.get(region_id="611103002201", month=D(2026, 10, 1)).visits == 1


def test_a_helper_counts_once_in_each_village_served_and_once_above(
    thursdays, county_admin, households
):
    """王哲铭's unit is the county's, yet he is a helper in post in 马家寨村, where his
    households are; with one household moved to 康西村 he serves two villages: one helper in
    each, and one (not two) in the township and the county. Kept and rebuilt rows agree."""

    def helpers() -> dict[str, int]:
        rollups.catch_up()
        return {
            code: selectors.Figures(
                county_admin, Region.objects.get(code=code), selectors.Period(*MONTHS[-1:] * 2)
            ).values["helpers"]
            for code in PLACES
        }

    assert helpers() == dict.fromkeys(PLACES, 1) | {"611103002202": 0}
    registry.household_update(
        actor=county_admin,
        household_id=households[0].pk,
        household=household_input(number=households[0].number, region_code="611103002202"),
    )
    assert helpers() == dict.fromkeys(PLACES, 1)
    kept = stored()
    rollups.rebuild()
    assert stored() == kept
    assert PlaceHelper.objects.get(region_id="611103002000").pairings == 3
    ended = Pairing.objects.get(household=households[0], ended_on=None)
    pairing.pairing_end(
        actor=county_admin, pairing_id=ended.pk, ended_on=D(2026, 11, 20), reason="调整"
    )
    assert helpers() == dict.fromkeys(PLACES, 1) | {"611103002202": 0}
    assert not PlaceHelper.objects.filter(region_id="611103002202").exists()


def test_all_my_places_count_a_helper_of_two_of_them_once(
    thursdays, county_admin, township_staff, households
):
    """A person holding both villages sees one helper, not one a village."""
    registry.household_update(
        actor=county_admin,
        household_id=households[0].pk,
        household=household_input(number=households[0].number, region_code="611103002202"),
    )
    township_staff.places.set(VILLAGES)
    township_staff = type(township_staff).objects.get(pk=township_staff.pk)
    period = selectors.Period(MONTHS[-1], MONTHS[-1])
    assert selectors.Figures(township_staff, None, period).values["helpers"] == 1
    assert selectors.source_figures(township_staff, None, period)["helpers"] == 1
