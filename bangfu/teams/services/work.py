"""A team's work (驻村例会、工作报告、纪律约束): meetings and the tasks they decide, the monthly
work report, discipline records. Each use case one transaction, audited.

Meetings, tasks and reports are the team's own: its current members record them through
their logins, and so may the office of the team's place (``MANAGE_TEAMS``). Discipline is the
office's alone.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core import audit, values
from bangfu.core.capabilities import Capability, require
from bangfu.core.errors import DomainError, NotPermitted, OutOfScope
from bangfu.core.params import possible_id
from bangfu.core.regions import RegionLevel, code_range
from bangfu.core.selectors import chosen_code
from bangfu.core.services import retried_on_conflict
from bangfu.visits.models import VisitMonth
from bangfu.visits.rollups import month_of

from ..models import (
    DisciplineRecord,
    Meeting,
    MeetingTask,
    Team,
    TeamMember,
    WorkReport,
)
from ..residence_rules import residence_rules
from ..selectors.residence import last_of, month_rows, residence_of

MOST_TASKS = 20  # decisions of one meeting
MOST_ATTENDEES = 50


@dataclass
class TaskInput:
    """A meeting's decision to carry out: what, who, by when."""

    description: str
    due_on: datetime.date
    owner_id: int | None = None  # a member of the team


@dataclass
class MeetingInput:
    """A team meeting as a form or the API gives it."""

    held_on: datetime.date
    place: str = ""
    minutes: str = ""
    attendee_ids: list[int] = field(default_factory=list)
    tasks: list[TaskInput] = field(default_factory=list)


@dataclass
class DisciplineInput:
    kind: str  # a value of the code list discipline_kind
    occurred_on: datetime.date
    description: str
    decision: str


def _in_term_on(day: datetime.date) -> Q:
    return Q(started_on__lte=day) & (Q(ended_on=None) | Q(ended_on__gte=day))


def is_team_member(actor, team: Team, on: datetime.date | None = None) -> bool:
    """Whether the actor is a current member of the team, through their login."""
    on = on or timezone.localdate()
    return TeamMember.objects.filter(_in_term_on(on), team=team, user_id=actor.pk).exists()


def may_work_for(actor, team: Team) -> bool:
    """Who records a team's meetings, tasks and reports: its members and its office."""
    return actor.has_capability(Capability.MANAGE_TEAMS) or is_team_member(actor, team)


def _team(actor, team_id: int) -> Team:
    """The team, locked, for one who works for it: 404 outside the actor's places, 403 for
    one who is neither its member nor its office."""
    if not (actor and actor.is_authenticated):
        raise NotPermitted()
    team = (
        Team.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .select_related("region")
        .filter(pk=team_id)
        .first()
    )
    if team is None:
        raise OutOfScope()
    if not may_work_for(actor, team):
        raise NotPermitted()
    return team


def _members_on(team: Team, day: datetime.date, ids: list[Any], field: str) -> list[TeamMember]:
    """The team's members in term on ``day`` with these ids, or a refusal on ``field``."""
    wanted = [possible_id(raw) for raw in ids]
    found = {
        member.pk: member
        for member in TeamMember.objects.filter(
            _in_term_on(day), team=team, pk__in=[pk for pk in wanted if pk]
        )
    }
    if any(pk not in found for pk in wanted):
        raise DomainError(
            _("Choose members of the team on %(day)s.") % {"day": day.isoformat()},
            code="not_on_team",
            field=field,
        )
    return [found[pk] for pk in dict.fromkeys(wanted) if pk]


def _task(team: Team, meeting: Meeting, data: TaskInput, n: int) -> MeetingTask:
    where = f"tasks.{n}"
    description = values.clean(
        MeetingTask, "description", data.description, field=f"{where}.description"
    )
    due_on = values.clean(MeetingTask, "due_on", data.due_on, field=f"{where}.due_on")
    if due_on < meeting.held_on:
        raise DomainError(
            _("A task is due on or after the meeting's day (%(day)s).")
            % {"day": meeting.held_on.isoformat()},
            code="due_before_meeting",
            field=f"{where}.due_on",
        )
    if data.owner_id is None:
        raise DomainError(
            _("Choose who carries the task out."), code="required", field=f"{where}.owner_id"
        )
    (owner,) = _members_on(team, meeting.held_on, [data.owner_id], f"{where}.owner_id")
    return MeetingTask(
        meeting=meeting,
        region_id=team.region_id,
        description=description,
        owner=owner,
        due_on=due_on,
    )


@retried_on_conflict
def meeting_record(*, actor, team_id: int, meeting: MeetingInput) -> Meeting:
    """Record a team meeting (驻村例会): the day, where, who of the team's members attended,
    the minutes, and its decisions as tasks, each with its owner and due day."""
    with transaction.atomic():
        team = _team(actor, team_id)
        record = Meeting(team=team, region_id=team.region_id, recorded_by=actor)
        values.assign(record, meeting, ["held_on", "place", "minutes"])
        if record.held_on < team.term_start:
            raise DomainError(
                _("The team's term starts on %(day)s.") % {"day": team.term_start.isoformat()},
                code="before_term",
                field="held_on",
            )
        if not meeting.attendee_ids or len(meeting.attendee_ids) > MOST_ATTENDEES:
            raise DomainError(
                _("Choose who of the team attended."), code="required", field="attendee_ids"
            )
        attendees = _members_on(team, record.held_on, meeting.attendee_ids, "attendee_ids")
        if len(meeting.tasks) > MOST_TASKS:
            raise DomainError(
                _("At most %(n)d tasks a meeting.") % {"n": MOST_TASKS},
                code="too_many",
                field="tasks",
            )
        record.save()
        record.attendees.set(attendees)
        tasks = [_task(team, record, data, n) for n, data in enumerate(meeting.tasks)]
        MeetingTask.objects.bulk_create(tasks)
        audit.record(
            actor=actor,
            action="meeting.record",
            obj=record,
            region_code=team.region_id,
            after={
                **audit.snapshot(record, ["team", "held_on", "place", "minutes"]),
                "attendees": sorted(member.pk for member in attendees),
                "tasks": [
                    {"description": t.description, "owner": t.owner_id, "due_on": t.due_on}
                    for t in tasks
                ],
            },
        )
    return record


@retried_on_conflict
def task_done(*, actor, task_id: int, done_on: datetime.date, note: str = "") -> MeetingTask:
    """Mark a meeting's task done, on a day, with how."""
    with transaction.atomic():
        if not (actor and actor.is_authenticated):
            raise NotPermitted()
        task = (
            MeetingTask.objects.visible_to(actor)
            .select_for_update(of=("self",))
            .select_related("meeting__team")
            .filter(pk=task_id)
            .first()
        )
        if task is None:
            raise OutOfScope()
        if not may_work_for(actor, task.meeting.team):
            raise NotPermitted()
        if task.done_on is not None:
            raise DomainError(
                _("This task was done on %(day)s.") % {"day": task.done_on.isoformat()},
                code="done_already",
            )
        before = audit.snapshot(task, ["description", "owner", "due_on", "done_on", "done_note"])
        day = values.clean(MeetingTask, "done_on", done_on)
        if day is None:
            raise DomainError(_("Enter the day it was done."), code="required", field="done_on")
        if day < task.meeting.held_on:
            raise DomainError(
                _("The task was decided on %(day)s; it cannot be done before.")
                % {"day": task.meeting.held_on.isoformat()},
                code="done_before_meeting",
                field="done_on",
            )
        task.done_on = day
        task.done_note = values.clean(MeetingTask, "done_note", note, field="note")
        task.save(update_fields=["done_on", "done_note"])
        audit.record(
            actor=actor,
            action="meeting_task.done",
            obj=task,
            region_code=task.region_id,
            before=before,
            after=audit.snapshot(task, ["description", "owner", "due_on", "done_on", "done_note"]),
        )
    return task


def report_figures(team: Team, month: datetime.date, on: datetime.date) -> dict[str, Any]:
    """What the system fills into a team's report of ``month``, as it stands on ``on``: each
    member's residence days (by the village's rules), and the visits logged and problems
    solved that month in the villages the team serves (from the households' month roll-ups)."""
    last = last_of(month)
    members = list(
        TeamMember.objects.filter(team=team, started_on__lte=last)
        .filter(Q(ended_on=None) | Q(ended_on__gte=month))
        .select_related("role")
        .order_by("role__sort_order", "name", "pk")
    )
    rows = month_rows(members, month)
    rules = residence_rules(team.region_id, month)
    residence = []
    for member in members:
        found = residence_of(member, month, rows.get(member.pk), rules, on)
        residence.append(
            {
                "member_id": member.pk,
                "name": member.name,
                "role": member.role.label,
                "in_village": found.in_village,
                "official": found.official,
                "leave": found.leave,
                "counted": found.counted,
                "required": found.required,
                "met": found.met,
            }
        )
    villages = Q()
    served = list(team.villages.values_list("code", flat=True)) or [team.region_id]
    for code in served:
        lo, hi = code_range(code, RegionLevel.VILLAGE)
        villages |= Q(region_id__gte=lo, region_id__lt=hi)
    visits = VisitMonth.objects.filter(villages, month=month).aggregate(
        visits=Sum("visits"), home_visits=Sum("home_visits"), solved=Sum("problems_solved")
    )
    return {
        "as_of": on.isoformat(),
        "minimum": rules.minimum,
        "residence": residence,
        "visits": visits["visits"] or 0,
        "home_visits": visits["home_visits"] or 0,
        "problems_solved": visits["solved"] or 0,
    }


@retried_on_conflict
def work_report_submit(*, actor, team_id: int, month: datetime.date, text: str) -> WorkReport:
    """Submit the team's work report (月度工作报告) for a month that has begun: its words, and
    the month's figures filled in now and kept as they are. One report a team a month; a
    correction replaces it (the audit log keeps what it said)."""
    with transaction.atomic():
        team = _team(actor, team_id)
        if not isinstance(month, datetime.date):
            raise DomainError(_("Choose the month."), code="required", field="month")
        month = month_of(month)
        today = timezone.localdate()
        if (
            month > today
            or month < month_of(team.term_start)
            or (team.term_end is not None and month > team.term_end)
        ):
            raise DomainError(
                _("Report on a month of the team's term that has begun."),
                code="bad_month",
                field="month",
            )
        words = values.clean(WorkReport, "text", text)
        report = WorkReport.objects.filter(team=team, month=month).first()
        before = audit.snapshot(report, ["text", "figures"]) if report else None
        if report is None:
            report = WorkReport(team=team, region_id=team.region_id, month=month)
        report.text = words
        report.figures = report_figures(team, month, today)
        report.submitted_at, report.submitted_by = timezone.now(), actor
        report.save()
        audit.record(
            actor=actor,
            action="work_report.submit",
            obj=report,
            region_code=team.region_id,
            before=before,
            after=audit.snapshot(report, ["team", "month", "text", "figures"]),
        )
    return report


@retried_on_conflict
def discipline_record(*, actor, member_id: int, record: DisciplineInput) -> DisciplineRecord:
    """Record a discipline matter of a member (纪律约束): the kind, the day, what happened and
    what was decided. For the office of the member's place."""
    require(actor, Capability.MANAGE_TEAMS)
    with transaction.atomic():
        member = (
            TeamMember.objects.visible_to(actor)
            .select_for_update(of=("self",))
            .filter(pk=member_id)
            .first()
        )
        if member is None:
            raise OutOfScope()
        row = DisciplineRecord(
            member=member,
            region_id=member.region_id,
            kind=chosen_code(
                "discipline_kind",
                record.kind,
                _("Choose %(label)s.") % {"label": _("the kind of record")},
                field="kind",
            ),
            recorded_at=timezone.now(),
            recorded_by=actor,
        )
        values.assign(row, record, ["occurred_on", "description", "decision"])
        if row.occurred_on < member.started_on:
            raise DomainError(
                _("%(name)s's term began on %(day)s.")
                % {"name": member.name, "day": member.started_on.isoformat()},
                code="before_term",
                field="occurred_on",
            )
        row.save()
        audit.record(
            actor=actor,
            action="discipline.record",
            obj=row,
            region_code=member.region_id,
            after=audit.snapshot(row, ["member", "kind", "occurred_on", "description", "decision"]),
        )
    return row
