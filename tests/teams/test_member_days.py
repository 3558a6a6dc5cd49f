"""What each day of a member's month was and how residence days are counted: the register
over leave over a check-in, a month's end, a public holiday and a make-up working day, the
rules on official business and leave; the calendar page and its API; and the kept roll-up
equal to the rebuilt one after any sequence of writes.

Leave is written straight through the models here (``approved_leave``): these tests need
fixed days of 2026, and the leave services refuse leave that starts long before the day it is
asked (``teams.leave_backdate_days``)."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bangfu.core.models import Code
from bangfu.core.services import policy_set
from bangfu.teams import rollups, services
from bangfu.teams.models import LeaveRequest, LeaveState, MemberMonth
from bangfu.teams.selectors import checkins as selectors
from tests.factories import UserFactory
from tests.teams.attendance import at, check_in, member_with_login
from tests.teams.conftest import VILLAGE, member_input

JAN, FEB = datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)


@pytest.fixture
def li(county_admin, team, sending_unit):
    return member_with_login(county_admin, team, sending_unit)


def approved_leave(member, first, last, actor, returned_on=None) -> LeaveRequest:
    """Approved leave, written as the leave services will write it, and the roll-up kept."""
    leave = LeaveRequest.objects.create(
        member=member,
        region_id=member.region_id,
        kind=Code.objects.get(kind="leave_kind", value="1"),
        first_day=first,
        last_day=last,
        reason="家中有事",
        state=LeaveState.APPROVED,
        levels_needed=1,
        returned_on=returned_on,
        requested_at=timezone.now(),
        requested_by=actor,
    )
    rollups.refresh(member, rollups.months_of(first, last))
    return leave


def row(member, month):
    return (
        MemberMonth.objects.filter(member=member, month=month)
        .values("days_in_village", "days_official", "days_leave", "check_ins")
        .first()
    )


def test_the_register_says_what_a_day_was_over_leave_and_check_ins(li, county_admin):
    member, login = li
    day = datetime.date(2026, 3, 2)
    check_in(login, at(day))
    approved_leave(member, day, day + datetime.timedelta(days=1), county_admin)
    statuses = rollups.day_statuses(member, day, day + datetime.timedelta(days=2))
    # Leave over a check-in; no record at all is no status (absent, counted when read).
    assert statuses == {day: "leave", day + datetime.timedelta(days=1): "leave"}
    services.register_keep(
        actor=county_admin, member_id=member.pk, day=day, status="official", reason="县里开会"
    )
    services.register_keep(
        actor=county_admin,
        member_id=member.pk,
        day=day + datetime.timedelta(days=1),
        status="absent",
        reason="未请假离村",
    )
    statuses = rollups.day_statuses(member, day, day + datetime.timedelta(days=2))
    assert statuses == {day: "official"}
    assert row(member, datetime.date(2026, 3, 1)) == {
        "days_in_village": 0,
        "days_official": 1,
        "days_leave": 0,
        "check_ins": 1,
    }


def test_residence_is_counted_by_the_local_day_across_a_month_end(li, county_admin):
    member, login = li
    check_in(login, at(datetime.date(2026, 1, 31), 23, 30))  # 15:30 UTC: still January
    check_in(login, at(datetime.date(2026, 2, 1), 0, 30))  # 16:30 UTC on the 31st: February
    approved_leave(member, datetime.date(2026, 1, 30), datetime.date(2026, 2, 2), county_admin)
    # The 31st is leave (over its check-in); the 1st too; two days of leave each side.
    assert row(member, JAN) == {
        "days_in_village": 0,
        "days_official": 0,
        "days_leave": 2,
        "check_ins": 1,
    }
    assert row(member, FEB) == row(member, JAN)
    # Back a day early: the 2nd is no longer leave.
    LeaveRequest.objects.update(returned_on=datetime.date(2026, 2, 2))
    rollups.refresh(member, [FEB])
    assert row(member, FEB)["days_leave"] == 1


def test_a_holiday_and_a_make_up_working_day_count_like_any_day_in_the_village(li, client):
    """Residence days are days in the village, working days or not: New Year's Day (a public
    holiday), Saturday 3 January and Sunday 4 January (worked in exchange) count alike."""
    member, login = li
    for day in (1, 3, 4, 5):
        check_in(login, at(datetime.date(2026, 1, day)))
    assert row(member, JAN)["days_in_village"] == 4
    shown = selectors.member_month(login, member, JAN)
    by_day = {day.day.day: day for day in shown.days}
    assert (by_day[1].holiday, by_day[1].make_up, by_day[1].counted) == ("元旦", False, True)
    assert (by_day[4].holiday, by_day[4].make_up, by_day[4].counted) == (None, True, True)
    assert by_day[3].counted and by_day[5].counted
    assert by_day[2].status == "absent" and not by_day[2].counted
    assert shown.residence.counted == 4 and shown.residence.short_by == 16
    client.force_login(login)
    page = client.get(reverse("teams:member_month", args=[member.pk]) + "?month=2026-01")
    body = page.content.decode()
    assert 'data-day="2026-01-01" data-status="in_village"' in body
    assert "元旦" in body and "调休上班" in body


def test_official_business_and_leave_count_as_the_place_s_rules_say(li, county_admin):
    member, login = li
    march = datetime.date(2026, 3, 1)
    check_in(login, at(datetime.date(2026, 3, 2)))
    services.register_keep(
        actor=county_admin,
        member_id=member.pk,
        day=datetime.date(2026, 3, 3),
        status="official",
        reason="县里开会",
    )
    approved_leave(member, datetime.date(2026, 3, 4), datetime.date(2026, 3, 5), county_admin)
    shown = selectors.member_month(county_admin, member, march)
    # By default official business counts, leave does not.
    assert (shown.residence.counted, shown.counts["official"], shown.counts["leave"]) == (2, 1, 2)
    for key, value in (("teams.official_business_counts", False), ("teams.leave_counts", True)):
        policy_set(actor=county_admin, region_code=VILLAGE, key=key, value=value, valid_from=march)
    assert selectors.member_month(county_admin, member, march).residence.counted == 3


def test_days_outside_the_term_and_ahead_have_their_own_status(county_admin, team, sending_unit):
    today = timezone.localdate()
    member, login = member_with_login(county_admin, team, sending_unit)
    services.member_end(
        actor=county_admin,
        member_id=member.pk,
        ended_on=today + datetime.timedelta(days=40),
        reason="任期届满",
    )
    member.refresh_from_db()
    month = rollups.month_of(today)
    shown = selectors.member_month(login, member, rollups.month_of(member.ended_on))
    statuses = {day.day: day.status for day in shown.days}
    assert statuses[member.ended_on] in ("ahead", "absent")
    if member.ended_on.day < 28:
        assert statuses[member.ended_on + datetime.timedelta(days=1)] == "not_in_term"
    this = selectors.member_month(login, member, month)
    assert {day.status for day in this.days if day.day > today} <= {"ahead"}
    assert this.residence.days_left == sum(1 for day in this.days if day.day > today)


def test_a_member_opens_their_own_month_and_others_by_place(
    client, county_admin, team, sending_unit, other_county_admin, leader, team_leader_login
):
    # A member whose login holds another township (not the team's village): their own month
    # still opens.
    login = UserFactory(username="far_member", places=["611103001000"], roles=["work_team"])
    member = services.member_add(
        actor=county_admin,
        team_id=team.pk,
        member=member_input(sending_unit, "远队员", "501", user_id=login.pk),
    )
    url = reverse("teams:member_month", args=[member.pk])
    client.force_login(login)
    own = client.get(url)
    assert own.status_code == 200 and own["Bangfu-Offline"] == "keep"
    assert b'id="offline-state"' in own.content and b"register-form" not in own.content
    client.force_login(other_county_admin)
    assert client.get(url).status_code == 404
    # The team's leader is offered the register form; an office's view is never kept.
    client.force_login(team_leader_login)
    led = client.get(url)
    assert led.status_code == 200 and b"register-form" in led.content
    assert "Bangfu-Offline" not in led


def test_the_register_form_records_a_day_or_says_why_not(client, li, leader, team_leader_login):
    member, login = li
    client.force_login(team_leader_login)
    url = reverse("teams:register_keep", args=[member.pk])
    refused = client.post(url, {"day": "2025-12-31", "status": "official", "reason": "县里开会"})
    assert refused.status_code == 400 and "不在工作队任期内" in refused.content.decode()
    done = client.post(url, {"day": "2026-03-02", "status": "official", "reason": "县里开会"})
    assert done.status_code == 302 and done["Location"].endswith("?month=2026-03")
    page = client.get(done["Location"]).content.decode()
    assert "县里开会" in page and 'data-status="official"' in page


def test_the_month_and_a_check_in_over_the_api(client, li, inspector):
    member, login = li
    made = check_in(login, at(datetime.date(2026, 3, 2)), accuracy_m=12)
    client.force_login(login)
    month = client.get(f"/api/team-members/{member.pk}/month?month=2026-03").json()
    assert month["minimum"] == 20
    assert (month["residence"]["counted"], month["residence"]["short_by"]) == (1, 19)
    # The member's month and the team's residence page judge the month alike.
    client.force_login(inspector)
    team = client.get(f"/api/teams/{member.team_id}/residence?month=2026-03").json()
    assert next(m for m in team["members"] if m["member_id"] == member.pk) == {
        **month["residence"],
        "member_id": member.pk,
        "name": member.name,
        "days": [day["status"] if day["status"] != "not_in_term" else "" for day in month["days"]],
    }
    assert team["definition"] == month["definition"]
    client.force_login(login)
    day = next(d for d in month["days"] if d["day"] == "2026-03-02")
    assert (day["status"], day["check_ins"], day["entry"]) == ("in_village", [made.pk], None)
    detail = client.get(f"/api/check-ins/{made.pk}").json()
    assert (detail["distance_m"], detail["accuracy_m"], detail["flags"]) == (0, 12, [])
    assert client.get(f"/api/team-members/{member.pk}/month?month=2026-13").status_code == 400


def test_a_check_in_over_the_api_is_recorded_once(client, li):
    member, login = li
    client.force_login(login)
    body = {"client_id": str(uuid.uuid4()), "checked_at": "2026-03-02T08:00:00+08:00"}
    first = client.post("/api/check-ins", body, content_type="application/json")
    again = client.post("/api/check-ins", body, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and again.json()["created"] is False
    refused = client.post(
        "/api/check-ins",
        {**body, "client_id": str(uuid.uuid4()), "checked_at": "2099-01-01T08:00:00+08:00"},
        content_type="application/json",
    )
    assert refused.status_code == 400 and refused.json()["field"] == "checked_at"


# Random sequences of writes: the kept month roll-ups equal those rebuilt from the records.

DAYS = st.integers(min_value=0, max_value=75)  # from 2026-01-20: three months, two month ends
START = datetime.date(2026, 1, 20)
WRITES = st.lists(
    st.one_of(
        st.tuples(st.just("check_in"), st.integers(0, 1), DAYS, st.integers(0, 23)),
        st.tuples(
            st.just("register"),
            st.integers(0, 1),
            DAYS,
            st.sampled_from(["in_village", "official", "absent"]),
        ),
        st.tuples(st.just("leave"), st.integers(0, 1), DAYS, st.integers(0, 6)),
    ),
    min_size=1,
    max_size=12,
)


def kept_rows():
    return sorted(
        MemberMonth.objects.values_list(
            "member_id", "month", "days_in_village", "days_official", "days_leave", "check_ins"
        )
    )


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(writes=WRITES)
def test_kept_month_roll_ups_equal_rebuilt_ones(county_admin, team, sending_unit, writes):
    from django.db import transaction

    with transaction.atomic():
        members = [
            member_with_login(county_admin, team, sending_unit, f"p{n}", f"队员{n}", f"6{n:02d}")
            for n in range(2)
        ]
        for kind, who, offset, extra in writes:
            member, login = members[who]
            day = START + datetime.timedelta(days=offset)
            if kind == "check_in":
                check_in(login, at(day, extra))
            elif kind == "register":
                services.register_keep(
                    actor=county_admin, member_id=member.pk, day=day, status=extra, reason="核实"
                )
            else:
                approved_leave(member, day, day + datetime.timedelta(days=extra), county_admin)
        kept = kept_rows()
        rollups.rebuild()
        assert kept_rows() == kept
        transaction.set_rollback(True)
