"""Reads for the teams' own pages and the API: the teams of one's places, a team with its
members by role and its former members, a person's terms, the four teams (四支队伍) of a
village, the month's attendance sheet, and the rows of the teams and members export."""

import datetime
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bangfu.core.codes import FIRST_SECRETARY
from bangfu.core.models import Code, Region
from bangfu.core.protection import unseal
from bangfu.core.scoping import get_visible_or_404
from bangfu.pairing.models import Pairing, Responsibility
from bangfu.pairing.selectors import chain_at
from bangfu.registry.selectors import id_mask_for, masked_id
from bangfu.visits.rollups import next_month

from ..models import DayStatus, Team, TeamMember
from ..residence_rules import ResidenceRules, residence_rules
from ..rollups import statuses_of

PER_PAGE = 50
CURRENT, ENDED = "current", "ended"
STATES = (CURRENT, ENDED)


def _today() -> datetime.date:
    return timezone.localdate()


def in_post(on: datetime.date | None = None) -> Q:
    """A team whose term covers the day (today by default)."""
    day = on or _today()
    return Q(term_start__lte=day) & (Q(term_end=None) | Q(term_end__gte=day))


def member_in_post(on: datetime.date | None = None, prefix: str = "") -> Q:
    """A member whose own term covers the day (today by default)."""
    day = on or _today()
    return Q(**{f"{prefix}started_on__lte": day}) & (
        Q(**{f"{prefix}ended_on": None}) | Q(**{f"{prefix}ended_on__gte": day})
    )


def teams(user, within: Region | None = None, state: str = "") -> QuerySet[Team]:
    """The teams stationed in the user's places (under ``within``): in post now (current),
    whose term is over (ended), or all; in place order, then by name."""
    rows = Team.objects.visible_to(user, within)
    today = _today()
    if state == CURRENT:
        rows = rows.filter(Q(term_end=None) | Q(term_end__gte=today))
    elif state == ENDED:
        rows = rows.filter(term_end__lt=today)
    return (
        rows.select_related("region", "unit")
        .annotate(current=Count("members", filter=member_in_post(today, "members__")))
        .order_by("region_id", "name", "pk")
    )


def team_page(user, within: Region | None, state: str, page: int) -> Page:
    return Paginator(teams(user, within, state), PER_PAGE).get_page(page)


def team_for(user, team_id: int) -> Team:
    return get_visible_or_404(Team.objects.select_related("region", "unit"), user, pk=team_id)


def villages_served(team: Team) -> list[Region]:
    return list(team.villages.order_by("code"))


@dataclass
class TeamMembers:
    """A team's members: those in post today by role (in the role list's order), and those
    whose term is over, latest first."""

    by_role: list[tuple[Code, list[TeamMember]]] = field(default_factory=list)
    former: list[TeamMember] = field(default_factory=list)
    ahead: list[TeamMember] = field(default_factory=list)  # terms that start later


def members_of(team: Team) -> TeamMembers:
    today = _today()
    rows = list(team.members.select_related("role", "unit", "user").order_by("started_on", "pk"))
    found = TeamMembers()
    current: dict[Code, list[TeamMember]] = {}
    for member in rows:
        if member.ended_on is not None and member.ended_on < today:
            found.former.append(member)
        elif member.started_on > today:
            found.ahead.append(member)
        else:
            current.setdefault(member.role, []).append(member)
    found.by_role = sorted(current.items(), key=lambda item: (item[0].sort_order, item[0].value))
    found.former.sort(key=lambda member: (member.ended_on, member.pk), reverse=True)
    return found


def member_for(user, member_id: int) -> TeamMember:
    return get_visible_or_404(
        TeamMember.objects.select_related("team", "role", "unit", "region", "user"),
        user,
        pk=member_id,
    )


def terms_of(user, member: TeamMember) -> QuerySet[TeamMember]:
    """Every term of the same person (by ID number) on teams in the user's places, earliest
    first: where they served, in what role, from when to when and why it ended."""
    return (
        TeamMember.objects.visible_to(user)
        .filter(id_number_hash=member.id_number_hash)
        .select_related("team", "role", "unit", "region")
        .order_by("started_on", "pk")
    )


def shown_id_number(user, member: TeamMember) -> str:
    """A member's ID number as lists show it: masked by the reader's policy."""
    return masked_id(unseal(member.id_number_sealed), id_mask_for(user))


# ---------------------------------------------------------------------------------------------
# The four teams of a village (四支队伍)


@dataclass
class ResidentCadre:
    """A pair helper serving households of the village (驻村干部 in the seeds' sense)."""

    name: str
    unit: str
    phone: str
    households: int


@dataclass
class FourTeams:
    village: Region
    teams: list[Team]
    secretaries: list[TeamMember]
    work_team: list[TeamMember]
    cadres: list[ResidentCadre]
    committee: list[tuple[str, Responsibility | None]]


def four_teams(user, village: Region) -> FourTeams:
    """The village's first secretaries, its work team (the members in post of the teams
    serving it), its resident cadres (the pair helpers serving its households now) and its
    chain of responsibility (the village committee's levels, the policy
    ``pairing.responsibility_levels``)."""
    today = _today()
    serving = list(
        Team.objects.visible_to(user)
        .filter(villages=village)
        .filter(in_post(today))
        .select_related("unit", "region")
        .order_by("name", "pk")
    )
    members = list(
        TeamMember.objects.visible_to(user)
        .filter(team__in=serving)
        .filter(member_in_post(today))
        .select_related("role", "unit", "team")
        .order_by("role__sort_order", "role__value", "started_on", "pk")
    )
    pairings = (
        Pairing.objects.visible_to(user, village)
        .filter(ended_on=None, helper__isnull=False, household__closed_on=None)
        .values_list("helper__name", "helper__unit__name", "helper__phone")
        .annotate(households=Count("household", distinct=True))
        .order_by("helper__unit__name", "helper__name")
    )
    return FourTeams(
        village=village,
        teams=serving,
        secretaries=[m for m in members if m.role.value == FIRST_SECRETARY],
        work_team=members,
        cadres=[ResidentCadre(*row) for row in pairings],
        committee=chain_at(village),
    )


# ---------------------------------------------------------------------------------------------
# The month's attendance sheet (考勤表)

# What a cell of the sheet says, as the paper sheets write it: ✓, 公出, 请假, 缺勤.
MARKS: dict[str, Any] = {
    DayStatus.IN_VILLAGE: "✓",
    DayStatus.OFFICIAL: _("Business"),
    DayStatus.LEAVE: _("Leave"),
    DayStatus.ABSENT: _("Absent"),
}


@dataclass
class SheetRow:
    member: TeamMember
    cells: list[tuple[datetime.date, str]]  # (day, status or "" outside the term or ahead)
    totals: Counter
    counted: int
    short: int | None  # days short of the minimum, for a month that is over

    @property
    def marks(self) -> list[tuple[datetime.date, str, Any]]:
        return [(day, status, MARKS.get(status, "")) for day, status in self.cells]


@dataclass
class AttendanceSheet:
    team: Team
    month: datetime.date
    days: list[datetime.date]
    rows: list[SheetRow]
    rules: ResidenceRules
    over: bool  # the month has ended: shortfalls are final

    @property
    def legend(self) -> list[tuple[str, str]]:
        """What each mark means (the label left out where the mark says it already)."""
        found = []
        for status in DayStatus:
            mark, label = str(MARKS[status]), str(status.label)
            found.append((mark, "" if label == mark else label))
        return found


def attendance_sheet(team: Team, month: datetime.date) -> AttendanceSheet:
    """Each member whose term overlaps the month, each day's status (``rollups.statuses_of``:
    in the village, official business, leave, absent; blank outside the term or after
    today, as on a paper sheet filled day by day), the month's totals and the days that
    count against the residence minimum."""
    last = next_month(month) - datetime.timedelta(days=1)
    today = _today()
    days = [month + datetime.timedelta(days=n) for n in range(last.day)]
    rules = residence_rules(team.region_id, month)
    members = list(
        team.members.filter(started_on__lte=last)
        .filter(Q(ended_on=None) | Q(ended_on__gte=month))
        .select_related("role")
        .order_by("role__sort_order", "role__value", "started_on", "pk")
    )
    statuses = statuses_of(members, month, last)
    rows = []
    for member in members:
        known = statuses[member.pk]
        end = member.ended_on or last
        cells = []
        for day in days:
            if day > today or not member.started_on <= day <= end:
                cells.append((day, ""))
            else:
                cells.append((day, known.get(day, DayStatus.ABSENT)))
        totals = Counter(status for _day, status in cells if status)
        counted = rules.counted(
            totals[DayStatus.IN_VILLAGE], totals[DayStatus.OFFICIAL], totals[DayStatus.LEAVE]
        )
        over = last < today
        whole = member.started_on <= month and (member.ended_on is None or member.ended_on >= last)
        rows.append(
            SheetRow(
                member,
                cells,
                totals,
                counted,
                max(0, rules.minimum - counted) if over and whole else None,
            )
        )
    return AttendanceSheet(team, month, days, rows, rules, last < today)


def sheet_table(sheet: AttendanceSheet) -> tuple[list[str], Iterator[list[Any]]]:
    """The sheet as a header and rows, for its .xlsx."""
    header = [
        str(_("Name")),
        str(_("Role")),
        *[str(day.day) for day in sheet.days],
        str(DayStatus.IN_VILLAGE.label),
        str(DayStatus.OFFICIAL.label),
        str(DayStatus.LEAVE.label),
        str(DayStatus.ABSENT.label),
        str(_("Days counted")),
        str(_("Minimum")),
        str(_("Days short")),
    ]

    def rows() -> Iterator[list[Any]]:
        for row in sheet.rows:
            yield [
                row.member.name,
                row.member.role.label,
                *[str(mark) for _day, _status, mark in row.marks],
                row.totals[DayStatus.IN_VILLAGE],
                row.totals[DayStatus.OFFICIAL],
                row.totals[DayStatus.LEAVE],
                row.totals[DayStatus.ABSENT],
                row.counted,
                sheet.rules.minimum,
                "" if row.short is None else row.short,
            ]

    return header, rows()


# ---------------------------------------------------------------------------------------------
# Exports


def export_rows(user, within: Region | None, state: str) -> tuple[list[str], Iterator[list]]:
    """Teams and their members, one row a member's term (a team without members has a row
    of its own), ID numbers masked by the reader's policy: for the teams list's .xlsx."""
    mask = id_mask_for(user)
    header = [
        str(_("Team")),
        str(_("Village stationed in")),
        str(_("Village code")),
        str(_("Sending unit")),
        str(_("Term starts")),
        str(_("Term ends")),
        str(_("Name")),
        str(_("ID number")),
        str(_("Role")),
        str(_("Sent by")),
        str(_("Phone")),
        str(_("From")),
        str(_("Until")),
        str(_("Reason for ending")),
    ]
    members = TeamMember.objects.select_related("role", "unit").order_by("started_on", "pk")
    listed = teams(user, within, state).prefetch_related(Prefetch("members", queryset=members))

    def rows() -> Iterator[list]:
        for team in listed.iterator(chunk_size=500):
            head = [
                team.name,
                team.region.name,
                team.region_id,
                team.unit.name,
                team.term_start,
                team.term_end,
            ]
            terms = list(team.members.all())
            if not terms:
                yield head + [""] * 8
            for member in terms:
                yield head + [
                    member.name,
                    masked_id(unseal(member.id_number_sealed), mask),
                    member.role.label,
                    member.unit.name,
                    member.phone,
                    member.started_on,
                    member.ended_on,
                    member.end_reason,
                ]

    return header, rows()


def role_choices() -> list[tuple[str, str]]:
    """The roles a member may be given (the code list, retired entries left out)."""
    return list(
        Code.objects.filter(kind="team_role", retired=False)
        .order_by("sort_order", "value")
        .values_list("value", "label")
    )
