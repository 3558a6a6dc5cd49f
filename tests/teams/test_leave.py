"""Leave: asked for, approved level by level by those entitled (in scope, maker–checker, a
leader's own leave one level up), refused with a reason when it overlaps, reaches too far
back, is too long or passes the year's days, cancelled and cut short, and always shown in
the member's month roll-ups and day statuses."""

import datetime

import pytest

from bangfu.core.errors import DomainError, NotPermitted, OutOfScope
from bangfu.core.models import AuditEntry
from bangfu.core.policies import REGISTRY
from bangfu.core.services import policy_set
from bangfu.teams import rollups
from bangfu.teams.models import DayStatus, LeaveRequest, LeaveState, MemberMonth
from bangfu.teams.selectors.leave import Decider, waiting_for
from bangfu.teams.services import (
    LeaveInput,
    leave_cancel,
    leave_decide,
    leave_request,
    leave_return,
)
from bangfu.teams.services.leave import approval_chain
from tests.factories import UserFactory

from .conftest import TOWNSHIP, VILLAGE

TODAY = datetime.date(2026, 6, 10)  # a Wednesday; the services' today in these tests
D = datetime.timedelta
COUNTY = "611103000000"


@pytest.fixture(autouse=True)
def today(on_day):
    return on_day(TODAY)


def refused(call) -> DomainError:
    with pytest.raises(DomainError) as refusal:
        call()
    return refusal.value


def ask(actor, first, last, member_id=None, kind="1", reason="家中有事"):
    return leave_request(
        actor=actor,
        leave=LeaveInput(
            kind=kind, first_day=first, last_day=last, reason=reason, member_id=member_id
        ),
    )


def days(first: datetime.date, n: int) -> tuple[datetime.date, datetime.date]:
    return first, first + D(days=n - 1)


def set_rule(actor, key, value, code=COUNTY):
    policy_set(
        actor=actor,
        region_code=code,
        key=key,
        value=value,
        valid_from=datetime.date(2026, 1, 1),
    )


# -- the kinds of the two rules ----------------------------------------------------------


def test_the_days_per_level_are_whole_numbers_ascending_shown_as_written():
    spec = REGISTRY["teams.leave_days_per_level"]
    assert spec.show(spec.default) == "1、3"
    assert spec.parse("1、3") == [1, 3] and spec.parse("2,7") == [2, 7] and spec.parse([5]) == [5]
    for bad in ("3、1", "3、3", "0", "一", "1、2、3", "", "1、366"):
        with pytest.raises(DomainError):
            spec.parse(bad)


def test_the_approvers_are_named_from_the_three_levels_in_their_order():
    spec = REGISTRY["teams.leave_approvers"]
    assert spec.show(spec.default) == "队长、乡镇、县"
    assert spec.parse("乡镇、县") == ["乡镇", "县"] and spec.parse("队长") == ["队长"]
    for bad in ("镇长", "县、队长", "队长、队长", "队长、村委会"):
        with pytest.raises(DomainError):
            spec.parse(bad)


# -- the chain a request takes -----------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "chain", "leaders_chain"),
    [
        (1, ["队长"], ["乡镇"]),
        (3, ["队长", "乡镇"], ["乡镇", "县"]),
        (10, ["队长", "乡镇", "县"], ["乡镇", "县"]),
    ],
)
def test_the_chain_under_the_default_rules(n, chain, leaders_chain):
    assert approval_chain(["队长", "乡镇", "县"], [1, 3], n, leader=False) == chain
    assert approval_chain(["队长", "乡镇", "县"], [1, 3], n, leader=True) == leaders_chain


def test_a_leader_s_leave_goes_to_the_township_where_only_the_leader_is_named():
    assert approval_chain(["队长"], [1, 3], 10, leader=True) == ["乡镇"]


def test_requests_of_1_3_and_10_days_climb_the_default_chain(
    member, member_login, leader, team_leader_login, diaotai_staff, county_admin
):
    one = ask(member_login, *days(TODAY + D(days=1), 1))
    three = ask(member_login, *days(TODAY + D(days=3), 3))
    ten = ask(member_login, *days(TODAY + D(days=10), 10))
    assert [(r.levels_needed, r.approvers) for r in (one, three, ten)] == [
        (1, "队长"),
        (2, "队长、乡镇"),
        (3, "队长、乡镇、县"),
    ]
    deciders = [team_leader_login, diaotai_staff, county_admin]
    for request in (one, three, ten):
        for level, decider in enumerate(deciders[: request.levels_needed], start=1):
            request.refresh_from_db()
            assert request.state == LeaveState.REQUESTED
            decision = leave_decide(actor=decider, leave_id=request.pk, approve=True)
            assert decision.level == level
        request.refresh_from_db()
        assert request.state == LeaveState.APPROVED
    assert AuditEntry.objects.filter(action="leave.decide").count() == 6


def test_a_changed_rule_makes_a_different_chain(
    member, member_login, leader, county_admin, diaotai_staff
):
    set_rule(county_admin, "teams.leave_approvers", "乡镇、县")
    set_rule(county_admin, "teams.leave_days_per_level", "2")
    one = ask(member_login, *days(TODAY + D(days=1), 1))
    three = ask(member_login, *days(TODAY + D(days=3), 3))
    ten = ask(member_login, *days(TODAY + D(days=10), 10))
    assert [r.approvers for r in (one, three, ten)] == ["乡镇", "乡镇、县", "乡镇、县"]
    leave_decide(actor=diaotai_staff, leave_id=one.pk, approve=True)
    one.refresh_from_db()
    assert one.state == LeaveState.APPROVED


def test_a_rule_changed_later_leaves_the_path_of_a_request_already_made(
    member, member_login, leader, team_leader_login, county_admin
):
    request = ask(member_login, *days(TODAY + D(days=1), 3))
    set_rule(county_admin, "teams.leave_approvers", "县")
    assert waiting_for(team_leader_login) == [request]
    leave_decide(actor=team_leader_login, leave_id=request.pk, approve=True)
    request.refresh_from_db()
    assert request.levels_needed == 2 and request.state == LeaveState.REQUESTED


# -- who may decide what -----------------------------------------------------------------


def test_each_level_is_decided_by_its_own_people_in_scope(
    member,
    member_login,
    leader,
    team_leader_login,
    diaotai_staff,
    township_staff,
    county_admin,
    other_county_admin,
    helper_wang,
):
    request = ask(member_login, *days(TODAY + D(days=10), 10))
    # 马王街道's staff and another county do not see the village: answered as missing.
    for outsider in (township_staff, other_county_admin):
        with pytest.raises(OutOfScope):
            leave_decide(actor=outsider, leave_id=request.pk, approve=True)
    # In scope but not the team leader: the first level is not theirs.
    for wrong in (county_admin, diaotai_staff, helper_wang):
        assert (
            refused(
                lambda wrong=wrong: leave_decide(actor=wrong, leave_id=request.pk, approve=True)
            ).code
            == "not_your_level"
        )
    leave_decide(actor=team_leader_login, leave_id=request.pk, approve=True)
    assert (
        refused(lambda: leave_decide(actor=county_admin, leave_id=request.pk, approve=True)).code
        == "not_your_level"
    )
    leave_decide(actor=diaotai_staff, leave_id=request.pk, approve=True)
    assert waiting_for(county_admin) == [request]
    assert waiting_for(diaotai_staff) == [] and waiting_for(team_leader_login) == []
    leave_decide(actor=county_admin, leave_id=request.pk, approve=True)
    assert LeaveRequest.objects.get(pk=request.pk).state == LeaveState.APPROVED


def test_an_ended_leader_decides_nothing(
    member, member_login, leader, team_leader_login, county_admin
):
    from bangfu.teams.services import member_end

    request = ask(member_login, *days(TODAY + D(days=1), 1))
    member_end(actor=county_admin, member_id=leader.pk, ended_on=TODAY - D(days=1),
               reason="任期届满")  # fmt: skip
    assert not Decider.of(team_leader_login).decides_any
    assert (
        refused(
            lambda: leave_decide(actor=team_leader_login, leave_id=request.pk, approve=True)
        ).code
        == "not_your_level"
    )


def test_nobody_decides_leave_they_asked_for(member, leader, county_admin, team_leader_login):
    """The office asks for a member (代请); the office's own level is then someone else's."""
    set_rule(county_admin, "teams.leave_approvers", "县")
    request = ask(county_admin, *days(TODAY + D(days=1), 1), member_id=member.pk)
    assert request.requested_by == county_admin and request.approvers == "县"
    assert (
        refused(lambda: leave_decide(actor=county_admin, leave_id=request.pk, approve=True)).code
        == "own_request"
    )
    assert waiting_for(county_admin) == []


def test_a_leader_s_own_leave_starts_at_the_township(
    leader, team_leader_login, diaotai_staff, county_admin
):
    request = ask(team_leader_login, *days(TODAY + D(days=1), 1))
    assert request.approvers == "乡镇" and request.levels_needed == 1
    assert waiting_for(team_leader_login) == []
    assert (
        refused(
            lambda: leave_decide(actor=team_leader_login, leave_id=request.pk, approve=True)
        ).code
        == "own_request"
    )
    three = ask(team_leader_login, *days(TODAY + D(days=5), 3))
    assert three.approvers == "乡镇、县"
    leave_decide(actor=diaotai_staff, leave_id=request.pk, approve=True)
    assert LeaveRequest.objects.get(pk=request.pk).state == LeaveState.APPROVED


def test_one_person_decides_one_level_of_a_request(member, member_login, leader, team_leader_login):
    both = UserFactory(username="both_offices", places=[TOWNSHIP, COUNTY], roles=["county_admin"])
    request = ask(member_login, *days(TODAY + D(days=10), 10))
    leave_decide(actor=team_leader_login, leave_id=request.pk, approve=True)
    leave_decide(actor=both, leave_id=request.pk, approve=True)
    assert refused(lambda: leave_decide(actor=both, leave_id=request.pk, approve=True)).code == (
        "own_request"
    )


def test_a_refusal_says_why_and_ends_the_request(member, member_login, leader, team_leader_login):
    request = ask(member_login, *days(TODAY + D(days=1), 3))
    refusal = refused(
        lambda: leave_decide(actor=team_leader_login, leave_id=request.pk, approve=False)
    )
    assert (refusal.code, refusal.field) == ("no_note", "note")
    leave_decide(actor=team_leader_login, leave_id=request.pk, approve=False, note="村里正忙")
    request.refresh_from_db()
    assert request.state == LeaveState.REFUSED
    assert (
        refused(
            lambda: leave_decide(actor=team_leader_login, leave_id=request.pk, approve=True)
        ).code
        == "not_waiting"
    )
    # A refused request no longer holds its days.
    ask(member_login, *days(TODAY + D(days=1), 3))


# -- what is refused, and why ------------------------------------------------------------


def test_overlapping_leave_waiting_or_approved_is_refused(
    member, member_login, leader, team_leader_login
):
    first = ask(member_login, TODAY + D(days=5), TODAY + D(days=5))
    refusal = refused(lambda: ask(member_login, TODAY + D(days=4), TODAY + D(days=5)))
    assert (refusal.code, refusal.field) == ("overlaps", "first_day")
    assert (TODAY + D(days=5)).isoformat() in str(refusal.message)
    leave_decide(actor=team_leader_login, leave_id=first.pk, approve=True)
    assert refused(lambda: ask(member_login, TODAY + D(days=5), TODAY + D(days=6))).code == (
        "overlaps"
    )
    ask(member_login, TODAY + D(days=6), TODAY + D(days=6))  # the day after is free
    leave_cancel(actor=member_login, leave_id=first.pk)
    ask(member_login, TODAY + D(days=5), TODAY + D(days=5))  # cancelled: free again


@pytest.mark.parametrize(("back", "window", "allowed"), [(3, 3, True), (4, 3, False),
                                                        (0, 0, True), (1, 0, False)])  # fmt: skip
def test_leave_reaches_back_at_most_the_window(
    member, member_login, county_admin, back, window, allowed
):
    set_rule(county_admin, "teams.leave_backdate_days", window)
    start = TODAY - D(days=back)
    if allowed:
        assert ask(member_login, start, start).first_day == start
    else:
        refusal = refused(lambda: ask(member_login, start, start))
        assert (refusal.code, refusal.field) == ("too_far_back", "first_day")
        assert (TODAY - D(days=window)).isoformat() in str(refusal.message)


def test_one_request_is_at_most_the_rule_s_days(member, member_login, county_admin):
    ask(member_login, *days(TODAY + D(days=1), 10))
    refusal = refused(lambda: ask(member_login, *days(TODAY + D(days=20), 11)))
    assert (refusal.code, refusal.field) == ("too_long", "last_day")
    set_rule(county_admin, "teams.leave_max_days_per_request", 15)
    ask(member_login, *days(TODAY + D(days=20), 11))


def test_the_year_s_approved_days_are_at_most_the_rule_s(
    member, member_login, leader, team_leader_login, diaotai_staff, county_admin
):
    set_rule(county_admin, "teams.leave_max_days_per_year", 5)
    set_rule(county_admin, "teams.leave_days_per_level", "10")  # one level up to 10 days
    first = ask(member_login, *days(TODAY + D(days=1), 3))
    # Waiting requests do not count yet: a second one of 3 days may be asked for...
    second = ask(member_login, *days(TODAY + D(days=10), 3))
    leave_decide(actor=team_leader_login, leave_id=first.pk, approve=True)
    # ...but the last approval counts the year again, and refuses.
    refusal = refused(
        lambda: leave_decide(actor=team_leader_login, leave_id=second.pk, approve=True)
    )
    assert refusal.code == "over_year_limit" and "2026" in str(refusal.message)
    assert LeaveRequest.objects.get(pk=second.pk).state == LeaveState.REQUESTED
    assert refused(lambda: ask(member_login, *days(TODAY + D(days=20), 3))).code == (
        "over_year_limit"
    )
    ask(member_login, *days(TODAY + D(days=20), 2))  # 3 + 2 = 5: allowed


def test_a_year_is_a_calendar_year(member, member_login, leader, team_leader_login, county_admin,
                                    on_day):  # fmt: skip
    on_day(datetime.date(2026, 12, 20))
    set_rule(county_admin, "teams.leave_max_days_per_year", 5)
    set_rule(county_admin, "teams.leave_days_per_level", "10")
    dec = ask(member_login, datetime.date(2026, 12, 28), datetime.date(2027, 1, 3))  # 4 + 3
    leave_decide(actor=team_leader_login, leave_id=dec.pk, approve=True)
    assert (
        refused(
            lambda: ask(member_login, datetime.date(2026, 12, 24), datetime.date(2026, 12, 25))
        ).code
        == "over_year_limit"
    )
    ask(member_login, datetime.date(2027, 1, 10), datetime.date(2027, 1, 11))


def test_leave_lies_within_the_member_s_term(member, member_login, county_admin):
    from bangfu.teams.services import member_end

    member_end(actor=county_admin, member_id=member.pk, ended_on=TODAY + D(days=5),
               reason="调回原单位")  # fmt: skip
    refusal = refused(lambda: ask(county_admin, TODAY + D(days=4), TODAY + D(days=6),
                                  member_id=member.pk))  # fmt: skip
    assert refusal.code == "outside_term"
    ask(county_admin, TODAY + D(days=4), TODAY + D(days=5), member_id=member.pk)


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("kind", "42", "bad_code"),
        ("kind", "", "bad_code"),
        ("first_day", "2026-13-01", "bad_date"),
        ("last_day", TODAY - D(days=1), "backwards"),
        ("reason", "长" * 301, "too_long"),
        ("reason", "", "required"),
        ("last_day", TODAY + D(days=400), "out_of_range"),
    ],
)
def test_a_request_s_values_are_refused_on_their_field(member, member_login, field, value, code):
    data = {"kind": "1", "first_day": TODAY, "last_day": TODAY, "reason": "看病"}
    data[field] = value
    refusal = refused(lambda: leave_request(actor=member_login, leave=LeaveInput(**data)))
    assert (refusal.code, refusal.field) == (code, field)
    assert not LeaveRequest.objects.exists()


def test_who_asks_for_whom(member, member_login, leader, county_admin, other_county_admin,
                           helper_wang):  # fmt: skip
    # A member asks for themself only; the office for any member of its places.
    with pytest.raises(NotPermitted):
        ask(member_login, TODAY, TODAY, member_id=leader.pk)
    with pytest.raises(OutOfScope):
        ask(other_county_admin, TODAY, TODAY, member_id=member.pk)
    assert refused(lambda: ask(helper_wang, TODAY, TODAY)).code == "not_a_member"
    own = ask(member_login, TODAY, TODAY, member_id=member.pk)
    assert own.member == member and own.region_id == VILLAGE
    assert AuditEntry.objects.get(action="leave.request").region_code == VILLAGE


# -- in attendance: roll-ups and day statuses ---------------------------------------------


def approve_all(request, *deciders):
    for decider in deciders[: request.levels_needed]:
        leave_decide(actor=decider, leave_id=request.pk, approve=True)
    request.refresh_from_db()
    return request


def month_row(member, month):
    return MemberMonth.objects.filter(member=member, month=month).values_list(
        "days_leave", flat=True
    ).first()  # fmt: skip


def test_approved_leave_counts_in_every_month_it_touches(
    member, member_login, leader, team_leader_login, diaotai_staff, county_admin, on_day
):
    on_day(datetime.date(2026, 6, 27))
    request = ask(member_login, datetime.date(2026, 6, 28), datetime.date(2026, 7, 3))
    assert month_row(member, datetime.date(2026, 6, 1)) is None  # waiting: not counted
    approve_all(request, team_leader_login, diaotai_staff, county_admin)
    assert month_row(member, datetime.date(2026, 6, 1)) == 3
    assert month_row(member, datetime.date(2026, 7, 1)) == 3
    statuses = rollups.day_statuses(member, datetime.date(2026, 6, 27), datetime.date(2026, 7, 4))
    assert sorted(statuses) == [datetime.date(2026, 6, 28) + D(days=n) for n in range(6)]
    assert set(statuses.values()) == {DayStatus.LEAVE}


def test_cancelling_approved_leave_takes_it_out_of_attendance(
    member, member_login, leader, team_leader_login, diaotai_staff
):
    request = approve_all(ask(member_login, *days(TODAY + D(days=1), 2)), team_leader_login,
                          diaotai_staff)  # fmt: skip
    assert month_row(member, datetime.date(2026, 6, 1)) == 2
    leave_cancel(actor=member_login, leave_id=request.pk)
    request.refresh_from_db()
    assert request.state == LeaveState.CANCELLED
    assert month_row(member, datetime.date(2026, 6, 1)) is None
    assert rollups.day_statuses(member, TODAY, TODAY + D(days=5)) == {}
    assert AuditEntry.objects.filter(action="leave.cancel").count() == 1


def test_leave_is_cancelled_before_it_ends_by_the_member_or_the_office(
    member, member_login, leader, team_leader_login, county_admin, helper_wang, on_day
):
    ongoing = approve_all(ask(member_login, TODAY - D(days=1), TODAY), team_leader_login)
    waiting = ask(member_login, *days(TODAY + D(days=3), 1))
    with pytest.raises(NotPermitted):
        leave_cancel(actor=helper_wang, leave_id=waiting.pk)  # in scope, no right
    with pytest.raises(NotPermitted):
        leave_cancel(actor=team_leader_login, leave_id=waiting.pk)
    leave_cancel(actor=county_admin, leave_id=waiting.pk)
    assert refused(lambda: leave_cancel(actor=member_login, leave_id=waiting.pk)).code == (
        "not_open"
    )
    on_day(TODAY + D(days=1))
    assert refused(lambda: leave_cancel(actor=member_login, leave_id=ongoing.pk)).code == (
        "already_over"
    )


def test_coming_back_early_gives_the_days_back_to_the_term(
    member, member_login, leader, team_leader_login, diaotai_staff, county_admin
):
    request = approve_all(ask(member_login, TODAY - D(days=2), TODAY + D(days=4)),
                          team_leader_login, diaotai_staff, county_admin)  # fmt: skip
    assert month_row(member, datetime.date(2026, 6, 1)) == 7
    leave_return(actor=member_login, leave_id=request.pk, returned_on=TODAY)
    request.refresh_from_db()
    assert request.returned_on == TODAY and request.state == LeaveState.APPROVED
    assert month_row(member, datetime.date(2026, 6, 1)) == 2
    statuses = rollups.day_statuses(member, TODAY - D(days=3), TODAY + D(days=5))
    assert statuses == {TODAY - D(days=2): DayStatus.LEAVE, TODAY - D(days=1): DayStatus.LEAVE}
    # The days from the return on are free to ask for again.
    ask(member_login, TODAY + D(days=2), TODAY + D(days=2))
    assert (
        refused(
            lambda: leave_return(actor=member_login, leave_id=request.pk, returned_on=TODAY)
        ).code
        == "already_back"
    )


@pytest.mark.parametrize(
    ("back", "code"),
    [(-2, "bad_return"), (-3, "bad_return"), (1, "out_of_range"), (None, "required")],
)
def test_a_return_lies_within_the_leave_and_not_ahead(
    member, member_login, leader, team_leader_login, diaotai_staff, back, code
):
    request = approve_all(ask(member_login, TODAY - D(days=2), TODAY + D(days=0)),
                          team_leader_login, diaotai_staff)  # fmt: skip
    day = None if back is None else TODAY + D(days=back)
    refusal = refused(lambda: leave_return(actor=member_login, leave_id=request.pk,
                                           returned_on=day))  # fmt: skip
    assert (refusal.code, refusal.field) == (code, "returned_on")


def test_only_approved_leave_is_come_back_from(member, member_login, leader):
    request = ask(member_login, TODAY - D(days=1), TODAY + D(days=1))
    assert (
        refused(
            lambda: leave_return(actor=member_login, leave_id=request.pk, returned_on=TODAY)
        ).code
        == "not_approved"
    )
