"""County A's household plan for the route walk and the fuzz: the walk's household, paired
with 王帮扶 (whose login is the county's administrator), with one overdue measure and last
year's effect."""

import datetime
import uuid
from decimal import Decimal

from bangfu.plans.services import MeasureInput, acknowledgement_add, effect_record, measure_add

from .conftest import signature_png

MEASURE_JSON = {
    "kind": "1",
    "content": "马家寨村养殖：购进仔猪5头",
    "starts_on": "2026-03-01",
    "due_on": "2026-10-31",
    "amount": "3000",
    "responsible_helper_id": None,
    "responsible_name": "镇畜牧站 刘站长",
    "status": "planned",
}
MEASURE_FORM = {**MEASURE_JSON, "responsible_helper_id": ""}
EFFECT_JSON = {"year": 2025, "summary": "马家寨村养殖增收"}
SIGNATURE = signature_png()


def plan_world(county_admin, household) -> dict:
    measure = measure_add(
        actor=county_admin,
        household_id=household.pk,
        measure=MeasureInput(
            kind="1",
            content="马家寨村养殖：购进仔猪5头",
            starts_on=datetime.date(2026, 3, 1),
            due_on=datetime.date(2026, 10, 31),
            amount=Decimal("3000"),
            responsible_name="镇畜牧站 刘站长",
        ),
    )
    effect = effect_record(
        actor=county_admin, household_id=household.pk, year=2025, summary="马家寨村养殖增收"
    )
    acknowledgement, _created = acknowledgement_add(
        actor=county_admin,
        household_id=household.pk,
        client_id=uuid.UUID(int=15_000),
        kind="signature",
        signed_by="马家寨村户主",
        content=signature_png(),
    )
    return {"measure": measure, "effect": effect, "acknowledgement": acknowledgement}


def plans_page_probes(probe, a_household) -> dict:
    """The plans' routes for the walk's PAGE_PROBES (``probe`` is its ``Probe``)."""
    return {
        "plans:plan": probe(a_household, {"household_id": 10**9}),
        "plans:measure_add": probe(
            a_household, {"household_id": 10**9}, ("get", "post"), MEASURE_FORM
        ),
        "plans:measure_edit": probe(
            lambda w: {"measure_id": w["measure"].pk},
            {"measure_id": 10**9},
            ("get", "post"),
            {**MEASURE_FORM, "status": "dropped"},
        ),
        "plans:effect_record": probe(
            a_household, {"household_id": 10**9}, ("get", "post"), EFFECT_JSON
        ),
        "plans:overdue": probe(),
        "plans:place_overdue": probe(lambda w: {"code": "611103002201"}, {"code": "619999999999"}),
        "plans:acknowledge": probe(
            a_household,
            {"household_id": 10**9},
            ("get", "post"),
            {"client_id": str(uuid.UUID(int=15_001)), "kind": "signature", "signed_by": "入侵"},
        ),
        "plans:acknowledgement_image": probe(
            lambda w: {"acknowledgement_id": w["acknowledgement"].pk}, {"acknowledgement_id": 10**9}
        ),
    }


def plans_api_probes(probe, a_household) -> dict:
    """The plans' operations for the walk's API_PROBES."""
    return {
        "household_plan": probe(a_household, {"household_id": 10**9}),
        "measure_add": probe(a_household, {"household_id": 10**9}, ("post",), MEASURE_JSON),
        "measure_update": probe(
            lambda w: {"measure_id": w["measure"].pk},
            {"measure_id": 10**9},
            ("post",),
            {**MEASURE_JSON, "status": "dropped"},
        ),
        "effect_record": probe(a_household, {"household_id": 10**9}, ("post",), EFFECT_JSON),
        "measures_overdue": probe(),
        "acknowledgement_add": probe(
            a_household,
            {"household_id": 10**9},
            ("post",),
            {
                "client_id": str(uuid.UUID(int=15_002)),
                "kind": "signature",
                "signed_by": "入侵",
                "image": signature_png(),
            },
            multipart=True,
        ),
    }


def plans_aims(world, aim) -> dict:
    """For each plans API operation, a valid request aimed at ``world``'s records."""
    household = {"household_id": world["household"].pk}
    return {
        "household_plan": lambda n: aim(household, {}, None),
        "measure_add": lambda n: aim(household, {}, dict(MEASURE_JSON)),
        "measure_update": lambda n: aim(
            {"measure_id": world["measure"].pk}, {}, {**MEASURE_JSON, "status": "under_way"}
        ),
        "effect_record": lambda n: aim(household, {}, dict(EFFECT_JSON)),
        "measures_overdue": lambda n: aim({}, {"place": "611103002201"}, None),
        "acknowledgement_add": lambda n: aim(
            household,
            {},
            {
                "client_id": str(uuid.UUID(int=15_100 + n)),
                "kind": "signature",
                "signed_by": "马家寨村户主",
                "image": SIGNATURE,
            },
        ),
    }
