"""A team's work over the API: meetings and their tasks, tasks overdue, monthly work
reports, discipline records."""

import datetime
from typing import Any

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from bangfu.core import params
from bangfu.core.models import Code
from bangfu.core.params import Id
from bangfu.core.schemas import documented
from bangfu.core.selectors import region_for

from .. import services
from ..models import DisciplineRecord, Meeting, MeetingTask, WorkReport
from ..selectors import work as selectors
from ..selectors.residence import team_for
from ..services.work import MOST_ATTENDEES, MOST_TASKS

router = Router(tags=["teams"])


class TaskIn(Schema):
    description: str = documented(MeetingTask, "description")
    due_on: datetime.date = documented(MeetingTask, "due_on")
    owner_id: Id | None = None


class MeetingIn(Schema):
    held_on: datetime.date = documented(Meeting, "held_on")
    place: str = documented(Meeting, "place", "")
    minutes: str = documented(Meeting, "minutes", "")
    attendee_ids: list[Id] = Field(json_schema_extra={"maxItems": MOST_ATTENDEES})
    tasks: list[TaskIn] = Field([], json_schema_extra={"maxItems": MOST_TASKS})


class TaskOut(Schema):
    id: int
    meeting_id: int
    team_id: int
    description: str
    owner_id: int | None
    owner_name: str | None
    due_on: datetime.date
    done_on: datetime.date | None
    done_note: str


class MeetingOut(Schema):
    id: int
    team_id: int
    held_on: datetime.date
    place: str
    minutes: str
    attendee_ids: list[int]
    tasks: list[TaskOut]


class TaskDoneIn(Schema):
    done_on: datetime.date = documented(MeetingTask, "done_on")
    note: str = documented(MeetingTask, "done_note", "")


class TeamReportIn(Schema):
    # Stated, not enforced here: a month that cannot be read is the service's refusal (400).
    month: str = Field(
        description="the month reported on, 2026-11", json_schema_extra={"maxLength": 7}
    )
    text: str = documented(WorkReport, "text")


class TeamReportOut(Schema):
    id: int
    team_id: int
    month: datetime.date
    text: str
    figures: dict[str, Any]
    submitted_at: datetime.datetime


class DisciplineIn(Schema):
    kind: str = documented(Code, "value", description="a value of the list discipline_kind")
    occurred_on: datetime.date = documented(DisciplineRecord, "occurred_on")
    description: str = documented(DisciplineRecord, "description")
    decision: str = documented(DisciplineRecord, "decision")


class DisciplineOut(Schema):
    id: int
    member_id: int
    member_name: str
    kind: str
    occurred_on: datetime.date
    description: str
    decision: str


def _task(task) -> dict:
    return {
        "id": task.pk,
        "meeting_id": task.meeting_id,
        "team_id": task.meeting.team_id,
        "description": task.description,
        "owner_id": task.owner_id,
        "owner_name": task.owner.name if task.owner else None,
        "due_on": task.due_on,
        "done_on": task.done_on,
        "done_note": task.done_note,
    }


def _meeting(meeting) -> dict:
    return {
        "id": meeting.pk,
        "team_id": meeting.team_id,
        "held_on": meeting.held_on,
        "place": meeting.place,
        "minutes": meeting.minutes,
        "attendee_ids": sorted(member.pk for member in meeting.attendees.all()),
        "tasks": [_task(task) for task in meeting.tasks.all()],
    }


def _report(report) -> dict:
    return {
        "id": report.pk,
        "team_id": report.team_id,
        "month": report.month,
        "text": report.text,
        "figures": report.figures,
        "submitted_at": report.submitted_at,
    }


def _discipline(record) -> dict:
    return {
        "id": record.pk,
        "member_id": record.member_id,
        "member_name": record.member.name,
        "kind": record.kind.value,
        "occurred_on": record.occurred_on,
        "description": record.description,
        "decision": record.decision,
    }


@router.post("/teams/{team_id}/meetings", response={201: MeetingOut}, operation_id="meeting_record")
def meeting_record(request, team_id: Id, payload: MeetingIn):
    """Record a team meeting: attendees from the team's members on the day, decisions as
    tasks with their owner and due day."""
    data = payload.dict()
    tasks = [services.TaskInput(**task) for task in data.pop("tasks")]
    meeting = services.meeting_record(
        actor=request.auth, team_id=team_id, meeting=services.MeetingInput(**data, tasks=tasks)
    )
    return Status(201, _meeting(selectors.meeting_for(request.auth, meeting.pk)))


@router.get("/teams/{team_id}/meetings", response=list[MeetingOut], operation_id="meetings_list")
@paginate(params.Pages, page_size=50)
def meetings_list(request, team_id: Id):
    team = team_for(request.auth, team_id)
    return params.Mapped(selectors.meeting_rows(request.auth, team), _meeting)


@router.post("/tasks/{task_id}/done", response=TaskOut, operation_id="task_done")
def task_done(request, task_id: Id, payload: TaskDoneIn):
    services.task_done(actor=request.auth, task_id=task_id, **payload.dict())
    return _task(selectors.task_for(request.auth, task_id))


@router.get("/tasks/overdue", response=list[TaskOut], operation_id="tasks_overdue")
@paginate(params.Pages, page_size=50)
def tasks_overdue(request, place: str = ""):
    """Meeting tasks not done by their due day under ``place`` (default: all the caller's
    places), the longest overdue first."""
    code = params.place(place)
    within = region_for(request.auth, code) if code else None
    return params.Mapped(selectors.overdue_tasks(request.auth, within), _task)


@router.post(
    "/teams/{team_id}/reports", response={200: TeamReportOut}, operation_id="work_report_submit"
)
def work_report_submit(request, team_id: Id, payload: TeamReportIn):
    """Submit (or correct) the team's report of a month; the figures are filled in now."""
    report = services.work_report_submit(
        actor=request.auth,
        team_id=team_id,
        month=params.month(payload.month),
        text=payload.text,
    )
    return _report(report)


@router.get(
    "/teams/{team_id}/reports", response=list[TeamReportOut], operation_id="work_reports_list"
)
def work_reports_list(request, team_id: Id):
    team = team_for(request.auth, team_id)
    return [_report(report) for report in selectors.reports_of(request.auth, team)]


@router.post(
    "/teams/members/{member_id}/discipline",
    response={201: DisciplineOut},
    operation_id="discipline_record",
)
def discipline_record(request, member_id: Id, payload: DisciplineIn):
    record = services.discipline_record(
        actor=request.auth,
        member_id=member_id,
        record=services.DisciplineInput(**payload.dict()),
    )
    return Status(201, _discipline(record))


@router.get(
    "/teams/{team_id}/discipline", response=list[DisciplineOut], operation_id="discipline_list"
)
@paginate(params.Pages, page_size=50)
def discipline_list(request, team_id: Id):
    team = team_for(request.auth, team_id)
    return params.Mapped(selectors.discipline_rows(request.auth, team), _discipline)
