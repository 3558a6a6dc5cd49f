"""Reads of the national system snapshots (国家系统快照): each county's months as stored."""

from django.db.models import QuerySet

from bangfu.core.models import Region
from bangfu.core.scoping import get_visible_or_404

from ..models import Snapshot

SNAPSHOT_FIELDS = ("region", "imported_by")


def snapshots(user, within: Region | None = None) -> QuerySet[Snapshot]:
    """The snapshots of the counties in the user's places (under ``within``), the latest
    month first."""
    return (
        Snapshot.objects.visible_to(user, within)
        .select_related(*SNAPSHOT_FIELDS)
        .order_by("-month", "region_id", "pk")
    )


def snapshot_for(user, snapshot_id: int) -> Snapshot:
    """One snapshot; one of a county outside the user's places answers 404 like a missing one."""
    return get_visible_or_404(
        Snapshot.objects.select_related(*SNAPSHOT_FIELDS), user, pk=snapshot_id
    )
