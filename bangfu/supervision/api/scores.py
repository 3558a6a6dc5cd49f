"""The evaluation over the API (考评): scoring schemes, an inspector's points, the month's
scores with their breakdown (published, or computed now), publishing, the year's totals, a
household's hygiene points and a village's hygiene ranking."""

import datetime
from decimal import Decimal

from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from bangfu.core import params
from bangfu.core.models import Region
from bangfu.core.params import Id
from bangfu.core.schemas import documented
from bangfu.core.selectors import region_for, top_places

from .. import services
from ..models import ItemScore, SchemeItem, ScoreLevel, ScoringScheme
from ..scoring import COMPUTED_LEVELS
from ..selectors import scores as selectors

router = Router(tags=["supervision"])


class ItemIn(Schema):
    name: str = documented(SchemeItem, "name")
    source: str = Field(description="an ItemSource value (scored for points people give)")
    weight: Decimal = documented(SchemeItem, "weight")


class SchemeIn(Schema):
    region_code: str
    level: str = Field(description="unit, team, township, helper or household (hygiene)")
    name: str = documented(ScoringScheme, "name")
    valid_from: datetime.date = documented(ScoringScheme, "valid_from")
    items: list[ItemIn]


class SchemeUpdateIn(Schema):
    name: str = documented(ScoringScheme, "name")
    valid_from: datetime.date = documented(ScoringScheme, "valid_from")
    items: list[ItemIn]


class ItemOut(Schema):
    id: int
    name: str
    source: str
    weight: Decimal


class SchemeOut(Schema):
    id: int
    region_code: str
    level: str
    name: str
    valid_from: datetime.date
    frozen: bool = Field(description="a published month was scored by it: not changed any more")
    items: list[ItemOut]


class ItemScoreIn(Schema):
    item_id: Id
    month: datetime.date = documented(ItemScore, "month")
    subject: str = Field(max_length=20, description="a unit, team or helper id; a township code")
    points: Decimal = documented(ItemScore, "points")
    reason: str = documented(ItemScore, "reason")


class ItemScoreOut(Schema):
    id: int
    item_id: int
    month: datetime.date
    region_code: str
    points: Decimal
    reason: str


class ScoresIn(Schema):
    place: str = ""
    level: str = ScoreLevel.UNIT
    month: str = Field("", description="YYYY-MM; this month when left out")


class LineOut(Schema):
    item_id: int
    name: str
    source: str
    weight: Decimal
    share: Decimal | None = Field(description="computed items: percent; None for n/a")
    given: Decimal | None = Field(description="scored items: the points given, None if not yet")
    reason: str
    points: Decimal
    applies: bool


class ScoreOut(Schema):
    subject: str
    name: str
    region_code: str
    total: Decimal
    rank: int
    breakdown: list[LineOut]


class MonthScoresOut(Schema):
    place: str
    level: str
    month: datetime.date
    published: bool
    scheme_id: int | None
    scores: list[ScoreOut]


class PublishIn(Schema):
    region_code: str
    level: str
    month: datetime.date = documented(ItemScore, "month")


class SheetOut(Schema):
    id: int
    region_code: str
    level: str
    month: datetime.date
    scheme_id: int
    scores: int


class YearIn(Schema):
    place: str = ""
    level: str = ScoreLevel.UNIT
    year: str = ""


class YearRowOut(Schema):
    subject: str
    name: str
    average: Decimal
    months: int
    rank: int


class YearOut(Schema):
    year: int
    level: str
    months_published: list[datetime.date]
    rows: list[YearRowOut]


class HygienePointsIn(Schema):
    item_id: Id
    points: Decimal = documented(ItemScore, "points")


class HygieneIn(Schema):
    household_id: Id
    month: datetime.date = documented(ItemScore, "month")
    points: list[HygienePointsIn] = Field(description="each item of the scheme and its points")
    reason: str = documented(ItemScore, "reason")


class HygieneQueryIn(Schema):
    place: str = Field("", description="the village's code (the caller's first place if none)")
    month: str = ""


def _scheme(scheme: ScoringScheme) -> dict:
    return {
        "id": scheme.pk,
        "region_code": scheme.region_id,
        "level": scheme.level,
        "name": scheme.name,
        "valid_from": scheme.valid_from,
        "frozen": selectors.is_frozen(scheme),
        "items": [
            {"id": item.pk, "name": item.name, "source": item.source, "weight": item.weight}
            for item in scheme.items.all()
        ],
    }


def _items(items: list[ItemIn]) -> list[services.ItemInput]:
    return [services.ItemInput(item.name, item.source, item.weight) for item in items]


def _row(row: selectors.ScoreRow) -> dict:
    return {
        "subject": row.key,
        "name": row.name,
        "region_code": row.region_id,
        "total": row.total,
        "rank": row.rank,
        "breakdown": [line.as_json() for line in row.lines],
    }


def _place(user, raw: str) -> Region:
    """The place of ``place``, or the caller's first place."""
    code = params.place(raw, field="place")
    if code:
        return region_for(user, code)
    top = top_places(user).order_by("level", "code").first()
    if top is None:
        raise Http404
    return top


def _given(score: ItemScore) -> dict:
    return {
        "id": score.pk,
        "item_id": score.item_id,
        "month": score.month,
        "region_code": score.region_id,
        "points": score.points,
        "reason": score.reason,
    }


@router.get("/supervision/schemes", response=list[SchemeOut], operation_id="scheme_list")
@paginate(params.Pages, page_size=50)
def scheme_list(request):
    """The scoring schemes at the caller's places, with their items."""
    return [_scheme(scheme) for scheme in selectors.schemes(request.auth)]


@router.get("/supervision/schemes/{scheme_id}", response=SchemeOut, operation_id="scheme_get")
def scheme_get(request, scheme_id: Id):
    return _scheme(selectors.scheme_for(request.auth, scheme_id))


@router.post("/supervision/schemes", response={201: SchemeOut}, operation_id="scheme_create")
def scheme_create(request, payload: SchemeIn):
    """A place's scheme of a level from a month on, with its items and weights."""
    data = payload.dict()
    scheme = services.scheme_create(
        actor=request.auth,
        region_code=data["region_code"],
        level=data["level"],
        name=data["name"],
        valid_from=data["valid_from"],
        items=_items(payload.items),
    )
    return Status(201, _scheme(selectors.scheme_for(request.auth, scheme.pk)))


@router.put("/supervision/schemes/{scheme_id}", response=SchemeOut, operation_id="scheme_update")
def scheme_update(request, scheme_id: Id, payload: SchemeUpdateIn):
    """Change a scheme no published month was scored by (else refused)."""
    scheme = selectors.scheme_for(request.auth, scheme_id)
    services.scheme_update(
        actor=request.auth,
        scheme_id=scheme.pk,
        name=payload.name,
        valid_from=payload.valid_from,
        items=_items(payload.items),
    )
    return _scheme(selectors.scheme_for(request.auth, scheme.pk))


@router.post(
    "/supervision/scores/items", response={201: ItemScoreOut}, operation_id="item_score_set"
)
def item_score_set(request, payload: ItemScoreIn):
    """An inspector's points for a scored item of a unit, team, township or helper in a
    month, with the reason; refused once the month is published."""
    return Status(201, _given(services.item_score_set(actor=request.auth, **payload.dict())))


@router.get("/supervision/scores", response=MonthScoresOut, operation_id="month_scores")
def month_scores(request, filters: Query[ScoresIn]):
    """The month's scores of a level under a place, best first, each with its breakdown:
    as published, or computed now."""
    level = params.choice(
        filters.level, field="level", choices=COMPUTED_LEVELS, default=ScoreLevel.UNIT
    )
    month = params.month(filters.month)
    place = _place(request.auth, filters.place)
    sheet = selectors.published_sheet(place, level, month)
    scheme = sheet.scheme if sheet else selectors.scheme_in_force(place.code, level, month)
    return {
        "place": place.code,
        "level": level,
        "month": month,
        "published": sheet is not None,
        "scheme_id": scheme.pk if scheme else None,
        "scores": [_row(row) for row in selectors.month_scores(request.auth, place, level, month)],
    }


@router.post("/supervision/scores/publish", response={201: SheetOut}, operation_id="scores_publish")
def scores_publish(request, payload: PublishIn):
    """Publish a place's month of scores of a level: kept as they are, for good."""
    sheet = services.scores_publish(actor=request.auth, **payload.dict())
    return Status(
        201,
        {
            "id": sheet.pk,
            "region_code": sheet.region_id,
            "level": sheet.level,
            "month": sheet.month,
            "scheme_id": sheet.scheme_id,
            "scores": sheet.scores.count(),
        },
    )


@router.get("/supervision/scores/year", response=YearOut, operation_id="year_totals")
def year_totals(request, filters: Query[YearIn]):
    """The year-end target-responsibility score of each subject: the mean of its published
    monthly scores of the year, with the months counted."""
    level = params.choice(
        filters.level, field="level", choices=COMPUTED_LEVELS, default=ScoreLevel.UNIT
    )
    year = params.year(filters.year) or timezone.localdate().year
    totals = selectors.year_totals(request.auth, _place(request.auth, filters.place), year, level)
    return {
        "year": totals.year,
        "level": totals.level,
        "months_published": totals.months_published,
        "rows": [
            {
                "subject": row.key,
                "name": row.name,
                "average": row.average,
                "months": row.months,
                "rank": row.rank,
            }
            for row in totals.rows
        ],
    }


@router.post(
    "/supervision/hygiene/scores", response={201: list[ItemScoreOut]}, operation_id="hygiene_score"
)
def hygiene_score(request, payload: HygieneIn):
    """A household's hygiene points of a month, item by item of the hygiene scheme in force."""
    given = services.hygiene_score(
        actor=request.auth,
        household_id=payload.household_id,
        month=payload.month,
        points={row.item_id: row.points for row in payload.points},
        reason=payload.reason,
    )
    return Status(201, [_given(score) for score in given])


@router.get("/supervision/hygiene", response=list[ScoreOut], operation_id="hygiene_ranking")
def hygiene_ranking(request, filters: Query[HygieneQueryIn]):
    """A village's households ranked by their hygiene of the month."""
    place = _place(request.auth, filters.place)
    month = params.month(filters.month)
    return [_row(row) for row in selectors.month_scores(request.auth, place, "household", month)]
