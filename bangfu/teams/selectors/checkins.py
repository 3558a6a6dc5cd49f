"""Reads of check-ins: the member's own phone page, the member's month calendar (考勤日历),
one check-in, and the check-in flags for inspectors. Every read of others' records starts
from ``.visible_to(user)``; a member always reads their own."""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bangfu.core.calendar import CalendarNotCovered, holiday_name, is_working_day
from bangfu.core.capabilities import Capability, require
from bangfu.core.codes import TEAM_LEADER
from bangfu.core.errors import OutOfScope
from bangfu.core.models import Region
from bangfu.core.scoping import get_visible_or_404
from bangfu.visits.rollups import month_of, next_month

from .. import flags as check_in_flags
from ..models import (
    CheckIn,
    CheckInFlag,
    CheckInFlagKind,
    DayStatus,
    LeaveRequest,
    LeaveState,
    RegisterEntry,
    TeamMember,
)
from ..residence_rules import residence_rules
from ..rollups import day_statuses
from .residence import MemberResidence, month_rows, residence_of

PAGE_SIZE = 50
NOT_IN_TERM, AHEAD = "not_in_term", "ahead"
# Every status a day of the calendar may show, as people read it.
STATUS_LABELS: dict[str, Promise] = {
    **{status.value: status.label for status in DayStatus},
    NOT_IN_TERM: _("Not in the term"),
    AHEAD: _("Still to come"),
}


def own_term(user, on: datetime.date | None = None) -> TeamMember | None:
    """The term on a team the person signed in is serving on ``on`` (today), through their
    login; None for anyone else."""
    if not user.is_authenticated:
        return None
    on = on or timezone.localdate()
    return (
        TeamMember.objects.filter(user=user, started_on__lte=on)
        .exclude(ended_on__lt=on)
        .select_related("team", "team__region", "role", "unit")
        .order_by("-started_on")
        .first()
    )


def led_by(user) -> TeamMember | None:
    """The user's current term as a team leader (队长) with their login, if they hold one."""
    if not user.is_authenticated:
        return None
    return TeamMember.objects.filter(
        user=user, ended_on=None, role__kind="team_role", role__value=TEAM_LEADER
    ).first()


def is_own(user, member: TeamMember) -> bool:
    return user.is_authenticated and member.user_id == user.pk


def member_for(user, member_id: int) -> TeamMember:
    """A member whose month the user may open: their own term always (the login's places
    need not hold the team's village), anyone's within the user's places."""
    rows = TeamMember.objects.select_related("team", "team__region", "role", "unit")
    own = rows.filter(pk=member_id, user_id=user.pk).first() if user.is_authenticated else None
    return own or get_visible_or_404(rows, user, pk=member_id)


def check_in_for(user, check_in_id: int) -> CheckIn:
    """A check-in the user may read: one of their own terms', or one in their places."""
    rows = CheckIn.objects.select_related("member", "member__team")
    if user.is_authenticated:
        own = rows.filter(pk=check_in_id, member__user_id=user.pk).first()
        if own is not None:
            return own
    return get_visible_or_404(rows, user, pk=check_in_id)


def check_in_photo(user, check_in_id: int) -> CheckIn:
    check_in = check_in_for(user, check_in_id)
    if not check_in.photo:
        raise OutOfScope()
    return check_in


def flags_of(user, check_in: CheckIn) -> list[tuple[CheckInFlag, str]]:
    """A check-in's flags with why, for those who read flags (not the member)."""
    if not user.has_capability(Capability.VIEW_FLAGS):
        return []
    return [
        (flag, check_in_flags.reason(flag))
        for flag in CheckInFlag.objects.filter(check_in=check_in).order_by("kind", "pk")
    ]


def may_keep_register(user, member: TeamMember) -> bool:
    """Who is offered the register form on a member's month: the team's leader (not for
    their own days) and staff who manage teams (the service decides)."""
    if is_own(user, member):
        return False
    term = led_by(user)
    return (term is not None and term.team_id == member.team_id) or user.has_capability(
        Capability.MANAGE_TEAMS
    )


@dataclass
class CheckInShown:
    check_in: CheckIn
    flags: list[tuple[CheckInFlag, str]]


@dataclass
class AttendanceDay:
    day: datetime.date
    status: str
    label: Promise
    counted: bool  # counts towards residence days under the month's rules
    check_ins: list[CheckInShown] = field(default_factory=list)
    entry: RegisterEntry | None = None
    leave: LeaveRequest | None = None
    holiday: str | None = None  # a public holiday's name
    make_up: bool = False  # a weekend day worked in exchange for a holiday (调休上班)


@dataclass
class MemberMonthShown:
    member: TeamMember
    month: datetime.date
    days: list[AttendanceDay]
    counts: dict[str, int]  # days of each status
    residence: MemberResidence  # the residence days as counted and judged today

    @property
    def check_ins(self) -> int:
        return sum(len(day.check_ins) for day in self.days)


def _calendar_marks(day: datetime.date) -> tuple[str | None, bool]:
    """A public holiday's name, and whether the day is a weekend day worked instead (调休);
    nothing for a year the installed calendar does not know."""
    try:
        return holiday_name(day), is_working_day(day) and day.weekday() >= 5
    except CalendarNotCovered:
        return None, False


def member_month(user, member: TeamMember, month: datetime.date) -> MemberMonthShown:
    """Each day of the member's month with what it was (``rollups.day_statuses``), its
    check-ins (with flags, for those who read them), the register's entries with reasons and
    approved leave; the month's residence days against the rule, read at the team's place as
    in force on the month's first day."""
    last = next_month(month) - datetime.timedelta(days=1)
    today = timezone.localdate()
    statuses = day_statuses(member, month, last)
    rules = residence_rules(member.region_id, month)
    shown_flags = user.has_capability(Capability.VIEW_FLAGS)
    check_ins = list(
        CheckIn.objects.filter(member=member, day__gte=month, day__lte=last).order_by(
            "checked_at", "pk"
        )
    )
    flags_by: dict[int, list[tuple[CheckInFlag, str]]] = {}
    if shown_flags:
        for flag in CheckInFlag.objects.filter(check_in__in=[c.pk for c in check_ins]).order_by(
            "kind", "pk"
        ):
            flags_by.setdefault(flag.check_in_id, []).append((flag, check_in_flags.reason(flag)))
    entries = {
        entry.day: entry
        for entry in RegisterEntry.objects.filter(member=member, day__gte=month, day__lte=last)
    }
    leaves = list(
        LeaveRequest.objects.filter(
            member=member, state=LeaveState.APPROVED, first_day__lte=last, last_day__gte=month
        ).select_related("kind")
    )
    days = []
    day = month
    while day <= last:
        in_term = member.started_on <= day and (member.ended_on is None or day <= member.ended_on)
        if not in_term:
            status = NOT_IN_TERM
        elif day in statuses:
            status = statuses[day]
        elif day > today:
            status = AHEAD
        else:
            status = DayStatus.ABSENT.value
        holiday, make_up = _calendar_marks(day)
        days.append(
            AttendanceDay(
                day=day,
                status=status,
                label=STATUS_LABELS[status],
                counted=rules.counts(status),
                check_ins=[
                    CheckInShown(c, flags_by.get(c.pk, [])) for c in check_ins if c.day == day
                ],
                entry=entries.get(day),
                leave=next(
                    (leave for leave in leaves if leave.first_day <= day <= leave.last_day), None
                ),
                holiday=holiday,
                make_up=make_up,
            )
        )
        day += datetime.timedelta(days=1)
    counts = Counter(d.status for d in days)
    return MemberMonthShown(
        member=member,
        month=month,
        days=days,
        counts={status: counts.get(status, 0) for status in STATUS_LABELS},
        residence=residence_of(member, month, month_rows([member], month).get(member.pk), rules),
    )


@dataclass
class CheckInPage:
    """What the phone page shows the member signed in: their term, today's check-ins."""

    member: TeamMember | None
    today: datetime.date
    today_check_ins: list[CheckIn]
    month: datetime.date


def check_in_page(user) -> CheckInPage:
    today = timezone.localdate()
    member = own_term(user, today)
    today_check_ins = (
        list(CheckIn.objects.filter(member=member, day=today).order_by("checked_at"))
        if member is not None
        else []
    )
    return CheckInPage(member, today, today_check_ins, month_of(today))


def flags_in(user, within: Region | None, month: datetime.date) -> QuerySet[CheckInFlag]:
    """The check-in flags of a month under a place (for inspectors), newest first."""
    require(user, Capability.VIEW_FLAGS)
    return (
        CheckInFlag.objects.visible_to(user, within)
        .filter(check_in__day__gte=month, check_in__day__lt=next_month(month))
        .select_related("check_in__member__team")
        .order_by("-check_in__checked_at", "kind", "pk")
    )


def flag_counts(user, within: Region | None, month: datetime.date) -> list[tuple[str, int]]:
    """How many flags of each kind the month's check-ins under the place raised (one grouped
    query), in the order of ``CheckInFlagKind``."""
    counted = dict(
        flags_in(user, within, month).order_by().values_list("kind").annotate(n=Count("pk"))
    )
    return [(str(kind.label), counted.get(kind.value, 0)) for kind in CheckInFlagKind]


def flag_reason(flag: CheckInFlag) -> str:
    return check_in_flags.reason(flag)


def member_home(user) -> dict | None:
    """A team member's home panel: today's check-ins and the month so far; None for anyone
    who serves on no team."""
    member = own_term(user)
    if member is None:
        return None
    today = timezone.localdate()
    return {
        "member": member,
        "today": CheckIn.objects.filter(member=member, day=today).count(),
        "month": member_month(user, member, month_of(today)),
    }


def flags_home(user) -> dict | None:
    """This month's check-in flags under the user's places, counted (the home page of those
    who read flags); None for anyone else."""
    if not user.has_capability(Capability.VIEW_FLAGS):
        return None
    month = month_of(timezone.localdate())
    return {"month": month, "count": flags_in(user, None, month).count()}
