"""Households and members over the API: the same services and checks as the pages."""

import datetime

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from bangfu.core import params
from bangfu.core.params import Id
from bangfu.core.schemas import schema_from

from . import selectors, services
from .models import Household, Member, StatusChange

router = Router(tags=["households"])


HouseholdIn = schema_from(services.HouseholdInput, "HouseholdIn", rules_of=Household)
MemberIn = schema_from(services.MemberInput, "MemberIn", rules_of=Member)
StatusIn = schema_from(services.StatusInput, "StatusIn", rules_of=StatusChange)
HouseholdFiltersIn = schema_from(selectors.HouseholdFilters, "HouseholdFiltersIn")


class RegistrationIn(Schema):
    household: HouseholdIn
    members: list[MemberIn]
    status: StatusIn


class HouseholdOut(Schema):
    id: int
    number: str
    region_code: str
    region_name: str
    status: str
    main_cause: str
    attribute: str
    year_identified: int


class MemberOut(Schema):
    id: int
    name: str
    sex: str
    birth_date: datetime.date
    id_number: str
    relation: str
    is_head: bool


class StatusOut(Schema):
    status: str
    effective_on: datetime.date
    reason: str
    monitoring_type: str | None
    risk_types: list[str]


class HouseholdDetailOut(HouseholdOut):
    other_causes: list[str]
    members: list[MemberOut]
    history: list[StatusOut]


def _summary(household) -> dict:
    return {
        "id": household.pk,
        "number": household.number,
        "region_code": household.region_id,
        "region_name": household.region.name,
        "status": household.status,
        "main_cause": household.main_cause.value,
        "attribute": household.attribute.value,
        "year_identified": household.year_identified,
    }


def _detail(request, household_id: int) -> dict:
    household = selectors.household_for(request.auth, household_id)
    mask = selectors.id_mask_for(request.auth)
    members = [
        {
            "id": m.pk,
            "name": m.name,
            "sex": m.sex,
            "birth_date": m.birth_date,
            "id_number": selectors.shown_id(m, mask),
            "relation": m.relation.value,
            "is_head": m.is_head,
        }
        for m in selectors.members_of(household)
    ]
    history = [
        {
            "status": change.status,
            "effective_on": change.effective_on,
            "reason": change.reason,
            "monitoring_type": change.monitoring_type.value if change.monitoring_type else None,
            "risk_types": [risk.value for risk in change.risk_types.all()],
        }
        for change in selectors.history_of(household)
    ]
    return {
        **_summary(household),
        "other_causes": [code.value for code in household.other_causes.all()],
        "members": members,
        "history": history,
    }


@router.get("/households", response=list[HouseholdOut], operation_id="households_list")
@paginate(params.Pages, page_size=50)
def households_list(request, filters: Query[HouseholdFiltersIn]):
    rows = selectors.households(request.auth, selectors.HouseholdFilters(**filters.dict()))
    return params.Mapped(rows, _summary)  # reads the page asked for, not every household


@router.post("/households", response={201: HouseholdDetailOut}, operation_id="household_register")
def household_register(request, payload: RegistrationIn):
    household = services.household_register(
        actor=request.auth,
        household=services.HouseholdInput(**payload.household.dict()),
        members=[services.MemberInput(**m.dict()) for m in payload.members],
        status=services.StatusInput(**payload.status.dict()),
    )
    return Status(201, _detail(request, household.pk))


@router.get(
    "/households/{household_id}", response=HouseholdDetailOut, operation_id="household_detail"
)
def household_detail(request, household_id: Id):
    return _detail(request, household_id)


@router.put(
    "/households/{household_id}", response=HouseholdDetailOut, operation_id="household_update"
)
def household_update(request, household_id: Id, payload: HouseholdIn):
    services.household_update(
        actor=request.auth,
        household_id=household_id,
        household=services.HouseholdInput(**payload.dict()),
    )
    return _detail(request, household_id)


@router.post(
    "/households/{household_id}/status",
    response=HouseholdDetailOut,
    operation_id="household_status_change",
)
def household_status_change(request, household_id: Id, payload: StatusIn):
    services.household_status_change(
        actor=request.auth,
        household_id=household_id,
        change=services.StatusInput(**payload.dict()),
    )
    return _detail(request, household_id)


@router.post(
    "/households/{household_id}/members",
    response={201: HouseholdDetailOut},
    operation_id="member_add",
)
def member_add(request, household_id: Id, payload: MemberIn):
    services.member_add(
        actor=request.auth, household_id=household_id, member=services.MemberInput(**payload.dict())
    )
    return Status(201, _detail(request, household_id))


@router.put("/members/{member_id}", response=HouseholdDetailOut, operation_id="member_update")
def member_update(request, member_id: Id, payload: MemberIn):
    member = services.member_update(
        actor=request.auth, member_id=member_id, member=services.MemberInput(**payload.dict())
    )
    return _detail(request, member.household_id)
