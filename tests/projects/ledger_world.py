"""County A's funds ledger for the route walk and the fuzz: a started project in the walk's
village with an allocation, a payment with its voucher photo, and an allocation to reverse."""

import datetime
from decimal import Decimal

from bangfu.projects.models import LedgerEntry, Stage
from bangfu.projects.services import allocation_record, payment_record
from tests.visits.conftest import jpeg

from .conftest import library_project

A_VILLAGE = "611103002201"
DAY = datetime.date(2026, 10, 8)
ENTRY_JSON = {"source": "1", "amount": "10.50", "day": "2026-10-08", "voucher": "记-9"}
ENTRY_FORM = {**ENTRY_JSON, "kind": "allocation"}
REVERSE_JSON = {"day": "2026-10-09", "reason": "重复录入"}
PHOTO = jpeg(7)


def ledger_world(county_admin) -> dict:
    project = library_project(
        county_admin,
        "2026-0901",
        region_code=A_VILLAGE,
        stage=Stage.STARTED,
        planned={"1": Decimal("900000")},
    )
    allocation = allocation_record(
        actor=county_admin, project_id=project.pk, source="1", amount="500000", day=DAY
    )
    payment = payment_record(
        actor=county_admin,
        project_id=project.pk,
        source="1",
        amount="1200",
        day=DAY,
        voucher="付-1",
        voucher_image=PHOTO,
    )
    return {"ledger_project": project, "allocation": allocation, "ledger_payment": payment}


def ledger_state() -> list:
    return list(LedgerEntry.objects.values_list("pk", "amount", "reverses_id"))


def _project(world):
    return {"project_id": world["ledger_project"].pk}


def _payment(world):
    return {"entry_id": world["ledger_payment"].pk}


def ledger_page_probes(probe) -> dict:
    """The ledger's routes for the walk's PAGE_PROBES (``probe`` is its ``Probe``)."""
    return {
        "projects:project_ledger": probe(
            _project, {"project_id": 10**9}, ("get", "post"), ENTRY_FORM
        ),
        "projects:ledger": probe(),
        "projects:entry_reverse": probe(
            _payment, {"entry_id": 10**9}, ("get", "post"), REVERSE_JSON
        ),
        "projects:voucher_image": probe(_payment, {"entry_id": 10**9}),
    }


def ledger_api_probes(probe) -> dict:
    """The ledger's operations for the walk's API_PROBES."""
    return {
        "ledger_of_project": probe(_project, {"project_id": 10**9}),
        "allocation_record": probe(_project, {"project_id": 10**9}, ("post",), ENTRY_JSON),
        "payment_record": probe(
            _project,
            {"project_id": 10**9},
            ("post",),
            {**ENTRY_JSON, "voucher_image": PHOTO},
            multipart=True,
        ),
        "entry_reverse": probe(_payment, {"entry_id": 10**9}, ("post",), REVERSE_JSON),
        "ledger_list": probe(),
    }


def ledger_aims(world, aim) -> dict:
    """For each ledger API operation, a valid request aimed at ``world``'s records."""
    project = _project(world)
    return {
        "ledger_of_project": lambda n: aim(project, {}, None),
        "allocation_record": lambda n: aim(project, {}, dict(ENTRY_JSON)),
        "payment_record": lambda n: aim(project, {}, {**ENTRY_JSON, "voucher_image": PHOTO}),
        "entry_reverse": lambda n: aim(_payment(world), {}, dict(REVERSE_JSON)),
        "ledger_list": lambda n: aim({}, {"place": A_VILLAGE, "year": "2026", "source": "1"}, None),
    }
