"""Scoring schemes (考评方案), the points people give (督查评分, 卫生评比), and publishing a
month's scores (月度考评结果), which keeps them as they were for good."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core import audit, values
from bangfu.core.capabilities import Capability, require
from bangfu.core.errors import DomainError, OutOfScope
from bangfu.core.models import Region
from bangfu.core.regions import RegionLevel, ancestor_codes
from bangfu.core.selectors import visible_place
from bangfu.pairing.models import Helper, Unit
from bangfu.registry.models import Household
from bangfu.teams.models import Team

from .. import scoring
from ..models import (
    ItemScore,
    ItemSource,
    SchemeItem,
    Score,
    ScoreLevel,
    ScoreSheet,
    ScoringScheme,
)


@dataclass
class ItemInput:
    """An item of a scheme as a form or the API gives it."""

    name: str
    source: str
    weight: Decimal | str


def _place(actor, code: object, *, field: str = "region_code") -> Region:
    region = visible_place(actor, str(code or "").strip())
    if region is None:
        raise DomainError(
            _("Choose a place among your places (its code)."), code="bad_place", field=field
        )
    return region


def _month(raw: object, model: Any = ScoringScheme, name: str = "valid_from", *, field: str):
    month = values.clean(model, name, raw, field=field)
    if month.day != 1:
        raise DomainError(
            _("A month is given by its first day (e.g. 2026-11-01)."),
            code="not_first_day",
            field=field,
        )
    return month


def _items(level: str, items: list[ItemInput]) -> list[dict[str, Any]]:
    if not items:
        raise DomainError(_("Give the scheme at least one item."), code="no_items", field="items")
    cleaned, names = [], set()
    for position, item in enumerate(items, start=1):
        row = {
            "name": values.clean(SchemeItem, "name", item.name, field="items"),
            "source": values.clean(SchemeItem, "source", item.source, field="items"),
            "weight": values.clean(SchemeItem, "weight", item.weight, field="items"),
            "position": position,
        }
        if row["weight"] <= 0:
            raise DomainError(
                _("Item %(name)s: its points must be more than 0.") % {"name": row["name"]},
                code="no_weight",
                field="items",
            )
        if row["name"] in names:
            raise DomainError(
                _("Two items are named %(name)s; name each item once.") % {"name": row["name"]},
                code="same_name",
                field="items",
            )
        if level == ScoreLevel.HOUSEHOLD and row["source"] != ItemSource.SCORED:
            raise DomainError(
                _("A hygiene scheme's items are scored by village staff, not computed."),
                code="household_computed",
                field="items",
            )
        names.add(row["name"])
        cleaned.append(row)
    return cleaned


def _scheme_place(actor, region_code: str, level: str) -> Region:
    place = _place(actor, region_code)
    allowed = [RegionLevel.COUNTY, RegionLevel.TOWNSHIP]
    if level == ScoreLevel.HOUSEHOLD:
        allowed.append(RegionLevel.VILLAGE)
    if place.level not in allowed:
        raise DomainError(
            _("A scheme is set by a county or a township (a village for hygiene)."),
            code="bad_scheme_place",
            field="region_code",
        )
    return place


def _state(scheme: ScoringScheme) -> dict[str, Any]:
    return {
        **audit.snapshot(scheme, ["name", "level", "valid_from"]),
        "items": [
            {"name": item.name, "source": item.source, "weight": str(item.weight)}
            for item in scheme.items.all()
        ],
    }


def _refuse_taken(place: Region, level: str, valid_from: datetime.date, pk: int | None) -> None:
    taken = ScoringScheme.objects.filter(region=place, level=level, valid_from=valid_from)
    if taken.exclude(pk=pk).exists():
        raise DomainError(
            _("%(place)s has a scheme of this level from that month already; change it instead.")
            % {"place": place.name},
            code="taken",
            field="valid_from",
        )


def scheme_create(
    *,
    actor,
    region_code: str,
    level: str,
    name: str,
    valid_from: datetime.date | str,
    items: list[ItemInput],
) -> ScoringScheme:
    """A place's scheme of a level from a month on (考评方案), with its items and weights."""
    require(actor, Capability.MANAGE_EVALUATION)
    level = values.clean(ScoringScheme, "level", level)
    place = _scheme_place(actor, region_code, level)
    month = _month(valid_from, field="valid_from")
    cleaned_name = values.clean(ScoringScheme, "name", name)
    rows = _items(level, items)
    with transaction.atomic():
        _refuse_taken(place, level, month, None)
        scheme = ScoringScheme.objects.create(
            region=place,
            level=level,
            name=cleaned_name,
            valid_from=month,
            recorded_at=timezone.now(),
            recorded_by=actor,
        )
        SchemeItem.objects.bulk_create(
            SchemeItem(scheme=scheme, region=place, **row) for row in rows
        )
        audit.record(
            actor=actor,
            action="scheme.create",
            obj=scheme,
            region_code=place.code,
            after=_state(scheme),
        )
    return scheme


def scheme_update(
    *,
    actor,
    scheme_id: int,
    name: str,
    valid_from: datetime.date | str,
    items: list[ItemInput],
) -> ScoringScheme:
    """Change a scheme no published month was scored by: its name, first month and items.
    An item keeps its points given when it keeps its name; an item with points given cannot
    be left out."""
    require(actor, Capability.MANAGE_EVALUATION)
    month = _month(valid_from, field="valid_from")
    cleaned_name = values.clean(ScoringScheme, "name", name)
    with transaction.atomic():
        scheme = (
            ScoringScheme.objects.visible_to(actor)
            .select_for_update()
            .filter(pk=scheme_id)
            .select_related("region")
            .first()
        )
        if scheme is None:
            raise OutOfScope()
        if ScoreSheet.objects.filter(scheme=scheme).exists():
            raise DomainError(
                _(
                    "Published months keep the scheme they were scored by; make a new scheme "
                    "in force from next month."
                ),
                code="published",
                field="scheme_id",
            )
        rows = _items(scheme.level, items)
        _refuse_taken(scheme.region, scheme.level, month, scheme.pk)
        before = _state(scheme)
        kept = {item.name: item for item in scheme.items.all()}
        wanted = {row["name"] for row in rows}
        for item_name, item in kept.items():
            if item_name not in wanted and ItemScore.objects.filter(item=item).exists():
                raise DomainError(
                    _("Points were given on item %(name)s; keep it (its weight may change).")
                    % {"name": item_name},
                    code="item_scored",
                    field="items",
                )
        for row in rows:
            item = kept.pop(row["name"], None) or SchemeItem(scheme=scheme, region=scheme.region)
            for attribute, value in row.items():
                setattr(item, attribute, value)
            item.save()
        SchemeItem.objects.filter(pk__in=[item.pk for item in kept.values()]).delete()
        scheme.name, scheme.valid_from = cleaned_name, month
        scheme.recorded_at, scheme.recorded_by = timezone.now(), actor
        scheme.save()
        audit.record(
            actor=actor,
            action="scheme.update",
            obj=scheme,
            region_code=scheme.region_id,
            before=before,
            after=_state(scheme),
        )
    return scheme


# ---------------------------------------------------------------------------------------------
# Points given


SUBJECT_MODELS: dict[str, Any] = {
    ScoreLevel.UNIT: Unit,
    ScoreLevel.TEAM: Team,
    ScoreLevel.HELPER: Helper,
    ScoreLevel.HOUSEHOLD: Household,
}


def subject_place(actor, level: str, subject: object) -> tuple[str, dict[str, Any]]:
    """The place of who is scored (a unit, team, helper or household by id, a township by
    code) among the actor's places, and the item score's subject columns."""
    if level == ScoreLevel.TOWNSHIP:
        place = visible_place(actor, str(subject or "").strip())
        if place is None or place.level != RegionLevel.TOWNSHIP:
            raise DomainError(
                _("Choose a township among your places."), code="bad_subject", field="subject"
            )
        return place.code, {}
    model = SUBJECT_MODELS[level]
    try:
        pk = int(str(subject))
    except ValueError:
        pk = 0
    found = model.objects.visible_to(actor).filter(pk=pk).values_list("region_id", flat=True)
    if not found:
        raise DomainError(
            _("Choose who is scored among your places."), code="bad_subject", field="subject"
        )
    return found[0], {scoring.SUBJECT_COLUMN[level]: pk}


def _refuse_published(region_code: str, level: str, month: datetime.date) -> None:
    if ScoreSheet.objects.filter(
        region_id__in=ancestor_codes(region_code), level=level, month=month
    ).exists():
        raise DomainError(
            _("The scores of %(month)s are published; they stay as they were.")
            % {"month": f"{month:%Y-%m}"},
            code="published",
            field="month",
        )


def _points(item: SchemeItem, raw: object, *, field: str) -> Decimal:
    points = values.clean(ItemScore, "points", raw, field=field)
    if points > item.weight:
        raise DomainError(
            _("Item %(name)s is worth %(weight)s points at most.")
            % {"name": item.name, "weight": item.weight},
            code="over_weight",
            field=field,
        )
    return points


def _give(
    actor, item: SchemeItem, month, region_code, columns, points, reason
) -> tuple[ItemScore, dict | None]:
    score = ItemScore.objects.filter(item=item, month=month, region_id=region_code, **columns)
    if not columns:
        score = score.filter(unit=None, team=None, helper=None, household=None)
    found = score.select_for_update().first()
    before = audit.snapshot(found, ["points", "reason"]) if found else None
    if found is None:
        found = ItemScore(item=item, month=month, region_id=region_code, **columns)
    found.points, found.reason = points, reason
    found.recorded_at, found.recorded_by = timezone.now(), actor
    found.save()
    return found, before


def item_score_set(
    *,
    actor,
    item_id: int,
    month: datetime.date | str,
    subject: object,
    points: Decimal | str,
    reason: str,
) -> ItemScore:
    """An inspector's points for a scored item of a unit, team, township or helper in a
    month, with the reason (督查评分); again for the same month corrects them, until the
    month is published."""
    require(actor, Capability.INSPECT)
    first = _month(month, ItemScore, "month", field="month")
    cleaned_reason = values.clean(ItemScore, "reason", reason)
    with transaction.atomic():
        item = (
            SchemeItem.objects.visible_to(actor).select_related("scheme").filter(pk=item_id).first()
        )
        if item is None:
            raise OutOfScope()
        level = item.scheme.level
        if item.source != ItemSource.SCORED or level == ScoreLevel.HOUSEHOLD:
            raise DomainError(
                _("Item %(name)s is computed from the records; only scored items take points.")
                % {"name": item.name},
                code="computed_item",
                field="item_id",
            )
        given = _points(item, points, field="points")
        region_code, columns = subject_place(actor, level, subject)
        _refuse_published(region_code, level, first)
        score, before = _give(actor, item, first, region_code, columns, given, cleaned_reason)
        audit.record(
            actor=actor,
            action="item_score.set",
            obj=score,
            region_code=region_code,
            before=before,
            after=audit.snapshot(
                score, ["item", "month", "points", "reason", *(c[:-3] for c in columns)]
            ),
        )
    return score


def hygiene_score(
    *,
    actor,
    household_id: int,
    month: datetime.date | str,
    points: dict[int, Any],
    reason: str,
) -> list[ItemScore]:
    """A household's hygiene of a month (卫生评比), item by item of the hygiene scheme in
    force at its place, by village staff (or the township's, the county's)."""
    require(actor, Capability.SCORE_HYGIENE)
    first = _month(month, ItemScore, "month", field="month")
    cleaned_reason = values.clean(ItemScore, "reason", reason)
    with transaction.atomic():
        household = Household.objects.visible_to(actor).filter(pk=household_id).first()
        if household is None:
            raise OutOfScope()
        scheme = scoring.scheme_in_force(household.region_id, ScoreLevel.HOUSEHOLD, first)
        if scheme is None:
            raise DomainError(
                _("No hygiene scheme is in force here for %(month)s.")
                % {"month": f"{first:%Y-%m}"},
                code="no_scheme",
                field="month",
            )
        items = {item.pk: item for item in scheme.items.all()}
        if not points:
            raise DomainError(_("Give points for the items."), code="no_points", field="points")
        _refuse_published(household.region_id, ScoreLevel.HOUSEHOLD, first)
        given, changes = [], []
        for raw_id, raw in points.items():
            try:
                item = items[int(raw_id)]
            except (KeyError, TypeError, ValueError):
                raise DomainError(
                    _("Score the items of the hygiene scheme in force."),
                    code="bad_item",
                    field="points",
                ) from None
            score, before = _give(
                actor,
                item,
                first,
                household.region_id,
                {"household_id": household.pk},
                _points(item, raw, field="points"),
                cleaned_reason,
            )
            given.append(score)
            changes.append((score, before))
        for score, before in changes:
            audit.record(
                actor=actor,
                action="hygiene.score",
                obj=score,
                region_code=household.region_id,
                before=before,
                after=audit.snapshot(score, ["item", "month", "household", "points", "reason"]),
            )
    return given


# ---------------------------------------------------------------------------------------------
# Publishing


def scores_publish(
    *, actor, region_code: str, level: str, month: datetime.date | str
) -> ScoreSheet:
    """Publish a place's month of scores of a level (发布月度考评): computed now by the
    scheme in force at the place and kept, breakdown and rank, as they are; never again
    computed."""
    require(actor, Capability.MANAGE_EVALUATION)
    level = values.clean(ScoringScheme, "level", level)
    place = _place(actor, region_code)
    first = _month(month, ItemScore, "month", field="month")
    if first > timezone.localdate().replace(day=1):
        raise DomainError(_("A month is published once it has begun."), code="ahead", field="month")
    with transaction.atomic():
        if (
            ScoreSheet.objects.select_for_update()
            .filter(region=place, level=level, month=first)
            .exists()
        ):
            raise DomainError(
                _("The scores of %(month)s are published already; they stay as they were.")
                % {"month": f"{first:%Y-%m}"},
                code="published",
                field="month",
            )
        scheme = scoring.scheme_in_force(place.code, level, first)
        if scheme is None:
            raise DomainError(
                _("No scheme of this level is in force here for %(month)s.")
                % {"month": f"{first:%Y-%m}"},
                code="no_scheme",
                field="level",
            )
        sheet = ScoreSheet.objects.create(
            region=place,
            level=level,
            month=first,
            scheme=scheme,
            published_at=timezone.now(),
            published_by=actor,
        )
        column = scoring.SUBJECT_COLUMN.get(level)
        schemes = {place.code: scheme}
        computed = scoring.compute_scores(schemes, level, place.code, first)[place.code]
        Score.objects.bulk_create(
            (
                Score(
                    sheet=sheet,
                    region_id=row.region_id,
                    total=row.total,
                    rank=row.rank,
                    breakdown=[line.as_json() for line in row.lines],
                    **({column: int(row.key)} if column else {}),
                )
                for row in computed
            ),
            batch_size=2000,
        )
        audit.record(
            actor=actor,
            action="scores.publish",
            obj=sheet,
            region_code=place.code,
            after={
                "level": level,
                "month": first.isoformat(),
                "scheme": scheme.pk,
                "scores": len(computed),
            },
        )
    return sheet
