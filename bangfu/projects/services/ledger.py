"""Writes of a project's funds ledger (资金台账): an allocation (下达), a payment (拨付/报账)
and the reversing entry (冲销) that puts either right. Entries are never edited or deleted.

Each write locks the project's row first: two payments from one source at the same moment
are checked one after the other, so they cannot both pass the rule that a project may not
pay out more from a source than was allocated from it (``funds.refuse_overspend``).
"""

import datetime
import uuid
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core import audit, values
from bangfu.core.capabilities import Capability, require
from bangfu.core.errors import DomainError, OutOfScope
from bangfu.core.selectors import chosen_code
from bangfu.visits import photos

from ..funds import cents, refuse_overspend
from ..models import EntryKind, LedgerEntry, Project, Stage

# Who may record (and so reverse) each kind of entry: the county's finance office allocates,
# the township or the county pays.
ENTRY_CAPABILITY = {
    EntryKind.ALLOCATION: Capability.ALLOCATE_FUNDS,
    EntryKind.PAYMENT: Capability.RECORD_PAYMENTS,
}
# Money moves only on a project that was approved (批复) and not cancelled.
FUNDED_STAGES = (Stage.APPROVED, Stage.STARTED, Stage.COMPLETED, Stage.ACCEPTED)
ACTIONS = {EntryKind.ALLOCATION: "ledger.allocate", EntryKind.PAYMENT: "ledger.pay"}


def _project_locked(actor, project_id: int) -> Project:
    """The project, locked until the write ends; one outside the actor's places is missing."""
    project = Project.objects.visible_to(actor).select_for_update().filter(pk=project_id).first()
    if project is None:
        raise OutOfScope()
    if project.stage not in FUNDED_STAGES:
        raise DomainError(
            _(
                "Project %(project)s is %(stage)s: funds are recorded on a project from its "
                "approval (批复) on, and not on a cancelled one."
            )
            % {"project": project.number, "stage": Stage(project.stage).label},
            code="project_not_funded",
            field="project_id",
        )
    return project


def source_totals(project_id: int, source_id: int) -> tuple[Decimal, Decimal]:
    """What the project's ledger holds from one source: (allocated, paid), reversals in."""
    totals = LedgerEntry.objects.filter(project_id=project_id, source_id=source_id).aggregate(
        allocated=Sum("amount", filter=Q(kind=EntryKind.ALLOCATION)),
        paid=Sum("amount", filter=Q(kind=EntryKind.PAYMENT)),
    )
    return cents(totals["allocated"]), cents(totals["paid"])


def _stored_voucher(image: bytes | None) -> str:
    """The voucher's photo, made upright and small, stored before the transaction (slow
    work outside the project's lock); "" for none."""
    if not image:
        return ""
    prepared = photos.prepare(image, _("The voucher photo"))
    return default_storage.save(
        timezone.localdate().strftime("projects/vouchers/%Y/%m/") + f"{uuid.uuid4()}.jpg",
        ContentFile(prepared.content),
    )


def _entry_record(
    *,
    actor,
    kind: EntryKind,
    project_id: int,
    source: str,
    amount: Any,
    day: Any,
    voucher: str,
    note: str,
    voucher_image: bytes | None,
) -> LedgerEntry:
    require(actor, ENTRY_CAPABILITY[kind])
    fund_source = chosen_code(
        "fund_source", source, _("Choose the source of funds from the list."), field="source"
    )
    amount = values.clean(LedgerEntry, "amount", amount)
    if amount <= 0:
        raise DomainError(
            _("Enter an amount above zero; to put an entry right, reverse it."),
            code="bad_amount",
            field="amount",
        )
    day = values.clean(LedgerEntry, "day", day)
    voucher = values.clean(LedgerEntry, "voucher", voucher)
    note = values.clean(LedgerEntry, "note", note)
    stored = _stored_voucher(voucher_image)
    try:
        with transaction.atomic():
            project = _project_locked(actor, project_id)
            if kind == EntryKind.PAYMENT:
                allocated, paid = source_totals(project.pk, fund_source.pk)
                refuse_overspend(
                    project=project.number,
                    source=fund_source.label,
                    allocated=allocated,
                    paid=paid + amount,
                )
            entry = LedgerEntry.objects.create(
                project=project,
                region_id=project.region_id,
                kind=kind,
                source=fund_source,
                amount=amount,
                day=day,
                voucher=voucher,
                note=note,
                voucher_image=stored,
                recorded_at=timezone.now(),
                recorded_by=actor,
            )
            audit.record(
                actor=actor,
                action=ACTIONS[kind],
                obj=entry,
                region_code=project.region_id,
                after=audit.snapshot(entry),
            )
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise
    return entry


def allocation_record(
    *,
    actor,
    project_id: int,
    source: str,
    amount: Any,
    day: datetime.date | str,
    voucher: str = "",
    note: str = "",
    voucher_image: bytes | None = None,
) -> LedgerEntry:
    """Funds allocated to a project from one source (资金下达): ``source`` a value of the
    ``fund_source`` code list, ``amount`` in yuan."""
    return _entry_record(
        actor=actor,
        kind=EntryKind.ALLOCATION,
        project_id=project_id,
        source=source,
        amount=amount,
        day=day,
        voucher=voucher,
        note=note,
        voucher_image=voucher_image,
    )


def payment_record(
    *,
    actor,
    project_id: int,
    source: str,
    amount: Any,
    day: datetime.date | str,
    voucher: str = "",
    note: str = "",
    voucher_image: bytes | None = None,
) -> LedgerEntry:
    """Funds paid out of a project from one source (拨付/报账), with the voucher's number and
    photo; refused, with the amounts, beyond what is allocated from that source."""
    return _entry_record(
        actor=actor,
        kind=EntryKind.PAYMENT,
        project_id=project_id,
        source=source,
        amount=amount,
        day=day,
        voucher=voucher,
        note=note,
        voucher_image=voucher_image,
    )


def entry_reverse(*, actor, entry_id: int, day: datetime.date | str, reason: str) -> LedgerEntry:
    """Put an entry right with its reversing entry (冲销): the same project, kind and source,
    the negative amount, the reason as its note. A reversal is not reversed again, nor an
    entry twice; an allocation whose reversal would leave more paid than allocated from its
    source is refused (reverse the payments first)."""
    original = LedgerEntry.objects.visible_to(actor).filter(pk=entry_id).first()
    if original is None:
        raise OutOfScope()
    require(actor, ENTRY_CAPABILITY[EntryKind(original.kind)])
    day = values.clean(LedgerEntry, "day", day)
    reason = values.clean(LedgerEntry, "note", reason)
    if not reason:
        raise DomainError(
            _("Say why the entry is reversed."), code="reason_required", field="reason"
        )
    with transaction.atomic():
        project = _project_locked(actor, original.project_id)
        if original.reverses_id is not None:
            raise DomainError(
                _("This entry is itself a reversal; record a new entry instead."),
                code="reversal_reversed",
                field="entry_id",
            )
        if LedgerEntry.objects.filter(reverses_id=original.pk).exists():
            raise DomainError(
                _("This entry was reversed already."), code="already_reversed", field="entry_id"
            )
        if day < original.day:
            raise DomainError(
                _("A reversal is dated on or after the entry it reverses (%(day)s).")
                % {"day": original.day.isoformat()},
                code="bad_day",
                field="day",
            )
        if original.kind == EntryKind.ALLOCATION:
            allocated, paid = source_totals(project.pk, original.source_id)
            refuse_overspend(
                project=project.number,
                source=original.source.label,
                allocated=allocated - original.amount,
                paid=paid,
                field="entry_id",
            )
        reversal = LedgerEntry.objects.create(
            project=project,
            region_id=project.region_id,
            kind=original.kind,
            source_id=original.source_id,
            amount=-original.amount,
            day=day,
            voucher=original.voucher,
            note=reason,
            reverses=original,
            recorded_at=timezone.now(),
            recorded_by=actor,
        )
        audit.record(
            actor=actor,
            action="ledger.reverse",
            obj=reversal,
            region_code=project.region_id,
            after=audit.snapshot(reversal),
        )
    return reversal
