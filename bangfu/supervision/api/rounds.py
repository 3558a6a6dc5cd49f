"""Inspection rounds over the API (月度督查): list and read rounds with their sample, plan and
change them, draw the sample, draw it again with a reason, close a round, and check a draw
against its seed. Seeds are given as text: 63 bits do not fit a JavaScript number."""

import datetime

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from bangfu.core import params
from bangfu.core.params import Id
from bangfu.core.schemas import documented

from .. import selectors, services
from ..models import InspectionRound, RoundState, SampleDraw
from ..services.rounds import WANTED, methods_of

router = Router(tags=["supervision"])


class RoundIn(Schema):
    title: str = documented(InspectionRound, "title")
    methods: list[str]  # values of Method: on_site, documents, phone, home
    inspector_ids: list[Id]  # people with the inspector's capability covering the place
    households_wanted: int = documented(InspectionRound, "households_wanted", 0)
    helpers_wanted: int = documented(InspectionRound, "helpers_wanted", 0)
    units_wanted: int = documented(InspectionRound, "units_wanted", 0)
    teams_wanted: int = documented(InspectionRound, "teams_wanted", 0)
    stratified: bool = False  # drawn township by township
    notes: str = documented(InspectionRound, "notes", "")


class RoundPlanIn(RoundIn):
    region_code: str  # a county or township of the caller's places
    month: str  # 2026-11, or a day of the month


class RedrawIn(Schema):
    reason: str = documented(SampleDraw, "reason")


class RoundFiltersIn(Schema):
    place: str = ""
    month: str = ""  # 2026-11
    state: str = ""


class RoundRowOut(Schema):
    id: int
    place_code: str
    place: str
    month: str
    title: str
    methods: list[str]
    state: str
    households_wanted: int
    helpers_wanted: int
    units_wanted: int
    teams_wanted: int
    stratified: bool


class SampledOut(Schema):
    kind: str
    position: int
    record_id: int
    name: str  # a household's number, a helper's, unit's or team's name
    place_code: str
    place: str
    head: str  # a household's head


class DrawOut(Schema):
    number: int
    seed: str
    reason: str
    drawn_at: datetime.datetime
    drawn_by: str


class RoundOut(RoundRowOut):
    notes: str
    inspectors: list[int]
    inspector_names: list[str]
    draw: DrawOut | None  # the sample in force: the latest draw
    sample: list[SampledOut]
    draws: list[DrawOut]


class KindCheckOut(Schema):
    kind: str
    matches: bool
    stored: list[int]
    recomputed: list[int]
    added: list[str]
    removed: list[str]


class CheckOut(Schema):
    drawn: bool  # whether the round's sample has been drawn at all
    number: int | None
    seed: str | None
    found: bool  # whether the records it was drawn from are in the audit log
    matches: bool
    kinds: list[KindCheckOut]


def _row(inspection: InspectionRound) -> dict:
    return {
        "id": inspection.pk,
        "place_code": inspection.region_id,
        "place": inspection.region.name,
        "month": f"{inspection.month:%Y-%m}",
        "title": inspection.title,
        "methods": [value for value, _label in methods_of(inspection)],
        "state": inspection.state,
        **{field: getattr(inspection, field) for field in WANTED.values()},
        "stratified": inspection.stratified,
    }


def _draw(draw: SampleDraw) -> dict:
    return {
        "number": draw.number,
        "seed": str(draw.seed),
        "reason": draw.reason,
        "drawn_at": draw.drawn_at,
        "drawn_by": str(draw.drawn_by),
    }


def _round(user, round_id: int) -> dict:
    detail = selectors.round_detail(user, round_id)
    inspection = detail["inspection"]
    return _row(inspection) | {
        "notes": inspection.notes,
        "inspectors": [person.pk for person in detail["inspectors"]],
        "inspector_names": [str(person) for person in detail["inspectors"]],
        "draw": _draw(detail["draw"]) if detail["draw"] else None,
        "sample": [
            {
                "kind": kind,
                "position": row.item.position,
                "record_id": row.record_id,
                "name": row.name,
                "place_code": row.item.region_id,
                "place": row.place,
                "head": row.head,
            }
            for kind, rows in detail["sample"].items()
            for row in rows
        ],
        "draws": [_draw(draw) for draw in detail["draws"]],
    }


@router.get("/supervision/rounds", response=list[RoundRowOut], operation_id="round_list")
@paginate(params.Pages, page_size=50)
def round_list(request, filters: Query[RoundFiltersIn]):
    """The inspection rounds under ``place`` (or all the caller's places), newest month
    first, narrowed by month (``2026-11``) and state (``open``, ``closed``)."""
    month = filters.month.strip()
    rounds = selectors.rounds_of(
        request.auth,
        within=params.place(filters.place) or None,
        month=params.month(month) if month else None,
        state=params.choice(filters.state, field="state", choices=RoundState.values),
    )
    return params.Mapped(rounds, _row)


@router.get("/supervision/rounds/{round_id}", response=RoundOut, operation_id="round_get")
def round_get(request, round_id: Id):
    """A round with its inspection group, its sample in force and every draw."""
    return _round(request.auth, round_id)


@router.post("/supervision/rounds", response={201: RoundOut}, operation_id="round_plan")
def round_plan(request, payload: RoundPlanIn):
    """Plan a month's inspection of a county or township of the caller's places."""
    inspection = services.round_plan(actor=request.auth, **payload.dict())
    return Status(201, _round(request.auth, inspection.pk))


@router.post("/supervision/rounds/{round_id}", response=RoundOut, operation_id="round_update")
def round_update(request, round_id: Id, payload: RoundIn):
    """Change a round's details until its sample is drawn."""
    inspection = selectors.round_for(request.auth, round_id)
    services.round_update(actor=request.auth, round_id=inspection.pk, **payload.dict())
    return _round(request.auth, inspection.pk)


@router.post("/supervision/rounds/{round_id}/draw", response=RoundOut, operation_id="sample_draw")
def sample_draw(request, round_id: Id):
    """Draw the round's sample from a seed the system makes and keeps."""
    inspection = selectors.round_for(request.auth, round_id)
    services.sample_draw(actor=request.auth, round_id=inspection.pk)
    return _round(request.auth, inspection.pk)


@router.post(
    "/supervision/rounds/{round_id}/redraw", response=RoundOut, operation_id="sample_redraw"
)
def sample_redraw(request, round_id: Id, payload: RedrawIn):
    """Draw the round's sample again from a new seed, for a reason; the draw before stays."""
    inspection = selectors.round_for(request.auth, round_id)
    services.sample_redraw(actor=request.auth, round_id=inspection.pk, reason=payload.reason)
    return _round(request.auth, inspection.pk)


@router.post("/supervision/rounds/{round_id}/close", response=RoundOut, operation_id="round_close")
def round_close(request, round_id: Id):
    inspection = selectors.round_for(request.auth, round_id)
    services.round_close(actor=request.auth, round_id=inspection.pk)
    return _round(request.auth, inspection.pk)


@router.get(
    "/supervision/rounds/{round_id}/check",
    response=CheckOut,
    operation_id="sample_check",
)
def sample_check(request, round_id: Id):
    """The round's sample in force drawn again from its seed and the records it was drawn
    from: whether it is the same, and the records that came or went since."""
    check = selectors.sample_verify(request.auth, round_id)
    if check is None:
        return {
            "drawn": False,
            "number": None,
            "seed": None,
            "found": False,
            "matches": False,
            "kinds": [],
        }
    return {
        "drawn": True,
        "number": check.draw.number,
        "seed": str(check.draw.seed),
        "found": check.found,
        "matches": check.matches,
        "kinds": [
            {
                "kind": kind.kind,
                "matches": kind.matches,
                "stored": kind.stored,
                "recomputed": kind.recomputed,
                "added": kind.added,
                "removed": kind.removed,
            }
            for kind in check.kinds
        ],
    }
