"""Reads of inspection rounds and their samples."""

from django.db.models import QuerySet

from ..models import InspectionRound, SampleDraw, SampleItem


def current_draw(inspection: InspectionRound) -> SampleDraw | None:
    """The round's sample in force: its latest draw (a redraw replaces the one before)."""
    return SampleDraw.objects.filter(round=inspection).order_by("-number").first()


def sampled(inspection: InspectionRound, kind: str) -> QuerySet[SampleItem]:
    """The records of ``kind`` (``SampleKind``) the round's current draw picked, in the order
    drawn; none before the first draw."""
    return SampleItem.objects.filter(
        draw__round=inspection,
        draw__number=SampleDraw.objects.filter(round=inspection)
        .order_by("-number")
        .values("number")[:1],
        kind=kind,
    ).order_by("position")
