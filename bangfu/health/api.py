"""Health assistance over the API: a member's contracts and check-ups, recording either,
the members without a valid contract on a day, and the check-up rate with its definition."""

import datetime
import uuid
from decimal import Decimal

from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from bangfu.core import params
from bangfu.core.errors import OutOfScope
from bangfu.core.models import Code
from bangfu.core.params import Id
from bangfu.core.schemas import documented
from bangfu.core.selectors import region_for, top_places

from . import selectors, services
from .models import Activity, CheckUp, Condition, DoctorContract, FollowUp, MedicalCost
from .services import MOST_FINDINGS

router = Router(tags=["health"])


class ContractIn(Schema):
    doctor: str = documented(DoctorContract, "doctor")
    institution: str = documented(DoctorContract, "institution")
    package: str = documented(Code, "value", description="a value of the list doctor_package")
    signed_on: datetime.date = documented(DoctorContract, "signed_on")
    valid_until: datetime.date = documented(DoctorContract, "valid_until")


class ContractOut(Schema):
    id: int
    member_id: int
    doctor: str
    institution: str
    package: str
    signed_on: datetime.date
    valid_until: datetime.date


class CheckUpIn(Schema):
    held_on: datetime.date = documented(CheckUp, "held_on")
    institution: str = documented(CheckUp, "institution")
    summary: str = documented(CheckUp, "summary", "")
    findings: list[str] = Field(
        [],
        description="values of the list checkup_finding",
        json_schema_extra={"maxItems": MOST_FINDINGS},
    )


class CheckUpOut(Schema):
    id: int
    member_id: int
    held_on: datetime.date
    institution: str
    summary: str
    findings: list[str]


class ConditionIn(Schema):
    illness: str = documented(Code, "value", description="a value of the list illness")
    kind: str = documented(Condition, "kind")
    diagnosed_on: datetime.date = documented(Condition, "diagnosed_on")
    note: str = documented(Condition, "note", "")


class FollowUpIn(Schema):
    client_id: uuid.UUID | None = Field(
        None,
        description="an id the phone made for this follow-up: a second send of it answers "
        "with the first (200) rather than recording it twice",
    )
    held_on: datetime.date = documented(FollowUp, "held_on")
    by: str = documented(FollowUp, "by")
    kind: str = documented(FollowUp, "kind")
    findings: str = documented(FollowUp, "findings", "")
    next_due: datetime.date | None = documented(FollowUp, "next_due", None)


class FollowUpOut(Schema):
    id: int
    condition_id: int
    client_id: uuid.UUID | None
    held_on: datetime.date
    by: str
    kind: str
    findings: str
    next_due: datetime.date | None


class ConditionOut(Schema):
    id: int
    member_id: int
    illness: str
    kind: str
    diagnosed_on: datetime.date
    note: str
    due: datetime.date | None
    follow_ups: list[FollowUpOut]


class OverdueOut(Schema):
    condition_id: int
    member_id: int
    name: str
    illness: str
    due: datetime.date
    region_code: str


class CostIn(Schema):
    year: int = documented(MedicalCost, "year")
    total: Decimal = documented(MedicalCost, "total")
    reimbursed: Decimal = documented(MedicalCost, "reimbursed")
    note: str = documented(MedicalCost, "note", "")


class CostOut(Schema):
    id: int
    member_id: int
    year: int
    total: Decimal
    reimbursed: Decimal
    reimbursed_share: Decimal | None
    note: str


class ActivityIn(Schema):
    region_code: str = Field(
        description="a township, village or group of the caller's places",
        json_schema_extra={"maxLength": 15},
    )
    kind: str = documented(Activity, "kind")
    held_on: datetime.date = documented(Activity, "held_on")
    organiser: str = documented(Activity, "organiser")
    people_served: int = documented(Activity, "people_served")
    note: str = documented(Activity, "note", "")


class ActivityOut(Schema):
    id: int
    region_code: str
    kind: str
    held_on: datetime.date
    organiser: str
    people_served: int
    note: str


class MemberHealthOut(Schema):
    member_id: int
    name: str
    household_id: int
    contracts: list[ContractOut]
    checkups: list[CheckUpOut]
    conditions: list[ConditionOut]
    costs: list[CostOut]


class UncontractedOut(Schema):
    member_id: int
    name: str
    household_id: int
    household_number: str
    region_code: str


class ExclusionOut(Schema):
    member_id: int
    name: str
    reason: str


class CheckupRateOut(Schema):
    region_code: str
    year: int
    day: datetime.date
    counted: int
    checked: int
    rate: Decimal | None
    definition: str
    excluded: list[ExclusionOut]


def _contract(row) -> dict:
    return {
        "id": row.pk,
        "member_id": row.member_id,
        "doctor": row.doctor,
        "institution": row.institution,
        "package": row.package.value,
        "signed_on": row.signed_on,
        "valid_until": row.valid_until,
    }


def _checkup(row) -> dict:
    return {
        "id": row.pk,
        "member_id": row.member_id,
        "held_on": row.held_on,
        "institution": row.institution,
        "summary": row.summary,
        "findings": [code.value for code in row.findings.all()],
    }


def _follow_up(row) -> dict:
    return {
        "id": row.pk,
        "condition_id": row.condition_id,
        "client_id": row.client_id,
        "held_on": row.held_on,
        "by": row.by,
        "kind": row.kind,
        "findings": row.findings,
        "next_due": row.next_due,
    }


def _condition(row) -> dict:
    return {
        "id": row.pk,
        "member_id": row.member_id,
        "illness": row.illness.value,
        "kind": row.kind,
        "diagnosed_on": row.diagnosed_on,
        "note": row.note,
        "due": row.due,
        "follow_ups": [_follow_up(f) for f in row.follow_ups.all()],
    }


def _cost(row) -> dict:
    return {
        "id": row.pk,
        "member_id": row.member_id,
        "year": row.year,
        "total": row.total,
        "reimbursed": row.reimbursed,
        "reimbursed_share": row.reimbursed_share,
        "note": row.note,
    }


@router.get("/health/members/{member_id}", response=MemberHealthOut, operation_id="member_health")
def member_health(request, member_id: Id):
    """A member's family-doctor contracts (latest first, renewals kept) and check-ups."""
    member = selectors.member_for(request.auth, member_id)
    return {
        "member_id": member.pk,
        "name": member.name,
        "household_id": member.household_id,
        "contracts": [_contract(row) for row in selectors.contracts_of(member)],
        "checkups": [_checkup(row) for row in selectors.checkups_of(member)],
        "conditions": [_condition(row) for row in selectors.conditions_of(member)],
        "costs": [_cost(row) for row in selectors.costs_of(member)],
    }


@router.post(
    "/health/members/{member_id}/contracts",
    response={201: ContractOut},
    operation_id="contract_sign",
)
def contract_sign(request, member_id: Id, payload: ContractIn):
    """Record a member's family-doctor contract or its renewal (a new contract; the earlier
    ones stay)."""
    row = services.contract_sign(
        actor=request.auth, member_id=member_id, contract=services.ContractInput(**payload.dict())
    )
    return Status(201, _contract(row))


@router.post(
    "/health/members/{member_id}/checkups",
    response={201: CheckUpOut},
    operation_id="checkup_record",
)
def checkup_record(request, member_id: Id, payload: CheckUpIn):
    """Record a member's check-up with its findings."""
    row = services.checkup_record(
        actor=request.auth, member_id=member_id, checkup=services.CheckUpInput(**payload.dict())
    )
    return Status(201, _checkup(row))


@router.get(
    "/health/uncontracted", response=list[UncontractedOut], operation_id="uncontracted_list"
)
@paginate(params.Pages, page_size=50)
def uncontracted_list(request, place: str = "", day: str = ""):
    """Members of registered households with no contract valid on ``day`` (default today)
    under ``place`` (default: all the caller's places), in register order."""
    code = params.place(place)
    within = region_for(request.auth, code) if code else None
    on = params.day(day) or timezone.localdate()
    return params.Mapped(
        selectors.uncontracted(request.auth, on, within),
        lambda m: {
            "member_id": m.pk,
            "name": m.name,
            "household_id": m.household_id,
            "household_number": m.household.number,
            "region_code": m.household.region_id,
        },
    )


@router.get("/health/checkup-rate", response=CheckupRateOut, operation_id="checkup_rate")
def checkup_rate(request, place: str = "", year: str = ""):
    """A place's check-up rate (体检率) for a year (default this year), with its definition
    and each member left out with the reason."""
    code = params.place(place)
    region = region_for(request.auth, code) if code else top_places(request.auth).first()
    if region is None:
        raise OutOfScope()
    figure = selectors.checkup_rate(
        request.auth, region, params.year(year) or timezone.localdate().year
    )
    return {
        "region_code": figure.region.code,
        "year": figure.year,
        "day": figure.day,
        "counted": figure.counted,
        "checked": figure.checked,
        "rate": figure.rate,
        "definition": figure.definition,
        "excluded": [
            {"member_id": e.member.pk, "name": e.member.name, "reason": e.reason}
            for e in figure.excluded
        ],
    }


@router.post(
    "/health/members/{member_id}/conditions",
    response={201: ConditionOut},
    operation_id="condition_record",
)
def condition_record(request, member_id: Id, payload: ConditionIn):
    """Put a member's chronic or serious illness under management."""
    row = services.condition_record(
        actor=request.auth,
        member_id=member_id,
        condition=services.ConditionInput(**payload.dict()),
    )
    return Status(201, _condition(selectors.condition_for(request.auth, row.pk)))


@router.post(
    "/health/conditions/{condition_id}/follow-ups",
    response={200: FollowUpOut, 201: FollowUpOut},
    operation_id="follow_up_record",
)
def follow_up_record(request, condition_id: Id, payload: FollowUpIn):
    """Record a follow-up (随访) of an illness, with when the next one is due. A phone sends
    the id it made (``client_id``): sent again, it answers 200 with the follow-up recorded
    the first time."""
    data = payload.dict()
    client_id = data.pop("client_id")
    follow_up = services.FollowUpInput(**data)
    if client_id is None:
        row = services.follow_up_record(
            actor=request.auth, condition_id=condition_id, follow_up=follow_up
        )
        return Status(201, _follow_up(row))
    row, created = services.follow_up_sent(
        actor=request.auth, client_id=client_id, condition_id=condition_id, follow_up=follow_up
    )
    return Status(201 if created else 200, _follow_up(row))


@router.get(
    "/health/follow-ups/overdue", response=list[OverdueOut], operation_id="follow_ups_overdue"
)
@paginate(params.Pages, page_size=50)
def follow_ups_overdue(request, place: str = "", day: str = ""):
    """Illnesses whose follow-up was due before ``day`` (default today) and not done, under
    ``place`` (default: all the caller's places), the longest overdue first."""
    code = params.place(place)
    within = region_for(request.auth, code) if code else None
    on = params.day(day) or timezone.localdate()
    return params.Mapped(
        selectors.overdue_follow_ups(request.auth, on, within),
        lambda c: {
            "condition_id": c.pk,
            "member_id": c.member_id,
            "name": c.member.name,
            "illness": c.illness.value,
            "due": c.due,
            "region_code": c.region_id,
        },
    )


@router.post(
    "/health/members/{member_id}/costs",
    response={201: CostOut},
    operation_id="medical_cost_record",
)
def medical_cost_record(request, member_id: Id, payload: CostIn):
    """Record a member's large medical costs of a year and what was reimbursed of them."""
    row = services.medical_cost_record(
        actor=request.auth, member_id=member_id, cost=services.CostInput(**payload.dict())
    )
    return Status(201, _cost(row))


def _activity(row) -> dict:
    return {
        "id": row.pk,
        "region_code": row.region_id,
        "kind": row.kind,
        "held_on": row.held_on,
        "organiser": row.organiser,
        "people_served": row.people_served,
        "note": row.note,
    }


@router.post(
    "/health/activities", response={201: ActivityOut}, operation_id="health_activity_record"
)
def health_activity_record(request, payload: ActivityIn):
    """Record a health activity (clinic day, free clinic, health-bus visit) at a place."""
    row = services.activity_record(
        actor=request.auth, activity=services.ActivityInput(**payload.dict())
    )
    return Status(201, _activity(row))


@router.get("/health/activities", response=list[ActivityOut], operation_id="health_activities")
@paginate(params.Pages, page_size=50)
def health_activities(request, place: str = ""):
    """Health activities under ``place`` (default: all the caller's places), latest first."""
    code = params.place(place)
    within = region_for(request.auth, code) if code else None
    return params.Mapped(selectors.activities(request.auth, within), _activity)
