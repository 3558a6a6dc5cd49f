"""Re-sealing and re-hashing personal data under the keys and profile in force
(``manage.py rotate_keys``), in batches while the application serves.

Every model field named ``<name>_sealed`` is a sealed value (``core.protection``), and a
``<name>_hash`` beside it, if there is one, its look-up hash. A batch is one transaction:
it locks its rows, opens each (under whichever configured key sealed it), seals again the
ones not sealed under the first key of the current profile, hashes again the ones whose
hash is not the current scheme's, writes them, and records one ``crypto.reseal`` entry.
Rows the application writes meanwhile are written the current way already (the workers run
with the new settings before a rotation starts), and look-ups ask for both hashes
(``protection.lookup_hashes``) until settings stop naming the previous scheme. A pass over
every column that finds nothing left to change ends the rotation: ``crypto.switch`` is
recorded, and from it on the audit chain is hashed under the current profile and audit
key.

A ``<name>_hash`` with no ``<name>_sealed`` beside it, where other models seal ``<name>``,
is a copy of such a hash kept without the value (a national snapshot's member, a
difference: ``carried_columns``). It cannot be computed again, so it moves with the
rows it copies: a batch that re-hashes a value rewrites, in its transaction, every copy of
the value's old hash to the new one. Only a rotation moves a row from one scheme to the
other (an edit keeps a hash of the same value under the previous scheme), so no copy is
left behind.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models, transaction

from .audit import SWITCH, locked_head, record
from .models import AuditEntry
from .protection import fingerprints, lookup_hashes, seal, sealed_currently, unseal

BATCH = 500
SEALED, HASHED = "_sealed", "_hash"


@dataclass(frozen=True)
class SealedColumn:
    model: type[models.Model]
    sealed: str
    hashed: str | None

    def __str__(self) -> str:
        return f"{self.model._meta.label_lower}.{self.sealed}"


def sealed_columns() -> list[SealedColumn]:
    """Every sealed field of the project's models, with its look-up hash field if any."""
    found = []
    for model in apps.get_models():
        names = {field.name for field in model._meta.concrete_fields}
        for name in sorted(names):
            if name.endswith(SEALED):
                hashed = name.removesuffix(SEALED) + HASHED
                found.append(SealedColumn(model, name, hashed if hashed in names else None))
    return found


@dataclass(frozen=True)
class CarriedColumn:
    model: type[models.Model]
    hashed: str

    def __str__(self) -> str:
        return f"{self.model._meta.label_lower}.{self.hashed}"


def carried_columns() -> list[CarriedColumn]:
    """Every copy of a look-up hash kept without its value: a ``<name>_hash`` whose model has
    no ``<name>_sealed``, where another model seals ``<name>``."""
    stems = {column.sealed.removesuffix(SEALED) for column in sealed_columns()}
    found = []
    for model in apps.get_models():
        names = {field.name for field in model._meta.concrete_fields}
        for name in sorted(names):
            stem = name.removesuffix(HASHED)
            if name.endswith(HASHED) and stem in stems and stem + SEALED not in names:
                found.append(CarriedColumn(model, name))
    return found


def _carry(moved: dict[str, str]) -> dict[str, int]:
    """Rewrite every copy of an old hash in ``moved`` to its new one; rows per column."""
    counts = {}
    for column in carried_columns():
        manager = column.model._base_manager
        rows = list(
            manager.select_for_update()
            .filter(**{f"{column.hashed}__in": list(moved)})
            .values_list("pk", column.hashed)
        )
        if rows:
            manager.bulk_update(
                [column.model(pk=pk, **{column.hashed: moved[old]}) for pk, old in rows],
                [column.hashed],
            )
            counts[str(column)] = len(rows)
    return counts


class RotationRefused(Exception):
    """A rotation that would leave a row the application cannot find: nothing is written."""


@dataclass(frozen=True)
class Batch:
    last_pk: int | None  # None: the column is done
    read: int
    resealed: int
    rehashed: int
    carried: int = 0


def rotate_batch(column: SealedColumn, after_pk: int, size: int = BATCH) -> Batch:
    """Bring up to ``size`` rows of ``column`` after ``after_pk`` to the keys in force, in one
    transaction. Refused, writing nothing, on a row whose hash no configured scheme gives
    (the application could not find it: settings lack the previous scheme). The copies of
    each re-hashed value's old hash move with it (``carried_columns``)."""
    fields = [column.sealed] + ([column.hashed] if column.hashed else [])
    with transaction.atomic():
        rows = list(
            column.model._base_manager.select_for_update()
            .filter(pk__gt=after_pk)
            .order_by("pk")
            .values_list("pk", *fields)[:size]
        )
        changed: list[models.Model] = []
        moved: dict[str, str] = {}
        resealed = rehashed = 0
        for pk, sealed, *hashed in rows:
            if not sealed:  # an optional value not given
                continue
            value, fresh = unseal(sealed), dict[str, Any]()
            if not sealed_currently(sealed):
                fresh[column.sealed], resealed = seal(value), resealed + 1
            if column.hashed:
                known = lookup_hashes(value)
                if hashed[0] not in known:
                    raise RotationRefused(_unknown_scheme(column, pk))
                if hashed[0] != known[0]:
                    fresh[column.hashed] = moved[hashed[0]] = known[0]
                    rehashed += 1
            if fresh:
                current = dict(zip(fields, [sealed, *hashed], strict=True))
                changed.append(column.model(pk=pk, **(current | fresh)))
        carried: dict[str, int] = {}
        if changed:
            column.model._base_manager.bulk_update(changed, fields)
            carried = _carry(moved) if moved else {}
            record(
                actor=None,
                action="crypto.reseal",
                object_type=column.model._meta.label_lower,
                object_id=f"{changed[0].pk}-{changed[-1].pk}",
                after={"column": column.sealed, "rows": len(changed)}
                | ({"carried": carried} if carried else {}),
            )
    last = rows[-1][0] if len(rows) == size else None
    return Batch(last, len(rows), resealed, rehashed, sum(carried.values()))


def check_schemes() -> None:
    """Refuse before anything is written when settings lack the scheme the rows are hashed
    under (``BANGFU_CRYPTO_PREVIOUS`` forgotten): the first and last row of each hashed
    column must carry a hash the application asks for."""
    for column in sealed_columns():
        if column.hashed is None:
            continue
        rows = column.model._base_manager.exclude(**{column.sealed: ""}).order_by("pk")
        for row in (rows.first(), rows.last()):
            if row is None:
                continue
            value = unseal(getattr(row, column.sealed))
            if getattr(row, column.hashed) not in lookup_hashes(value):
                raise RotationRefused(_unknown_scheme(column, row.pk))


def _unknown_scheme(column: SealedColumn, pk: int) -> str:
    return (
        f"{column} row {pk} carries a look-up hash of no configured scheme: set "
        "BANGFU_CRYPTO_PREVIOUS / BANGFU_LOOKUP_KEY_PREVIOUS to the scheme it was hashed under"
    )


def rotate_column(column: SealedColumn, size: int = BATCH) -> Iterator[Batch]:
    """Every batch of ``column`` from its first row, each yielded once committed."""
    after_pk = 0
    while True:
        batch = rotate_batch(column, after_pk, size)
        yield batch
        if batch.last_pk is None:
            return
        after_pk = batch.last_pk


def switch() -> AuditEntry | None:
    """Record in the audit log that the keys and profile in force are now the ones every
    sealed value and hash is under (``crypto.switch``), unless the last switch said so
    already; the entries after it are hashed under the current profile and audit key."""
    state = fingerprints()
    with transaction.atomic():
        locked_head()
        last = (
            AuditEntry.objects.filter(action=SWITCH)
            .order_by("-seq")
            .values_list("after", flat=True)
            .first()
        )
        if last == state:
            return None
        return record(
            actor=None,
            action=SWITCH,
            object_type="core.audithead",
            object_id="1",
            before=last,
            after=state,
        )
