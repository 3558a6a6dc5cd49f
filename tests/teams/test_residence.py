"""Residence days: what counts by the village's rules, who is short (behind the month's pace)
on a chosen day, the team's and the place's pages, and reminders once a day on the month's
last days."""

import datetime
import logging
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from bangfu.core.models import AuditEntry
from bangfu.core.services import policy_set
from bangfu.teams import rollups
from bangfu.teams.models import CheckIn, DayStatus, MemberReminder, RegisterEntry
from bangfu.teams.residence_rules import residence_rules
from bangfu.teams.selectors import residence
from bangfu.teams.services import (
    LeaveInput,
    leave_decide,
    leave_request,
    team_create,
    team_reminders_send,
)
from bangfu.visits.reminders import LogSender

from .conftest import VILLAGE, member_input, team_input

JUNE = datetime.date(2026, 6, 1)  # 30 days
D = datetime.timedelta


def lived(member, *days: datetime.date, by) -> None:
    """Check-ins on these days (the check-in services are another part's; the rows are
    what the roll-ups read), then the month roll-ups brought up to date as a service would."""
    for day in days:
        at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(8)))
        CheckIn.objects.create(
            client_id=uuid.uuid4(),
            member=member,
            region_id=member.region_id,
            checked_at=at,
            day=day,
            recorded_at=at,
            recorded_by=by,
        )
    rollups.refresh(member, {day.replace(day=1) for day in days})


def registered(member, status, *days: datetime.date, by) -> None:
    for day in days:
        RegisterEntry.objects.create(
            member=member,
            region_id=member.region_id,
            day=day,
            status=status,
            reason="县里开会",
            recorded_at=timezone.now(),
            recorded_by=by,
        )
    rollups.refresh(member, {day.replace(day=1) for day in days})


def june(*numbers: int) -> list[datetime.date]:
    return [JUNE.replace(day=n) for n in numbers]


def rule(actor, key, value, code=VILLAGE):
    policy_set(actor=actor, region_code=code, key=key, value=value, valid_from=JUNE)


def of(member, on: datetime.date) -> residence.MemberResidence:
    row = residence.month_rows([member], JUNE).get(member.pk)
    return residence.residence_of(member, JUNE, row, residence_rules(member.region_id, JUNE), on)


@pytest.fixture
def month_of_work(member, county_admin, leader, team_leader_login, diaotai_staff, on_day):
    """孙队员 in June: 10 days in the village, 3 on official business, 2 of approved leave."""
    on_day(datetime.date(2026, 6, 12))
    lived(member, *june(1, 2, 3, 4, 5, 8, 9, 10, 11, 12), by=county_admin)
    registered(member, DayStatus.OFFICIAL, *june(15, 16, 17), by=county_admin)
    leave = leave_request(
        actor=county_admin,
        leave=LeaveInput(kind="1", first_day=JUNE.replace(day=22), last_day=JUNE.replace(day=23),
                         reason="探亲", member_id=member.pk),
    )  # fmt: skip
    leave_decide(actor=team_leader_login, leave_id=leave.pk, approve=True)
    leave_decide(actor=diaotai_staff, leave_id=leave.pk, approve=True)  # 2 days: 队长, 乡镇
    return member


def test_what_counts_follows_the_village_s_rules(month_of_work, county_admin):
    found = of(month_of_work, datetime.date(2026, 6, 30))
    assert (found.in_village, found.official, found.leave) == (10, 3, 2)
    assert found.counted == 13  # official business counts, leave does not (the defaults)
    rule(county_admin, "teams.leave_counts", "是")
    assert of(month_of_work, datetime.date(2026, 6, 30)).counted == 15
    rule(county_admin, "teams.official_business_counts", "否")
    assert of(month_of_work, datetime.date(2026, 6, 30)).counted == 12
    # A rule set on another village changes nothing here.
    rule(county_admin, "teams.official_business_counts", "是", code="611103002202")
    assert of(month_of_work, datetime.date(2026, 6, 30)).counted == 12


@pytest.mark.parametrize(
    ("day", "expected", "short_by", "still_needed", "left", "out_of_reach"),
    [
        # counted 13 (10 + 3 official); the pace: 20 × days passed ÷ 30, rounded down
        (1, 0, 0, 7, 29, False),
        (19, 12, 0, 7, 11, False),
        (21, 14, 1, 7, 9, False),
        (27, 18, 5, 7, 3, True),
        (30, 20, 7, 7, 0, True),
    ],
)
def test_short_means_behind_the_month_s_pace(
    month_of_work, day, expected, short_by, still_needed, left, out_of_reach
):
    found = of(month_of_work, JUNE.replace(day=day))
    assert found.required == 20
    assert (found.expected, found.short_by, found.still_needed, found.days_left) == (
        expected,
        short_by,
        still_needed,
        left,
    )
    assert found.short == (short_by > 0) and found.out_of_reach == out_of_reach


def test_a_past_month_is_judged_at_its_end(month_of_work):
    found = of(month_of_work, datetime.date(2026, 8, 3))
    assert (found.passed, found.expected, found.short_by, found.met) == (30, 20, 7, False)


def test_a_term_that_covers_part_of_the_month_needs_its_share(
    county_admin, team, sending_unit, on_day
):
    from bangfu.teams.services import member_add

    on_day(datetime.date(2026, 6, 20))
    late = member_add(
        actor=county_admin,
        team_id=team.pk,
        member=member_input(sending_unit, "周队员", "105", "4", started_on=JUNE.replace(day=16)),
    )
    lived(late, *june(16, 17, 18), by=county_admin)
    found = of(late, datetime.date(2026, 6, 20))
    # 15 days of term: 20 × 15 ÷ 30 = 10 required; 5 days passed: 10 × 5 ÷ 15 = 3 expected.
    assert (found.term_days, found.required, found.passed, found.expected) == (15, 10, 5, 3)
    assert not found.short
    assert of(late, datetime.date(2026, 6, 23)).short_by == 2  # 8 passed: 5 expected, 3 lived


def test_the_team_page_lists_members_by_days_short_ones_first(
    month_of_work, leader, county_admin, signed_in, on_day
):
    on_day(datetime.date(2026, 6, 12))
    lived(leader, *june(1, 2), by=county_admin)
    found = residence.team_residence(county_admin, leader.team, JUNE)
    # On the 12th the pace is 8: the leader has 2 (short by 6), 孙队员 13 with the
    # official days registered ahead.
    assert [(row.residence.member.name, row.residence.short_by) for row in found.members] == [
        ("张队长", 6),
        ("孙队员", 0),
    ]
    sun = found.members[1]
    assert sun.days[0] == DayStatus.IN_VILLAGE and sun.days[5] == DayStatus.ABSENT  # the 6th
    assert sun.days[14] == DayStatus.OFFICIAL and sun.days[21] == DayStatus.LEAVE
    assert sun.days[12] == "" and sun.days[29] == ""  # ahead of the day judged
    assert (found.short, found.met) == (1, 0)
    page = signed_in(county_admin).get(
        reverse("teams:team_residence", args=[leader.team_id]) + "?month=2026-06"
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index("张队长") < html.index("孙队员")


def test_the_place_page_lists_teams_paged_and_reads_roll_ups(
    month_of_work, county_admin, sending_unit, signed_in, django_assert_max_num_queries
):
    for n in range(3):
        team_create(
            actor=county_admin,
            team=team_input(sending_unit, name=f"康西村第{n}工作队", region_code="611103002202"),
        )
    page, rows = residence.teams_residence(county_admin, None, JUNE, on=datetime.date(2026, 6, 30))
    assert page.paginator.count == 4
    ours = next(row for row in rows if row.team == month_of_work.team)
    assert (ours.members, ours.short, ours.met) == (2, 2, 0)  # the leader lived no day
    client = signed_in(county_admin)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("teams:residence") + "?month=2026-06&place=611103002000")
    assert response.status_code == 200 and "马家寨村驻村工作队" in response.content.decode()


# -- reminders -----------------------------------------------------------------------------


class Failing:
    channel = "sms"

    def send(self, helper, message):
        raise ConnectionError("gateway down")


def test_members_short_are_reminded_once_a_day_on_the_month_s_last_days(
    month_of_work, leader, county_admin, caplog
):
    # The default: the last 7 days of the month (24–30 June). Judged on the 23rd: not yet.
    assert team_reminders_send(on=datetime.date(2026, 6, 23), sender=LogSender()) == 0
    assert team_reminders_send(on=datetime.date(2026, 6, 24), sender=Failing()) == 0
    assert not MemberReminder.objects.exists()  # a failed send is tried again next run
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="bangfu.reminders"):
        assert team_reminders_send(on=datetime.date(2026, 6, 24), sender=LogSender()) == 2
        assert team_reminders_send(on=datetime.date(2026, 6, 24), sender=LogSender()) == 0
    sent = MemberReminder.objects.get(member=month_of_work)
    # On the 24th the pace is 16; 13 counted: 3 short; 7 needed by 06-30, 6 days left.
    assert "孙队员" in sent.message and "2026-06-30" in sent.message
    assert sent.channel == "log" and sent.day == datetime.date(2026, 6, 24)
    assert f"reminder to 孙队员 (-): {sent.message}" in [r.getMessage() for r in caplog.records]
    assert AuditEntry.objects.filter(action="team_reminder.send").count() == 2
    assert team_reminders_send(on=datetime.date(2026, 6, 25), sender=LogSender()) == 2


def test_the_rule_says_how_close_to_the_month_s_end(month_of_work, county_admin):
    rule(county_admin, "teams.remind_days_before_month_end", 0)
    assert team_reminders_send(on=datetime.date(2026, 6, 30), sender=LogSender()) == 0
    rule(county_admin, "teams.remind_days_before_month_end", 20)
    assert team_reminders_send(on=datetime.date(2026, 6, 21), sender=LogSender()) == 2


def test_a_member_on_pace_is_not_reminded(month_of_work, leader, county_admin):
    lived(leader, *june(*range(1, 25)), by=county_admin)
    team_reminders_send(on=datetime.date(2026, 6, 24), sender=LogSender())
    assert list(MemberReminder.objects.values_list("member__name", flat=True)) == ["孙队员"]


def test_the_command_and_the_task_send_today_s_reminders(month_of_work, leader, on_day):
    import io

    from django.core.management import call_command

    from bangfu.teams.tasks import send_team_reminders

    on_day(datetime.date(2026, 6, 24))
    out = io.StringIO()
    call_command("send_team_reminders", stdout=out)
    assert out.getvalue().strip() == "2 team members reminded."
    assert send_team_reminders.enqueue().return_value == 0  # once a day
    on_day(datetime.date(2026, 6, 25))
    assert send_team_reminders.enqueue().return_value == 2
