"""The monthly check over the API: differences (list, read, classify, close by hand) and
the problem data lists (list)."""

import datetime

from ninja import Query, Router, Schema
from ninja.pagination import paginate

from bangfu.core import params
from bangfu.core.params import Id
from bangfu.core.schemas import documented
from bangfu.core.selectors import region_for

from .. import services
from ..models import Difference, ProblemList
from ..selectors import differences as selectors

router = Router(tags=["checks"])


class DifferenceOut(Schema):
    id: int
    region_code: str
    household_id: int | None
    household_number: str
    member_id: int | None
    member_name: str
    field: str
    field_name: str
    kind: str
    system_value: str
    handbook_value: str
    problem: str
    found_on: datetime.date
    snapshot_id: int | None
    problem_list_id: int | None
    classification: str
    classified_at: datetime.datetime | None
    state: str
    closed_on: datetime.date | None
    close_reason: str


class DifferenceFiltersIn(Schema):
    place: str = ""
    state: str = ""
    classification: str = ""
    kind: str = ""
    field: str = ""
    snapshot: str = ""
    problem_list: str = ""


class ClassifyIn(Schema):
    classification: str = documented(Difference, "classification")


class CloseIn(Schema):
    reason: str = documented(Difference, "close_reason")


class ProblemListOut(Schema):
    id: int
    region_code: str
    file_name: str
    sent_by: str
    received_on: datetime.date
    listed: int
    still_open: int


def _difference(d: Difference) -> dict:
    return {
        "id": d.pk,
        "region_code": d.region_id,
        "household_id": d.household_id,
        "household_number": d.household_number,
        "member_id": d.member_id,
        "member_name": d.member_name,
        "field": d.field,
        "field_name": d.field_name,
        "kind": d.kind,
        "system_value": d.system_value,
        "handbook_value": d.handbook_value,
        "problem": d.problem,
        "found_on": d.found_on,
        "snapshot_id": d.snapshot_id,
        "problem_list_id": d.problem_list_id,
        "classification": d.classification,
        "classified_at": d.classified_at,
        "state": d.state,
        "closed_on": d.closed_on,
        "close_reason": d.close_reason,
    }


def _problem_list(p: ProblemList) -> dict:
    return {
        "id": p.pk,
        "region_code": p.region_id,
        "file_name": p.file_name,
        "sent_by": p.sent_by,
        "received_on": p.received_on,
        "listed": p.listed,
        "still_open": p.still_open,
    }


@router.get("/checks/differences", response=list[DifferenceOut], operation_id="differences_list")
@paginate(params.Pages, page_size=50)
def differences_list(request, filters: Query[DifferenceFiltersIn]):
    """Differences from the national system and problems listed from above under ``place``
    (or all the caller's places), by ``state`` (open, fixed, closed), ``classification``
    (system, handbook, home_check, accepted, or none for those not yet classified),
    ``kind`` (value, only_system, only_handbook, problem), ``field`` (a column's key or its
    name), ``snapshot`` and ``problem_list`` (ids)."""
    code = params.place(filters.place)
    within = region_for(request.auth, code) if code else None
    chosen = selectors.DifferenceFilters.read(filters.dict())
    return params.Mapped(selectors.differences(request.auth, within, chosen), _difference)


@router.get(
    "/checks/differences/{difference_id}", response=DifferenceOut, operation_id="difference_detail"
)
def difference_detail(request, difference_id: Id):
    return _difference(selectors.difference_for(request.auth, difference_id))


@router.post(
    "/checks/differences/{difference_id}/classify",
    response=DifferenceOut,
    operation_id="difference_classify",
)
def difference_classify(request, difference_id: Id, payload: ClassifyIn):
    """Say which side is wrong: ``system``, ``handbook``, ``home_check`` or ``accepted``
    (an open difference only; it may be classified again while open)."""
    difference = selectors.difference_for(request.auth, difference_id)
    services.difference_classify(
        actor=request.auth, difference_id=difference.pk, classification=payload.classification
    )
    return _difference(selectors.difference_for(request.auth, difference.pk))


@router.post(
    "/checks/differences/{difference_id}/close",
    response=DifferenceOut,
    operation_id="difference_close",
)
def difference_close(request, difference_id: Id, payload: CloseIn):
    """Close an open difference by hand, with the ``reason`` (required)."""
    difference = selectors.difference_for(request.auth, difference_id)
    services.difference_close(
        actor=request.auth, difference_id=difference.pk, reason=payload.reason
    )
    return _difference(selectors.difference_for(request.auth, difference.pk))


@router.get(
    "/checks/problem-lists", response=list[ProblemListOut], operation_id="problem_lists_list"
)
@paginate(params.Pages, page_size=50)
def problem_lists_list(request):
    """The problem data lists (问题数据清单) with differences in the caller's places, newest
    first, each with how many of those it listed (``listed``) and how many are open."""
    return params.Mapped(selectors.problem_lists(request.auth), _problem_list)
