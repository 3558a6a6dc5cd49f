"""Reading leave requests: a member's own, those waiting for a person's decision, a team's;
and who decides which level (``Decider``), which the services ask too."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.utils import timezone

from bangfu.core.capabilities import Capability
from bangfu.core.codes import TEAM_LEADER
from bangfu.core.policies import LEAVE_APPROVERS, NAME_SEPARATOR
from bangfu.core.regions import RegionLevel, code_range
from bangfu.core.scoping import RegionalQuerySet, get_visible_or_404

from ..models import LeaveRequest, LeaveState, Team, TeamMember

LEADER, TOWNSHIP, COUNTY = LEAVE_APPROVERS
# The level of place whose office decides each office's level.
OFFICE_LEVEL = {TOWNSHIP: RegionLevel.TOWNSHIP, COUNTY: RegionLevel.COUNTY}
PAGE_SIZE = 50


def chain_of(leave: LeaveRequest) -> list[str]:
    """The levels that decide this request, in order (as read when it was made)."""
    return [name for name in leave.approvers.split(NAME_SEPARATOR) if name]


def decided_count(leave: LeaveRequest) -> int:
    cached = getattr(leave, "_prefetched_objects_cache", {}).get("decisions")
    return len(cached) if cached is not None else leave.decisions.count()


def next_level(leave: LeaveRequest, decided: int | None = None) -> str | None:
    """The level whose decision the request waits for; None once it is decided."""
    if leave.state != LeaveState.REQUESTED:
        return None
    done = decided_count(leave) if decided is None else decided
    chain = chain_of(leave)
    return chain[done] if done < len(chain) else None


def last_day_away(leave: LeaveRequest) -> datetime.date:
    """The last day of leave taken or to be taken: the day before coming back early."""
    if leave.returned_on is not None:
        return min(leave.last_day, leave.returned_on - datetime.timedelta(days=1))
    return leave.last_day


def days_of(first: datetime.date, last: datetime.date) -> int:
    """Days from ``first`` to ``last``, both counted (calendar days, as residence is)."""
    return max((last - first).days + 1, 0)


def is_own(user, leave: LeaveRequest) -> bool:
    """The member's own request, or one the user made: not theirs to decide."""
    return user.pk is not None and user.pk in (leave.member.user_id, leave.requested_by_id)


@dataclass(frozen=True)
class Decider:
    """Which levels a person decides, worked out once for a page or a decision:
    队长 for the teams they lead now (a current term in the role 队长, through their login);
    乡镇 and 县 for the villages under the townships and counties they hold, with
    ``MANAGE_TEAMS``. Scope aside: the records reached are already the person's places'."""

    user_id: int | None
    led_teams: frozenset[int]
    offices: dict[str, tuple[tuple[str, str], ...]]

    @classmethod
    def of(cls, user, on: datetime.date | None = None) -> "Decider":
        if not (user and user.is_authenticated and user.is_active):
            return cls(None, frozenset(), {})
        on = on or timezone.localdate()
        led = (
            TeamMember.objects.filter(
                user=user,
                role__kind="team_role",
                role__value=TEAM_LEADER,
                started_on__lte=on,
            )
            .filter(Q(ended_on=None) | Q(ended_on__gte=on))
            .values_list("team_id", flat=True)
        )
        offices: dict[str, tuple[tuple[str, str], ...]] = {}
        if user.has_capability(Capability.MANAGE_TEAMS):
            held = user.held_places()
            for name, level in OFFICE_LEVEL.items():
                offices[name] = tuple(code_range(code, lvl) for code, lvl in held if lvl == level)
        return cls(user.pk, frozenset(led), offices)

    def decides(self, leave: LeaveRequest, level: str) -> bool:
        if level == LEADER:
            return leave.member.team_id in self.led_teams
        return any(lo <= leave.region_id < hi for lo, hi in self.offices.get(level, ()))

    def may_decide_now(self, leave: LeaveRequest) -> bool:
        """Whether the request waits for a level this person decides, and they may: it is
        not theirs, nor one they asked for, nor one they decided a level of before."""
        level = next_level(leave)
        if level is None or not self.decides(leave, level):
            return False
        if self.user_id in (leave.member.user_id, leave.requested_by_id):
            return False
        return all(decision.decided_by_id != self.user_id for decision in leave.decisions.all())

    @property
    def decides_any(self) -> bool:
        return bool(self.led_teams) or any(self.offices.values())


def _with_details(rows: RegionalQuerySet) -> RegionalQuerySet:
    return rows.select_related("member__team", "kind").prefetch_related("decisions__decided_by")


def own_member(user) -> TeamMember | None:
    """The user's current term on a team, if any (a member reaches their own leave through
    their login, wherever their login's places are)."""
    if not (user and user.is_authenticated):
        return None
    return (
        TeamMember.objects.filter(user=user, ended_on=None)
        .select_related("team", "role")
        .order_by("-started_on")
        .first()
    )


def own_leave(user) -> list[LeaveRequest]:
    """The user's own requests, latest first (the last 50)."""
    if not (user and user.is_authenticated):
        return []
    rows = LeaveRequest.objects.filter(member__user=user).order_by("-first_day", "-pk")
    return list(_with_details(rows)[:PAGE_SIZE])


def waiting_for(user) -> list[LeaveRequest]:
    """The requests of the user's places waiting for a decision the user makes, the earliest
    leave first."""
    decider = Decider.of(user)
    if not decider.decides_any:
        return []
    rows = LeaveRequest.objects.visible_to(user).filter(state=LeaveState.REQUESTED)
    if not any(decider.offices.values()):
        rows = rows.filter(member__team_id__in=decider.led_teams)
    ordered = _with_details(rows).order_by("first_day", "pk")
    return [leave for leave in ordered if decider.may_decide_now(leave)]


def leave_for(user, leave_id: int) -> LeaveRequest:
    """One request: the member's own, or one of the user's places (404 otherwise)."""
    rows = _with_details(LeaveRequest.objects.all())
    own = rows.filter(pk=leave_id, member__user=user).first() if user.is_authenticated else None
    return own or get_visible_or_404(rows, user, pk=leave_id)


def team_leave_rows(user, team: Team) -> RegionalQuerySet:
    """A team's leave requests, latest first."""
    rows = LeaveRequest.objects.visible_to(user).filter(member__team=team)
    return _with_details(rows).order_by("-first_day", "-pk")


def team_leave(user, team: Team, page: int = 1) -> Page:
    """A team's leave requests, latest first, ``PAGE_SIZE`` a page."""
    return Paginator(team_leave_rows(user, team), PAGE_SIZE).get_page(page)


def members_for_leave(user, team: Team) -> list[TeamMember]:
    """Whom the user may ask leave for on this team: its current members for the team's
    office (``MANAGE_TEAMS``), else the user alone if they are one of them."""
    current = (
        TeamMember.objects.visible_to(user)
        .filter(team=team, ended_on=None)
        .select_related("role")
        .order_by("role__sort_order", "name")
    )
    if user.has_capability(Capability.MANAGE_TEAMS):
        return list(current)
    own = TeamMember.objects.filter(team=team, ended_on=None, user=user).select_related("role")
    return list(own)


def may_change(user, leave: LeaveRequest) -> bool:
    """Whether the user may cancel the request or record a return: the member, or the
    office of the member's place (the services decide the rest)."""
    return leave.member.user_id == user.pk or user.has_capability(Capability.MANAGE_TEAMS)


def decisions_shown(leave: LeaveRequest) -> Iterable:
    return sorted(leave.decisions.all(), key=lambda decision: decision.level)
