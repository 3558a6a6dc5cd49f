"""Disasters by place and day (灾情) from the emergency management or agriculture bureau's
sheet (应急管理局、农业农村局): a row names a village or a township, the kind of disaster, its
day, its severity (1 一般 … 4 特别重大) and a note. Not about a member: every household of the
place is touched, so the sheet is a roster of places (``exchange.disasters``), not keyed by
ID number.

A place is named by its 12-digit code, or by its township's and village's names (a township
alone: the whole township) among the importer's places; one outside them is refused with
the words of one that does not exist. The natural key is (place, kind, day): a row whose key
is on record updates it (``disaster.update``, before and after) or is counted unchanged, any
other is new (``disaster.record``), so a sheet given again changes nothing.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core import audit, values
from bangfu.core.capabilities import Capability, require
from bangfu.core.errors import DomainError
from bangfu.core.models import Region
from bangfu.core.regions import RegionLevel, code_range
from bangfu.core.selectors import is_place_code
from bangfu.registry.models import Household

from ..models import Disaster

DISASTER_FIELDS = ["region", "kind", "day", "severity", "note"]
PLACE_LEVELS = (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE)


@dataclass
class DisasterRow:
    """One row of a disasters sheet, its cells cleaned."""

    kind: str  # a ``DisasterKind`` value
    day: Any
    severity: Any  # 1–4
    place_code: str = ""  # the village's or township's 12 digits
    township: str = ""  # or the names: the township's…
    village: str = ""  # …and the village's (none: the whole township)
    note: str = ""


@dataclass
class DisastersImport:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    places: set[str] = field(default_factory=set)  # the places of the rows written
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (row, field, why)


def _nowhere(field_name: str) -> DomainError:
    # The same words for a place that does not exist and one outside the importer's places.
    return DomainError(
        _("No village or township of this name or code among your places."),
        code="bad_place",
        field=field_name,
    )


def _place(places: QuerySet[Region], row: DisasterRow) -> Region:
    """The village or township the row names, among ``places`` (the importer's)."""
    code = row.place_code.strip()
    if code:
        found = places.filter(code=code).first() if is_place_code(code) else None
        if found is None:
            raise _nowhere("place_code")
        township = found if found.level == RegionLevel.TOWNSHIP else found.parent
        # Names given beside the code must be the code's: a sheet's columns that disagree
        # are a mistake the office has to settle, not one for us to guess.
        if row.village and (found.level != RegionLevel.VILLAGE or found.name != row.village):
            raise DomainError(
                _("The code %(code)s is %(name)s, not %(given)s; correct the code or the name.")
                % {"code": code, "name": found.name, "given": row.village},
                code="place_mismatch",
                field="village",
            )
        if row.township and (township is None or township.name != row.township):
            raise DomainError(
                _("The code %(code)s is not in %(given)s; correct the code or the name.")
                % {"code": code, "given": row.township},
                code="place_mismatch",
                field="township",
            )
        return found
    if row.village:
        candidates = places.filter(level=RegionLevel.VILLAGE, name=row.village)
        if row.township:
            candidates = candidates.filter(parent__name=row.township)
        where = "village"
    elif row.township:
        candidates = places.filter(level=RegionLevel.TOWNSHIP, name=row.township)
        where = "township"
    else:
        raise DomainError(
            _("Name the place: its code (行政区划代码), or its township and village."),
            code="no_place",
            field="place_code",
        )
    found_list = list(candidates[:2])
    if not found_list:
        raise _nowhere(where)
    if len(found_list) > 1:
        raise DomainError(
            _("Several places among yours have this name: write the township too, or the code."),
            code="ambiguous_place",
            field=where,
        )
    return found_list[0]


def _state(disaster: Disaster) -> dict[str, Any]:
    return audit.snapshot(disaster, DISASTER_FIELDS)


def _import_row(
    actor,
    place: Region,
    key: tuple[str, datetime.date],
    row: DisasterRow,
    source: str,
    result: DisastersImport,
) -> None:
    kind, day = key
    on_file = Disaster.objects.select_for_update().filter(region=place, kind=kind, day=day).first()
    disaster = on_file or Disaster(
        region=place,
        region_end=code_range(place.code, place.level)[1],
        kind=kind,
        day=day,
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    before = _state(on_file) if on_file is not None else None
    values.assign(disaster, row, ["severity", "note"])
    if before is not None and _state(disaster) == before:
        result.unchanged += 1
        return
    disaster.source = values.clean(Disaster, "source", source[:200])
    disaster.save()
    audit.record(
        actor=actor,
        action="disaster.record" if before is None else "disaster.update",
        obj=disaster,
        region_code=place.code,
        before=before,
        after={**_state(disaster), "source": source},
    )
    result.places.add(place.code)
    if before is None:
        result.new += 1
    else:
        result.changed += 1


def disasters_import(
    *, actor, rows: list[DisasterRow], source: str, commit: bool
) -> DisastersImport:
    """Record the disasters of a sheet (灾情导入), each row under the rules of the table, all
    rows in one transaction. Nothing stays written if any row is refused, or without
    ``commit``: the preview runs the very same writes and rolls them back."""
    require(actor, Capability.MONITORING_COUNTY)
    result = DisastersImport()
    places = Region.objects.visible_to(actor).filter(level__in=PLACE_LEVELS)
    given: set[tuple[str, str, datetime.date]] = set()
    with transaction.atomic():
        for index, row in enumerate(rows):
            try:
                with transaction.atomic():  # a savepoint: a refused row undoes only itself
                    place = _place(places, row)
                    key = (
                        values.clean(Disaster, "kind", row.kind),
                        values.clean(Disaster, "day", row.day),
                    )
                    if (place.code, *key) in given:
                        raise DomainError(
                            _(
                                "An earlier row gives this place's disaster of the same kind "
                                "on the same day; keep one of the two rows."
                            ),
                            code="repeated",
                            field="day",
                        )
                    given.add((place.code, *key))
                    _import_row(actor, place, key, row, source, result)
            except DomainError as refusal:
                result.problems.append((index, refusal.field or "", str(refusal.message)))
        if result.problems or not commit:
            transaction.set_rollback(True)
    return result


def households_of_places(codes: set[str]) -> set[int]:
    """The open households of the places (villages or townships) named: those a disaster
    there touches, over which the rules run once the sheet is written."""
    found: set[int] = set()
    for code, level in Region.objects.filter(pk__in=codes).values_list("code", "level"):
        lo, hi = code_range(code, level)
        found.update(
            Household.objects.filter(
                region_id__gte=lo, region_id__lt=hi, closed_on=None
            ).values_list("pk", flat=True)
        )
    return found
