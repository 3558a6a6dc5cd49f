"""Reading a team's work: its meetings and their tasks, the tasks overdue under a place, its
monthly reports and its discipline records."""

import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from bangfu.core.capabilities import Capability
from bangfu.core.params import months_from
from bangfu.core.scoping import get_visible_or_404
from bangfu.visits.rollups import month_of

from ..models import DisciplineRecord, Meeting, MeetingTask, Team, TeamMember, WorkReport

PAGE_SIZE = 50


def current_members(user, team: Team, on: datetime.date | None = None) -> list[TeamMember]:
    """The team's members in term on ``on`` (today), role first."""
    on = on or timezone.localdate()
    return list(
        TeamMember.objects.visible_to(user)
        .filter(team=team, started_on__lte=on)
        .filter(Q(ended_on=None) | Q(ended_on__gte=on))
        .select_related("role")
        .order_by("role__sort_order", "name", "pk")
    )


def meeting_rows(user, team: Team) -> QuerySet[Meeting]:
    """A team's meetings, latest first."""
    return (
        Meeting.objects.visible_to(user)
        .filter(team=team)
        .prefetch_related(
            "attendees",
            Prefetch(
                "tasks", MeetingTask.objects.select_related("owner", "meeting").order_by("pk")
            ),
        )
        .order_by("-held_on", "-pk")
    )


def meetings_of(user, team: Team, page: int = 1) -> Page:
    return Paginator(meeting_rows(user, team), PAGE_SIZE).get_page(page)


def meeting_for(user, meeting_id: int) -> Meeting:
    rows = Meeting.objects.select_related("team", "recorded_by").prefetch_related(
        "attendees", Prefetch("tasks", MeetingTask.objects.select_related("owner").order_by("pk"))
    )
    return get_visible_or_404(rows, user, pk=meeting_id)


def task_for(user, task_id: int) -> MeetingTask:
    rows = MeetingTask.objects.select_related("meeting", "owner")
    return get_visible_or_404(rows, user, pk=task_id)


def overdue_tasks(user, within, on: datetime.date | None = None):
    """Meeting tasks under the place not done by their due day, the longest overdue first."""
    on = on or timezone.localdate()
    return (
        MeetingTask.objects.visible_to(user, within)
        .filter(done_on=None, due_on__lt=on)
        .select_related("meeting__team", "owner")
        .order_by("due_on", "pk")
    )


def reports_of(user, team: Team) -> list[WorkReport]:
    return list(
        WorkReport.objects.visible_to(user)
        .filter(team=team)
        .select_related("submitted_by")
        .order_by("-month")
    )


def report_for(user, report_id: int) -> WorkReport:
    rows = WorkReport.objects.select_related("team", "submitted_by")
    return get_visible_or_404(rows, user, pk=report_id)


def report_months(team: Team, on: datetime.date | None = None) -> list[datetime.date]:
    """The months a team may report on: of its term, begun by ``on`` (today), latest first,
    at most a year back."""
    on = on or timezone.localdate()
    last = month_of(min(on, team.term_end or on))
    first = max(month_of(team.term_start), month_of(on).replace(year=on.year - 1))
    return list(reversed(months_from(first, last))) if first <= last else []


def discipline_rows(user, team: Team) -> QuerySet[DisciplineRecord]:
    """A team's discipline records, latest first."""
    return (
        DisciplineRecord.objects.visible_to(user)
        .filter(member__team=team)
        .select_related("member", "kind", "recorded_by")
        .order_by("-occurred_on", "-pk")
    )


def discipline_of(user, team: Team, page: int = 1) -> Page:
    return Paginator(discipline_rows(user, team), PAGE_SIZE).get_page(page)


def may_record_discipline(user) -> bool:
    return user.has_capability(Capability.MANAGE_TEAMS)
