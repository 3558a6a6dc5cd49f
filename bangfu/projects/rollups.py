"""Figures of projects and funds (项目资金指标) for the place roll-ups: what a place's own
records add to its ``reports.PlaceStock`` and ``PlaceMonth`` rows, one JSON map each
(``projects``). ``reports.rollups`` calls ``own_stock`` and ``own_months`` for the places the
audit log says were written — every entry about a projects record (``object_type``
``projects.*``, whatever its action) marks its place, the places named in its before and
after (a project moved), and for a project the places of the households it benefits — and
for every place on a rebuild. A change of a collective-income rule (``RULES``) marks every
place under the rule's place.

Money is kept in fen (分) and quantities in hundredths, as whole numbers, so that adding and
taking away in JSON stays exact. Keys are code values (a kind "2", a source "1"), years ISO.

As it stands (stock):

- ``projects``: year → kind → stage → projects;
- ``funds``: year → kind → source → ``planned`` (projects not cancelled), ``allocated``,
  ``paid`` (every ledger entry, reversals included, as the ledger adds up);
- ``outputs``: year → output kind → quantity (projects not cancelled);
- ``beneficiaries``: year → households benefiting from a project of that year not cancelled
  (each household once a year, at its own place);
- ``able``: open households with a member able to work (labour 普通, 技能, 弱或半劳动力),
  ``covered``: year → of them, those with a household income project running in the year
  (``covered_q``);
- ``villages``: villages, 1 each; ``collective``: year → ``reported`` villages with an income
  recorded, of them reaching the ``floor`` and the ``good`` target of their place for the
  year (the rules on the year's last day).

In a month (flows): ``donations`` (``n``, ``cash``, ``goods`` valued) by the day given,
``sales`` of consumption assistance (``n``, ``amount``) by the day sold.
"""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from bangfu.core.models import Region
from bangfu.core.policies import places_setting, policy_for, rule_place
from bangfu.core.regions import RegionLevel
from bangfu.plans.models import Measure, MeasureStatus
from bangfu.registry.models import Household
from bangfu.visits.rollups import month_of, within_months

from .models import (
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
from .selectors.coverage import INCOME_MEASURES, able_q, covered_q

CHUNK = 500
FIELD = "projects"  # the roll-ups' field of this app
RECORDS = "projects."  # the audit log's object types of this app
RULES = (
    "projects.collective_income_floor",
    "projects.collective_income_good",
    "projects.collective_income_good_share",
)
# Stages of a project being carried out (实施): started and after, not cancelled.
CARRIED_OUT = (Stage.STARTED, Stage.COMPLETED, Stage.ACCEPTED)
Part = tuple[str, str, Any]


def fen(amount: Decimal | None) -> int:
    """Yuan as whole fen (分)."""
    return int((amount or Decimal(0)) * 100)


def hundredths(quantity: Decimal | None) -> int:
    return int((quantity or Decimal(0)) * 100)


def from_hundredths(n: int) -> Decimal:
    """Fen as yuan, hundredths as a quantity."""
    return Decimal(n) / 100


def _chunks(codes: list[str] | None, column: str = "region_id") -> Iterator[dict]:
    if codes is None:
        yield {}
        return
    for start in range(0, len(codes), CHUNK):
        yield {f"{column}__in": codes[start : start + CHUNK]}


def income_years(where: dict) -> list[int]:
    """The years any household income project of these places runs in."""
    years: set[int] = set()
    spans = (
        Measure.objects.filter(**where, kind__value__in=INCOME_MEASURES)
        .exclude(status=MeasureStatus.DROPPED)
        .values_list("starts_on__year", "due_on__year")
        .distinct()
        .order_by()
    )
    for first, last in spans:
        years.update(range(first, last + 1))
    years.update(
        BeneficiaryHousehold.objects.filter(**where)
        .exclude(project__stage=Stage.CANCELLED)
        .values_list("project__year", flat=True)
        .distinct()
        .order_by()
    )
    return sorted(years)


class Targets:
    """Villages' collective-income floor and good target of a year: the rules of the
    village's rule place on the year's last day, looked up once a rule place and year (a
    call's worth: rules may change between calls)."""

    def __init__(self) -> None:
        self.ruled = places_setting(list(RULES))
        self.found: dict[tuple[str, int], tuple[Decimal, Decimal]] = {}

    def __call__(self, code: str, year: int) -> tuple[Decimal, Decimal]:
        place = rule_place(code, self.ruled)
        if (place, year) not in self.found:
            on = datetime.date(year, 12, 31)
            self.found[place, year] = (
                Decimal(policy_for(place, "projects.collective_income_floor", on)),
                Decimal(policy_for(place, "projects.collective_income_good", on)),
            )
        return self.found[place, year]


def own_stock(codes: list[str] | None) -> Iterator[Part]:
    """(place, roll-up field, a map to add) for these places (every place's, for None)."""
    targets = Targets()
    for where in _chunks(codes):
        yield from _projects_and_funds(where)
        households = Household.objects.filter(**where, closed_on=None).filter(able_q())
        for code, n in households.values_list("region_id").annotate(n=Count("pk")).order_by():
            yield code, FIELD, {"able": n}
        for year in income_years(where):
            for code, n in (
                households.filter(covered_q(year))
                .values_list("region_id")
                .annotate(n=Count("pk"))
                .order_by()
            ):
                yield code, FIELD, {"covered": {str(year): n}}
        for code, year, total in (
            CollectiveIncome.objects.filter(**where)
            .values_list("region_id", "year")
            .annotate(total=Sum("amount"))
            .order_by()
        ):
            floor, good = targets(code, year)
            part = {"reported": 1, "floor": int(total >= floor), "good": int(total >= good)}
            yield code, FIELD, {"collective": {str(year): part}}
    for where in _chunks(codes, "code"):
        for code in Region.objects.filter(**where, level=RegionLevel.VILLAGE).values_list(
            "code", flat=True
        ):
            yield code, FIELD, {"villages": 1}


def _projects_and_funds(where: dict) -> Iterator[Part]:
    for code, year, kind, stage, n in (
        Project.objects.filter(**where)
        .values_list("region_id", "year", "kind__value", "stage")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        yield code, FIELD, {"projects": {str(year): {kind: {stage: n}}}}
    for code, year, kind, source, total in (
        PlannedFund.objects.filter(**where)
        .exclude(project__stage=Stage.CANCELLED)
        .values_list("region_id", "project__year", "project__kind__value", "source__value")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        yield code, FIELD, {"funds": {str(year): {kind: {source: {"planned": fen(total)}}}}}
    for code, year, kind, source, entry, total in (
        LedgerEntry.objects.filter(**where)
        .values_list("region_id", "project__year", "project__kind__value", "source__value", "kind")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        name = "allocated" if entry == EntryKind.ALLOCATION else "paid"
        yield code, FIELD, {"funds": {str(year): {kind: {source: {name: fen(total)}}}}}
    for code, year, kind, total in (
        Output.objects.filter(**where)
        .exclude(project__stage=Stage.CANCELLED)
        .values_list("region_id", "project__year", "kind__value")
        .annotate(total=Sum("quantity"))
        .order_by()
    ):
        yield code, FIELD, {"outputs": {str(year): {kind: hundredths(total)}}}
    for code, year, n in (
        BeneficiaryHousehold.objects.filter(**where)
        .exclude(project__stage=Stage.CANCELLED)
        .values_list("region_id", "project__year")
        .annotate(n=Count("household_id", distinct=True))
        .order_by()
    ):
        yield code, FIELD, {"beneficiaries": {str(year): n}}


def own_months(
    codes: list[str] | None, months: list[datetime.date] | None
) -> Iterator[tuple[str, datetime.date, str, Any]]:
    """Donations and consumption-assistance sales of these places' own records in ``months``
    (every month, for None), by the day each names."""
    for where in _chunks(codes):
        for code, month, n, cash, goods in (
            Donation.objects.filter(**where)
            .filter(within_months("day", months, dates=True))
            .annotate(month=TruncMonth("day"))
            .values("region_id", "month")
            .annotate(n=Count("pk"), cash=Sum("cash"), goods=Sum("goods_value"))
            .values_list("region_id", "month", "n", "cash", "goods")
            .order_by()
        ):
            part = {"n": n, "cash": fen(cash), "goods": fen(goods)}
            yield code, month_of(month), FIELD, {"donations": _nonzero(part)}
        for code, month, n, amount in (
            Sale.objects.filter(**where)
            .filter(within_months("day", months, dates=True))
            .annotate(month=TruncMonth("day"))
            .values("region_id", "month")
            .annotate(n=Count("pk"), amount=Sum("amount"))
            .values_list("region_id", "month", "n", "amount")
            .order_by()
        ):
            yield code, month_of(month), FIELD, {"sales": _nonzero({"n": n, "amount": fen(amount)})}


def _nonzero(part: dict[str, int]) -> dict[str, int]:
    return {name: n for name, n in part.items() if n}


def places_of_projects(project_ids: Iterable[int]) -> set[str]:
    """The places of the households these projects benefit: a project's stage or year
    changes their figures (beneficiaries, coverage) as well as its own place's."""
    return set(
        BeneficiaryHousehold.objects.filter(project_id__in=list(project_ids))
        .values_list("region_id", flat=True)
        .distinct()
        .order_by()
    )


# ---------------------------------------------------------------------------------------------
# Reading the maps


@dataclass
class Funds:
    """Planned, allocated and paid funds (yuan), their balance and disbursement rate."""

    planned: Decimal = Decimal(0)
    allocated: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)

    def add(self, part: dict[str, int]) -> None:
        self.planned += from_hundredths(part.get("planned", 0))
        self.allocated += from_hundredths(part.get("allocated", 0))
        self.paid += from_hundredths(part.get("paid", 0))

    @property
    def balance(self) -> Decimal:
        """Allocated and not yet paid (结余)."""
        return self.allocated - self.paid

    @property
    def rate(self) -> float | None:
        """支出进度: paid ÷ allocated."""
        return float(self.paid / self.allocated) if self.allocated else None


@dataclass
class ProjectFigures:
    """The projects block's figures of a place for a year (and a period's months)."""

    year: int
    by_kind: dict[str, Any] = field(default_factory=dict)  # kind → stage → projects
    funds_by_source: dict[str, Funds] = field(default_factory=dict)
    funds_by_kind: dict[str, Funds] = field(default_factory=dict)
    funds: Funds = field(default_factory=Funds)
    outputs: dict[str, Decimal] = field(default_factory=dict)  # output kind → quantity
    values: dict[str, Any] = field(default_factory=dict)


def funds_of(stock: dict, year: int | None, kind: str = "") -> dict[str, dict[str, dict]]:
    """The funds map of a year (every year, for None) and a kind ("" every kind):
    year → kind → source → amounts."""
    years = stock.get("funds", {})
    chosen = years if year is None else {str(year): years.get(str(year), {})}
    return {
        y: {k: sources for k, sources in kinds.items() if not kind or k == kind}
        for y, kinds in chosen.items()
    }


def figures_of(stock: dict, months: list[dict], year: int) -> ProjectFigures:
    """The indicators of the projects block from roll-up maps added up: projects, funds,
    outputs, beneficiaries and coverage of ``year`` as they stand, the villages' collective
    income of ``year``, donations and sales over the months' maps."""
    found = ProjectFigures(year)
    key = str(year)
    found.by_kind = stock.get("projects", {}).get(key, {})
    for kinds in funds_of(stock, year).values():
        for kind, sources in kinds.items():
            for source, amounts in sources.items():
                found.funds_by_source.setdefault(source, Funds()).add(amounts)
                found.funds_by_kind.setdefault(kind, Funds()).add(amounts)
                found.funds.add(amounts)
    found.outputs = {
        kind: from_hundredths(n) for kind, n in stock.get("outputs", {}).get(key, {}).items()
    }
    stages: dict[str, int] = {}
    for by_stage in found.by_kind.values():
        for stage, n in by_stage.items():
            stages[stage] = stages.get(stage, 0) + n
    able, covered = stock.get("able", 0), stock.get("covered", {}).get(key, 0)
    collective = stock.get("collective", {}).get(key, {})
    villages = stock.get("villages", 0)
    donations = {"n": 0, "cash": 0, "goods": 0}
    sales = {"n": 0, "amount": 0}
    for month in months:
        for name, n in month.get("donations", {}).items():
            donations[name] += n
        for name, n in month.get("sales", {}).items():
            sales[name] += n
    found.values = {
        "projects": sum(n for stage, n in stages.items() if stage != Stage.CANCELLED),
        "projects_carried_out": sum(stages.get(stage, 0) for stage in CARRIED_OUT),
        "projects_accepted": stages.get(Stage.ACCEPTED, 0),
        "funds_planned": found.funds.planned,
        "funds_allocated": found.funds.allocated,
        "funds_paid": found.funds.paid,
        "disbursement_rate": found.funds.rate,
        "beneficiary_households": stock.get("beneficiaries", {}).get(key, 0),
        "income_able": able,
        "income_covered": covered,
        "income_coverage": covered / able if able else None,
        "donations": donations["n"],
        "donations_value": from_hundredths(donations["cash"] + donations["goods"]),
        "sales": sales["n"],
        "sales_amount": from_hundredths(sales["amount"]),
        "villages_floor": collective.get("floor", 0),
        "villages_below_floor": villages - collective.get("floor", 0),
        "villages_good_share": collective.get("good", 0) / villages if villages else None,
    }
    return found
