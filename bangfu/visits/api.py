"""Visits over the API: the phone page's queue sends here, and so may other systems.

``POST /visits`` is idempotent on ``client_id``: 201 for a new visit, 200 with the visit
already recorded when the same id comes again (a retry after a lost answer).
"""

import datetime
import uuid
from decimal import Decimal

from ninja import Field, File, Form, Router, Schema, Status, UploadedFile

from bangfu.core import params
from bangfu.core.params import Id
from bangfu.core.schemas import documented
from bangfu.core.selectors import region_for
from bangfu.registry.selectors import household_for

from . import selectors, services
from .models import Problem, Visit
from .services import MOST_PROBLEMS

router = Router(tags=["visits"])
RECEIPT = ("id", "client_id", "household_id", "helper_id", "visited_at", "distance_m")


class VisitIn(Schema):
    client_id: uuid.UUID
    household_id: Id
    visited_at: datetime.datetime = documented(Visit, "visited_at")
    kind: str = documented(Visit, "kind", "home")
    services: list[str] = []
    notes: str = documented(Visit, "notes", "")
    goods_value: Decimal = documented(Visit, "goods_value", Decimal(0))
    money_value: Decimal = documented(Visit, "money_value", Decimal(0))
    jobs_found: int = documented(Visit, "jobs_found", 0)
    problems: list[str] = Field([], json_schema_extra={"maxItems": MOST_PROBLEMS})
    latitude: float | None = documented(Visit, "latitude", None)
    longitude: float | None = documented(Visit, "longitude", None)
    accuracy_m: int | None = documented(Visit, "accuracy_m", None)
    helper_id: Id | None = None  # staff entering a paper record (代录); else the caller's own


class ProblemOut(Schema):
    id: int
    description: str
    found_on: datetime.date
    solved_on: datetime.date | None
    solution: str


class FlagOut(Schema):
    kind: str
    reason: str
    other_visit_id: int | None


class VisitOut(Schema):
    id: int
    client_id: uuid.UUID
    helper_id: int
    household_id: int
    visited_at: datetime.datetime
    kind: str
    services: list[str]
    notes: str
    goods_value: Decimal
    money_value: Decimal
    jobs_found: int
    distance_m: int | None
    problems: list[ProblemOut]
    photos: int


class VisitReceipt(Schema):
    """What a phone needs to forget a queued visit: the server's id and whether it is new.
    The whole visit is at GET /visits/{id}."""

    id: int
    client_id: uuid.UUID
    created: bool
    household_id: int
    helper_id: int
    visited_at: datetime.datetime
    distance_m: int | None


class PhotoOut(Schema):
    id: int
    client_id: uuid.UUID
    created: bool
    taken_at: datetime.datetime | None
    width: int
    height: int


class SolveIn(Schema):
    solved_on: datetime.date = documented(Problem, "solved_on")
    solution: str = documented(Problem, "solution")


class ComplianceOut(Schema):
    place: str | None
    month: datetime.date
    households: int
    compliant: int
    behind: int
    rate: float | None
    fixed_days: int
    fixed_days_met: int
    visits: int
    home_visits: int
    problems_found: int
    problems_solved: int
    jobs_found: int
    goods_value: Decimal
    money_value: Decimal


def _out(visit) -> dict:
    return {
        "id": visit.pk,
        "client_id": visit.client_id,
        "helper_id": visit.helper_id,
        "household_id": visit.household_id,
        "visited_at": visit.visited_at,
        "kind": visit.kind,
        "services": [code.value for code in visit.services.all()],
        "notes": visit.notes,
        "goods_value": visit.goods_value,
        "money_value": visit.money_value,
        "jobs_found": visit.jobs_found,
        "distance_m": visit.distance_m,
        "problems": list(visit.problems.all()),
        "photos": visit.photos.count(),
    }


@router.post(
    "/visits", response={200: VisitReceipt, 201: VisitReceipt}, operation_id="visit_record"
)
def visit_record(request, payload: VisitIn):
    data = payload.dict()
    client_id, helper_id = data.pop("client_id"), data.pop("helper_id")
    visit, created = services.visit_record(
        actor=request.auth,
        client_id=client_id,
        helper_id=helper_id,
        data=services.VisitInput(**data),
    )
    receipt = {**{name: getattr(visit, name) for name in RECEIPT}, "created": created}
    return Status(201 if created else 200, receipt)


@router.post(
    "/visits/{client_id}/photos",
    response={200: PhotoOut, 201: PhotoOut},
    operation_id="visit_photo_add",
)
def visit_photo_add(
    request, client_id: uuid.UUID, photo_id: Form[uuid.UUID], photo: File[UploadedFile]
):
    """One photo of a visit, sent after the visit; ``photo_id`` is made on the phone."""
    record, created = services.visit_photo_add(
        actor=request.auth,
        visit_client_id=client_id,
        photo_client_id=photo_id,
        content=photo.read(),
        name=photo.name or "",
    )
    return Status(
        201 if created else 200,
        {
            "id": record.pk,
            "client_id": record.client_id,
            "created": created,
            "taken_at": record.taken_at,
            "width": record.width,
            "height": record.height,
        },
    )


@router.get("/visits/{visit_id}", response=VisitOut, operation_id="visit_detail")
def visit_detail(request, visit_id: Id):
    return _out(selectors.visit_for(request.auth, visit_id))


@router.get(
    "/households/{household_id}/visits", response=list[VisitOut], operation_id="household_visits"
)
def household_visits(request, household_id: Id):
    household = household_for(request.auth, household_id)
    return [_out(visit) for visit in selectors.visits_of(household)[:200]]


@router.get("/visits/{visit_id}/flags", response=list[FlagOut], operation_id="visit_flags")
def visit_flags(request, visit_id: Id):
    """Truthfulness flags of a visit, for inspectors."""
    visit = selectors.visit_for(request.auth, visit_id)
    return [
        {
            "kind": flag.kind,
            "reason": selectors.flag_reason(flag),
            "other_visit_id": flag.other_visit_id,
        }
        for flag in selectors.flags_of(request.auth, visit)
    ]


@router.post("/problems/{problem_id}/solve", response=ProblemOut, operation_id="problem_solve")
def problem_solve(request, problem_id: Id, payload: SolveIn):
    return services.problem_solve(actor=request.auth, problem_id=problem_id, **payload.dict())


@router.get("/compliance/visits", response=ComplianceOut, operation_id="visit_compliance")
def visit_compliance(request, place: str = "", month: str = ""):
    """Visit figures for a month (``2026-11``; default this month) under ``place`` (default:
    all the caller's places)."""
    code = params.place(place)
    within = region_for(request.auth, code) if code else None
    first = params.month(month)
    figures = selectors.compliance(request.auth, within, first)
    return {
        "place": within.code if within else None,
        "month": first,
        "rate": figures.rate,
        **{name: getattr(figures, name) for name in selectors.Compliance.__dataclass_fields__},
    }
