"""County A's national system snapshot for the route walk and the fuzz: 2026-09, one
household of 马家寨村 with its head, stored by the county's administrator."""

import datetime

from bangfu.checks.models import Snapshot
from bangfu.checks.rows import SnapshotHouseholdRow, SnapshotMemberRow
from bangfu.checks.services import snapshot_store
from bangfu.core import idnumbers
from bangfu.core.protection import lookup_hash
from tests.registry.conftest import id_number

MONTH = datetime.date(2026, 9, 1)


def snapshot_world(county_admin) -> dict:
    number = id_number("19650312", "001")
    snapshot = snapshot_store(
        actor=county_admin,
        region_code="611103000000",
        month=MONTH,
        file_name="沣西新城国家系统导出.xlsx",
        households=[
            SnapshotHouseholdRow(
                number="6111030022010001",
                region_code="611103002201",
                place_written="马家寨村",
                attribute="1",
            )
        ],
        members=[
            SnapshotMemberRow(
                household_number="6111030022010001",
                id_number_hash=lookup_hash(idnumbers.normalise(number)),
                id_number_masked=idnumbers.mask(number, 4, 4),
                name="马建国",
                relation="01",
            )
        ],
    )
    return {"snapshot": snapshot}


def snapshot_page_probes(Probe) -> dict:
    return {
        "checks:snapshots": Probe(),
        "checks:snapshot": Probe(
            lambda w: {"snapshot_id": w["snapshot"].pk}, {"snapshot_id": 10**9}
        ),
        # Another county's administrator may upload only their own county's export.
        "exchange:snapshot_upload": Probe(
            methods=("get", "post"), data={"region_code": "611103000000", "month": "2026-09"}
        ),
    }


def snapshot_api_probes(Probe) -> dict:
    return {"snapshots_list": Probe()}


def snapshot_state():
    return list(Snapshot.objects.values_list("pk", "file_name", "households", "members"))


def snapshot_aims(aim) -> dict:
    """For the API fuzz: a valid request of each snapshot operation (none takes a body)."""
    return {"snapshots_list": lambda n: aim({}, {"place": "611103000000"}, None)}
