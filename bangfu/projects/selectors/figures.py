"""The figures of projects and funds (项目资金指标): the funds summary (资金汇总) of a place by
source, kind, year and sub-place, read from the place roll-ups only, and the same indicators
counted from the records themselves, which the roll-ups must agree with (tests, benchmark).

The place roll-ups are kept by ``reports``, which sits above this app: it hands over its
reader at start-up (``reports.apps``), as the apps above the registry add sections to the
household page, so that this app's pages read them without importing upwards.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from bangfu.core.models import Code, Region
from bangfu.core.regions import RegionLevel
from bangfu.core.selectors import outermost, places_listed, top_places
from bangfu.registry.models import Household

from .. import rollups
from ..models import (
    BeneficiaryHousehold,
    CollectiveIncome,
    Donation,
    EntryKind,
    LedgerEntry,
    Output,
    PlannedFund,
    Project,
    Sale,
    Stage,
)
from ..rollups import CARRIED_OUT, Funds, Targets
from .coverage import able_q, covered_q

# (user, places) → each place's ``projects`` map of its ``PlaceStock`` row, caught up first.
StockReader = Callable[[Any, list[Region]], dict[str, dict]]
_reader: list[StockReader] = []


def read_rollups_with(reader: StockReader) -> None:
    """Called once by ``reports`` at start-up with its reader of the place roll-ups."""
    _reader[:] = [reader]


def stocks_of(user, places: list[Region]) -> dict[str, dict]:
    if not _reader:
        raise RuntimeError("reports has not handed over its reader of the place roll-ups")
    return _reader[0](user, places)


# ---------------------------------------------------------------------------------------------
# Links to the records behind a figure


def ledger_url(
    *, place: str = "", year: int | None = None, kind: str = "", source: str = ""
) -> str:
    """The funds ledger's list (``projects:ledger``) filtered as a figure was counted: the
    records behind it one click away."""
    base = reverse("projects:ledger")
    query = {"place": place, "year": year or "", "kind": kind, "source": source}
    return f"{base}?{urlencode({name: value for name, value in query.items() if value})}"


# ---------------------------------------------------------------------------------------------
# Labels


def labels(kind: str) -> dict[str, Code]:
    """A code list's entries by value, in their order."""
    codes = Code.objects.filter(kind=kind).order_by("sort_order", "value")
    return {code.value: code for code in codes}


def outputs_in_words(outputs: dict[str, Decimal]) -> str:
    """Outputs as reports write them: 硬化道路12.5公里、路灯40盏."""
    found = []
    for value, code in labels("output_kind").items():
        if outputs.get(value):
            quantity = f"{outputs[value]:f}"
            if "." in quantity:  # 2.50 → 2.5, 120.00 → 120
                quantity = quantity.rstrip("0").rstrip(".")
            found.append(f"{code.label}{quantity}{code.unit}")
    return _(", ").join(found)


@dataclass
class KindRow:
    label: str
    value: str
    stages: dict[str, int]

    @property
    def total(self) -> int:
        return sum(n for stage, n in self.stages.items() if stage != Stage.CANCELLED)


def kind_rows(by_kind: dict[str, dict[str, int]]) -> list[KindRow]:
    """Projects by kind (every kind of the list, in its order) and stage."""
    return [
        KindRow(code.label, value, {stage: by_kind.get(value, {}).get(stage, 0) for stage in Stage})
        for value, code in labels("project_kind").items()
        if by_kind.get(value)
    ]


@dataclass
class FundsRow:
    """One line of a funds table: what it is, its filter for the ledger, its amounts."""

    label: str
    funds: Funds
    place: str = ""
    year: int | None = None
    kind: str = ""
    source: str = ""
    region: Region | None = None

    @property
    def ledger(self) -> str:
        return ledger_url(place=self.place, year=self.year, kind=self.kind, source=self.source)


def coded_rows(
    amounts: dict[str, Funds], kind_of_list: str, *, place: str, year: int | None, kind: str = ""
) -> list[FundsRow]:
    """Funds by the entries of a code list (sources of funds, or kinds of project), in the
    list's order; by source, within the kind of project given."""
    by_source = kind_of_list == "fund_source"
    return [
        FundsRow(
            code.label,
            amounts[value],
            place=place,
            year=year,
            kind=kind if by_source else value,
            source=value if by_source else "",
        )
        for value, code in labels(kind_of_list).items()
        if value in amounts
    ]


# ---------------------------------------------------------------------------------------------
# The funds summary (资金汇总): from the place roll-ups only


@dataclass
class Tally:
    """Funds added up: in total, by source, by kind and by year."""

    total: Funds = field(default_factory=Funds)
    by_source: dict[str, Funds] = field(default_factory=dict)
    by_kind: dict[str, Funds] = field(default_factory=dict)
    by_year: dict[int, Funds] = field(default_factory=dict)


def tally(stocks: list[dict], year: int | None, kind: str = "") -> Tally:
    """The stock maps' funds of a year (every year, for None) and a kind ("" every kind)."""
    found = Tally()
    for stock in stocks:
        for y, kinds in rollups.funds_of(stock, year, kind).items():
            for k, sources in kinds.items():
                for source, amounts in sources.items():
                    found.total.add(amounts)
                    found.by_source.setdefault(source, Funds()).add(amounts)
                    found.by_kind.setdefault(k, Funds()).add(amounts)
                    found.by_year.setdefault(int(y), Funds()).add(amounts)
    return found


@dataclass
class FundsSummary:
    """A place's funds (or all the user's places') for a year and a kind of project."""

    within: Region | None
    year: int
    kind: str
    total: Funds = field(default_factory=Funds)
    by_source: list[FundsRow] = field(default_factory=list)
    by_kind: list[FundsRow] = field(default_factory=list)
    by_year: list[FundsRow] = field(default_factory=list)
    by_place: list[FundsRow] = field(default_factory=list)

    @property
    def place(self) -> str:
        return self.within.code if self.within else ""

    @property
    def ledger(self) -> str:
        return ledger_url(place=self.place, year=self.year, kind=self.kind)


def funds_summary(user, within: Region | None, year: int, kind: str = "") -> FundsSummary:
    """Planned, allocated and paid funds of the projects of ``year`` (of ``kind``, if given)
    under ``within`` or all the user's places, by source, by kind, by year (every year) and
    by the places directly under it, each with its disbursement rate (支出进度) and the link
    to the ledger entries behind it. Reads one roll-up row a place shown."""
    held = [within] if within else outermost(list(top_places(user)))
    listed = places_listed(user, within)
    stocks = stocks_of(user, [*held, *listed])
    mine = [stocks.get(place.code, {}) for place in held]
    chosen, every_year = tally(mine, year, kind), tally(mine, None, kind)
    code = within.code if within else ""
    summary = FundsSummary(within, year, kind, chosen.total)
    summary.by_source = coded_rows(
        chosen.by_source, "fund_source", place=code, year=year, kind=kind
    )
    summary.by_kind = coded_rows(chosen.by_kind, "project_kind", place=code, year=year)
    summary.by_year = [
        FundsRow(str(y), every_year.by_year[y], place=code, year=y, kind=kind)
        for y in sorted(every_year.by_year, reverse=True)
    ]
    summary.by_place = [
        FundsRow(
            place.name,
            tally([stocks.get(place.code, {})], year, kind).total,
            place=place.code,
            year=year,
            kind=kind,
            region=place,
        )
        for place in listed
    ]
    return summary


# ---------------------------------------------------------------------------------------------
# The indicators counted from the records


def figures_from_records(
    user, within: Region | None, year: int, first: datetime.date, last: datetime.date
) -> dict[str, Any]:
    """The projects block's indicators counted from the records (projects, planned funds,
    ledger entries, outputs, beneficiaries, households and their measures, donations, sales,
    collective incomes), with no roll-up of any kind: projects of ``year`` as they stand,
    donations and sales dated ``first`` to ``last``."""
    places = [within] if within else outermost(list(top_places(user)))
    projects = Project.objects.visible_to(user, within).filter(year=year)
    ledger = (
        LedgerEntry.objects.visible_to(user, within)
        .filter(project__year=year)
        .aggregate(
            allocated=Sum("amount", filter=Q(kind=EntryKind.ALLOCATION)),
            paid=Sum("amount", filter=Q(kind=EntryKind.PAYMENT)),
        )
    )
    funds = Funds(
        planned=PlannedFund.objects.visible_to(user, within)
        .filter(project__year=year)
        .exclude(project__stage=Stage.CANCELLED)
        .aggregate(total=Sum("amount"))["total"]
        or Decimal(0),
        allocated=ledger["allocated"] or Decimal(0),
        paid=ledger["paid"] or Decimal(0),
    )
    able = Household.objects.visible_to(user, within).filter(able_q(), closed_on=None)
    n_able, covered = able.count(), able.filter(covered_q(year)).count()
    donations = (
        Donation.objects.visible_to(user, within)
        .filter(day__gte=first, day__lte=last)
        .aggregate(n=Count("pk"), cash=Sum("cash"), goods=Sum("goods_value"))
    )
    sales = (
        Sale.objects.visible_to(user, within)
        .filter(day__gte=first, day__lte=last)
        .aggregate(n=Count("pk"), amount=Sum("amount"))
    )
    villages = (
        Region.objects.visible_to(user, within).filter(level=RegionLevel.VILLAGE).count()
        if within
        else sum(
            Region.objects.visible_to(user, place).filter(level=RegionLevel.VILLAGE).count()
            for place in places
        )
    )
    floor = good = 0
    targets = Targets()
    for code, total in (
        CollectiveIncome.objects.visible_to(user, within)
        .filter(year=year)
        .values_list("region_id")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        at_least, strong = targets(code, year)
        floor += total >= at_least
        good += total >= strong
    return {
        "projects": projects.exclude(stage=Stage.CANCELLED).count(),
        "projects_carried_out": projects.filter(stage__in=CARRIED_OUT).count(),
        "projects_accepted": projects.filter(stage=Stage.ACCEPTED).count(),
        "funds_planned": funds.planned,
        "funds_allocated": funds.allocated,
        "funds_paid": funds.paid,
        "disbursement_rate": funds.rate,
        "beneficiary_households": BeneficiaryHousehold.objects.visible_to(user, within)
        .filter(project__year=year)
        .exclude(project__stage=Stage.CANCELLED)
        .values("household_id")
        .distinct()
        .count(),
        "income_able": n_able,
        "income_covered": covered,
        "income_coverage": covered / n_able if n_able else None,
        "donations": donations["n"],
        "donations_value": (donations["cash"] or Decimal(0)) + (donations["goods"] or Decimal(0)),
        "sales": sales["n"],
        "sales_amount": sales["amount"] or Decimal(0),
        "villages_floor": floor,
        "villages_below_floor": villages - floor,
        "villages_good_share": good / villages if villages else None,
        "outputs": outputs_in_words(
            dict(
                Output.objects.visible_to(user, within)
                .filter(project__year=year)
                .exclude(project__stage=Stage.CANCELLED)
                .values_list("kind__value")
                .annotate(total=Sum("quantity"))
                .order_by()
            )
        ),
    }
