"""Reads of the funds ledger (资金台账): a project's balances by source, and the entries
behind every funds figure, filtered as the figures are cut (place, year, project kind,
source, entry kind) with their totals."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from bangfu.core import params
from bangfu.core.models import Code, Region
from bangfu.core.scoping import get_visible_or_404
from bangfu.core.selectors import code_choices, region_for

from ..funds import cents
from ..models import EntryKind, LedgerEntry, PlannedFund, Project

ZERO = Decimal("0.00")

# A query of entries, kept of its own class (a regional one stays regional).
Entries = TypeVar("Entries", bound=QuerySet[LedgerEntry])


def disbursement_rate(paid: Decimal, allocated: Decimal) -> Decimal | None:
    """支出进度: the share of what was allocated that is paid out, in percent to one place;
    None when nothing is allocated (no rate, rather than a division by zero)."""
    if allocated <= 0:
        return None
    return (paid * 100 / allocated).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class SourceBalance:
    """One source of a project's funds: planned (计划投资), allocated (下达), paid (拨付),
    the balance (结余 = allocated − paid) and the disbursement rate (支出进度)."""

    source: Code | None  # None for the total of all sources
    planned: Decimal
    allocated: Decimal
    paid: Decimal

    @property
    def balance(self) -> Decimal:
        return self.allocated - self.paid

    @property
    def rate(self) -> Decimal | None:
        return disbursement_rate(self.paid, self.allocated)


def balances(project: Project) -> list[SourceBalance]:
    """The project's funds by source, every source planned or with an entry, in the code
    list's order; sums of the entries as recorded (reversals included)."""
    planned = dict(PlannedFund.objects.filter(project=project).values_list("source_id", "amount"))
    moved: dict[int, dict[str, Decimal]] = {}
    for row in (
        LedgerEntry.objects.filter(project=project)
        .values("source_id", "kind")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        moved.setdefault(row["source_id"], {})[row["kind"]] = cents(row["total"])
    sources = Code.objects.filter(pk__in=set(planned) | set(moved)).order_by("sort_order", "value")
    return [
        SourceBalance(
            source=source,
            planned=planned.get(source.pk, ZERO),
            allocated=moved.get(source.pk, {}).get(EntryKind.ALLOCATION, ZERO),
            paid=moved.get(source.pk, {}).get(EntryKind.PAYMENT, ZERO),
        )
        for source in sources
    ]


def total_of(rows: list[SourceBalance]) -> SourceBalance:
    """All sources together (合计)."""
    return SourceBalance(
        source=None,
        planned=sum((row.planned for row in rows), ZERO),
        allocated=sum((row.allocated for row in rows), ZERO),
        paid=sum((row.paid for row in rows), ZERO),
    )


def ledger_project(user, project_id: int) -> Project:
    """A project whose ledger the reader may see; one outside their places is missing."""
    return get_visible_or_404(Project.objects.select_related("region", "kind"), user, pk=project_id)


def with_reversed(entries: Entries) -> Entries:
    """Entries marked ``reversed`` when a reversing entry names them."""
    return entries.annotate(reversed=Exists(LedgerEntry.objects.filter(reverses=OuterRef("pk"))))


def project_entries(project: Project) -> QuerySet[LedgerEntry]:
    """A project's entries in the order they were recorded, each marked if reversed."""
    return with_reversed(
        LedgerEntry.objects.filter(project=project).select_related("source", "reverses")
    )


def entry_for(user, entry_id: int) -> LedgerEntry:
    """One ledger entry the reader may see (its voucher photo, its reversal form)."""
    return get_visible_or_404(
        with_reversed(LedgerEntry.objects.select_related("project", "source")), user, pk=entry_id
    )


@dataclass(frozen=True)
class LedgerList:
    """The entries a list shows (a query, paged by the caller in the database) and their
    totals over every page."""

    entries: QuerySet[LedgerEntry]
    count: int
    allocated: Decimal
    paid: Decimal

    def page(self, number: int, size: int = 50) -> Page:
        """One page of the entries (past the end: the last), counted by the totals' query
        rather than a second scan of the place's entries."""
        paginator = Paginator(self.entries, size)
        paginator.count = self.count  # a cached property, set from the aggregate
        return paginator.get_page(number)

    @property
    def balance(self) -> Decimal:
        return self.allocated - self.paid

    @property
    def rate(self) -> Decimal | None:
        return disbursement_rate(self.paid, self.allocated)


def filtered_entries(
    user,
    *,
    within: Region | None = None,
    year: int | None = None,
    kind: str = "",
    source: str = "",
    entry_kind: str = "",
) -> QuerySet[LedgerEntry]:
    """The reader's ledger entries under ``within`` (or all their places) of projects of
    ``year`` (the project library's year: the year whose funds the figures count, whenever
    the money moved), of projects of ``kind`` (a ``project_kind`` value), from ``source`` (a
    ``fund_source`` value), of ``entry_kind`` (allocation or payment): cut as the funds
    figures are, for the ledger list and its export."""
    entries = LedgerEntry.objects.visible_to(user, within)
    if year is not None:
        entries = entries.filter(project__year=year)
    if kind:
        entries = entries.filter(project__kind__kind="project_kind", project__kind__value=kind)
    if source:
        entries = entries.filter(source__kind="fund_source", source__value=source)
    if entry_kind:
        entries = entries.filter(kind=entry_kind)
    return entries


def ledger_entries(
    user,
    *,
    within: Region | None = None,
    year: int | None = None,
    kind: str = "",
    source: str = "",
    entry_kind: str = "",
) -> LedgerList:
    """The entries of ``filtered_entries``, the latest first, with their totals, which count
    reversals as the balances do."""
    entries = filtered_entries(
        user, within=within, year=year, kind=kind, source=source, entry_kind=entry_kind
    )
    totals = entries.aggregate(
        count=Count("pk"),
        allocated=Sum("amount", filter=Q(kind=EntryKind.ALLOCATION)),
        paid=Sum("amount", filter=Q(kind=EntryKind.PAYMENT)),
    )
    return LedgerList(
        count=totals["count"],
        entries=with_reversed(entries.select_related("project", "region", "source")).order_by(
            "-day", "-pk"
        ),
        allocated=cents(totals["allocated"]),
        paid=cents(totals["paid"]),
    )


def ledger_filters(user, query: Mapping[str, Any]) -> dict[str, Any]:
    """The ledger list's filters from its address (the funds figures link here with the
    same place, year, kind and source): each checked, a wrong one refused (400)."""
    code = params.place(query.get("place"))
    return {
        "within": region_for(user, code) if code else None,
        "year": params.year(query.get("year")),
        "kind": params.choice(
            query.get("kind"), field="kind", choices=[v for v, _l in code_choices("project_kind")]
        ),
        "source": params.choice(
            query.get("source"),
            field="source",
            choices=[v for v, _l in code_choices("fund_source")],
        ),
        "entry_kind": params.choice(
            query.get("entry_kind"), field="entry_kind", choices=EntryKind.values
        ),
    }
