"""A month's snapshot of a county's national system export (国家系统导出), stored as it was
read (``exchange.snapshots`` reads it; the demo and the tests build the rows themselves).

One snapshot a county and month: a second export of a month already stored replaces it,
as long as nobody has worked on its differences yet (classified one, or closed one by
hand); otherwise it is refused, since replacing it would throw that work away. Differences
of earlier snapshots that this one had closed (it showed the two agree) are opened again
on replacement: the comparison of the new export closes them again where it agrees.
"""

import dataclasses
import datetime
from collections.abc import Iterator

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from bangfu.core import audit, values
from bangfu.core.capabilities import Capability, require
from bangfu.core.errors import DomainError
from bangfu.core.inserts import insert_values
from bangfu.core.models import Region
from bangfu.core.protection import rotating
from bangfu.core.regions import RegionLevel, code_range
from bangfu.core.scoping import covers

from ..models import (
    Difference,
    DifferenceClass,
    DifferenceState,
    Snapshot,
    SnapshotHousehold,
    SnapshotMember,
)
from ..rows import SnapshotHouseholdRow, SnapshotMemberRow

INSERTED_AT_ONCE = 5000  # rows made into dicts and inserted together: memory stays flat


def snapshot_county(actor, region_code: str) -> Region:
    """The county a snapshot is of: a county within the actor's places, or a refusal that
    says what to choose."""
    county = Region.objects.filter(code=region_code, level=RegionLevel.COUNTY).first()
    if county is None or not covers(actor, region_code):
        raise DomainError(
            _("Choose a county among your places: a snapshot is one county's export."),
            code="bad_county",
            field="region_code",
        )
    return county


def snapshot_keys_settled() -> None:
    """Refused while a key rotation runs (settings name a previous scheme): a snapshot keeps
    its members by the hash alone, so stored now some would be under the new scheme while
    the registry's people not yet re-hashed are under the old one."""
    if rotating():
        raise DomainError(
            _(
                "The keys are being rotated: the settings still name the previous scheme. "
                "Store the national system's export once the rotation is done and the "
                "previous scheme removed from the settings, so that nobody is compared under "
                "two different hashes."
            ),
            code="keys_rotating",
            field="file",
        )


def snapshot_month(month: datetime.date) -> datetime.date:
    """The month's first day, within the check's window (from 2014, not in the future)."""
    return values.clean(Snapshot, "month", month.replace(day=1))


def _checked(model, row, *, number: str) -> dict:
    """The row's values as stored, each through its column's rule; a refusal names the
    household and the field."""
    data = dataclasses.asdict(row)
    for name in model.value_rules:
        try:
            data[name] = values.clean(model, name, data[name])
        except DomainError as refusal:
            raise DomainError(
                _("Household %(number)s: %(reason)s")
                % {"number": number, "reason": refusal.message},
                code=refusal.code,
                field=name,
            ) from None
    return data


def _household_values(
    snapshot: Snapshot, county: Region, rows: list[SnapshotHouseholdRow]
) -> Iterator[dict]:
    lo, hi = code_range(county.code, county.level)
    places = set(
        Region.objects.filter(
            code__gte=lo, code__lt=hi, level__in=(RegionLevel.VILLAGE, RegionLevel.GROUP)
        ).values_list("code", flat=True)
    )
    for row in rows:
        if row.region_code not in places:
            raise DomainError(
                _("Household %(number)s: %(code)s is not a village or group of %(county)s.")
                % {"number": row.number, "code": row.region_code, "county": county.name},
                code="bad_place",
                field="region_code",
            )
        yield {**_checked(SnapshotHousehold, row, number=row.number), "snapshot_id": snapshot.pk}


def _member_values(snapshot: Snapshot, rows: list[SnapshotMemberRow], numbers: set[str]):
    for row in rows:
        if row.household_number not in numbers:
            raise DomainError(
                _("Member of household %(number)s: the snapshot has no such household.")
                % {"number": row.household_number},
                code="bad_household",
                field="household_number",
            )
        if len(row.id_number_hash) != 64:
            raise DomainError(
                _("Member of household %(number)s: give the keyed hash of the ID number.")
                % {"number": row.household_number},
                code="bad_id_number",
                field="id_number_hash",
            )
        data = _checked(SnapshotMember, row, number=row.household_number)
        yield {**data, "snapshot_id": snapshot.pk}


def _once(keys: list[str], what: str) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise DomainError(
                _("%(what)s is given twice; give each once.") % {"what": what % {"key": key}},
                code="repeated",
            )
        seen.add(key)


def _insert(model, rows: Iterator[dict]) -> None:
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= INSERTED_AT_ONCE:
            insert_values(model, batch)
            batch = []
    if batch:
        insert_values(model, batch)


def _worked_on(snapshot: Snapshot) -> bool:
    """Whether someone has classified one of the snapshot's differences or closed one."""
    return (
        Difference.objects.filter(snapshot=snapshot)
        .filter(~Q(classification=DifferenceClass.UNCLASSIFIED) | ~Q(state=DifferenceState.OPEN))
        .exists()
    )


def _replaced(existing: Snapshot) -> dict:
    """The month's earlier snapshot and its untouched differences removed; the differences
    of earlier months it had closed opened again. What it was, for the audit."""
    if _worked_on(existing):
        raise DomainError(
            _(
                "%(month)s of %(county)s is stored already (from %(file)s), and its "
                "differences are being worked on: some are classified or closed. It cannot be "
                "replaced without losing that work. Store this export as next month's, or "
                "finish the check of %(month)s with the snapshot on file."
            )
            % {
                "month": f"{existing.month:%Y-%m}",
                "county": existing.region.name,
                "file": existing.file_name,
            },
            code="snapshot_in_use",
            field="month",
        )
    reopened = Difference.objects.filter(closed_by_snapshot=existing).update(
        state=DifferenceState.OPEN, closed_on=None, closed_by=None, closed_by_snapshot=None
    )
    Difference.objects.filter(snapshot=existing).delete()
    SnapshotMember.objects.filter(snapshot=existing).delete()
    SnapshotHousehold.objects.filter(snapshot=existing).delete()
    was = {
        "file": existing.file_name,
        "households": existing.households,
        "members": existing.members,
        "imported_at": existing.imported_at.isoformat(),
        "reopened": reopened,
    }
    existing.delete()
    return was


def snapshot_store(
    *,
    actor,
    region_code: str,
    month: datetime.date,
    file_name: str,
    households: list[SnapshotHouseholdRow],
    members: list[SnapshotMemberRow],
) -> Snapshot:
    """Keep a county's national system export of a month (存储国家系统快照): its households
    and members as read, in one transaction, inserted in bulk and audited once with the
    counts; a month already stored is replaced while none of its differences has been
    worked on (audited as a replacement, naming the file it replaced)."""
    require(actor, Capability.IMPORT_NATIONAL_DATA)
    snapshot_keys_settled()
    county = snapshot_county(actor, region_code)
    first_day = snapshot_month(month)
    name = values.clean(Snapshot, "file_name", file_name, field="file")
    _once([h.number for h in households], _("Household %(key)s"))
    _once([m.id_number_hash for m in members], _("A member's ID number (hash %(key)s)"))
    with transaction.atomic():
        existing = (
            Snapshot.objects.select_for_update()
            .select_related("region")
            .filter(region=county, month=first_day)
            .first()
        )
        was = _replaced(existing) if existing is not None else None
        snapshot = Snapshot.objects.create(
            region=county,
            month=first_day,
            file_name=name,
            imported_by=actor,
            households=len(households),
            members=len(members),
        )
        _insert(SnapshotHousehold, _household_values(snapshot, county, households))
        numbers = {h.number for h in households}
        _insert(SnapshotMember, _member_values(snapshot, members, numbers))
        audit.record(
            actor=actor,
            action="snapshot.replace" if was else "snapshot.store",
            obj=snapshot,
            region_code=county.code,
            before=was,
            after={
                "month": f"{first_day:%Y-%m}",
                "file": name,
                "households": snapshot.households,
                "members": snapshot.members,
            },
        )
    return snapshot
