"""Reads for the dashboard and the documents: the indicators' values under a place for a
period, per sub-place for drilling down, and the series the charts draw.

Visit figures come from the month roll-ups (``visits.VisitMonth``) through the visits
selectors; ``source_flows`` counts the same from the visit and problem rows themselves, for
the tests and the benchmark that check both agree.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from bangfu.core.models import Code, Region
from bangfu.core.regions import own_prefix
from bangfu.core.selectors import children_of, top_places
from bangfu.pairing.models import Helper
from bangfu.pairing.selectors import Coverage, coverage
from bangfu.registry.models import Household, HouseholdStatus
from bangfu.visits import selectors as visits
from bangfu.visits.models import Problem, Visit, VisitKind
from bangfu.visits.rollups import month_of, next_month
from bangfu.visits.schedule import month_schedule

from .indicators import INDICATORS

MOST_MONTHS = 24
TREND_MONTHS = 6
FLOWS = (
    "visits",
    "home_visits",
    "problems_found",
    "problems_solved",
    "jobs_found",
    "goods_value",
    "money_value",
)


@dataclass(frozen=True)
class Period:
    """Whole months, from ``first`` to ``last`` (both the first day of their month)."""

    first: datetime.date
    last: datetime.date

    @property
    def months(self) -> list[datetime.date]:
        found, month = [], self.first
        while month <= self.last:
            found.append(month)
            month = next_month(month)
        return found

    @property
    def label(self) -> str:
        if self.first == self.last:
            return f"{self.first:%Y-%m}"
        return f"{self.first:%Y-%m} – {self.last:%Y-%m}"

    @property
    def end(self) -> datetime.date:
        """The period's last day, or today while it is still running."""
        return min(timezone.localdate(), next_month(self.last) - datetime.timedelta(days=1))


def period_from(month: str = "", first: str = "", last: str = "") -> Period:
    """``?month=2026-11``, or ``?from=2026-09&to=2026-11``; default: this month. A range is
    put in order and cut to its last 24 months."""
    if first or last:
        start = visits.parse_month(first or last)
        end = visits.parse_month(last or first)
        start, end = min(start, end), max(start, end)
        while len(Period(start, end).months) > MOST_MONTHS:
            start = next_month(start)
        return Period(start, end)
    chosen = visits.parse_month(month)
    return Period(chosen, chosen)


def _flows(parts: list[visits.Compliance]) -> dict[str, Any]:
    return {name: sum((getattr(p, name) for p in parts), start=0) for name in FLOWS}


@dataclass
class Figures:
    """The indicators' values under one place (or all the user's places) for a period."""

    user: Any
    within: Region | None
    period: Period

    @cached_property
    def _open(self) -> QuerySet[Household]:
        return Household.objects.visible_to(self.user, self.within).filter(closed_on=None)

    @cached_property
    def by_status(self) -> list[tuple[str, int]]:
        counts = dict(self._open.values_list("status").annotate(n=Count("pk")).order_by())
        return [
            (str(label), counts[value])
            for value, label in HouseholdStatus.choices
            if value in counts
        ]

    def _by_code(self, field: str, kind: str) -> list[tuple[str, int]]:
        counts = dict(
            self._open.filter(**{f"{field}__isnull": False})
            .values_list(field)
            .annotate(n=Count("pk"))
            .order_by()
        )
        codes = Code.objects.filter(pk__in=list(counts), kind=kind)
        ordered = sorted(codes, key=lambda code: (code.sort_order, code.value))
        return [(code.label, counts[code.pk]) for code in ordered]

    @cached_property
    def by_cause(self) -> list[tuple[str, int]]:
        return self._by_code("main_cause", "poverty_cause")

    @cached_property
    def by_attribute(self) -> list[tuple[str, int]]:
        return self._by_code("attribute", "household_attribute")

    @cached_property
    def by_monitoring_type(self) -> list[tuple[str, int]]:
        return self._by_code("monitoring_type", "monitoring_type")

    @cached_property
    def coverage(self) -> Coverage:
        return coverage(self.user, self.within)

    @cached_property
    def months(self) -> list[visits.Compliance]:
        return [visits.compliance(self.user, self.within, m) for m in self.period.months]

    @cached_property
    def values(self) -> dict[str, Any]:
        last = self.months[-1]
        return {
            "households": sum(n for _label, n in self.by_status),
            "monitored": self._open.filter(status=HouseholdStatus.MONITORED).count(),
            "coverage": self.coverage.rate,
            "helpers": Helper.objects.visible_to(self.user, self.within)
            .filter(left_on=None)
            .count(),
            "compliance": last.on_track / last.households if last.households else None,
            "behind": last.behind,
            **_flows(self.months),
        }

    def rows(self) -> list[tuple[Any, Any]]:
        """(indicator, value) in the registry's order."""
        return [(INDICATORS[key], self.values[key]) for key in INDICATORS]


@dataclass
class PlaceRow:
    """One sub-place's line in the drill-down table."""

    place: Region
    households: int = 0
    coverage: float | None = None
    last: visits.Compliance = field(default_factory=visits.Compliance)
    flows: dict[str, Any] = field(default_factory=dict)

    @property
    def compliance(self) -> float | None:
        return self.last.on_track / self.last.households if self.last.households else None


def sub_places(user, within: Region | None) -> list[Region]:
    return list(children_of(user, within)) if within else list(top_places(user))


def place_rows(user, within: Region | None, period: Period) -> list[PlaceRow]:
    """Each place directly under ``within`` (or each of the user's places) with its figures:
    one grouped query a figure for all of them, not one a place."""
    places = sub_places(user, within)
    rows = {place.code: PlaceRow(place) for place in places}
    prefixes = [(own_prefix(place.code, place.level), place.code) for place in places]

    def owner(region_id: str) -> str | None:
        return next((code for prefix, code in prefixes if region_id.startswith(prefix)), None)

    for region_id, n in (
        Household.objects.visible_to(user, within)
        .filter(closed_on=None)
        .values_list("region_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        code = owner(region_id)
        if code:
            rows[code].households += n
    by_month = [visits.compliance_by_place(user, places, within, m) for m in period.months]
    for index, place in enumerate(places):
        parts = [month[index][1] for month in by_month]
        rows[place.code].last = parts[-1]
        rows[place.code].flows = _flows(parts)
        rows[place.code].coverage = coverage(user, place).rate
    return [rows[place.code] for place in places]


def visits_by_day(
    user, within: Region | None, month: datetime.date
) -> list[tuple[datetime.date, int, bool]]:
    """(day, visits, fixed day?) for every day of the month: the rhythm of the fixed days.
    The fixed days are those of the place shown (or of the user's first place)."""
    start = timezone.make_aware(datetime.datetime.combine(month, datetime.time()))
    end = timezone.make_aware(datetime.datetime.combine(next_month(month), datetime.time()))
    counts = Counter(
        timezone.localtime(at).date()
        for at in Visit.objects.visible_to(user, within)
        .filter(visited_at__gte=start, visited_at__lt=end)
        .values_list("visited_at", flat=True)
    )
    anchor = within or top_places(user).first()
    fixed = set(month_schedule(anchor.code, month).fixed.dates) if anchor else set()
    days, day = [], month
    while day < next_month(month):
        days.append((day, counts.get(day, 0), day in fixed))
        day += datetime.timedelta(days=1)
    return days


def trend(
    user, within: Region | None, period: Period
) -> list[tuple[datetime.date, int, float | None]]:
    """(month, visits, compliance) for the period's months, or the six months up to it."""
    months = period.months
    if len(months) < 2:
        start = months[-1]
        for _ in range(TREND_MONTHS - 1):
            start = month_of(start - datetime.timedelta(days=1))
        months = Period(start, months[-1]).months
    found = []
    for month in months:
        figures = visits.compliance(user, within, month)
        rate = figures.on_track / figures.households if figures.households else None
        found.append((month, figures.visits, rate))
    return found


def source_flows(user, within: Region | None, period: Period) -> dict[str, Any]:
    """The period's visit figures counted from the visit and problem rows, not the roll-ups."""
    start = timezone.make_aware(datetime.datetime.combine(period.first, datetime.time()))
    end = timezone.make_aware(datetime.datetime.combine(next_month(period.last), datetime.time()))
    logged = Visit.objects.visible_to(user, within).filter(
        visited_at__gte=start, visited_at__lt=end
    )
    totals = logged.aggregate(
        visits=Count("pk"),
        home_visits=Count("pk", filter=Q(kind=VisitKind.HOME)),
        jobs_found=Sum("jobs_found"),
        goods_value=Sum("goods_value"),
        money_value=Sum("money_value"),
    )
    problems = Problem.objects.visible_to(user, within)
    first, following = period.first, next_month(period.last)
    return {
        "visits": totals["visits"],
        "home_visits": totals["home_visits"],
        "problems_found": problems.filter(found_on__gte=first, found_on__lt=following).count(),
        "problems_solved": problems.filter(solved_on__gte=first, solved_on__lt=following).count(),
        "jobs_found": totals["jobs_found"] or 0,
        "goods_value": totals["goods_value"] or Decimal(0),
        "money_value": totals["money_value"] or Decimal(0),
    }
