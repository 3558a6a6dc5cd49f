"""Figures of the monthly check (账实相符、账账相符) for the place roll-ups: what a place's own
records add to its ``reports.PlaceStock`` and ``PlaceMonth`` rows, one JSON map each
(``checks``). ``reports.rollups`` calls ``own_stock`` and ``own_months`` for the places the
audit log says were written — every entry about a checks record (``object_type``
``checks.*``, whatever its action: a snapshot stored or compared, a difference found,
classified or closed, a problem list imported, a report submitted) marks every place under
the entry's place — and for every place on a rebuild.

As it stands (stock): ``villages`` by the rule place of ``checks.report_due`` (the nearest
place at or above setting it, else the province: ``core.policies.rule_place``), 1 a
village; ``open`` differences as timelines by classification and field (ISO day → +n found
that day, −n closed that day; the count on a day is the sum of the keys up to it);
``compared`` and ``matching`` households of the latest compared snapshot
(``selectors.reports.matching_by_place``).

In a month (flows): differences ``found`` (by ``found_on``), ``fixed`` and ``closed`` by
hand (by ``closed_on``), each classification → field name → n; ``reports`` of the month
reported on, by rule place → ``on_time`` / ``late`` → villages.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from bangfu.core.models import Region
from bangfu.core.policies import places_setting, rule_place
from bangfu.core.regions import RegionLevel
from bangfu.visits.rollups import month_of, within_months

from .due import report_due_on
from .models import Difference, DifferenceState, SelfCheckReport
from .selectors.reports import CheckFigures, matching_by_place

CHUNK = 500
RULES = ("checks.report_due",)
RECORDS = "checks."  # the audit log's object types of this app
Part = tuple[str, str, Any]


def _chunks(codes: list[str] | None, column: str = "region_id") -> Iterator[dict]:
    if codes is None:
        yield {}
        return
    for start in range(0, len(codes), CHUNK):
        yield {f"{column}__in": codes[start : start + CHUNK]}


def own_stock(codes: list[str] | None) -> Iterator[Part]:
    """(place, roll-up field, a map to add) for these places (every place's, for None)."""
    ruled = places_setting(list(RULES))
    for where in _chunks(codes, "code"):
        for code in Region.objects.filter(**where, level=RegionLevel.VILLAGE).values_list(
            "code", flat=True
        ):
            yield code, "checks", {"villages": {rule_place(code, ruled): 1}}
    for where in _chunks(codes):
        differences = Difference.objects.filter(**where)
        for code, classification, field_name, day, n in (
            differences.values_list("region_id", "classification", "field_name", "found_on")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            part = {classification: {field_name: {day.isoformat(): n}}}
            yield code, "checks", {"open": part}
        for code, classification, field_name, day, n in (
            differences.exclude(state=DifferenceState.OPEN)
            .filter(closed_on__isnull=False)
            .values_list("region_id", "classification", "field_name", "closed_on")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            part = {classification: {field_name: {day.isoformat(): -n}}}
            yield code, "checks", {"open": part}
    for code, (compared, matching) in matching_by_place(codes).items():
        part = {"compared": compared, "matching": matching}
        yield code, "checks", {name: n for name, n in part.items() if n}


def own_months(
    codes: list[str] | None, months: list[datetime.date] | None
) -> Iterator[tuple[str, datetime.date, str, Any]]:
    """The check's flows of these places' own records in ``months`` (every month, for
    None)."""
    ruled = places_setting(list(RULES))
    for where in _chunks(codes):
        differences = Difference.objects.filter(**where)
        for code, month, classification, field_name, n in (
            differences.filter(within_months("found_on", months, dates=True))
            .annotate(month=TruncMonth("found_on"))
            .values_list("region_id", "month", "classification", "field_name")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            yield code, month_of(month), "checks", {"found": {classification: {field_name: n}}}
        for state, name in ((DifferenceState.FIXED, "fixed"), (DifferenceState.CLOSED, "closed")):
            for code, month, classification, field_name, n in (
                differences.filter(within_months("closed_on", months, dates=True), state=state)
                .annotate(month=TruncMonth("closed_on"))
                .values_list("region_id", "month", "classification", "field_name")
                .annotate(n=Count("pk"))
                .order_by()
            ):
                yield code, month_of(month), "checks", {name: {classification: {field_name: n}}}
        reports = SelfCheckReport.objects.filter(**where, submitted_on__isnull=False)
        for code, month, n, on_time in (
            reports.filter(within_months("month", months, dates=True))
            .values("region_id", "month")
            .annotate(n=Count("pk"), on_time=Count("pk", filter=Q(submitted_on__lte=F("due_on"))))
            .values_list("region_id", "month", "n", "on_time")
            .order_by()
        ):
            counts = {"on_time": on_time, "late": n - on_time}
            part = {name: count for name, count in counts.items() if count}
            yield code, month_of(month), "checks", {"reports": {rule_place(code, ruled): part}}


def figures_of(stock: dict, months: list[dict], on: datetime.date) -> CheckFigures:
    """The differences' figures of roll-up maps added up: found, fixed and closed over the
    months' maps, open on ``on`` from the standing's timelines; households compared and
    matching as they stand."""
    figures = CheckFigures(compared=stock.get("compared", 0), matching=stock.get("matching", 0))
    for month in months:
        for measure in ("found", "fixed", "closed"):
            for classification, fields in month.get(measure, {}).items():
                for field_name, n in fields.items():
                    figures.add(measure, classification, field_name, n)
    for classification, fields in stock.get("open", {}).items():
        for field_name, timeline in fields.items():
            n = sum(count for day, count in timeline.items() if day <= on.isoformat())
            if n:
                figures.add("open", classification, field_name, n)
    return figures


@dataclass
class Reporting:
    """Villages with a self-check report of a month due, on time, and missing."""

    due: int = 0
    on_time: int = 0
    missing: int = 0

    @property
    def rate(self) -> float | None:
        return self.on_time / self.due if self.due else None


def reporting_of(stock: dict, month_row: dict, month: datetime.date) -> Reporting:
    """The month's reports from roll-up maps: each rule place's villages are due once its
    day due is past (before today); before that, those that reported already count."""
    today, found = timezone.localdate(), Reporting()
    reported = month_row.get("reports", {})
    for place, villages in stock.get("villages", {}).items():
        mine = reported.get(place, {})
        sent = mine.get("on_time", 0) + mine.get("late", 0)
        past = report_due_on(place, month) < today
        found.due += villages if past else sent
        found.on_time += mine.get("on_time", 0)
        found.missing += villages - sent if past else 0
    return found
