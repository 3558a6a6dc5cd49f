"""Reads of inspection rounds and their samples."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from bangfu.core.capabilities import Capability
from bangfu.core.models import AuditEntry
from bangfu.core.scoping import get_visible_or_404
from bangfu.core.selectors import region_for
from bangfu.pairing.models import Helper, Unit
from bangfu.registry.models import Household
from bangfu.registry.selectors import household_names
from bangfu.teams.models import Team

from ..models import InspectionRound, RoundState, SampleDraw, SampleItem, SampleKind
from ..services.rounds import methods_of, sizes_of
from ..services.rounds_sampling import candidates_of, drawn_again


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


def rounds_of(
    user,
    *,
    within: str | None = None,
    month: datetime.date | None = None,
    state: str = "",
) -> QuerySet[InspectionRound]:
    """The rounds of the reader's places (or under one of them), newest month first, narrowed
    by month and state; paged by the caller in the database."""
    region = region_for(user, within) if within else None
    rounds = (
        InspectionRound.objects.visible_to(user, region)
        .select_related("region")
        .annotate(draw_count=Count("draws"))
    )
    if month:
        rounds = rounds.filter(month=month)
    if state:
        rounds = rounds.filter(state=state)
    return rounds.order_by("-month", "region_id", "pk")


def round_for(user, round_id: int) -> InspectionRound:
    return get_visible_or_404(
        InspectionRound.objects.select_related("region", "recorded_by"), user, pk=round_id
    )


def draws_of(inspection: InspectionRound) -> list[SampleDraw]:
    """The round's draws, first to last: who drew, when, from which seed, and why again."""
    return list(inspection.draws.select_related("drawn_by").order_by("number"))


@dataclass(frozen=True)
class Sampled:
    """A sampled record as the round's page and the API show it: what it is, its place's
    name and, for a household, the head's name."""

    item: SampleItem
    record_id: int
    name: str
    place: str
    head: str = ""


def _names(model, ids: list[int]) -> dict[int, str]:
    return dict(model.objects.filter(pk__in=ids).values_list("pk", "name"))


def sample_of(draw: SampleDraw | None) -> dict[str, list[Sampled]]:
    """The records a draw picked, kind by kind in the order drawn: households with their
    village and head, helpers, units and teams with their place; a handful of queries,
    whatever the sample's size."""
    shown: dict[str, list[Sampled]] = {kind: [] for kind in SampleKind.values}
    if draw is None:
        return shown
    items = list(draw.items.select_related("region").order_by("kind", "position"))
    households = household_names(
        Household.objects.filter(pk__in=[i.household_id for i in items if i.household_id]).only(
            "pk"
        )
    )
    names = {
        SampleKind.HELPER: _names(Helper, [i.helper_id for i in items if i.helper_id]),
        SampleKind.UNIT: _names(Unit, [i.unit_id for i in items if i.unit_id]),
        SampleKind.TEAM: _names(Team, [i.team_id for i in items if i.team_id]),
    }
    for item in items:
        record_id = getattr(item, f"{item.kind}_id")
        if item.kind == SampleKind.HOUSEHOLD:
            known = households[record_id]
            row = Sampled(item, record_id, known.number, known.place, known.head)
        else:
            row = Sampled(item, record_id, names[item.kind].get(record_id, ""), item.region.name)
        shown[item.kind].append(row)
    return shown


def round_actions(user, inspection: InspectionRound) -> dict[str, bool]:
    """What ``user`` may do on the round, as the services decide."""
    inspects = user.has_capability(Capability.INSPECT)
    open_ = inspects and inspection.state == RoundState.OPEN
    drawn = inspection.draws.exists()
    samples = any(sizes_of(inspection).values())
    in_use = drawn and (inspection.surveys.exists() or inspection.findings.exists())
    return {
        "edit": open_ and not drawn,
        "draw": open_ and samples and not drawn,
        "redraw": open_ and drawn and not in_use,
        "close": open_,
    }


def round_detail(user, round_id: int) -> dict[str, Any]:
    """A round with its inspection group, methods, sizes, current sample, its draws and what
    the reader may do."""
    inspection = round_for(user, round_id)
    draws = draws_of(inspection)
    current = draws[-1] if draws else None
    return {
        "inspection": inspection,
        "inspectors": list(inspection.inspectors.order_by("full_name", "pk")),
        "methods": methods_of(inspection),
        "sizes": sizes_of(inspection),
        "draw": current,
        "sample": sample_of(current),
        "draws": draws,
        "may": round_actions(user, inspection),
    }


# -- checking a draw ------------------------------------------------------------------------


@dataclass(frozen=True)
class KindCheck:
    """One kind of record of a draw, checked: the sample stored and the sample drawn again
    from the seed and the candidates kept; the records that are candidates now and were not
    then (``added``), and those that were and are no longer (``removed``), by name."""

    kind: str
    stored: list[int]
    recomputed: list[int]
    added: list[str]
    removed: list[str]

    @property
    def matches(self) -> bool:
        return self.stored == self.recomputed

    @property
    def label(self) -> str:
        return str(SampleKind(self.kind).label)


@dataclass(frozen=True)
class DrawCheck:
    draw: SampleDraw
    kinds: list[KindCheck]
    found: bool  # whether the draw's audit entry (its candidates) was found

    @property
    def matches(self) -> bool:
        return self.found and all(kind.matches for kind in self.kinds)


NAMED: dict[str, tuple[Any, str]] = {
    SampleKind.HOUSEHOLD: (Household, "number"),
    SampleKind.HELPER: (Helper, "name"),
    SampleKind.UNIT: (Unit, "name"),
    SampleKind.TEAM: (Team, "name"),
}


def _named(kind: str, ids: set[int]) -> list[str]:
    model, field = NAMED[SampleKind(kind)]
    rows = model.objects.filter(pk__in=ids).values_list("pk", field)
    return [name for _pk, name in sorted(rows)]


def check_draw(draw: SampleDraw) -> DrawCheck:
    """Draw ``draw`` again from its seed and the candidates its audit entry kept, and say
    whether it picks what was stored; name the records that came or went since."""
    entry = (
        AuditEntry.objects.filter(
            object_type="supervision.sampledraw",
            object_id=str(draw.pk),
            action__in=["sample.draw", "sample.redraw"],
        )
        .order_by("seq")
        .first()
    )
    inspection = draw.round
    stored: dict[str, list[int]] = defaultdict(list)
    for kind, _position, *ids in draw.items.order_by("kind", "position").values_list(
        "kind", "position", "household_id", "helper_id", "unit_id", "team_id"
    ):
        stored[kind].append(next(pk for pk in ids if pk is not None))
    if entry is None or not isinstance(entry.after, dict):
        return DrawCheck(draw, [], found=False)
    kept = entry.after
    on = timezone.localdate()
    checks: list[KindCheck] = []
    for kind, candidates in kept.get("candidates", {}).items():
        size = kept["wanted"][kind]
        then = {pk for ids in candidates.values() for pk in ids}
        now = {candidate.pk for candidate in candidates_of(inspection.region, kind, on)}
        checks.append(
            KindCheck(
                kind=kind,
                stored=stored.get(kind, []),
                recomputed=drawn_again(draw.seed, candidates, size, kept["stratified"], kind),
                added=_named(kind, now - then),
                removed=_named(kind, then - now),
            )
        )
    return DrawCheck(draw, checks, found=True)


def sample_verify(user, round_id: int, number: int | None = None) -> DrawCheck | None:
    """A round's draw (the current one, or ``number``), checked (``check_draw``); None before
    the first draw or for a number it never had."""
    inspection = round_for(user, round_id)
    draws = inspection.draws.select_related("round__region", "drawn_by").order_by("-number")
    draw = draws.filter(number=number).first() if number else draws.first()
    return check_draw(draw) if draw else None


def draws_of_month(month: datetime.date | None = None) -> QuerySet[SampleDraw]:
    """Every round's draws (of ``month``'s rounds, if given), for the operators' check of
    all samples at once (``manage.py verify_samples``); no person's places apply."""
    draws = SampleDraw.objects.select_related("round__region", "drawn_by")
    if month is not None:
        draws = draws.filter(round__month=month)
    return draws.order_by("round__month", "round__region__code", "round_id", "number")
