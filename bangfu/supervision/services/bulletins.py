"""Bulletins (简报/通报): a place's month said in words and figures, numbered within the place's
year (第3期). A draft is edited while its figures follow the records; publishing freezes its
figures (``Bulletin.figures``), keeps its .docx and PDF as they were made, and is audited; a
correction is a new numbered bulletin naming the one it corrects."""

import datetime
import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core import audit, values
from bangfu.core.capabilities import Capability, require
from bangfu.core.errors import DomainError, OutOfScope
from bangfu.core.models import Region
from bangfu.core.selectors import visible_place
from bangfu.core.services import retried_on_conflict

from ..bulletins_files import bulletin_docx, bulletin_pdf
from ..models import Bulletin, BulletinState
from ..selectors.bulletins import live_content

AUDITED = ["region", "month", "year", "number", "title", "summary", "good_practice", "state"]


def _state(bulletin: Bulletin) -> dict[str, Any]:
    state = audit.snapshot(bulletin, AUDITED)
    state["corrects"] = bulletin.corrects_id
    return state


def _place(actor, region_code: str) -> Region:
    region = visible_place(actor, region_code)
    if region is None:
        raise DomainError(
            _("Choose a place of yours for the bulletin."), code="bad_place", field="region_code"
        )
    return region


def _month(raw: Any) -> datetime.date:
    """A month as ``2026-11`` or any day of it, to its first day."""
    if isinstance(raw, str) and len(raw.strip()) == 7:
        raw = raw.strip() + "-01"
    month = values.clean(Bulletin, "month", raw)
    if month is None:
        raise DomainError(_("Give the bulletin's month."), code="no_month", field="month")
    return month.replace(day=1)


def _bulletin(actor, bulletin_id: int, *, lock: bool = False) -> Bulletin:
    found = Bulletin.objects.visible_to(actor).select_related("region")
    if lock:
        found = found.select_for_update()
    bulletin = found.filter(pk=bulletin_id).first()
    if bulletin is None:
        raise OutOfScope()
    return bulletin


def _refuse_published(bulletin: Bulletin) -> None:
    if bulletin.state != BulletinState.DRAFT:
        raise DomainError(
            _(
                "This bulletin is published and stays as it was; to put something right, "
                "publish a correction."
            ),
            code="published",
        )


def default_title(region: Region, year: int, number: int) -> str:
    """沣西新城2026年第3期督查通报."""
    return _("%(place)s bulletin %(number)s of %(year)s") % {
        "place": region.name,
        "year": year,
        "number": number,
    }


@retried_on_conflict
@transaction.atomic
def bulletin_create(
    *,
    actor,
    region_code: str,
    month: Any,
    title: str = "",
    corrects_id: int | None = None,
) -> Bulletin:
    """Draft a place's bulletin of a month, with the place's next number of the year. A
    correction (``corrects_id``) names a published bulletin of the same place: it is of that
    bulletin's month, starts from its words, and takes the next number."""
    require(actor, Capability.MANAGE_EVALUATION)
    region = _place(actor, region_code)
    month = _month(month)
    corrected = None
    if corrects_id is not None:
        corrected = Bulletin.objects.visible_to(actor).filter(pk=corrects_id).first()
        if corrected is None or corrected.region_id != region.code:
            raise DomainError(
                _("A correction names a bulletin of the same place."),
                code="bad_correction",
                field="corrects_id",
            )
        if corrected.state != BulletinState.PUBLISHED:
            raise DomainError(
                _("Only a published bulletin is corrected; a draft is simply changed."),
                code="bad_correction",
                field="corrects_id",
            )
        month = corrected.month
    title = values.clean(Bulletin, "title", title) if title.strip() else ""
    year = month.year
    last = Bulletin.objects.filter(region=region, year=year).aggregate(n=Max("number"))["n"]
    number = (last or 0) + 1
    bulletin = Bulletin.objects.create(
        region=region,
        month=month,
        year=year,
        number=number,
        title=title or default_title(region, year, number),
        summary=corrected.summary if corrected else "",
        good_practice=corrected.good_practice if corrected else "",
        corrects=corrected,
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    audit.record(
        actor=actor,
        action="bulletin.create",
        obj=bulletin,
        region_code=region.code,
        after=_state(bulletin),
    )
    return bulletin


@transaction.atomic
def bulletin_update(
    *, actor, bulletin_id: int, title: str, summary: str, good_practice: str
) -> Bulletin:
    """Change a draft's words: its title, summary and good practice. A published bulletin is
    not changed."""
    require(actor, Capability.MANAGE_EVALUATION)
    bulletin = _bulletin(actor, bulletin_id, lock=True)
    _refuse_published(bulletin)
    before = _state(bulletin)
    for name, raw in (("title", title), ("summary", summary), ("good_practice", good_practice)):
        setattr(bulletin, name, values.clean(Bulletin, name, raw))
    bulletin.save(update_fields=["title", "summary", "good_practice"])
    audit.record(
        actor=actor,
        action="bulletin.update",
        obj=bulletin,
        region_code=bulletin.region_id,
        before=before,
        after=_state(bulletin),
    )
    return bulletin


def bulletin_publish(*, actor, bulletin_id: int) -> Bulletin:
    """Publish a draft: its figures as they are now are frozen in it, its .docx and PDF are
    made and kept, and it is audited. The files are made before the transaction (laying out
    the PDF is slow) and removed again if publishing is refused."""
    require(actor, Capability.MANAGE_EVALUATION)
    draft = _bulletin(actor, bulletin_id)
    _refuse_published(draft)
    content = live_content(draft.region, draft.month)
    folder = timezone.localdate().strftime("bulletins/%Y/")
    stored = [
        default_storage.save(f"{folder}{uuid.uuid4()}.{extension}", ContentFile(made))
        for extension, made in (
            ("docx", bulletin_docx(draft, content)),
            ("pdf", bulletin_pdf(draft, content)),
        )
    ]
    try:
        with transaction.atomic():
            bulletin = _bulletin(actor, bulletin_id, lock=True)
            _refuse_published(bulletin)
            if (bulletin.title, bulletin.summary, bulletin.good_practice) != (
                draft.title,
                draft.summary,
                draft.good_practice,
            ):
                raise DomainError(
                    _("The draft was changed meanwhile; look at it again and publish."),
                    code="changed",
                )
            before = _state(bulletin)
            bulletin.state = BulletinState.PUBLISHED
            bulletin.figures = content
            bulletin.docx, bulletin.pdf = stored
            bulletin.published_at, bulletin.published_by = timezone.now(), actor
            bulletin.save(
                update_fields=["state", "figures", "docx", "pdf", "published_at", "published_by"]
            )
            audit.record(
                actor=actor,
                action="bulletin.publish",
                obj=bulletin,
                region_code=bulletin.region_id,
                before=before,
                after=_state(bulletin) | {"files": stored, "figures": content["figures"]},
            )
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return bulletin
