"""Bulletins (简报/通报) and supervision's figures over the API: list and read bulletins, draft,
change and publish them; a place's supervision indicators of a month, as the dashboard and
the bulletins count them."""

import datetime
from typing import Any

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from bangfu.core import params
from bangfu.core.params import Id
from bangfu.core.schemas import documented
from bangfu.core.selectors import region_for, top_places

from .. import selectors, services
from ..models import Bulletin
from ..selectors.bulletins import key_figures

router = Router(tags=["supervision"])


class BulletinCreateIn(Schema):
    region_code: str
    month: str  # 2026-11
    title: str = documented(Bulletin, "title", "")
    corrects_id: Id | None = None  # a published bulletin of the same place


class BulletinUpdateIn(Schema):
    title: str = documented(Bulletin, "title")
    summary: str = documented(Bulletin, "summary", "")
    good_practice: str = documented(Bulletin, "good_practice", "")


class BulletinFiltersIn(Schema):
    place: str = ""
    year: str = ""


class BulletinRowOut(Schema):
    id: int
    place_code: str
    place: str
    month: str
    year: int
    number: int
    title: str
    state: str
    corrects_id: int | None
    published_at: datetime.datetime | None


class FigureOut(Schema):
    key: str
    name: str
    value: int | float | str | None
    shown: str
    unit: str
    definition: str


class CategoryOut(Schema):
    label: str
    n: int


class BulletinOut(BulletinRowOut):
    summary: str
    good_practice: str
    # What the bulletin says: from the records now for a draft, as frozen once published.
    content: dict[str, Any]


class FiguresOut(Schema):
    place_code: str
    place: str
    month: str
    as_of: str
    satisfaction_min: int
    figures: list[FigureOut]
    by_category: list[CategoryOut]


def _row(bulletin: Bulletin) -> dict:
    return {
        "id": bulletin.pk,
        "place_code": bulletin.region_id,
        "place": bulletin.region.name,
        "month": f"{bulletin.month:%Y-%m}",
        "year": bulletin.year,
        "number": bulletin.number,
        "title": bulletin.title,
        "state": bulletin.state,
        "corrects_id": bulletin.corrects_id,
        "published_at": bulletin.published_at,
    }


def _bulletin(user, bulletin_id: int) -> dict:
    bulletin = selectors.bulletin_for(user, bulletin_id)
    return _row(bulletin) | {
        "summary": bulletin.summary,
        "good_practice": bulletin.good_practice,
        "content": selectors.bulletin_content(bulletin),
    }


@router.get("/supervision/bulletins", response=list[BulletinRowOut], operation_id="bulletin_list")
@paginate(params.Pages, page_size=50)
def bulletin_list(request, filters: Query[BulletinFiltersIn]):
    """The bulletins of the caller's places (under ``place``), of a year, the latest first."""
    code = params.place(filters.place)
    within = region_for(request.auth, code) if code else None
    found = selectors.bulletins_of(request.auth, within, params.year(filters.year))
    return params.Mapped(found, _row)


@router.get(
    "/supervision/bulletins/{bulletin_id}", response=BulletinOut, operation_id="bulletin_get"
)
def bulletin_get(request, bulletin_id: Id):
    return _bulletin(request.auth, bulletin_id)


@router.post("/supervision/bulletins", response={201: BulletinOut}, operation_id="bulletin_create")
def bulletin_create(request, payload: BulletinCreateIn):
    """Draft a place's bulletin of a month (the next number of the place's year); with
    ``corrects_id``, a correction of a published bulletin of the place."""
    bulletin = services.bulletin_create(actor=request.auth, **payload.dict())
    return Status(201, _bulletin(request.auth, bulletin.pk))


@router.post(
    "/supervision/bulletins/{bulletin_id}", response=BulletinOut, operation_id="bulletin_update"
)
def bulletin_update(request, bulletin_id: Id, payload: BulletinUpdateIn):
    """Change a draft's title, summary and good practice."""
    bulletin = selectors.bulletin_for(request.auth, bulletin_id)
    services.bulletin_update(actor=request.auth, bulletin_id=bulletin.pk, **payload.dict())
    return _bulletin(request.auth, bulletin.pk)


@router.post(
    "/supervision/bulletins/{bulletin_id}/publish",
    response=BulletinOut,
    operation_id="bulletin_publish",
)
def bulletin_publish(request, bulletin_id: Id):
    """Publish a draft: its figures frozen, its .docx and PDF made and kept."""
    bulletin = selectors.bulletin_for(request.auth, bulletin_id)
    services.bulletin_publish(actor=request.auth, bulletin_id=bulletin.pk)
    return _bulletin(request.auth, bulletin.pk)


@router.get("/supervision/figures", response=FiguresOut, operation_id="supervision_figures")
def supervision_figures(request, place: str = "", month: str = ""):
    """A place's supervision indicators of a month with their definitions, as the dashboard
    and the month's bulletin count them (``place``: one of the caller's places, the first of
    them if none; ``month``: 2026-11, this month if none)."""
    code = params.place(place)
    chosen = params.month(month)
    region = region_for(request.auth, code) if code else top_places(request.auth).first()
    if region is None:
        raise params.BadParameter(_("You hold no place to count figures of."), field="place")
    return {"place_code": region.code, **key_figures(region, chosen)}
