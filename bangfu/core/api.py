import datetime
from typing import Any

from ninja import Field, Router, Schema

from . import selectors, services
from .models import Policy
from .params import PlaceCode
from .schemas import documented

router = Router(tags=["places"])


class PlaceOut(Schema):
    code: str
    name: str
    level: int
    parent: str | None


class PlaceDetailOut(PlaceOut):
    children: list[PlaceOut]


class RuleOut(Schema):
    key: str
    label: str
    value: Any = Field(description="The value in force, typed (a number, true/false, a list).")
    value_text: str = Field(
        description="The same value as people write it and as the rules page shows it "
        "(是/否, names joined by 、, 每周四…); it may be sent back as it is."
    )
    default: Any
    default_text: str
    set_at_place: str | None
    valid_from: datetime.date | None


class RuleIn(Schema):
    value: Any
    valid_from: datetime.date = documented(Policy, "valid_from")
    note: str = documented(Policy, "note", "")


def _place(region) -> PlaceOut:
    return PlaceOut(code=region.code, name=region.name, level=region.level, parent=region.parent_id)


@router.get("/places", response=list[PlaceOut], operation_id="places_held")
def places_held(request):
    return [_place(region) for region in selectors.top_places(request.auth)]


@router.get("/places/{code}", response=PlaceDetailOut, operation_id="place_detail")
def place_detail(request, code: PlaceCode):
    region = selectors.region_for(request.auth, code)
    children = [_place(child) for child in selectors.children_of(request.auth, region)]
    return PlaceDetailOut(**_place(region).dict(), children=children)


def _rule(rule: selectors.RuleAtPlace) -> RuleOut:
    return RuleOut(
        key=rule.spec.key,
        label=str(rule.spec.label),
        value=rule.effective.value,
        value_text=rule.shown,
        default=rule.spec.default,
        default_text=rule.default_shown,
        set_at_place=rule.effective.region_code,
        valid_from=rule.effective.valid_from,
    )


@router.get("/places/{code}/rules", response=list[RuleOut], operation_id="place_rules")
def place_rules(request, code: PlaceCode):
    region = selectors.region_for(request.auth, code)
    return [_rule(rule) for rule in selectors.rules_at(request.auth, region)]


@router.put("/places/{code}/rules/{key}", response=RuleOut, operation_id="place_rule_set")
def place_rule_set(request, code: PlaceCode, key: str, payload: RuleIn):
    services.policy_set(
        actor=request.auth,
        region_code=code,
        key=key,
        value=payload.value,
        valid_from=payload.valid_from,
        note=payload.note,
    )
    region = selectors.region_for(request.auth, code)
    return next(_rule(r) for r in selectors.rules_at(request.auth, region) if r.spec.key == key)
