"""Leave (请假): a member asks (or the office asks for them), the levels the rules name
approve one after the other, and the leave may be cancelled before it ends or cut short by
coming back early. Each use case is one transaction, audited.

Who decides which level (``selectors.leave.Decider``):
- 队长: a current member of the same team in the role 队长, through their login;
- 乡镇: a ``MANAGE_TEAMS`` holder of a township whose places cover the team's village;
- 县: a ``MANAGE_TEAMS`` holder of a county over it (the county office).
Nobody decides their own leave or a request they made (maker–checker), nor two levels of one
request; a team leader's own leave starts at the next level. How many levels a request
needs (``teams.leave_days_per_level``) and who they are (``teams.leave_approvers``) are read
when it is made and kept on it, so a rule changed later does not change its path.

Approved leave counts in the member's month roll-ups (``rollups.refresh``), as do its
cancellation and an early return, in the same transaction.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core import audit, values
from bangfu.core.capabilities import Capability, require
from bangfu.core.codes import TEAM_LEADER
from bangfu.core.errors import DomainError, NotPermitted, OutOfScope
from bangfu.core.policies import LEAVE_APPROVERS, NAME_SEPARATOR, effective_policies
from bangfu.core.selectors import chosen_code
from bangfu.core.services import retried_on_conflict

from .. import rollups
from ..models import LeaveDecision, LeaveRequest, LeaveState, TeamMember
from ..selectors.leave import Decider, days_of, is_own, last_day_away, next_level

LEADER, TOWNSHIP, COUNTY = LEAVE_APPROVERS
OPEN = (LeaveState.REQUESTED, LeaveState.APPROVED)  # what a new request may not overlap
LEAVE_RULES = [
    "teams.leave_approvers",
    "teams.leave_days_per_level",
    "teams.leave_max_days_per_request",
    "teams.leave_max_days_per_year",
    "teams.leave_backdate_days",
]
AUDIT_FIELDS = [
    "member",
    "kind",
    "first_day",
    "last_day",
    "reason",
    "state",
    "levels_needed",
    "approvers",
    "returned_on",
]


@dataclass
class LeaveInput:
    """A leave request as a form or the API gives it."""

    kind: str  # a value of the code list leave_kind
    first_day: datetime.date
    last_day: datetime.date
    reason: str
    member_id: int | None = None  # for whom; None: the caller's own current term


def approval_chain(
    approvers: list[str], days_per_level: list[int], days: int, *, leader: bool
) -> list[str]:
    """The levels a request of ``days`` days goes through: the first approver alone up to
    the first number of days, the first two up to the second, and so on; all of them beyond.
    A team leader's own leave starts at the level after 队长 (the township where the rules
    name no other)."""
    named = [name for name in approvers if not (leader and name == LEADER)] or [TOWNSHIP]
    wanted = 1 + sum(days > most for most in days_per_level)
    return named[:wanted]


# -- the writes ------------------------------------------------------------------------------


def _lock_member(member_id: int) -> TeamMember:
    return (
        TeamMember.objects.select_for_update(of=("self",))
        .select_related("team", "role")
        .get(pk=member_id)
    )


def _member_asking(actor, member_id: int | None) -> TeamMember:
    """The member a request is for: the caller's own term (no capability needed), or a
    member of the caller's places for a holder of ``MANAGE_TEAMS``; locked."""
    if not (actor and actor.is_authenticated):
        raise NotPermitted()
    own = TeamMember.objects.filter(user=actor)
    if member_id is None:
        found = own.filter(ended_on=None).order_by("-started_on").values_list("pk", flat=True)
        mine = found.first()
        if mine is None:
            raise DomainError(
                _("You are on no team now: choose the member the leave is for."),
                code="not_a_member",
                field="member_id",
            )
        return _lock_member(mine)
    if own.filter(pk=member_id).exists():
        return _lock_member(member_id)
    require(actor, Capability.MANAGE_TEAMS)
    if not TeamMember.objects.visible_to(actor).filter(pk=member_id).exists():
        raise OutOfScope()
    return _lock_member(member_id)


def _leave_of(actor, leave_id: int, *, own_allowed: bool) -> tuple[TeamMember, LeaveRequest]:
    """The request and its member, both locked (the member first, as requests lock it): for
    the member themself where ``own_allowed``, else within the actor's places."""
    if not (actor and actor.is_authenticated):
        raise NotPermitted()
    rows = LeaveRequest.objects.filter(pk=leave_id)
    member_id = None
    if own_allowed:
        member_id = rows.filter(member__user=actor).values_list("member_id", flat=True).first()
    if member_id is None:
        member_id = rows.visible_to(actor).values_list("member_id", flat=True).first()
        if member_id is None:
            raise OutOfScope()
        if own_allowed:
            require(actor, Capability.MANAGE_TEAMS)
    member = _lock_member(member_id)
    leave = (
        LeaveRequest.objects.select_for_update(of=("self",)).select_related("kind").get(pk=leave_id)
    )
    leave.member = member
    return member, leave


def _refuse_overlap(member: TeamMember, first: datetime.date, last: datetime.date) -> None:
    other = (
        LeaveRequest.objects.filter(member=member, state__in=OPEN, first_day__lte=last)
        .filter(Q(returned_on=None, last_day__gte=first) | Q(returned_on__gt=first))
        .order_by("first_day")
        .first()
    )
    if other is not None:
        raise DomainError(
            _("This overlaps leave from %(first)s to %(last)s (%(state)s).")
            % {
                "first": other.first_day.isoformat(),
                "last": last_day_away(other).isoformat(),
                "state": other.get_state_display(),
            },
            code="overlaps",
            field="first_day",
        )


def days_taken(member: TeamMember, year: int, *, leaving_out: int | None = None) -> int:
    """Days of approved leave the member takes in the calendar year (coming back early
    counted)."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    rows = LeaveRequest.objects.filter(
        member=member, state=LeaveState.APPROVED, first_day__lte=end, last_day__gte=start
    ).exclude(pk=leaving_out)
    return sum(days_of(max(row.first_day, start), min(last_day_away(row), end)) for row in rows)


def _refuse_over_year(
    member: TeamMember,
    first: datetime.date,
    last: datetime.date,
    most: int,
    leaving_out: int | None = None,
) -> None:
    for year in range(first.year, last.year + 1):
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        asked = days_of(max(first, start), min(last, end))
        taken = days_taken(member, year, leaving_out=leaving_out)
        if taken + asked > most:
            raise DomainError(
                _(
                    "%(name)s has %(taken)d days of approved leave in %(year)d; %(asked)d more "
                    "would pass the %(most)d a year allows."
                )
                % {"name": member.name, "taken": taken, "year": year, "asked": asked, "most": most},
                code="over_year_limit",
                field="last_day",
            )


def _refresh(member: TeamMember, leave: LeaveRequest) -> None:
    rollups.refresh(member, rollups.months_of(leave.first_day, leave.last_day))


def _state(leave: LeaveRequest) -> dict[str, Any]:
    return audit.snapshot(leave, AUDIT_FIELDS)


@retried_on_conflict
def leave_request(*, actor, leave: LeaveInput) -> LeaveRequest:
    """Ask for leave from a day to a day, with the kind and the reason. Refused with the
    reason when it overlaps leave asked for or approved, starts further back than the rules
    allow, is longer than one request may be, would pass the year's days, or lies outside
    the member's term."""
    with transaction.atomic():
        member = _member_asking(actor, leave.member_id)
        today = timezone.localdate()
        rules = {
            key: rule.value
            for key, rule in effective_policies(member.region_id, LEAVE_RULES, today).items()
        }
        kind = chosen_code(
            "leave_kind",
            leave.kind,
            _("Choose %(label)s.") % {"label": _("the kind of leave")},
            field="kind",
        )
        first = values.clean(LeaveRequest, "first_day", leave.first_day)
        last = values.clean(LeaveRequest, "last_day", leave.last_day)
        reason = values.clean(LeaveRequest, "reason", leave.reason)
        if last < first:
            raise DomainError(
                _("The last day comes before the first."), code="backwards", field="last_day"
            )
        earliest = today - datetime.timedelta(days=rules["teams.leave_backdate_days"])
        if first < earliest:
            raise DomainError(
                _("Leave may be asked for from %(day)s on (%(n)d days back at most).")
                % {"day": earliest.isoformat(), "n": rules["teams.leave_backdate_days"]},
                code="too_far_back",
                field="first_day",
            )
        days = days_of(first, last)
        if days > rules["teams.leave_max_days_per_request"]:
            raise DomainError(
                _("One request is for at most %(most)d days; this is %(days)d.")
                % {"most": rules["teams.leave_max_days_per_request"], "days": days},
                code="too_long",
                field="last_day",
            )
        if first < member.started_on or (member.ended_on is not None and last > member.ended_on):
            raise DomainError(
                _("%(name)s's term runs from %(start)s to %(end)s; the leave must lie within it.")
                % {
                    "name": member.name,
                    "start": member.started_on.isoformat(),
                    "end": member.ended_on.isoformat() if member.ended_on else "…",
                },
                code="outside_term",
                field="first_day",
            )
        _refuse_overlap(member, first, last)
        _refuse_over_year(member, first, last, rules["teams.leave_max_days_per_year"])
        chain = approval_chain(
            rules["teams.leave_approvers"],
            rules["teams.leave_days_per_level"],
            days,
            leader=member.role.value == TEAM_LEADER,
        )
        record = LeaveRequest.objects.create(
            member=member,
            region_id=member.region_id,
            kind=kind,
            first_day=first,
            last_day=last,
            reason=reason,
            state=LeaveState.REQUESTED,
            levels_needed=len(chain),
            approvers=NAME_SEPARATOR.join(chain),
            requested_at=timezone.now(),
            requested_by=actor,
        )
        audit.record(
            actor=actor,
            action="leave.request",
            obj=record,
            region_code=record.region_id,
            after=_state(record),
        )
    return record


@retried_on_conflict
def leave_decide(*, actor, leave_id: int, approve: bool, note: str = "") -> LeaveDecision:
    """Decide the level a request waits for: approve it (the last level approves the leave)
    or refuse it, with a note saying why. Only one who decides that level may; nobody
    decides their own leave, one they asked for, or two levels of one request."""
    with transaction.atomic():
        member, leave = _leave_of(actor, leave_id, own_allowed=False)
        if leave.state != LeaveState.REQUESTED:
            raise DomainError(
                _("This request is no longer waiting: it is %(state)s.")
                % {"state": leave.get_state_display()},
                code="not_waiting",
            )
        decided = list(leave.decisions.order_by("level"))
        level = next_level(leave, len(decided))
        if level is None:  # a request whose chain is shorter than its decisions: none
            raise DomainError(_("This request waits for no one."), code="not_waiting")
        if is_own(actor, leave) or any(d.decided_by_id == actor.pk for d in decided):
            raise DomainError(
                _("You asked for this leave, it is yours, or you decided it before: someone "
                  "else decides it."),
                code="own_request",
            )  # fmt: skip
        if not Decider.of(actor).decides(leave, level):
            raise DomainError(
                _("This request waits for the decision of %(level)s; you do not decide it.")
                % {"level": level},
                code="not_your_level",
            )
        if not isinstance(approve, bool):
            raise DomainError(_("Approve or refuse."), code="bad_decision", field="approve")
        note = values.clean(LeaveDecision, "note", note)
        if not approve and not note:
            raise DomainError(_("Say why the leave is refused."), code="no_note", field="note")
        before = _state(leave)
        last = approve and len(decided) + 1 == leave.levels_needed
        if last:
            most = effective_policies(member.region_id, ["teams.leave_max_days_per_year"])
            _refuse_over_year(
                member,
                leave.first_day,
                leave.last_day,
                most["teams.leave_max_days_per_year"].value,
                leaving_out=leave.pk,
            )
        decision = LeaveDecision.objects.create(
            leave=leave,
            level=len(decided) + 1,
            approver=level,
            approved=approve,
            note=note,
            decided_at=timezone.now(),
            decided_by=actor,
        )
        if not approve:
            leave.state = LeaveState.REFUSED
        elif last:
            leave.state = LeaveState.APPROVED
        leave.save(update_fields=["state"])
        if leave.state == LeaveState.APPROVED:
            _refresh(member, leave)
        audit.record(
            actor=actor,
            action="leave.decide",
            obj=leave,
            region_code=leave.region_id,
            before=before,
            after={**_state(leave), "level": decision.level, "approver": level,
                   "approved": approve, "note": note},
        )  # fmt: skip
    return decision


@retried_on_conflict
def leave_cancel(*, actor, leave_id: int) -> LeaveRequest:
    """Withdraw a request, or cancel approved leave, before it ends: by the member, or by
    the office (``MANAGE_TEAMS``) of the member's place."""
    with transaction.atomic():
        member, leave = _leave_of(actor, leave_id, own_allowed=True)
        if leave.state not in OPEN:
            raise DomainError(
                _("This request is %(state)s; there is nothing to cancel.")
                % {"state": leave.get_state_display()},
                code="not_open",
            )
        end = last_day_away(leave)
        if timezone.localdate() > end:
            raise DomainError(
                _("This leave ended on %(day)s; it stays as it was.") % {"day": end.isoformat()},
                code="already_over",
            )
        before = _state(leave)
        was_approved = leave.state == LeaveState.APPROVED
        leave.state = LeaveState.CANCELLED
        leave.save(update_fields=["state"])
        if was_approved:
            _refresh(member, leave)
        audit.record(
            actor=actor,
            action="leave.cancel",
            obj=leave,
            region_code=leave.region_id,
            before=before,
            after=_state(leave),
        )
    return leave


@retried_on_conflict
def leave_return(*, actor, leave_id: int, returned_on: datetime.date) -> LeaveRequest:
    """Record that the member came back early from approved leave: ``returned_on`` is the
    first day back, after the first day of leave and not after its last (nor after today);
    the days from it on are days of the term again."""
    with transaction.atomic():
        member, leave = _leave_of(actor, leave_id, own_allowed=True)
        if leave.state != LeaveState.APPROVED:
            raise DomainError(
                _("Only approved leave is come back from; this request is %(state)s.")
                % {"state": leave.get_state_display()},
                code="not_approved",
            )
        if leave.returned_on is not None:
            raise DomainError(
                _("The return on %(day)s is recorded already.")
                % {"day": leave.returned_on.isoformat()},
                code="already_back",
                field="returned_on",
            )
        day = values.clean(LeaveRequest, "returned_on", returned_on)
        if day is None:
            raise DomainError(_("Enter the first day back."), code="required", field="returned_on")
        if not leave.first_day < day <= leave.last_day:
            raise DomainError(
                _(
                    "The first day back lies after the first day of leave (%(first)s) and not "
                    "after its last (%(last)s); leave not taken at all is cancelled instead."
                )
                % {"first": leave.first_day.isoformat(), "last": leave.last_day.isoformat()},
                code="bad_return",
                field="returned_on",
            )
        before = _state(leave)
        leave.returned_on = day
        leave.save(update_fields=["returned_on"])
        rollups.refresh(member, rollups.months_of(day, leave.last_day))
        audit.record(
            actor=actor,
            action="leave.return",
            obj=leave,
            region_code=leave.region_id,
            before=before,
            after=_state(leave),
        )
    return leave
