"""Many health records at once (健康数据批量导入): the health bureau's sheets of family-doctor
contracts, check-ups and follow-ups, with the rules of the one-at-a-time services.

Rows come matched to members already (``registry.selectors.MemberRef``: the exchange's
``keyed`` reader matches ID numbers by their keyed hash), a batch at a time. Each record has
a natural key, which a unique constraint holds for pages and the API too:

- a contract: the member and the day it was signed (a renewal is signed on another day);
- a check-up: the member and its day (nobody is checked up twice in a day);
- a follow-up: the illness under management (the member's ``Condition`` of the illness the
  row names) and its day.

A row whose key is on record updates that record (audited with before and after, as
``doctor_contract.update``, ``checkup.update``, ``follow_up.update``) or, unchanged, is
counted so; any other row is a new record, audited with the services' own actions
(``doctor_contract.sign``, ``checkup.record``, ``follow_up.record``), so that whatever reads
the audit log for health figures sees an imported record as one entered on a page.

Two departures from the services, both because a sheet is the bureau's register and not a
person's entry: a contract may be older than the member's latest (the register brings the
history, in any order; the key keeps each signing once), and a follow-up of an illness the
member has no record of is refused rather than the illness created: the sheet says neither
whether it is chronic or serious nor when it was diagnosed, and a county office puts an
illness under management itself (``condition_record``), then imports the follow-ups again.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core import audit, values
from bangfu.core.errors import DomainError
from bangfu.core.inserts import insert_rows
from bangfu.core.models import Code
from bangfu.registry.bulk import CHUNK, MatchedRow, Outcome, RowVerdict

from .models import CheckUp, Condition, DoctorContract, FollowUp, MedicalCost
from .services import (
    CHECKUP_FIELDS,
    CONTRACT_FIELDS,
    COST_FIELDS,
    FOLLOW_UP_FIELDS,
    MOST_FINDINGS,
    CheckUpInput,
    ContractInput,
    FollowUpInput,
)


@dataclass(slots=True)
class FollowUpRow:
    """A follow-up as the bureau's sheet gives it: of which illness, and the follow-up."""

    illness: str  # a value of the code list illness
    follow_up: FollowUpInput


@dataclass(slots=True)
class _Working:
    """A row being checked: the record as it will be, and what it was."""

    record: Any = None
    before: dict[str, Any] | None = None
    findings: list[Code] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    outcome: str = Outcome.NEW


@dataclass(frozen=True)
class Kind:
    model: type[models.Model]
    owner: str  # the field the natural key starts with: member or condition
    day: str  # the day that ends it
    fields: tuple[str, ...]  # the fields the sheet gives, through the model's value rules
    audited: list[str]  # what the audit entries show, as the service records it
    new_action: str
    update_action: str
    # A kind kept in a table of several (another app's: monitoring's members' records): the
    # columns that single it out, which a new record takes too.
    where: dict[str, Any] = field(default_factory=dict)
    # What else a new record takes from its row (its household, say).
    also: Callable[[MatchedRow], dict[str, Any]] = lambda row: {}
    # The model keeps the name of the file a record last came from (its ``source``).
    keeps_source: bool = False


CONTRACTS = Kind(
    DoctorContract,
    "member",
    "signed_on",
    ("doctor", "institution", "signed_on", "valid_until"),
    CONTRACT_FIELDS,
    "doctor_contract.sign",
    "doctor_contract.update",
)
CHECKUPS = Kind(
    CheckUp,
    "member",
    "held_on",
    ("held_on", "institution", "summary"),
    CHECKUP_FIELDS,
    "checkup.record",
    "checkup.update",
)
FOLLOW_UPS = Kind(
    FollowUp,
    "condition",
    "held_on",
    ("held_on", "by", "kind", "findings", "next_due"),
    FOLLOW_UP_FIELDS,
    "follow_up.record",
    "follow_up.update",
)


COSTS = Kind(
    MedicalCost,
    "member",
    "year",
    ("year", "total", "reimbursed", "note"),
    COST_FIELDS,
    "medical_cost.record",
    "medical_cost.update",
)


def _codes(kind: str) -> dict[str, Code]:
    return {code.value: code for code in Code.objects.filter(kind=kind)}


def _copy(original: models.Model) -> Any:
    return type(original)(
        **{f.attname: getattr(original, f.attname) for f in original._meta.concrete_fields}
    )


def _state(kind: Kind, record: Any, findings: Iterable[Code] | None) -> dict[str, Any]:
    state = audit.snapshot(record, kind.audited)
    if findings is not None:
        state["findings"] = [code.value for code in findings]
    return state


def _code(codes: dict[str, Code], value: str, kept: int | None, refusal: str, name: str) -> Code:
    """The entry ``value`` names, if it may be chosen now or the record has it already (a
    retired entry stays on the records that have it)."""
    code = codes.get(value)
    if code is None or (code.retired and code.pk != kept):
        raise DomainError(refusal, code="bad_code", field=name)
    return code


def apply(
    kind: Kind,
    *,
    actor,
    rows: list[MatchedRow],
    source: str | None,
    owner_of: Callable[[MatchedRow], tuple[int | None, str]],
    check: Callable[[MatchedRow, _Working], None],
    findings: bool = False,
) -> list[RowVerdict]:
    """Check ``rows`` against the records on file (loaded in one query a batch), and with
    ``source`` (the file's name) write them: new records in bulk, changed ones updated,
    each audited. ``owner_of`` gives a row's owner (member or condition) and its region, or
    None and the refusal's field; ``check`` applies the kind's own rules."""
    now = timezone.now()
    located = [owner_of(row) for row in rows]
    owners = sorted({owner for owner, _region in located if owner is not None})
    on_file: dict[tuple[int, Any], Any] = {}
    manager = kind.model._default_manager
    for start in range(0, len(owners), CHUNK):
        chunk = owners[start : start + CHUNK]
        for record in manager.filter(**{f"{kind.owner}_id__in": chunk}, **kind.where).order_by():
            on_file[(getattr(record, f"{kind.owner}_id"), getattr(record, kind.day))] = record
    had: dict[int, list[Code]] = defaultdict(list)
    if findings and on_file:
        ids = sorted(r.pk for r in on_file.values())
        for start in range(0, len(ids), CHUNK):
            through = CheckUp.findings.through.objects.filter(
                checkup_id__in=ids[start : start + CHUNK]
            ).select_related("code")
            for link in through:
                had[link.checkup_id].append(link.code)
    working: list[_Working] = []
    for row, (owner, region) in zip(rows, located, strict=True):
        work = _Working()
        working.append(work)
        if owner is None:
            work.outcome, work.problems = Outcome.REFUSED, [(region, _reason_of(row))]
            continue
        given = row.data.follow_up if isinstance(row.data, FollowUpRow) else row.data
        existing = on_file.get((owner, getattr(given, kind.day)))
        if existing is None:
            record = kind.model(
                **{f"{kind.owner}_id": owner},
                **kind.where,
                **kind.also(row),
                region_id=region,
                recorded_at=now,
                recorded_by=actor,
            )
            names = kind.fields
        else:
            record = _copy(existing)
            work.before = _state(kind, existing, had[existing.pk] if findings else None)
            work.outcome = Outcome.UNCHANGED
            names = tuple(name for name in kind.fields if name in row.given)
            work.findings = list(had[existing.pk])
        work.record = record
        try:
            values.assign(record, given, names)
            check(row, work)
        except DomainError as refusal:
            work.outcome, work.problems = Outcome.REFUSED, [(refusal.field or "", refusal.message)]
            continue
        if work.before is not None:
            after = _state(kind, record, work.findings if findings else None)
            work.outcome = Outcome.CHANGED if after != work.before else Outcome.UNCHANGED
    if source is not None and not any(w.outcome == Outcome.REFUSED for w in working):
        _write(kind, actor, working, source, findings=findings)
    return [RowVerdict(w.outcome, w.problems) for w in working]


def _reason_of(row: MatchedRow) -> str:
    if not row.member.in_registry:
        return _("%(name)s is no longer in a household of the registry.") % {
            "name": row.member.name
        }
    assert isinstance(row.data, FollowUpRow)
    return _(
        "%(name)s has no record of this illness; put it under management on the member's "
        "health page (慢病/大病管理) first, then import the follow-ups again."
    ) % {"name": row.member.name}


def _write(kind: Kind, actor, working: list[_Working], source: str, *, findings: bool) -> None:
    new = [w for w in working if w.outcome == Outcome.NEW]
    changed = [w for w in working if w.outcome == Outcome.CHANGED]
    label = kind.model._meta.label_lower
    updated = list(kind.fields)
    if kind.keeps_source:
        for w in (*new, *changed):
            w.record.source = source
        updated.append("source")
    insert_rows(kind.model, [w.record for w in new], returning=True)
    if changed:
        kind.model._default_manager.bulk_update(
            [w.record for w in changed], updated, batch_size=500
        )
    if findings:
        Through = CheckUp.findings.through
        ids = [w.record.pk for w in changed]
        for start in range(0, len(ids), CHUNK):
            Through.objects.filter(checkup_id__in=ids[start : start + CHUNK]).delete()
        insert_rows(
            Through,
            [
                Through(checkup_id=w.record.pk, code_id=code.pk)
                for w in (*new, *changed)
                for code in w.findings
            ],
        )
    audit.record_many(
        actor=actor,
        changes=[
            audit.Change(
                action=kind.new_action if w.before is None else kind.update_action,
                object_type=label,
                object_id=str(w.record.pk),
                region_code=w.record.region_id,
                before=w.before,
                after={
                    **_state(kind, w.record, w.findings if findings else None),
                    "source": source,
                },
            )
            for w in (*new, *changed)
        ],
    )


def member_owner(row: MatchedRow) -> tuple[int | None, str]:
    if not row.member.in_registry:
        return None, "id_number"
    return row.member.pk, row.member.region_id


def contracts_apply(
    *, actor, rows: list[MatchedRow], source: str | None = None
) -> list[RowVerdict]:
    """Family-doctor contracts of a sheet: checked, and with ``source`` written."""
    packages = _codes("doctor_package")

    def check(row: MatchedRow, work: _Working) -> None:
        data: ContractInput = row.data
        record = work.record
        if work.before is None or "package" in row.given:
            record.package = _code(
                packages,
                data.package,
                record.package_id if work.before else None,
                _("Choose %(label)s.") % {"label": _("the service package")},
                "package",
            )
        if record.valid_until < record.signed_on:
            raise DomainError(
                _("A contract runs until a day on or after it was signed."),
                code="bad_valid_until",
                field="valid_until",
            )

    return apply(
        CONTRACTS, actor=actor, rows=rows, source=source, owner_of=member_owner, check=check
    )


def checkups_apply(*, actor, rows: list[MatchedRow], source: str | None = None) -> list[RowVerdict]:
    """Check-ups of a sheet with their findings: checked, and with ``source`` written."""
    finding_codes = _codes("checkup_finding")

    def check(row: MatchedRow, work: _Working) -> None:
        data: CheckUpInput = row.data
        record = work.record
        if record.held_on < row.member.birth_date:
            raise DomainError(
                _("%(name)s was born on %(day)s.")
                % {"name": row.member.name, "day": row.member.birth_date.isoformat()},
                code="before_birth",
                field="held_on",
            )
        if work.before is None or "findings" in row.given:
            wanted = sorted(set(data.findings))
            if len(wanted) > MOST_FINDINGS:
                raise DomainError(
                    _("Choose at most %(n)d findings.") % {"n": MOST_FINDINGS},
                    code="too_many_findings",
                    field="findings",
                )
            kept = set(work.findings)
            chosen = []
            for value in wanted:
                code = finding_codes.get(value)
                if code is None or (code.retired and code not in kept):
                    raise DomainError(
                        _("Choose the findings from the list."),
                        code="bad_finding",
                        field="findings",
                    )
                chosen.append(code)
            work.findings = sorted(chosen, key=lambda code: (code.sort_order, code.value))

    return apply(
        CHECKUPS,
        actor=actor,
        rows=rows,
        source=source,
        owner_of=member_owner,
        check=check,
        findings=True,
    )


def follow_ups_apply(
    *, actor, rows: list[MatchedRow], source: str | None = None
) -> list[RowVerdict]:
    """Follow-ups of a sheet, each of the member's illness the row names: checked, and with
    ``source`` written."""
    illnesses = _codes("illness")
    conditions: dict[tuple[int, str], list[Condition]] = defaultdict(list)
    members = sorted({row.member.pk for row in rows if row.member.in_registry})
    by_pk = {code.pk: code for code in illnesses.values()}
    for start in range(0, len(members), CHUNK):
        for condition in Condition.objects.filter(
            member_id__in=members[start : start + CHUNK]
        ).order_by("diagnosed_on", "pk"):
            conditions[(condition.member_id, by_pk[condition.illness_id].value)].append(condition)
    chosen: dict[int, Condition] = {}

    def owner_of(row: MatchedRow) -> tuple[int | None, str]:
        if not row.member.in_registry:
            return None, "id_number"
        data: FollowUpRow = row.data
        if data.illness not in illnesses:
            return None, "illness"
        held = conditions.get((row.member.pk, data.illness), [])
        if not held:
            return None, "illness"
        # Of several records of one illness, the latest diagnosed by the day of the
        # follow-up (the first, if none was by then: its check then names its day).
        day = data.follow_up.held_on
        fitting = [c for c in held if day is None or c.diagnosed_on <= day] or held[:1]
        condition = fitting[-1]
        chosen[condition.pk] = condition
        return condition.pk, condition.region_id

    def check(row: MatchedRow, work: _Working) -> None:
        record = work.record
        condition = chosen[record.condition_id]
        if record.held_on < condition.diagnosed_on:
            raise DomainError(
                _("The illness was diagnosed on %(day)s.")
                % {"day": condition.diagnosed_on.isoformat()},
                code="before_diagnosis",
                field="held_on",
            )
        if record.next_due is not None and record.next_due <= record.held_on:
            raise DomainError(
                _("The next follow-up is due after this one."),
                code="bad_next_due",
                field="next_due",
            )

    return apply(FOLLOW_UPS, actor=actor, rows=rows, source=source, owner_of=owner_of, check=check)


def costs_apply(*, actor, rows: list[MatchedRow], source: str | None = None) -> list[RowVerdict]:
    """The medical insurance bureau's costs per person and year (医保): checked, and with
    ``source`` written; a year on record is updated (``medical_cost.update``)."""

    def check(row: MatchedRow, work: _Working) -> None:
        if work.record.reimbursed > work.record.total:
            raise DomainError(
                _("What was reimbursed cannot exceed the total."),
                code="reimbursed_over_total",
                field="reimbursed",
            )

    return apply(COSTS, actor=actor, rows=rows, source=source, owner_of=member_owner, check=check)
