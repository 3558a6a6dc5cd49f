"""National system snapshots over the API: the months stored of the caller's counties."""

import datetime

from ninja import Query, Router, Schema
from ninja.pagination import paginate

from bangfu.core import params
from bangfu.core.selectors import region_for

from .. import selectors
from ..models import Snapshot

router = Router(tags=["checks"])


class SnapshotOut(Schema):
    id: int
    county_code: str
    county: str
    month: str  # YYYY-MM
    file_name: str
    households: int
    members: int
    imported_by: str
    imported_at: datetime.datetime
    compared_at: datetime.datetime | None


class SnapshotFiltersIn(Schema):
    place: str = ""


def _snapshot(snapshot: Snapshot) -> dict:
    return {
        "id": snapshot.pk,
        "county_code": snapshot.region_id,
        "county": snapshot.region.name,
        "month": f"{snapshot.month:%Y-%m}",
        "file_name": snapshot.file_name,
        "households": snapshot.households,
        "members": snapshot.members,
        "imported_by": str(snapshot.imported_by),
        "imported_at": snapshot.imported_at,
        "compared_at": snapshot.compared_at,
    }


@router.get("/checks/snapshots", response=list[SnapshotOut], operation_id="snapshots_list")
@paginate(params.Pages, page_size=50)
def snapshots_list(request, filters: Query[SnapshotFiltersIn]):
    """The national system snapshots (国家系统快照) of the counties under ``place`` (or all
    the caller's places), the latest month first; uploading one is the exchange pages'."""
    code = params.place(filters.place)
    within = region_for(request.auth, code) if code else None
    return params.Mapped(selectors.snapshots(request.auth, within), _snapshot)
