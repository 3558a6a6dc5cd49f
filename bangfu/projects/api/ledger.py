"""The funds ledger over the API: a project's balances and entries, an allocation (JSON), a
payment (multipart, with the voucher's photo), a reversing entry, and the ledger list with
its totals under the same filters as the page."""

import datetime
from decimal import Decimal

from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from bangfu.core import params
from bangfu.core.params import Id
from bangfu.core.schemas import documented

from .. import selectors, services
from ..models import LedgerEntry, Project

router = Router(tags=["projects"])
# The voucher photo of a payment is optional: a multipart file field that may be left out.
NO_PHOTO = File(None)


class EntryIn(Schema):
    source: str
    amount: Decimal = documented(LedgerEntry, "amount")
    day: datetime.date = documented(LedgerEntry, "day")
    voucher: str = documented(LedgerEntry, "voucher", "")
    note: str = documented(LedgerEntry, "note", "")


class ReverseIn(Schema):
    day: datetime.date = documented(LedgerEntry, "day")
    reason: str = documented(LedgerEntry, "note")


class EntryOut(Schema):
    id: int
    project_id: int
    project_number: str
    region_code: str
    kind: str
    source: str
    source_label: str
    amount: Decimal
    day: datetime.date
    voucher: str
    note: str
    has_voucher_image: bool
    reverses_id: int | None
    reversed: bool


class BalanceOut(Schema):
    source: str
    source_label: str
    planned: Decimal
    allocated: Decimal
    paid: Decimal
    balance: Decimal
    rate: Decimal | None = Field(description="支出进度: paid / allocated, in percent")


class ProjectLedgerOut(Schema):
    project_id: int
    number: str
    stage: str
    balances: list[BalanceOut]
    total: BalanceOut
    entries: list[EntryOut]


class LedgerFiltersIn(Schema):
    place: str = ""
    year: str = ""
    kind: str = Field("", description="a project_kind value")
    source: str = Field("", description="a fund_source value")
    entry_kind: str = Field("", description="allocation or payment")
    page: int = Field(1, ge=1, le=params.MAX_PAGE)
    page_size: int = Field(50, ge=1, le=params.MAX_PAGE_SIZE)


class LedgerListOut(Schema):
    count: int
    allocated: Decimal
    paid: Decimal
    balance: Decimal
    rate: Decimal | None
    items: list[EntryOut]


def _entry(entry: LedgerEntry) -> dict:
    return {
        "id": entry.pk,
        "project_id": entry.project_id,
        "project_number": entry.project.number,
        "region_code": entry.region_id,
        "kind": entry.kind,
        "source": entry.source.value,
        "source_label": entry.source.label,
        "amount": entry.amount,
        "day": entry.day,
        "voucher": entry.voucher,
        "note": entry.note,
        "has_voucher_image": bool(entry.voucher_image),
        "reverses_id": entry.reverses_id,
        "reversed": entry.reversed,
    }


def _balance(row: selectors.SourceBalance) -> dict:
    return {
        "source": row.source.value if row.source else "",
        "source_label": row.source.label if row.source else "",
        "planned": row.planned,
        "allocated": row.allocated,
        "paid": row.paid,
        "balance": row.balance,
        "rate": row.rate,
    }


def _ledger(project: Project) -> dict:
    rows = selectors.balances(project)
    return {
        "project_id": project.pk,
        "number": project.number,
        "stage": project.stage,
        "balances": [_balance(row) for row in rows],
        "total": _balance(selectors.total_of(rows)),
        "entries": [
            _entry(e) for e in selectors.project_entries(project).select_related("project")
        ],
    }


@router.get(
    "/projects/{project_id}/ledger", response=ProjectLedgerOut, operation_id="ledger_of_project"
)
def ledger_of_project(request, project_id: Id):
    """A project's funds by source (planned, allocated, paid, balance, 支出进度) and its
    entries in the order recorded."""
    return _ledger(selectors.ledger_project(request.auth, project_id))


@router.post(
    "/projects/{project_id}/ledger/allocations",
    response={201: EntryOut},
    operation_id="allocation_record",
)
def allocation_record(request, project_id: Id, payload: EntryIn):
    """Funds allocated to the project from one source (下达)."""
    project = selectors.ledger_project(request.auth, project_id)
    entry = services.allocation_record(actor=request.auth, project_id=project.pk, **payload.dict())
    return Status(201, _entry(selectors.entry_for(request.auth, entry.pk)))


@router.post(
    "/projects/{project_id}/ledger/payments",
    response={201: EntryOut},
    operation_id="payment_record",
)
def payment_record(
    request,
    project_id: Id,
    payload: Form[EntryIn],
    voucher_image: UploadedFile | None = NO_PHOTO,
):
    """A payment from the project's funds (拨付/报账), as a form with the voucher's photo in
    ``voucher_image`` (optional); refused beyond what is allocated from that source."""
    project = selectors.ledger_project(request.auth, project_id)
    entry = services.payment_record(
        actor=request.auth,
        project_id=project.pk,
        voucher_image=voucher_image.read() if voucher_image else None,
        **payload.dict(),
    )
    return Status(201, _entry(selectors.entry_for(request.auth, entry.pk)))


@router.post("/ledger/{entry_id}/reverse", response={201: EntryOut}, operation_id="entry_reverse")
def entry_reverse(request, entry_id: Id, payload: ReverseIn):
    """The reversing entry (冲销) of an allocation or a payment, with the reason."""
    entry = selectors.entry_for(request.auth, entry_id)
    reversal = services.entry_reverse(actor=request.auth, entry_id=entry.pk, **payload.dict())
    return Status(201, _entry(selectors.entry_for(request.auth, reversal.pk)))


@router.get("/ledger", response=LedgerListOut, operation_id="ledger_list")
def ledger_list(request, filters: Query[LedgerFiltersIn]):
    """The ledger's entries under ``place`` (or all the caller's places), of projects of
    ``year`` (the library's year, whenever the money moved), project ``kind``, ``source``
    and ``entry_kind``, the latest first, with the totals over every page."""
    listed = selectors.ledger_entries(
        request.auth, **selectors.ledger_filters(request.auth, filters.dict())
    )
    page = listed.page(filters.page, filters.page_size)
    return {
        "count": listed.count,
        "allocated": listed.allocated,
        "paid": listed.paid,
        "balance": listed.balance,
        "rate": listed.rate,
        "items": [_entry(e) for e in page],
    }
