"""Reads of the scoring schemes and the month's scores: published months from their
``Score`` rows as published, other months computed now (``scoring.compute_scores``)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.http import Http404

from bangfu.core.models import Region
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
    "average_scores",
    "hygiene_entry",
    "month_scores",
    "published_sheet",
    "scheme_for",
    "scheme_in_force",
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


MODELS: dict[str, Any] = {ScoreLevel.UNIT: Unit, ScoreLevel.TEAM: Team, ScoreLevel.HELPER: Helper}


def _names(level: str, keys: list[str]) -> dict[str, str]:
    if level == ScoreLevel.TOWNSHIP:
        rows = Region.objects.filter(code__in=keys).values_list("code", "name")
        return dict(rows)
    ids = [int(key) for key in keys]
    if level == ScoreLevel.HOUSEHOLD:
        names = household_names(Household.objects.filter(pk__in=ids))
        return {str(pk): name.title for pk, name in names.items()}
    rows = MODELS[level].objects.filter(pk__in=ids).values_list("pk", "name")
    return {str(pk): name for pk, name in rows}


def published_sheet(place: Region, level: str, month: datetime.date) -> ScoreSheet | None:
    return (
        ScoreSheet.objects.filter(region=place, level=level, month=month.replace(day=1))
        .select_related("scheme", "published_by")
        .first()
    )


def _key(level: str, score: Score) -> str:
    column = scoring.SUBJECT_COLUMN.get(level)
    return str(getattr(score, column)) if column else score.region_id


def month_scores(user, place: Region, level: str, month: datetime.date) -> list[ScoreRow]:
    """The month's scores of ``level`` under the place (read through the user's places),
    best first: as published, or computed now by the scheme in force at the place (scored
    items not yet scored count 0 and say so). Empty without a scheme."""
    place = get_visible_or_404(Region.objects.all(), user, code=place.code)
    first = month.replace(day=1)
    sheet = published_sheet(place, level, first)
    if sheet is not None:
        made = [
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
    else:
        scheme = scheme_in_force(place.code, level, first)
        if scheme is None:
            return []
        made = [
            ScoreRow(row.key, "", row.region_id, row.total, row.rank, row.lines)
            for row in scoring.compute_scores(scheme, level, place.code, first)
        ]
    names = _names(level, [row.key for row in made])
    for row in made:
        row.name = names.get(row.key, row.key)
    return sorted(made, key=lambda row: (row.rank, row.name, row.key))


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
    names = _names(level, list(totals))
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


def average_scores(place_code: str, month: datetime.date) -> dict[str, Decimal | None]:
    """The mean published total of each level at the place in the month (None where that
    level's month is not published): the indicator "average score by level"."""
    found: dict[str, Decimal | None] = dict.fromkeys(scoring.COMPUTED_LEVELS)
    rows = Score.objects.filter(sheet__region_id=place_code, sheet__month=month.replace(day=1))
    for level, total, n in (
        rows.values_list("sheet__level").annotate(total=Sum("total"), n=Count("pk")).order_by()
    ):
        if level in found:
            found[level] = (Decimal(total) / n).quantize(scoring.CENT, ROUND_HALF_UP)
    return found


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
