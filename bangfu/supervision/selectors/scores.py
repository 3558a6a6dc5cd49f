"""Reads of the scoring schemes and the month's scores: published months from their
``Score`` rows as published, other months computed now (``scoring.compute_scores``)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from bangfu.core.models import Region
from bangfu.core.regions import RegionLevel, ancestor_codes, code_range
from bangfu.core.scoping import get_visible_or_404
from bangfu.pairing.models import Helper, Unit
from bangfu.registry.models import Household
from bangfu.registry.selectors import household_names
from bangfu.teams.models import Team

from .. import scoring
from ..models import SchemeItem, Score, ScoreLevel, ScoreSheet, ScoringScheme
from ..scoring import Line, scheme_in_force

__all__ = [
    "Line",
    "ScoreRow",
    "YearRow",
    "YearTotals",
    "hygiene_entry",
    "month_scores",
    "month_scores_under",
    "published_sheet",
    "scheme_for",
    "scheme_in_force",
    "scored_places",
    "schemes",
    "score_breakdown",
    "year_totals",
]


def schemes(user, within: Region | None = None) -> QuerySet[ScoringScheme]:
    """The schemes at the user's places (or at and under ``within``), with their items."""
    return (
        ScoringScheme.objects.visible_to(user, within)
        .select_related("region")
        .prefetch_related("items")
        .order_by("region_id", "level", "-valid_from", "pk")
    )


def scheme_for(user, scheme_id: int) -> ScoringScheme:
    return get_visible_or_404(
        ScoringScheme.objects.prefetch_related("items").select_related("region"), user, pk=scheme_id
    )


def item_for(user, item_id: int) -> SchemeItem:
    return get_visible_or_404(
        SchemeItem.objects.select_related("scheme", "scheme__region"), user, pk=item_id
    )


def is_frozen(scheme: ScoringScheme) -> bool:
    """Whether a published month was scored by the scheme (then it is not changed)."""
    return ScoreSheet.objects.filter(scheme=scheme).exists()


@dataclass
class ScoreRow:
    """Who is scored, their total and rank, and each item's line."""

    key: str
    name: str
    region_id: str
    total: Decimal
    rank: int
    lines: list[Line] = field(default_factory=list)

    @property
    def not_yet_scored(self) -> int:
        return sum(1 for line in self.lines if line.not_yet_scored)


MODELS: dict[str, Any] = {
    ScoreLevel.UNIT: Unit,
    ScoreLevel.TEAM: Team,
    ScoreLevel.HELPER: Helper,
    ScoreLevel.HOUSEHOLD: Household,
}


def _names(level: str, place: Region, keys: list[str]) -> dict[str, str]:
    """The subjects' names, read by the place's code range (a province's 240,000 helpers'
    ids would not fit in one query)."""
    lo, hi = code_range(place.code, place.level)
    wanted = set(keys)
    if level == ScoreLevel.TOWNSHIP:
        rows = Region.objects.filter(code__gte=lo, code__lt=hi, level=RegionLevel.TOWNSHIP)
        return {code: name for code, name in rows.values_list("code", "name") if code in wanted}
    under = MODELS[level].objects.filter(region_id__gte=lo, region_id__lt=hi)
    if level == ScoreLevel.HOUSEHOLD:
        names = household_names(under.filter(pk__in=[int(key) for key in keys]))
        return {str(pk): name.title for pk, name in names.items()}
    return {str(pk): name for pk, name in under.values_list("pk", "name") if str(pk) in wanted}


def published_sheet(place: Region, level: str, month: datetime.date) -> ScoreSheet | None:
    return (
        ScoreSheet.objects.filter(region=place, level=level, month=month.replace(day=1))
        .select_related("scheme", "published_by")
        .first()
    )


def _key(level: str, score: Score) -> str:
    column = scoring.SUBJECT_COLUMN.get(level)
    return str(getattr(score, column)) if column else score.region_id


def scored_places(place: Region, level: str, month: datetime.date) -> list[str]:
    """The places whose month's scores of ``level`` make up the place's: the place itself
    when a scheme is in force there (its own or one above it), else the places under it
    with a scheme of their own from the month or before, the topmost (a province's
    counties: a scheme is a county's or a township's)."""
    first = month.replace(day=1)
    if scheme_in_force(place.code, level, first) is not None:
        return [place.code]
    lo, hi = code_range(place.code, place.level)
    found = set(
        ScoringScheme.objects.filter(
            region_id__gte=lo, region_id__lt=hi, level=level, valid_from__lte=first
        ).values_list("region_id", flat=True)
    )
    return sorted(
        code
        for code in found
        if not any(above in found and above != code for above in ancestor_codes(code))
    )


def month_scores(user, place: Region, level: str, month: datetime.date) -> list[ScoreRow]:
    """The month's scores of ``level`` under the place (read through the user's places),
    best first: as published, or computed now by the scheme in force at the place (scored
    items not yet scored count 0 and say so). Empty without a scheme."""
    return _scores_of(user, place, [place.code], level, month).get(place.code, [])


def month_scores_under(
    user, place: Region, level: str, month: datetime.date
) -> dict[str, list[ScoreRow]]:
    """The month's scores of ``level`` of every place that makes up the place's
    (``scored_places``: a province's counties), place code → its scores as ``month_scores``
    gives them; those not published computed at once (``scoring.compute_scores`` over the
    place: a province's month in one pass a level, not fifty)."""
    return _scores_of(user, place, scored_places(place, level, month), level, month)


def _scores_of(
    user, place: Region, codes: list[str], level: str, month: datetime.date
) -> dict[str, list[ScoreRow]]:
    """The scores of the places ``codes`` (at or under ``place``, none under another): each
    as published, or computed now by its scheme in force, the shares read over ``place``
    once; a place with neither is left out."""
    place = get_visible_or_404(Region.objects.all(), user, code=place.code)
    first = month.replace(day=1)
    sheets = ScoreSheet.objects.filter(region_id__in=codes, level=level, month=first)
    made: dict[str, list[ScoreRow]] = {}
    for sheet in sheets:
        made[sheet.region_id] = [
            ScoreRow(
                _key(level, score),
                "",
                score.region_id,
                score.total,
                score.rank,
                [Line.from_json(line) for line in score.breakdown],
            )
            for score in sheet.scores.order_by("rank", "pk")
        ]
    schemes = {
        code: scheme
        for code in codes
        if code not in made and (scheme := scheme_in_force(code, level, first)) is not None
    }
    if schemes:
        for code, computed in scoring.compute_scores(schemes, level, place.code, first).items():
            made[code] = [
                ScoreRow(row.key, "", row.region_id, row.total, row.rank, row.lines)
                for row in computed
            ]
    names = _names(level, place, [row.key for rows in made.values() for row in rows])
    for rows in made.values():
        for row in rows:
            row.name = names.get(row.key, row.key)
        rows.sort(key=lambda row: (row.rank, row.name, row.key))
    return made


def score_breakdown(
    user, place: Region, level: str, month: datetime.date, subject: str
) -> ScoreRow:
    """One subject's score of the month, item by item; 404 for one not scored there."""
    for row in month_scores(user, place, level, month):
        if row.key == str(subject):
            return row
    raise Http404


@dataclass
class YearRow:
    key: str
    name: str
    average: Decimal
    months: int  # the published months that scored the subject
    rank: int = 0


@dataclass
class YearTotals:
    """The year-end target-responsibility score (年终目标责任考核) of each subject: the mean
    of its published monthly totals of the year, with the months that counted."""

    year: int
    level: str
    months_published: list[datetime.date]
    rows: list[YearRow]


def year_totals(user, place: Region, year: int, level: str = ScoreLevel.UNIT) -> YearTotals:
    place = get_visible_or_404(Region.objects.all(), user, code=place.code)
    sheets = list(
        ScoreSheet.objects.filter(region=place, level=level, month__year=year).order_by("month")
    )
    totals: dict[str, list[Decimal]] = defaultdict(list)
    for score in Score.objects.filter(sheet__in=sheets).order_by():
        totals[_key(level, score)].append(score.total)
    names = _names(level, place, list(totals))
    rows = [
        YearRow(
            key,
            names.get(key, key),
            (sum(found, Decimal(0)) / len(found)).quantize(scoring.CENT, ROUND_HALF_UP),
            len(found),
        )
        for key, found in totals.items()
    ]
    for row, rank in zip(rows, scoring.ranked([row.average for row in rows]), strict=True):
        row.rank = rank
    rows.sort(key=lambda row: (row.rank, row.name, row.key))
    return YearTotals(year, level, [sheet.month for sheet in sheets], rows)


@dataclass
class HygieneEntry:
    """A village's households × the hygiene scheme's items for a month: the points given."""

    scheme: ScoringScheme | None
    items: list[SchemeItem]
    rows: list[tuple[Household, str, dict[int, Decimal]]]
    published: bool


def hygiene_entry(user, village: Region, month: datetime.date) -> HygieneEntry:
    village = get_visible_or_404(Region.objects.all(), user, code=village.code)
    first = month.replace(day=1)
    scheme = scheme_in_force(village.code, ScoreLevel.HOUSEHOLD, first)
    households = list(
        Household.objects.visible_to(user, village).filter(closed_on=None).order_by("number")
    )
    if scheme is None:
        return HygieneEntry(None, [], [], False)
    items = list(scheme.items.all())
    given = scoring.given_points(items, ScoreLevel.HOUSEHOLD, first)
    names = household_names(households)
    rows = [
        (
            household,
            names[household.pk].title,
            {
                item.pk: given[item.pk, str(household.pk)][0]
                for item in items
                if (item.pk, str(household.pk)) in given
            },
        )
        for household in households
    ]
    return HygieneEntry(
        scheme, items, rows, published_sheet(village, ScoreLevel.HOUSEHOLD, first) is not None
    )
