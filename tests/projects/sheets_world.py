"""County A's project and its ledger, for the scoping walk of the sheets' exports: a started
project of 马家寨村 with an allocation and a payment, made as rows (the library's and the
ledger's services write the real ones)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from bangfu.core.models import Code
from bangfu.projects.models import LedgerEntry, Project, Stage

VILLAGE, COUNTY = "611103002201", "611103000000"


def sheets_world(actor) -> dict:
    now = timezone.now()
    project = Project.objects.create(
        region_id=VILLAGE,
        county_id=COUNTY,
        number="611103-2026-904",
        name="马家寨村道路硬化",
        kind=Code.objects.get(kind="project_kind", value="1"),
        year=2026,
        responsible_unit="沣西新城交通局",
        stage=Stage.STARTED,
        stage_on=datetime.date(2026, 3, 1),
        recorded_at=now,
        recorded_by=actor,
    )
    central = Code.objects.get(kind="fund_source", value="1")
    for kind, amount in (("allocation", "50000"), ("payment", "20000")):
        LedgerEntry.objects.create(
            project=project,
            region_id=VILLAGE,
            kind=kind,
            source=central,
            amount=Decimal(amount),
            day=datetime.date(2026, 4, 1),
            voucher="马家寨村-记1",
            recorded_at=now,
            recorded_by=actor,
        )
    return {"sheets_project": project}


def sheets_page_probes(probe) -> dict:
    """The exports list: aimed at county A by its place, they must show another county's
    administrator nothing of it."""
    return {
        "projects:library_export": probe(),
        "projects:ledger_export": probe(),
    }
