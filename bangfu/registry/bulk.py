"""Many households at once (批量导入): the registry's rules, applied in bulk.

An import hands over households as the services take them (``HouseholdInput``,
``MemberInput``, the status the file gives). ``households_check`` applies the same rules as
the one-at-a-time services — through ``Lookups`` that answer from what was loaded in a few
queries instead of a query per question — and says for each household whether it is new,
changed or unchanged, or what is wrong with it. ``households_import`` checks again and
writes everything in one transaction, or nothing.

A household in a file is matched to one on record by its number, or else by its head's ID
number; members by their ID number. Members on record but not in the file are left as
they are: leaving a household is recorded on the member's page, with a date and reason.
"""

from collections.abc import Callable, Iterator, Set
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import transaction
from django.utils.translation import gettext as _

from bangfu.core import audit, faults, idnumbers
from bangfu.core.capabilities import Capability, require
from bangfu.core.codes import HEAD_OF_HOUSEHOLD
from bangfu.core.errors import Clash, DomainError
from bangfu.core.inserts import insert_rows
from bangfu.core.models import Code, Region
from bangfu.core.protection import aliases, lookup_hash, unseal
from bangfu.core.selectors import is_place_code

from . import edits, moves
from .models import HOUSEHOLD_DETAILS, Household, Member, StatusChange
from .selectors import MemberRef, member_details
from .services import (
    HouseholdInput,
    Lookups,
    MemberInput,
    StatusInput,
    _apply_household,
    _apply_member,
    _apply_status,
    _checked_status,
    _household_state,
    _member_state,
)

CHUNK = 500  # values per IN (...) query: well under SQLite's limit of bound parameters
Progress = Callable[[int, int], None]


class Outcome:
    NEW, CHANGED, UNCHANGED, REFUSED = "new", "changed", "unchanged", "refused"
    ALL = (NEW, CHANGED, UNCHANGED, REFUSED)


@dataclass(slots=True)
class MatchedRow:
    """A row of another department's sheet (部门数据), matched to its member by ID number
    (``selectors.members_by_id_hash``): what a domain app's bulk service takes. ``given``:
    the sheet's columns; a record on file keeps what no column gives."""

    member: MemberRef
    data: Any
    given: frozenset[str]


class RowVerdict(NamedTuple):
    """What a domain app's bulk service says of a matched row: its outcome and, refused,
    why (the field, the reason)."""

    outcome: str
    problems: list[tuple[str, str]]


@dataclass(slots=True)
class IncomingHousehold:
    """One household as a file gives it. ``status.effective_on``/``reason`` date and explain
    the status entry written if the status is new or differs from the one on record."""

    household: HouseholdInput
    members: list[MemberInput]
    status: StatusInput
    # The fields the file has columns for; for a household on record, the others keep
    # what is on record (a sheet of phone numbers only must not blank everything else).
    given: Set[str] | None = None


@dataclass(slots=True)
class Problem:
    """What is wrong, with the member it is about (an index into ``members``) if any."""

    field: str
    message: str
    member: int | None = None
    # A number held outside the importer's places: the import's job records it for an
    # administrator once the check is over (``core.services.clash_record``).
    clash: Clash | None = None


def _problem(refusal: DomainError, field: str = "", member: int | None = None) -> Problem:
    return Problem(
        refusal.field or field,
        refusal.message,
        member,
        refusal if isinstance(refusal, Clash) else None,
    )


@dataclass(slots=True)
class Checked:
    outcome: str
    problems: list[Problem] = field(default_factory=list)
    new_members: int = 0
    changed_members: int = 0
    unchanged_members: int = 0
    # What the write needs, kept from the check so nothing is looked up twice.
    record: Household | None = None
    other_causes: list[Code] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)
    status_codes: tuple[Code | None, list[Code]] = (None, [])
    status_changes: bool = False
    before: dict[str, Any] | None = None


class Verdict(NamedTuple):
    """What is kept of a checked household: the outcome, and why if refused."""

    outcome: str
    problems: list[Problem]
    new_members: int
    changed_members: int
    unchanged_members: int


@dataclass(slots=True)
class ImportSummary:
    households: dict[str, int]
    members: dict[str, int]


def _chunks(values: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class LoadedLookups(Lookups):
    """The answers for one file, loaded in a few queries for all its households at once."""

    def __init__(self, actor, incoming: list[IncomingHousehold]):
        self.codes = {(c.kind, c.value): c for c in Code.objects.all()}
        region_codes = sorted({h.household.region_code for h in incoming} - {""})
        region_codes = [code for code in region_codes if is_place_code(code)]
        self.places: dict[str, Region] = {}
        for chunk in _chunks(region_codes):
            visible = Region.objects.visible_to(actor).filter(code__in=chunk)
            self.places.update((r.code, r) for r in visible)
        numbers = sorted({h.household.number.strip() for h in incoming})
        self.numbers: dict[str, tuple[int, str]] = {}
        for chunk in _chunks(numbers):
            found = Household.objects.filter(number__in=chunk).values_list(
                "number", "pk", "region_id"
            )
            self.numbers.update((number, (pk, region)) for number, pk, region in found)
        # Asked by every hash a rotation may have left on a row, filed by the current one.
        digests = aliases(
            {idnumbers.normalise(m.id_number) for h in incoming for m in h.members if m.id_number}
        )
        self.ids: dict[str, tuple[int, int, str, str]] = {}
        for chunk in _chunks(sorted(digests)):
            rows = Member.objects.filter(id_number_hash__in=chunk).values_list(
                "id_number_hash", "pk", "household_id", "household__number", "household__region_id"
            )
            self.ids.update((digests[row[0]], row[1:]) for row in rows)
        held = sorted(
            {held[1] for held in self.ids.values()} | {pk for pk, _place in self.numbers.values()}
        )
        self.visible: set[int] = set()
        self.households: dict[int, Household] = {}
        self.members: dict[int, list[Member]] = {}
        self.causes: dict[int, list[int]] = {}
        for chunk in _chunks(held):
            mine = Household.objects.visible_to(actor).filter(pk__in=chunk)
            for household in mine:
                self.visible.add(household.pk)
                self.households[household.pk] = household
                self.members[household.pk] = []
                self.causes[household.pk] = []
            for member in Member.objects.filter(household_id__in=self.visible & set(chunk)):
                self.members[member.household_id].append(member)
            through = Household.other_causes.through.objects.filter(
                household_id__in=self.visible & set(chunk)
            ).values_list("household_id", "code_id")
            for household_id, code_id in through:
                self.causes[household_id].append(code_id)
        self.by_pk = {c.pk: c for c in self.codes.values()}

    def code(self, kind: str, value: str) -> Code | None:
        return self.codes.get((kind, value))

    def place(self, actor, region_code: str) -> Region | None:
        return self.places.get(region_code)

    def number_holder(self, number: str) -> tuple[int, str] | None:
        return self.numbers.get(number)

    def id_holder(self, id_number: str) -> tuple[int, int, str, str] | None:
        return self.ids.get(lookup_hash(id_number))

    def household_visible(self, actor, household_id: int) -> bool:
        return household_id in self.visible


def _matched(incoming: IncomingHousehold, lookups: LoadedLookups) -> tuple[int, str] | None:
    """The household on record this one is, with its place: by number, else by its head's
    ID number."""
    by_number = lookups.number_holder(incoming.household.number.strip())
    if by_number is not None:
        return by_number
    for member in incoming.members:
        if member.relation == HEAD_OF_HOUSEHOLD:
            holder = lookups.id_holder(idnumbers.normalise(member.id_number))
            return (holder[1], holder[3]) if holder else None
    return None


def _check_one(
    actor,
    incoming: IncomingHousehold,
    lookups: LoadedLookups,
    seen_ids: dict[str, str],
    *,
    writing: bool,
) -> Checked:
    matched = _matched(incoming, lookups)
    existing_pk = matched[0] if matched else None
    if matched is not None and existing_pk not in lookups.visible:
        number = incoming.household.number.strip()
        clash = Clash(
            _(
                "Household %(number)s cannot be imported here; it has been passed to an "
                "administrator to check."
            )
            % {"number": number},
            field="number",
            region_code=incoming.household.region_code,
            holder=("registry.household", str(existing_pk), matched[1]),
            detail={"number": number},
        )
        return Checked(Outcome.REFUSED, [_problem(clash)])
    problems: list[Problem] = []
    if existing_pk is None:
        record, before, old_causes, on_record = Household(), None, [], []
    else:
        original = lookups.households[existing_pk]
        record = _copy(original, lookups)
        old_causes = lookups.causes[existing_pk]
        before = _household_state(original, (lookups.by_pk[pk].value for pk in old_causes))
        on_record = lookups.members[existing_pk]
    checked = Checked(Outcome.NEW if existing_pk is None else Outcome.UNCHANGED, record=record)
    if existing_pk is not None and incoming.given is not None:
        _keep_unlisted(incoming, record, old_causes, lookups)
    try:
        account = incoming.household.bank_account
        if (
            record.bank_account_sealed
            and account is not None
            and unseal(record.bank_account_sealed) == "".join(account.split())
        ):
            incoming.household.bank_account = None  # the same account: keep its seal
        checked.other_causes = _apply_household(actor, record, incoming.household, lookups)
    except DomainError as refusal:
        problems.append(_problem(refusal))
    if existing_pk is None or incoming.status.status != record.status:
        try:
            checked.status_codes = _checked_status(
                record, incoming.status, first=existing_pk is None, lookups=lookups
            )
            checked.status_changes = True
        except DomainError as refusal:
            problems.append(_problem(refusal, "status"))
    current = aliases(idnumbers.normalise(data.id_number) for data in incoming.members)
    by_digest = {current.get(m.id_number_hash, m.id_number_hash): m for m in on_record}
    heads = sum(1 for m in on_record if m.is_head and m.left_on is None)
    for index, data in enumerate(incoming.members):
        digest = lookup_hash(idnumbers.normalise(data.id_number))
        known = by_digest.get(digest)
        member = Member(household=record) if known is None else _copy(known, lookups)
        if known is not None and incoming.given is not None:
            _keep_unlisted_member(data, member, incoming.given)  # codes loaded
        before_member = None if known is None else _member_state(known)
        try:
            _apply_member(actor, member, data, lookups, sealing=writing)
        except DomainError as refusal:
            problems.append(_problem(refusal, member=index))
            continue
        first_seen = seen_ids.setdefault(digest, incoming.household.number)
        if first_seen != incoming.household.number or any(
            current.get(m.id_number_hash, m.id_number_hash) == digest for m in checked.members
        ):
            problems.append(
                Problem(
                    "id_number",
                    _("The same ID number is also given for household %(number)s in this file.")
                    % {"number": first_seen},
                    index,
                )
            )
            continue
        heads += int(member.is_head) - int(bool(known and known.is_head and known.left_on is None))
        if known is None:
            checked.new_members += 1
        elif _member_state(member) != before_member:
            checked.changed_members += 1
        else:
            checked.unchanged_members += 1
            continue
        checked.members.append(member)
    if not problems and heads != 1:
        problems.append(
            Problem(
                "relation",
                _("A household has exactly one head (户主); this one would have %(n)d.")
                % {"n": heads},
            )
        )
    if problems:
        checked.outcome, checked.problems = Outcome.REFUSED, problems
        return checked
    if existing_pk is not None:
        checked.before = before
        after = _household_state(record, (c.value for c in checked.other_causes))
        changed = after != before or checked.status_changes or checked.members
        checked.outcome = Outcome.CHANGED if changed else Outcome.UNCHANGED
    return checked


def _copy(original: Any, lookups: LoadedLookups) -> Any:
    """A working copy to apply the file to, its codes filled in from what was loaded (the
    rules read them to keep a retired code a record already has)."""
    copy = type(original)(
        **{f.attname: getattr(original, f.attname) for f in original._meta.concrete_fields}
    )
    for f in original._meta.concrete_fields:
        if f.is_relation and f.related_model is Code and getattr(copy, f.attname) is not None:
            setattr(copy, f.name, lookups.by_pk[getattr(copy, f.attname)])
    return copy


def _keep_unlisted(
    incoming: IncomingHousehold, record: Household, cause_ids: list[int], lookups: LoadedLookups
) -> None:
    given = incoming.given or frozenset()
    for name in HOUSEHOLD_DETAILS:
        if name not in given:
            setattr(incoming.household, name, getattr(record, name))
    if "other_causes" not in given:
        incoming.household.other_causes = [lookups.by_pk[pk].value for pk in cause_ids]
    if "status" not in given:
        incoming.status.status = record.status


def _keep_unlisted_member(data: MemberInput, member: Member, given: Set[str]) -> None:
    for name, value in member_details(member).items():
        if name not in given:
            setattr(data, name, value)


HOUSEHOLDS_AT_ONCE = 2000  # what is loaded, checked and written together, memory bounded


def _in_chunks(
    actor, incoming: list[IncomingHousehold], progress: Progress | None, *, write: str | None
) -> list[Verdict]:
    """Check (and with ``write``, the source's name, write) ``incoming`` a chunk at a time.

    After a refused household nothing more is written, but checking goes on, so that one
    run lists every problem of the file. Only what the summary needs is kept of a chunk.
    """
    seen_ids: dict[str, str] = {}
    results: list[Verdict] = []
    refused = False
    written: list[int] = []
    for start in range(0, len(incoming), HOUSEHOLDS_AT_ONCE):
        chunk = incoming[start : start + HOUSEHOLDS_AT_ONCE]
        lookups = LoadedLookups(actor, chunk)
        checked = [
            _check_one(actor, household, lookups, seen_ids, writing=write is not None)
            for household in chunk
        ]
        refused = refused or any(c.outcome == Outcome.REFUSED for c in checked)
        if write is not None and not refused:
            pairs = list(zip(chunk, checked, strict=True))
            _write_new(actor, [(i, c) for i, c in pairs if c.outcome == Outcome.NEW], write)
            for household, result in pairs:
                if result.outcome == Outcome.CHANGED:
                    _write_changed(actor, household, result, write)
            written += [
                c.record.pk
                for c in checked
                if c.record is not None and c.outcome in (Outcome.NEW, Outcome.CHANGED)
            ]
        # Of a chunk only the verdicts stay: the records it built go with it.
        results += [
            Verdict(c.outcome, c.problems, c.new_members, c.changed_members, c.unchanged_members)
            for c in checked
        ]
        if progress:
            progress(len(results), len(incoming))
    if write is not None and not refused:
        # Once for the whole file: what watches the households' edits reads them together.
        edits.households_edited(written)
    return results


def households_check(
    *, actor, incoming: list[IncomingHousehold], progress: Progress | None = None
) -> list[Verdict]:
    """What importing ``incoming`` would do, household by household; writes nothing."""
    require(actor, Capability.EDIT_REGISTRY)
    return _in_chunks(actor, incoming, progress, write=None)


class ImportRefused(DomainError):
    """Some households are refused; nothing was written. ``results`` says which and why."""

    def __init__(self, results: list[Verdict]):
        refused = sum(1 for r in results if r.outcome == Outcome.REFUSED)
        super().__init__(
            _("%(n)d households have errors; nothing was imported.") % {"n": refused},
            code="import_refused",
        )
        self.results = results


def summarise(results: list[Verdict]) -> ImportSummary:
    households = dict.fromkeys(
        (Outcome.NEW, Outcome.CHANGED, Outcome.UNCHANGED, Outcome.REFUSED), 0
    )
    members = {"new": 0, "changed": 0, "unchanged": 0}
    for result in results:
        households[result.outcome] += 1
        members["new"] += result.new_members
        members["changed"] += result.changed_members
        members["unchanged"] += result.unchanged_members
    return ImportSummary(households, members)


def households_import(
    *,
    actor,
    incoming: list[IncomingHousehold],
    source: str,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import ``incoming`` (from the file named ``source``): all of it in one transaction, or
    nothing if any household is refused (``ImportRefused``)."""
    require(actor, Capability.EDIT_REGISTRY)
    with transaction.atomic():
        results = _in_chunks(actor, incoming, progress, write=source)
        if any(r.outcome == Outcome.REFUSED for r in results):
            raise ImportRefused(results)
    return summarise(results)


def _imported_state(record: Household, checked: Checked, members: list[Member]) -> dict:
    state = _household_state(record, (c.value for c in checked.other_causes))
    state["members"] = [_member_state(m) for m in members]
    return state


def _write_new(actor, pairs: list[tuple[IncomingHousehold, Checked]], source: str) -> None:
    Through = Household.other_causes.through
    RiskThrough = StatusChange.risk_types.through
    for chunk in _chunks(pairs):
        records = []
        for incoming, checked in chunk:
            record = checked.record
            assert record is not None
            monitoring_type, _risks = checked.status_codes
            record.status, record.monitoring_type = incoming.status.status, monitoring_type
            records.append(record)
        insert_rows(Household, records, returning=True)
        faults.point("households_import.halfway")  # households written, their members not
        causes, changes, members = [], [], []
        for (incoming, checked), record in zip(chunk, records, strict=True):
            causes += [Through(household_id=record.pk, code_id=c.pk) for c in checked.other_causes]
            changes.append(
                StatusChange(
                    household=record,
                    status=incoming.status.status,
                    monitoring_type=checked.status_codes[0],
                    effective_on=incoming.status.effective_on,
                    reason=incoming.status.reason.strip(),
                    actor=actor,
                )
            )
            for member in checked.members:
                member.household = record
                members.append(member)
        insert_rows(Through, causes)
        insert_rows(StatusChange, changes, returning=True)
        risks = [
            RiskThrough(statuschange_id=change.pk, code_id=code.pk)
            for change, (_incoming, checked) in zip(changes, chunk, strict=True)
            for code in checked.status_codes[1]
        ]
        insert_rows(RiskThrough, risks)
        insert_rows(Member, members)
        audit.record_many(
            actor=actor,
            changes=[
                audit.Change(
                    action="household.import",
                    object_type="registry.household",
                    object_id=str(record.pk),
                    region_code=record.region_id,
                    after={**_imported_state(record, checked, checked.members), "source": source},
                )
                for (_incoming, checked), record in zip(chunk, records, strict=True)
            ],
        )


def _write_changed(actor, incoming: IncomingHousehold, checked: Checked, source: str) -> None:
    record = checked.record
    assert record is not None
    record.save()
    record.other_causes.set(checked.other_causes)
    if checked.before is not None and record.region_id != checked.before["region"]:
        moves.household_moved(record.pk, record.region_id)
    if checked.status_changes:
        _apply_status(record, incoming.status, actor, first=False)
        record.save(update_fields=["status", "monitoring_type"])
    for member in checked.members:
        member.household = record
        member.save()
    audit.record(
        actor=actor,
        action="household.import",
        obj=record,
        region_code=record.region_id,
        before=checked.before,
        after={
            **_imported_state(record, checked, list(record.members.order_by("pk"))),
            "source": source,
        },
    )
