"""A team's work: meetings with attendees from the team and decisions as tasks, tasks done
and overdue, the monthly report with its figures kept as submitted, discipline records."""

import datetime

import pytest
from django.urls import reverse

from bangfu.core.errors import DomainError, NotPermitted, OutOfScope
from bangfu.core.models import AuditEntry
from bangfu.teams.models import DisciplineRecord, Meeting, MeetingTask, WorkReport
from bangfu.teams.selectors.work import overdue_tasks
from bangfu.teams.services import (
    DisciplineInput,
    MeetingInput,
    TaskInput,
    discipline_record,
    meeting_record,
    member_end,
    task_done,
    work_report_submit,
)

from .test_residence import june, lived

TODAY = datetime.date(2026, 6, 12)
JUNE = datetime.date(2026, 6, 1)
D = datetime.timedelta


@pytest.fixture(autouse=True)
def today(on_day):
    return on_day(TODAY)


def refused(call) -> DomainError:
    with pytest.raises(DomainError) as refusal:
        call()
    return refusal.value


def meeting(actor, team, attendees, tasks=(), held_on=TODAY, **extra):
    return meeting_record(
        actor=actor,
        team_id=team.pk,
        meeting=MeetingInput(
            held_on=held_on,
            place="村委会会议室",
            minutes="研究本周入户走访安排。",
            attendee_ids=[m.pk for m in attendees],
            tasks=list(tasks),
            **extra,
        ),
    )


def test_a_member_records_a_meeting_with_its_decisions_as_tasks(
    team, leader, member, team_leader_login
):
    record = meeting(
        team_leader_login,
        team,
        [leader, member],
        [TaskInput("走访三组低保户", TODAY + D(days=7), member.pk)],
    )
    assert sorted(record.attendees.values_list("name", flat=True)) == ["孙队员", "张队长"]
    task = record.tasks.get()
    assert (task.owner, task.due_on, task.region_id) == (member, TODAY + D(days=7), team.region_id)
    entry = AuditEntry.objects.get(action="meeting.record")
    assert entry.region_code == team.region_id and entry.after["attendees"] == sorted(
        [leader.pk, member.pk]
    )


def test_attendees_and_owners_are_of_the_team_on_the_day(
    county_admin, team, leader, member, sending_unit
):
    from bangfu.teams.services import member_add, team_create

    from .conftest import member_input, team_input

    other_team = team_create(
        actor=county_admin,
        team=team_input(sending_unit, name="康西村驻村工作队", region_code="611103002202"),
    )
    stranger = member_add(
        actor=county_admin,
        team_id=other_team.pk,
        member=member_input(sending_unit, "钱队员", "106", "4"),
    )
    assert refused(lambda: meeting(county_admin, team, [leader, stranger])).field == "attendee_ids"
    assert refused(lambda: meeting(county_admin, team, [])).code == "required"
    refusal = refused(
        lambda: meeting(county_admin, team, [leader], [TaskInput("修路", TODAY, stranger.pk)])
    )
    assert refusal.field == "tasks.0.owner_id"
    member_end(actor=county_admin, member_id=member.pk, ended_on=TODAY - D(days=1), reason="调回")
    assert refused(lambda: meeting(county_admin, team, [member])).code == "not_on_team"
    # A meeting held while 孙队员 was on the team may name them.
    meeting(county_admin, team, [member], held_on=TODAY - D(days=2))
    assert not MeetingTask.objects.exists()


@pytest.mark.parametrize(
    ("task", "field", "code"),
    [
        (TaskInput("", TODAY), "tasks.0.description", "required"),
        (TaskInput("修路", TODAY - D(days=1)), "tasks.0.due_on", "due_before_meeting"),
        (TaskInput("修" * 301, TODAY), "tasks.0.description", "too_long"),
        (TaskInput("修路", TODAY), "tasks.0.owner_id", "required"),
    ],
)
def test_a_task_needs_what_who_and_by_when(county_admin, team, leader, task, field, code):
    if task.description == "修路" and code != "required":
        task.owner_id = leader.pk
    refusal = refused(lambda: meeting(county_admin, team, [leader], [task]))
    assert (refusal.field, refusal.code) == (field, code)
    assert not Meeting.objects.exists()


def test_who_records_a_meeting(team, leader, helper_wang, other_county_admin, member_login,
                               member):  # fmt: skip
    with pytest.raises(NotPermitted):
        meeting(helper_wang, team, [leader])  # sees the village, is no member of the team
    with pytest.raises(OutOfScope):
        meeting(other_county_admin, team, [leader])
    meeting(member_login, team, [leader, member])


def test_tasks_are_done_or_overdue(county_admin, team, leader, member, member_login, on_day):
    record = meeting(
        county_admin,
        team,
        [leader, member],
        [
            TaskInput("走访三组低保户", TODAY + D(days=3), member.pk),
            TaskInput("整理扶贫手册", TODAY + D(days=1), leader.pk),
        ],
    )
    first, second = record.tasks.order_by("pk")
    on_day(TODAY + D(days=5))
    assert list(overdue_tasks(county_admin, None)) == [second, first]
    assert (
        refused(
            lambda: task_done(actor=member_login, task_id=first.pk, done_on=TODAY - D(days=1))
        ).code
        == "done_before_meeting"
    )
    task_done(actor=member_login, task_id=first.pk, done_on=TODAY + D(days=4), note="已走访 6 户")
    assert list(overdue_tasks(county_admin, None)) == [second]
    assert (
        refused(
            lambda: task_done(actor=member_login, task_id=first.pk, done_on=TODAY + D(days=4))
        ).code
        == "done_already"
    )
    first.refresh_from_db()
    assert (first.done_on, first.done_note) == (TODAY + D(days=4), "已走访 6 户")
    assert AuditEntry.objects.filter(action="meeting_task.done").count() == 1


def test_a_monthly_report_keeps_the_figures_of_when_it_was_submitted(
    county_admin, team, leader, member, member_login
):
    lived(member, *june(1, 2, 3), by=county_admin)
    report = work_report_submit(
        actor=member_login,
        team_id=team.pk,
        month=datetime.date(2026, 6, 1),
        text="本月完成入户走访。",
    )
    figures = report.figures
    assert figures["as_of"] == "2026-06-12" and figures["minimum"] == 20
    sun = next(row for row in figures["residence"] if row["name"] == "孙队员")
    assert (sun["in_village"], sun["counted"], sun["required"]) == (3, 3, 20)
    assert (figures["visits"], figures["problems_solved"]) == (0, 0)
    lived(member, *june(4, 5), by=county_admin)
    report.refresh_from_db()
    assert report.figures == figures  # kept as it was
    again = work_report_submit(
        actor=county_admin,
        team_id=team.pk,
        month=datetime.date(2026, 6, 15),
        text="更正：走访 12 户。",
    )
    assert again.pk == report.pk and WorkReport.objects.count() == 1
    assert next(r for r in again.figures["residence"] if r["name"] == "孙队员")["in_village"] == 5
    entries = AuditEntry.objects.filter(action="work_report.submit").order_by("seq")
    assert entries[1].before["text"] == "本月完成入户走访。"


def test_the_report_counts_the_visits_and_problems_in_the_team_s_villages(
    county_admin, team, leader
):
    from bangfu.registry.services import household_register
    from bangfu.visits.models import VisitMonth
    from tests.registry.conftest import first_status, household_input, member_input

    household = household_register(
        actor=county_admin,
        household=household_input(),
        members=[member_input()],
        status=first_status(),
    )
    VisitMonth.objects.create(household=household, region_id=household.region_id,
                              month=datetime.date(2026, 6, 1), visits=5, home_visits=4,
                              problems_solved=2)  # fmt: skip
    report = work_report_submit(
        actor=county_admin, team_id=team.pk, month=datetime.date(2026, 6, 1), text="月报"
    )
    assert (report.figures["visits"], report.figures["home_visits"]) == (5, 4)
    assert report.figures["problems_solved"] == 2


@pytest.mark.parametrize(
    ("month", "text", "field", "code"),
    [
        (datetime.date(2026, 7, 1), "月报", "month", "bad_month"),
        (datetime.date(2025, 12, 1), "月报", "month", "bad_month"),
        (datetime.date(2026, 6, 1), "", "text", "required"),
        (datetime.date(2026, 6, 1), "字" * 10_001, "text", "too_long"),
    ],
)
def test_a_report_is_of_a_month_of_the_term_that_has_begun(
    county_admin, team, leader, month, text, field, code
):
    refusal = refused(
        lambda: work_report_submit(actor=county_admin, team_id=team.pk, month=month, text=text)
    )
    assert (refusal.field, refusal.code) == (field, code)


def test_discipline_is_recorded_by_the_office(
    county_admin, team, member, member_login, team_leader_login, leader
):
    data = DisciplineInput("1", TODAY, "连续三天未在岗，也未请假。", "提醒谈话，限期改正")
    for not_office in (member_login, team_leader_login):
        with pytest.raises(NotPermitted):
            discipline_record(actor=not_office, member_id=member.pk, record=data)
    record = discipline_record(actor=county_admin, member_id=member.pk, record=data)
    assert (record.kind.label, record.region_id) == ("提醒谈话", team.region_id)
    assert (
        AuditEntry.objects.get(action="discipline.record").after["decision"] == "提醒谈话，限期改正"
    )


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("kind", "77", "bad_code"),
        ("occurred_on", TODAY + D(days=1), "out_of_range"),
        ("occurred_on", datetime.date(2025, 12, 31), "before_term"),
        ("description", "", "required"),
        ("decision", "决" * 301, "too_long"),
    ],
)
def test_a_discipline_record_s_values_are_refused_on_their_field(
    county_admin, member, field, value, code
):
    data = DisciplineInput("1", TODAY, "未按时参加例会", "批评教育")
    setattr(data, field, value)
    refusal = refused(lambda: discipline_record(actor=county_admin, member_id=member.pk,
                                                record=data))  # fmt: skip
    assert (refusal.field, refusal.code) == (field, code)
    assert not DisciplineRecord.objects.exists()


def test_the_team_s_work_pages_answer_and_record(county_admin, team, leader, member, signed_in):
    client = signed_in(county_admin)
    for name in ("meetings", "work_reports", "discipline", "team_leave", "team_residence"):
        assert client.get(reverse(f"teams:{name}", args=[team.pk])).status_code == 200, name
    response = client.post(
        reverse("teams:meetings", args=[team.pk]),
        {
            "held_on": TODAY.isoformat(),
            "attendees": [leader.pk, member.pk],
            "minutes": "部署走访",
            "task1_description": "走访三组",
            "task1_owner": str(member.pk),
            "task1_due_on": (TODAY + D(days=2)).isoformat(),
        },
    )
    assert response.status_code == 302
    task = MeetingTask.objects.get()
    page = client.get(reverse("teams:meeting_detail", args=[task.meeting_id]))
    assert "走访三组" in page.content.decode()
    response = client.post(
        reverse("teams:task_done", args=[task.pk]),
        {"done_on": TODAY.isoformat(), "note": "已完成", "meeting": str(task.meeting_id)},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done_on == TODAY
    response = client.post(
        reverse("teams:work_reports", args=[team.pk]), {"month": "2026-06", "text": "月报"}
    )
    assert response.status_code == 302 and WorkReport.objects.count() == 1
    response = client.post(
        reverse("teams:discipline", args=[team.pk]),
        {"member": str(member.pk), "kind": "2", "occurred_on": TODAY.isoformat(),
         "description": "例会迟到", "decision": "批评教育"},
    )  # fmt: skip
    assert response.status_code == 302 and DisciplineRecord.objects.count() == 1
    refused_page = client.post(
        reverse("teams:work_reports", args=[team.pk]), {"month": "2026-06", "text": ""}
    )
    assert refused_page.status_code == 400
