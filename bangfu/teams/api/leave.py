"""Leave over the API: ask, decide a level, cancel, record an early return; a team's
requests and those waiting for the caller."""

import datetime

from ninja import Router, Schema, Status
from ninja.pagination import paginate

from bangfu.core import params
from bangfu.core.models import Code
from bangfu.core.params import Id
from bangfu.core.schemas import documented

from .. import services
from ..models import LeaveDecision, LeaveRequest
from ..selectors import leave as selectors
from ..selectors.residence import team_for

router = Router(tags=["teams"])


class LeaveIn(Schema):
    kind: str = documented(Code, "value", description="a value of the list leave_kind")
    first_day: datetime.date = documented(LeaveRequest, "first_day")
    last_day: datetime.date = documented(LeaveRequest, "last_day")
    reason: str = documented(LeaveRequest, "reason")
    member_id: Id | None = None  # for whom; none: the caller's own current term


class DecideIn(Schema):
    approve: bool
    note: str = documented(LeaveDecision, "note", "")


class ReturnIn(Schema):
    returned_on: datetime.date = documented(LeaveRequest, "returned_on")


class DecisionOut(Schema):
    level: int
    approver: str
    approved: bool
    note: str
    decided_at: datetime.datetime


class LeaveOut(Schema):
    id: int
    member_id: int
    member_name: str
    team_id: int
    kind: str
    first_day: datetime.date
    last_day: datetime.date
    days: int
    reason: str
    state: str
    approvers: list[str]
    waiting_for: str | None
    returned_on: datetime.date | None
    decisions: list[DecisionOut]


def _out(leave) -> dict:
    return {
        "id": leave.pk,
        "member_id": leave.member_id,
        "member_name": leave.member.name,
        "team_id": leave.member.team_id,
        "kind": leave.kind.value,
        "first_day": leave.first_day,
        "last_day": leave.last_day,
        "days": leave.days,
        "reason": leave.reason,
        "state": leave.state,
        "approvers": selectors.chain_of(leave),
        "waiting_for": selectors.next_level(leave),
        "returned_on": leave.returned_on,
        "decisions": list(selectors.decisions_shown(leave)),
    }


def _read(request, leave_id: int) -> dict:
    return _out(selectors.leave_for(request.auth, leave_id))


@router.post("/leave", response={201: LeaveOut}, operation_id="leave_request")
def leave_request(request, payload: LeaveIn):
    """Ask for leave: for the caller's own current term (``member_id`` left out), or for a
    member of the caller's places (holders of ``MANAGE_TEAMS``)."""
    leave = services.leave_request(actor=request.auth, leave=services.LeaveInput(**payload.dict()))
    return Status(201, _read(request, leave.pk))


@router.get("/leave/waiting", response=list[LeaveOut], operation_id="leave_waiting")
def leave_waiting(request):
    """The requests waiting for a decision the caller makes."""
    return [_out(leave) for leave in selectors.waiting_for(request.auth)]


@router.post("/leave/{leave_id}/decide", response=LeaveOut, operation_id="leave_decide")
def leave_decide(request, leave_id: Id, payload: DecideIn):
    """Decide the level the request waits for; refusing needs a note."""
    services.leave_decide(actor=request.auth, leave_id=leave_id, **payload.dict())
    return _read(request, leave_id)


@router.post("/leave/{leave_id}/cancel", response=LeaveOut, operation_id="leave_cancel")
def leave_cancel(request, leave_id: Id):
    services.leave_cancel(actor=request.auth, leave_id=leave_id)
    return _read(request, leave_id)


@router.post("/leave/{leave_id}/return", response=LeaveOut, operation_id="leave_return")
def leave_return(request, leave_id: Id, payload: ReturnIn):
    """Back early: ``returned_on`` is the first day back."""
    services.leave_return(actor=request.auth, leave_id=leave_id, **payload.dict())
    return _read(request, leave_id)


@router.get("/teams/{team_id}/leave", response=list[LeaveOut], operation_id="leave_list")
@paginate(params.Pages, page_size=50)
def leave_list(request, team_id: Id):
    """A team's leave requests, latest first."""
    team = team_for(request.auth, team_id)
    return params.Mapped(selectors.team_leave_rows(request.auth, team), _out)
