"""Household plans over the API: read a household's plan, add and change measures, record a
year's effect, and list the measures overdue under a place."""

import datetime
import uuid
from decimal import Decimal

from django.utils import timezone
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from bangfu.core import params
from bangfu.core.params import Id
from bangfu.core.schemas import documented
from bangfu.core.selectors import region_for
from bangfu.registry.selectors import household_for

from . import selectors, services
from .models import Effect, Measure, MeasureStatus

router = Router(tags=["plans"])


class MeasureIn(Schema):
    kind: str
    content: str = documented(Measure, "content")
    starts_on: datetime.date = documented(Measure, "starts_on")
    due_on: datetime.date = documented(Measure, "due_on")
    amount: Decimal | None = documented(Measure, "amount", None)
    responsible_helper_id: Id | None = None
    responsible_name: str = documented(Measure, "responsible_name", "")
    status: str = documented(Measure, "status", MeasureStatus.PLANNED)


class MeasureOut(Schema):
    id: int
    household_id: int
    kind: str
    kind_label: str
    content: str
    amount: Decimal | None
    responsible_helper_id: int | None
    responsible: str
    starts_on: datetime.date
    due_on: datetime.date
    status: str
    overdue: bool


class EffectIn(Schema):
    year: int = documented(Effect, "year")
    summary: str = documented(Effect, "summary")


class EffectOut(Schema):
    year: int
    summary: str
    per_capita_net_income: Decimal | None
    per_capita_net_income_before: Decimal | None


class PlanOut(Schema):
    household_id: int
    measures: list[MeasureOut]
    effects: list[EffectOut]


class OverdueFiltersIn(Schema):
    place: str = ""


def _measure(measure: Measure, today: datetime.date | None = None) -> dict:
    return {
        "id": measure.pk,
        "household_id": measure.household_id,
        "kind": measure.kind.value,
        "kind_label": measure.kind.label,
        "content": measure.content,
        "amount": measure.amount,
        "responsible_helper_id": measure.responsible_helper_id,
        "responsible": measure.responsible,
        "starts_on": measure.starts_on,
        "due_on": measure.due_on,
        "status": measure.status,
        "overdue": measure.is_overdue(today or timezone.localdate()),
    }


def _plan(user, household_id: int) -> dict:
    household = household_for(user, household_id)
    plan = selectors.plan_of(user, household)
    return {
        "household_id": household.pk,
        "measures": [_measure(m) | {"overdue": late} for m, late in plan["measures"]],
        "effects": [
            {
                "year": row["effect"].year,
                "summary": row["effect"].summary,
                "per_capita_net_income": row["income"],
                "per_capita_net_income_before": row["income_before"],
            }
            for row in plan["effects"]
        ],
    }


@router.get("/households/{household_id}/plan", response=PlanOut, operation_id="household_plan")
def household_plan(request, household_id: Id):
    return _plan(request.auth, household_id)


@router.post(
    "/households/{household_id}/plan/measures",
    response={201: MeasureOut},
    operation_id="measure_add",
)
def measure_add(request, household_id: Id, payload: MeasureIn):
    household = household_for(request.auth, household_id)
    measure = services.measure_add(
        actor=request.auth,
        household_id=household.pk,
        measure=services.MeasureInput(**payload.dict()),
    )
    return Status(201, _measure(selectors.measure_for(request.auth, measure.pk)))


@router.post("/plan/measures/{measure_id}", response=MeasureOut, operation_id="measure_update")
def measure_update(request, measure_id: Id, payload: MeasureIn):
    measure = selectors.measure_for(request.auth, measure_id)
    services.measure_update(
        actor=request.auth, measure_id=measure.pk, measure=services.MeasureInput(**payload.dict())
    )
    return _measure(selectors.measure_for(request.auth, measure.pk))


@router.post(
    "/households/{household_id}/plan/effects", response=PlanOut, operation_id="effect_record"
)
def effect_record(request, household_id: Id, payload: EffectIn):
    household = household_for(request.auth, household_id)
    services.effect_record(actor=request.auth, household_id=household.pk, **payload.dict())
    return _plan(request.auth, household.pk)


@router.get("/plan/overdue", response=list[MeasureOut], operation_id="measures_overdue")
@paginate(params.Pages, page_size=50)
def measures_overdue(request, filters: Query[OverdueFiltersIn]):
    """Measures past due and neither done nor dropped, under ``place`` or all the caller's."""
    code = params.place(filters.place)
    within = region_for(request.auth, code) if code else None
    return params.Mapped(selectors.overdue_measures(request.auth, within), _measure)


class AcknowledgementOut(Schema):
    id: int
    client_id: uuid.UUID
    created: bool
    kind: str
    signed_by: str
    recorded_at: datetime.datetime


@router.post(
    "/households/{household_id}/plan/acknowledgements",
    response={200: AcknowledgementOut, 201: AcknowledgementOut},
    operation_id="acknowledgement_add",
)
def acknowledgement_add(
    request,
    household_id: Id,
    client_id: Form[uuid.UUID],
    kind: Form[str],
    signed_by: Form[str],
    image: File[UploadedFile],
):
    """The household's acknowledgement of its plan: ``kind`` ``signature`` (a PNG drawn on
    the screen) or ``paper`` (a photo of the signed paper); ``client_id`` is made on the
    phone, and a second send of it answers with the first."""
    household = household_for(request.auth, household_id)
    record, created = services.acknowledgement_add(
        actor=request.auth,
        household_id=household.pk,
        client_id=client_id,
        kind=kind,
        signed_by=signed_by,
        content=image.read(),
        name=image.name or "",
    )
    return Status(
        201 if created else 200,
        {
            "id": record.pk,
            "client_id": record.client_id,
            "created": created,
            "kind": record.kind,
            "signed_by": record.signed_by,
            "recorded_at": record.recorded_at,
        },
    )
