"""Pairing over the API: who helps a household, pairing and ending, coverage."""

import datetime

from ninja import Router, Schema, Status

from bangfu.core import params
from bangfu.core.params import Id
from bangfu.core.schemas import documented
from bangfu.core.selectors import region_for
from bangfu.registry.selectors import household_for

from . import selectors, services
from .models import Helper, Pairing, Unit

router = Router(tags=["pairing"])


class PairingOut(Schema):
    id: int
    household_id: int
    helper_id: int | None
    helper_name: str | None
    unit_id: int | None
    unit_name: str
    is_main: bool
    started_on: datetime.date
    ended_on: datetime.date | None
    end_reason: str


class PairingIn(Schema):
    household_id: Id
    started_on: datetime.date = documented(Pairing, "started_on")
    helper_id: Id | None = None
    unit_id: Id | None = None
    is_main: bool = False


class PairingEndIn(Schema):
    ended_on: datetime.date = documented(Pairing, "ended_on")
    reason: str = documented(Pairing, "end_reason")


class CoverageOut(Schema):
    place: str | None
    needing: int
    covered: int
    uncovered: int
    rate: float | None


def _out(pairing) -> dict:
    unit = pairing.helper.unit if pairing.helper else pairing.unit
    return {
        "id": pairing.pk,
        "household_id": pairing.household_id,
        "helper_id": pairing.helper_id,
        "helper_name": pairing.helper.name if pairing.helper else None,
        "unit_id": unit.pk,
        "unit_name": unit.name,
        "is_main": pairing.is_main,
        "started_on": pairing.started_on,
        "ended_on": pairing.ended_on,
        "end_reason": pairing.end_reason,
    }


@router.get(
    "/households/{household_id}/pairings",
    response=list[PairingOut],
    operation_id="household_pairings",
)
def household_pairings(request, household_id: Id):
    household = household_for(request.auth, household_id)
    return [_out(p) for p in selectors.pairings_of(household)]


@router.post("/pairings", response={201: PairingOut}, operation_id="pairing_start")
def pairing_start(request, payload: PairingIn):
    pairing = services.pairing_start(actor=request.auth, **payload.dict())
    return Status(201, _out(selectors.pairing_for(request.auth, pairing.pk)))


@router.post("/pairings/{pairing_id}/end", response=PairingOut, operation_id="pairing_end")
def pairing_end(request, pairing_id: Id, payload: PairingEndIn):
    pairing = services.pairing_end(actor=request.auth, pairing_id=pairing_id, **payload.dict())
    return _out(selectors.pairing_for(request.auth, pairing.pk))


class HandoverIn(Schema):
    to_helper_id: Id
    on: datetime.date = documented(Pairing, "started_on")
    reason: str = documented(Pairing, "end_reason")


@router.post(
    "/pairings/{pairing_id}/handover",
    response={201: PairingOut},
    operation_id="pairing_handover",
)
def pairing_handover(request, pairing_id: Id, payload: HandoverIn):
    """Hand one household to another helper: this pairing ends on ``on`` with ``reason``,
    the new one (answered) starts the same day; main stays main."""
    pairing = services.pairing_handover(actor=request.auth, pairing_id=pairing_id, **payload.dict())
    return Status(201, _out(selectors.pairing_for(request.auth, pairing.pk)))


@router.get("/coverage", response=CoverageOut, operation_id="coverage")
def coverage(request, place: str = ""):
    """Households that need a helper, and how many have one, under ``place`` (default: all
    the caller's places)."""
    code = params.place(place)
    within = region_for(request.auth, code) if code else None
    figures = selectors.coverage(request.auth, within)
    return {
        "place": within.code if within else None,
        "needing": figures.needing,
        "covered": figures.covered,
        "uncovered": figures.uncovered,
        "rate": figures.rate,
    }


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    level: str
    region_code: str
    credit_code: str


class UnitUpdateIn(Schema):
    name: str = documented(Unit, "name")
    kind: str = documented(Unit, "kind")
    level: str = documented(Unit, "level")
    credit_code: str = documented(Unit, "credit_code", "")


class UnitIn(UnitUpdateIn):
    region_code: str


class HelperOut(Schema):
    id: int
    name: str
    unit_id: int
    position: str
    phone: str
    party_member: bool
    households: int


class HelperIn(Schema):
    name: str = documented(Helper, "name")
    unit_id: Id
    position: str = documented(Helper, "position", "")
    phone: str = documented(Helper, "phone", "")
    party_member: bool = False
    id_number: str = ""


class TransferIn(Schema):
    to_helper_id: Id
    on: datetime.date = documented(Pairing, "started_on")
    reason: str = documented(Pairing, "end_reason")


def _unit(unit) -> dict:
    return {
        "id": unit.pk,
        "name": unit.name,
        "kind": unit.kind,
        "level": unit.level,
        "region_code": unit.region_id,
        "credit_code": unit.credit_code,
    }


def _helper(helper, households: int) -> dict:
    return {
        "id": helper.pk,
        "name": helper.name,
        "unit_id": helper.unit_id,
        "position": helper.position,
        "phone": helper.phone,
        "party_member": helper.party_member,
        "households": households,
    }


@router.get("/units", response=list[UnitOut], operation_id="units_list")
def units_list(request):
    return [_unit(u) for u in selectors.units_of(request.auth)]


@router.post("/units", response={201: UnitOut}, operation_id="unit_create")
def unit_create(request, payload: UnitIn):
    return Status(201, _unit(services.unit_create(actor=request.auth, **payload.dict())))


@router.put("/units/{unit_id}", response=UnitOut, operation_id="unit_update")
def unit_update(request, unit_id: Id, payload: UnitUpdateIn):
    """Correct a unit's details; it keeps its place."""
    unit = selectors.unit_for(request.auth, unit_id)
    return _unit(services.unit_update(actor=request.auth, unit_id=unit.pk, **payload.dict()))


@router.get("/helpers", response=list[HelperOut], operation_id="helpers_list")
def helpers_list(request):
    return [_helper(h, h.load) for h in selectors.helpers_of(request.auth)]


@router.post("/helpers", response={201: HelperOut}, operation_id="helper_create")
def helper_create(request, payload: HelperIn):
    return Status(201, _helper(services.helper_create(actor=request.auth, **payload.dict()), 0))


@router.put("/helpers/{helper_id}", response=HelperOut, operation_id="helper_update")
def helper_update(request, helper_id: Id, payload: HelperIn):
    """Correct a helper's details; an empty ``id_number`` keeps the one on record."""
    helper = selectors.helper_for(request.auth, helper_id)
    updated = services.helper_update(actor=request.auth, helper_id=helper.pk, **payload.dict())
    return _helper(updated, selectors.households_helped(updated))


@router.post(
    "/helpers/{helper_id}/transfer", response=list[PairingOut], operation_id="helper_transfer"
)
def helper_transfer(request, helper_id: Id, payload: TransferIn):
    """Hand every household of a helper to another: old pairings end, new ones start."""
    helper = selectors.helper_for(request.auth, helper_id)
    moved = services.helper_transfer(
        actor=request.auth,
        from_helper_id=helper.pk,
        to_helper_id=payload.to_helper_id,
        on=payload.on,
        reason=payload.reason,
    )
    return [_out(selectors.pairing_for(request.auth, p.pk)) for p in moved]
