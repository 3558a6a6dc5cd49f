"""Plan figures of places (一户一策指标) for the place roll-ups: what a place's own records add
to its ``reports.PlaceStock`` row — open households with a plan, measures by kind (dropped
ones aside, as ``selectors.on_plans``), and open measures by due day, which the day judged
reads as overdue (``selectors.overdue_q``). ``reports.rollups`` calls ``own_stock`` for the
places the audit log says were written (``measure.*``, and the registry's for households).
"""

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Exists, OuterRef

from bangfu.registry.models import Household

from .models import OPEN_STATUSES, Measure, MeasureStatus

CHUNK = 500


def own_stock(codes: list[str] | None) -> Iterator[tuple[str, str, Any]]:
    """(place, roll-up field, a count or a map to add) for these places (every place's, for
    None)."""
    chunks = [None] if codes is None else range(0, len(codes), CHUNK)
    for start in chunks:
        chunk = None if start is None or codes is None else codes[start : start + CHUNK]
        where = {} if chunk is None else {"region_id__in": chunk}
        taken = Measure.objects.filter(**where).exclude(status=MeasureStatus.DROPPED)
        for code, n in (
            Household.objects.filter(**where, closed_on=None)
            .filter(Exists(taken.filter(household=OuterRef("pk"))))
            .values_list("region_id")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            yield code, "planned_households", n
        for code, kind, n in (
            taken.values_list("region_id", "kind_id").annotate(n=Count("pk")).order_by()
        ):
            yield code, "measures_by_kind", {str(kind): n}
        for code, due, n in (
            Measure.objects.filter(**where, status__in=OPEN_STATUSES)
            .values_list("region_id", "due_on")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            yield code, "open_measures", {due.isoformat(): n}
