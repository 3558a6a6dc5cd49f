"""Writes of the kernel: places and policies. Each function is one transaction, audited."""

import datetime
import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import DataError, IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit, values
from .capabilities import Capability, require
from .codes import KINDS, CodeKind
from .errors import Clash, DomainError, OutOfScope
from .models import Code, DataIssue, DataIssueKind, Policy, Region
from .policies import spec_for
from .regions import RegionLevel, ancestor_codes, infer_level, validate_code
from .selectors import data_issues, visible_place

log = logging.getLogger(__name__)
Service = TypeVar("Service", bound=Callable[..., Any])


def _not_saved() -> DomainError:
    return DomainError(
        _("This could not be saved just now; try again in a moment."), code="conflict"
    )


def retried_on_conflict(service: Service) -> Service:
    """Run a write once more when it lost a race with another (争用).

    A write checks, then inserts; a concurrent write may take the same number between the
    two (a unique violation on PostgreSQL), or the two may deadlock or wait past a lock
    timeout. The write's own transaction (or savepoint) is rolled back by then, so it is run
    again: its checks now see the winner's row and refuse exactly as they refuse one person
    working alone. If it fails on the database a second time, that is no race but a value the
    checks let through: the operator's log gets the error and the person a refusal."""

    @functools.wraps(service)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return service(*args, **kwargs)
        except (IntegrityError, OperationalError):
            log.info("%s lost a race; running it again", service.__qualname__)
        except DataError:
            # A value out of its column's bounds: no race, and the checks should have caught it.
            log.exception("%s sent the database a value it refused", service.__qualname__)
            raise _not_saved() from None
        try:
            return service(*args, **kwargs)
        except (IntegrityError, OperationalError, DataError):
            log.exception("%s failed on the database twice", service.__qualname__)
            raise _not_saved() from None

    return run  # type: ignore[return-value]


def sent_before(
    model: Any,
    actor,
    client_id: Any,
    taken: str,
    *,
    by: str = "recorded_by_id",
    key: str = "client_id",
) -> Any:
    """The record an id made on a phone (``client_id``, held in the field ``key``) already
    made, or None: an item sent twice (its answer lost on a weak signal, a retry) answers with
    what the first send recorded. An id held by a record someone else made (its field ``by``)
    is refused with ``taken``."""
    earlier = model.objects.filter(**{key: client_id}).first()
    if earlier is not None and getattr(earlier, by) != actor.pk:
        raise DomainError(taken, code="client_id_taken", field="client_id")
    return earlier


Sent = TypeVar("Sent")


def sent_once(earlier: Callable[[], Sent | None], record: Callable[[], Sent]) -> tuple[Sent, bool]:
    """Something made on a phone, recorded once however often it is sent: (what the first
    send recorded, False) when ``earlier()`` (a ``sent_before``) finds it, else (``record()``,
    True). Two sends of one id at once: the second waits on the first's lock, then is refused
    — by the unique id, or by the write's own checks now that the first changed what they
    read (an alert closed, a step no longer awaited) —; when the first's record is found then,
    it answers with it rather than with the refusal."""
    found = earlier()
    if found is not None:
        return found, False
    try:
        return record(), True
    except (IntegrityError, DomainError):
        found = earlier()
        if found is None:
            raise
        return found, False


@dataclass(frozen=True)
class RowError:
    """One refused row of an uploaded file: where, which field, what value, and why."""

    row: int
    field: str
    value: str
    reason: str

    def __str__(self) -> str:
        return _("Row %(row)d, %(field)s “%(value)s”: %(reason)s") % {
            "row": self.row,
            "field": self.field,
            "value": self.value,
            "reason": self.reason,
        }


class RowsRefused(DomainError):
    code = "rows_refused"

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__(
            _("%(n)d rows were refused; nothing was written.") % {"n": len(errors)}
            + "\n"
            + "\n".join(str(e) for e in errors)
        )


@dataclass
class ImportCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


LEVEL_WORDS = {
    **{str(level.value): level for level in RegionLevel},
    **{str(level.label): level for level in RegionLevel},
    "省": RegionLevel.PROVINCE,
    "市": RegionLevel.CITY,
    "县": RegionLevel.COUNTY,
    "区": RegionLevel.COUNTY,
    "乡": RegionLevel.TOWNSHIP,
    "镇": RegionLevel.TOWNSHIP,
    "街道": RegionLevel.TOWNSHIP,
    "村": RegionLevel.VILLAGE,
    "社区": RegionLevel.VILLAGE,
    "组": RegionLevel.GROUP,
}


def _code_text(raw: Any) -> str:
    # A spreadsheet hands a code typed as a number back as a float; 12 digits are exact in one.
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw if raw is not None else "").strip()


# Column names accepted for each field of a place, as offices and the national lists write them.
REGION_COLUMNS = {
    "code": {"code", "代码", "区划代码", "统计用区划代码"},
    "name": {"name", "名称", "地名"},
    "level": {"level", "级别", "层级"},
    "parent": {"parent", "上级代码", "上级区划代码"},
}


@retried_on_conflict
def regions_import(*, actor, rows: list[dict[str, Any]]) -> ImportCounts:
    """Create or rename places from rows of ``code``, ``name`` and optional ``level``, ``parent``.

    Levels and parents missing from a row are taken from the code. All rows land or none:
    any refused row refuses the file, with every error listed.
    """
    counts = ImportCounts()
    parsed: dict[str, dict[str, Any]] = {}
    for row in rows:
        number = row["row"]
        code = _code_text(row.get("code"))
        level_text = str(row.get("level") or "").strip()
        level = LEVEL_WORDS.get(level_text) if level_text else infer_level(code)
        try:
            name = values.clean(Region, "name", row.get("name"))
        except DomainError as refusal:
            counts.errors.append(
                RowError(number, _("name"), str(row.get("name") or "")[:40], str(refusal.message))
            )
            continue
        if level is None:
            counts.errors.append(
                RowError(
                    number,
                    _("level"),
                    level_text or code,
                    _("the level is not recognised"),
                )
            )
            continue
        if code in parsed:
            counts.errors.append(
                RowError(
                    number,
                    _("code"),
                    code,
                    _("the same code is on row %(row)d") % {"row": parsed[code]["row"]},
                )
            )
            continue
        parsed[code] = {
            "row": number,
            "code": code,
            "name": name,
            "level": level,
            "parent": _code_text(row.get("parent")),
        }

    known_levels = dict(Region.objects.values_list("code", "level"))
    known_levels.update({code: item["level"] for code, item in parsed.items()})
    for item in parsed.values():
        if not item["parent"]:
            above = [c for c in ancestor_codes(item["code"]) if c != item["code"]]
            item["parent"] = next((c for c in reversed(above) if c in known_levels), None)
        parent_level = known_levels.get(item["parent"]) if item["parent"] else None
        if item["parent"] and parent_level is None:
            counts.errors.append(
                RowError(
                    item["row"],
                    _("parent"),
                    item["parent"],
                    _("no place has this code"),
                )
            )
            continue
        try:
            validate_code(item["code"], item["level"], item["parent"], parent_level)
        except DomainError as refusal:
            counts.errors.append(RowError(item["row"], _("code"), item["code"], str(refusal)))
    if counts.errors:
        raise RowsRefused(sorted(counts.errors, key=lambda e: e.row))

    with transaction.atomic():
        existing = Region.objects.in_bulk(list(parsed))
        changes: list[audit.Change] = []
        new_regions = []
        for item in sorted(parsed.values(), key=lambda i: (i["level"], i["code"])):
            after = {
                "name": item["name"],
                "level": int(item["level"]),
                "parent": item["parent"],
            }
            region = existing.get(item["code"])
            if region is None:
                new_regions.append(
                    Region(
                        item["code"],
                        item["name"],
                        item["level"],
                        parent_id=item["parent"],
                    )
                )
                counts.created += 1
                changes.append(
                    audit.Change(
                        "region.create",
                        "core.region",
                        item["code"],
                        item["code"],
                        None,
                        after,
                    )
                )
                continue
            before = {
                "name": region.name,
                "level": region.level,
                "parent": region.parent_id,
            }
            if before == after:
                counts.unchanged += 1
                continue
            region.name, region.level, region.parent_id = (
                item["name"],
                item["level"],
                item["parent"],
            )
            region.save(update_fields=["name", "level", "parent"])
            counts.updated += 1
            changes.append(
                audit.Change(
                    "region.update",
                    "core.region",
                    item["code"],
                    item["code"],
                    before,
                    after,
                )
            )
        Region.objects.bulk_create(new_regions, batch_size=1000)
        audit.record_many(actor=actor, changes=changes)
    return counts


def _visible_region(actor, region_code: str) -> Region:
    region = visible_place(actor, region_code)
    if region is None:
        raise OutOfScope()
    return region


@retried_on_conflict
def policy_set(
    *,
    actor,
    region_code: str,
    key: str,
    value: Any,
    valid_from: datetime.date,
    note: str = "",
) -> Policy:
    """Set rule ``key`` on a place from ``valid_from``; the places under it inherit it."""
    require(actor, Capability.EDIT_POLICIES)
    spec = spec_for(key)
    parsed = spec.parse(value)
    valid_from = values.clean(Policy, "valid_from", valid_from)
    note = values.clean(Policy, "note", note)
    with transaction.atomic():
        region = _visible_region(actor, region_code)
        if region.level == RegionLevel.GROUP:
            raise DomainError(
                _("Rules are set on a village or a place above it, not on a group."),
                code="bad_policy_place",
                field="region",
            )
        policy = (
            Policy.objects.select_for_update()
            .filter(region=region, key=key, valid_from=valid_from)
            .first()
        )
        before = audit.snapshot(policy) if policy else None
        if policy is None:
            policy = Policy(region=region, key=key, valid_from=valid_from)
        policy.value, policy.note = parsed, note
        policy.set_by, policy.set_at = actor, timezone.now()
        policy.save()
        audit.record(
            actor=actor,
            action="policy.set",
            obj=policy,
            region_code=region.code,
            before=before,
            after=audit.snapshot(policy),
        )
    return policy


def policy_withdraw(*, actor, policy_id: int) -> None:
    """Remove a value set on a place; the place falls back to what is set above it."""
    require(actor, Capability.EDIT_POLICIES)
    with transaction.atomic():
        policy = Policy.objects.visible_to(actor).select_for_update().filter(pk=policy_id).first()
        if policy is None:
            raise OutOfScope()
        before = audit.snapshot(policy)
        audit.record(
            actor=actor,
            action="policy.withdraw",
            obj=policy,
            region_code=policy.region_id,
            before=before,
        )
        policy.delete()


def _code_state(code: Code) -> dict[str, Any]:
    return audit.snapshot(code, ["kind", "value", "label", "unit", "sort_order", "retired"])


@retried_on_conflict
def code_add(*, actor, kind: str, value: str, label: str, unit: str = "") -> Code:
    """Add an entry to a code list (a province's own poverty cause such as 因婚, say); an
    entry of a list of measured things (a project's outputs) with its unit."""
    require(actor, Capability.EDIT_CODE_LISTS)
    if kind not in KINDS:
        raise DomainError(_("There is no such code list."), code="unknown_list", field="kind")
    value, label = values.clean(Code, "value", value), values.clean(Code, "label", label)
    unit = _unit(KINDS[kind], unit)
    with transaction.atomic():
        if Code.objects.filter(kind=kind, value=value).exists():
            raise DomainError(
                _("The code %(value)s is already in this list.") % {"value": value},
                code="code_taken",
                field="value",
            )
        last = Code.objects.filter(kind=kind).order_by("-sort_order").first()
        code = Code.objects.create(
            kind=kind,
            value=value,
            label=label,
            unit=unit,
            sort_order=(last.sort_order + 1 if last else 0),
        )
        audit.record(actor=actor, action="code.add", obj=code, after=_code_state(code))
    return code


def _unit(kind: CodeKind, unit: str | None) -> str:
    """The unit of an entry: required for a list of measured things, none for the others."""
    unit = values.clean(Code, "unit", unit or "")
    if kind.measured and not unit:
        raise DomainError(
            _("Enter the unit its quantities are counted in (公里, 盏…)."),
            code="no_unit",
            field="unit",
        )
    if unit and not kind.measured:
        raise DomainError(
            _("The entries of this list are not counted in a unit; leave the unit empty."),
            code="no_units_here",
            field="unit",
        )
    return unit


def code_update(*, actor, code_id: int, label: str, retired: bool, unit: str | None = None) -> Code:
    """Relabel an entry or retire it (an entry is never deleted, since records may use it);
    the entry of a list of measured things may take another unit (``None``: as it is)."""
    require(actor, Capability.EDIT_CODE_LISTS)
    label = values.clean(Code, "label", label)
    with transaction.atomic():
        code = Code.objects.select_for_update().filter(pk=code_id).first()
        if code is None:
            raise OutOfScope()
        before = _code_state(code)
        if unit is not None and code.kind in KINDS:
            code.unit = _unit(KINDS[code.kind], unit)
        code.label, code.retired = label, retired
        code.save(update_fields=["label", "retired", "unit"])
        audit.record(
            actor=actor, action="code.update", obj=code, before=before, after=_code_state(code)
        )
    return code


@contextmanager
def clashes_recorded(actor) -> Iterator[None]:
    """Record a ``Clash`` raised within for an administrator, once the refused write has
    been rolled back, and let the refusal go on to the person who tried.

    Use it outside the write's own transaction: ``with clashes_recorded(actor),
    transaction.atomic(): …``."""
    try:
        yield
    except Clash as clash:
        clash_record(actor=actor, clash=clash)
        raise


def clash_record(*, actor, clash: Clash) -> DataIssue:
    """Keep a clash for the administrators whose places cover both places; the same person
    trying the same number again counts as another attempt on the open issue."""
    object_type, object_id, holder_place = clash.holder
    with transaction.atomic():
        issue = (
            DataIssue.objects.select_for_update()
            .filter(
                kind=DataIssueKind.CLASH,
                object_type=object_type,
                object_id=object_id,
                field=clash.field,
                region_code=clash.region_code,
                raised_by=actor,
                resolved_at=None,
            )
            .first()
        )
        if issue is not None:
            issue.attempts += 1
            issue.save(update_fields=["attempts"])
            return issue
        issue = DataIssue.objects.create(
            kind=DataIssueKind.CLASH,
            region_code=clash.region_code,
            other_region_code=holder_place,
            object_type=object_type,
            object_id=object_id,
            field=clash.field or "",
            detail=clash.detail,
            raised_by=actor,
            raised_at=timezone.now(),
        )
        audit.record(
            actor=actor,
            action="data_issue.raise",
            obj=issue,
            region_code=clash.region_code,
            after=audit.snapshot(issue, ["kind", "region_code", "other_region_code", "field"]),
        )
    return issue


def data_issue_resolve(*, actor, issue_id: int, resolution: str) -> DataIssue:
    """Close a data issue with what was done about it (the person moved, a number mistyped,
    the value entered again…)."""
    require(actor, Capability.RESOLVE_DATA_ISSUES)
    text = values.clean(DataIssue, "resolution", resolution)
    if not text:
        raise DomainError(_("Say how it was resolved."), code="no_resolution", field="resolution")
    with transaction.atomic():
        issue = data_issues(actor).select_for_update(of=("self",)).filter(pk=issue_id).first()
        if issue is None:
            raise OutOfScope()
        if issue.resolved_at is not None:
            raise DomainError(_("This issue was resolved already."), code="resolved")
        issue.resolved_at, issue.resolved_by, issue.resolution = timezone.now(), actor, text
        issue.save(update_fields=["resolved_at", "resolved_by", "resolution"])
        audit.record(
            actor=actor,
            action="data_issue.resolve",
            obj=issue,
            region_code=issue.region_code,
            after={"resolution": text},
        )
    return issue
