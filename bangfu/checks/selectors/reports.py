"""Reads for the self-check reports (自查报告) and their figures: what a village's month of
the check found, fixed and left open, by classification and by field, with the reasons;
the households matching fully (账账相符); a township's villages' reports of a month, on
time, late or missing; and the reminders on the home page.

A month's figures are judged on a day (``judged_on``: the month's last day, or today while
it runs): **found** — differences found in the month up to that day; **fixed** — closed in
it because the two now agree (the next snapshot, or a registry edit); **closed** — closed
by hand in it, each with its reason; **open** — found by that day and not closed by it.
A difference belongs to the village of its place (a group's are its village's).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from bangfu.core.capabilities import Capability
from bangfu.core.errors import OutOfScope
from bangfu.core.models import Region
from bangfu.core.params import add_months
from bangfu.core.regions import RegionLevel, code_range
from bangfu.core.selectors import outermost, top_places
from bangfu.registry.models import Household

from ..due import DueDates
from ..models import (
    Difference,
    DifferenceClass,
    DifferenceState,
    SelfCheckReport,
    Snapshot,
    SnapshotHousehold,
)

MEASURES = ("found", "fixed", "closed", "open")
MOST_LISTED = 200  # differences listed on the page; the downloads hold them all
CHUNK = 500

Counts = dict[str, dict[str, dict[str, int]]]  # measure → classification → field name → n


def judged_on(month: datetime.date, today: datetime.date | None = None) -> datetime.date:
    """The day a month's figures are judged: its last day, or today while it runs."""
    today = today or timezone.localdate()
    return min(today, add_months(month, 1) - datetime.timedelta(days=1))


def village_of(code: str) -> str:
    """The village of a village's or group's code (a group's first 12 digits)."""
    return code[:12]


def class_label(value: str) -> str:
    return str(DifferenceClass(value).label) if value in DifferenceClass.values else value


@dataclass
class CheckFigures:
    """Differences counted by measure, classification and field (the national form's name),
    and the households compared and matching fully; JSON as ``as_json`` (the report's
    frozen ``figures``)."""

    counts: Counts = field(default_factory=dict)
    compared: int = 0
    matching: int = 0

    def add(self, measure: str, classification: str, field_name: str, n: int) -> None:
        by_field = self.counts.setdefault(measure, {}).setdefault(classification, {})
        by_field[field_name] = by_field.get(field_name, 0) + n

    def merge(self, other: "CheckFigures") -> None:
        for measure, classes in other.counts.items():
            for classification, fields in classes.items():
                for field_name, n in fields.items():
                    self.add(measure, classification, field_name, n)
        self.compared += other.compared
        self.matching += other.matching

    def total(self, measure: str) -> int:
        return sum(n for fields in self.counts.get(measure, {}).values() for n in fields.values())

    @property
    def totals(self) -> dict[str, int]:
        return {measure: self.total(measure) for measure in MEASURES}

    def by_class(self) -> list[tuple[str, dict[str, int]]]:
        """(classification's label, {measure: n}) for each classification with any, in the
        classifications' order."""
        rows = []
        for value, label in DifferenceClass.choices:
            counts = {
                measure: sum(self.counts.get(measure, {}).get(value, {}).values())
                for measure in MEASURES
            }
            if any(counts.values()):
                rows.append((str(label), counts))
        return rows

    def by_field(self) -> list[tuple[str, dict[str, int]]]:
        found: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(MEASURES, 0))
        for measure, classes in self.counts.items():
            for fields in classes.values():
                for field_name, n in fields.items():
                    found[field_name][measure] += n
        return sorted(found.items())

    @property
    def match_rate(self) -> float | None:
        return self.matching / self.compared if self.compared else None

    def as_json(self) -> dict[str, Any]:
        return {"counts": self.counts, "compared": self.compared, "matching": self.matching}

    @classmethod
    def from_json(cls, data: dict) -> "CheckFigures":
        return cls(data.get("counts", {}), data.get("compared", 0), data.get("matching", 0))


def differences_in(user, place: Region) -> QuerySet[Difference]:
    """The differences at or under a place that the user sees."""
    return Difference.objects.visible_to(user, place)


def counted(
    differences: QuerySet[Difference], month: datetime.date, on: datetime.date
) -> dict[str, CheckFigures]:
    """The month's figures judged on ``on``, by village: four grouped queries."""
    first = month.replace(day=1)
    measures = {
        "found": Q(found_on__gte=first, found_on__lte=on),
        "fixed": Q(state=DifferenceState.FIXED, closed_on__gte=first, closed_on__lte=on),
        "closed": Q(state=DifferenceState.CLOSED, closed_on__gte=first, closed_on__lte=on),
        "open": Q(found_on__lte=on) & (Q(state=DifferenceState.OPEN) | Q(closed_on__gt=on)),
    }
    found: dict[str, CheckFigures] = defaultdict(CheckFigures)
    for measure, condition in measures.items():
        for code, classification, field_name, n in (
            differences.filter(condition)
            .values_list("region_id", "classification", "field_name")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            found[village_of(code)].add(measure, classification, field_name, n)
    return found


def latest_snapshots(counties: list[str] | None = None) -> dict[str, int]:
    """The latest compared snapshot of each county (of these counties): county → id."""
    rows = Snapshot.objects.filter(compared_at__isnull=False)
    if counties is not None:
        rows = rows.filter(region_id__in=counties)
    latest: dict[str, int] = {}
    for county, snapshot_id in rows.order_by("region_id", "-month").values_list("region", "pk"):
        latest.setdefault(county, snapshot_id)
    return latest


def matching_by_place(codes: list[str] | None) -> dict[str, tuple[int, int]]:
    """Households compared and matching fully, by their own place (of these places; every
    place for None): compared are the open households of the register there and the
    households the county's latest compared snapshot places there; matching, those of them
    with no open difference. A place whose county has no compared snapshot has none. A
    household the two sides place differently is compared at each place."""
    counties = None if codes is None else sorted({code[:6].ljust(12, "0") for code in codes})
    found: dict[str, tuple[int, int]] = {}
    for county, snapshot_id in latest_snapshots(counties).items():
        lo, hi = code_range(county, RegionLevel.COUNTY)
        mine = [code for code in codes or [] if lo <= code < hi] if codes is not None else None
        for where in _where(mine, lo, hi):
            compared: dict[str, set[str]] = defaultdict(set)
            for code, number in SnapshotHousehold.objects.filter(
                snapshot_id=snapshot_id, **_as(where, "region_code")
            ).values_list("region_code", "number"):
                compared[code].add(number)
            for code, number in Household.objects.filter(
                closed_on=None, **_as(where, "region_id")
            ).values_list("region_id", "number"):
                compared[code].add(number)
            unmatched: dict[str, set[str]] = defaultdict(set)
            for code, number in (
                Difference.objects.filter(state=DifferenceState.OPEN, **_as(where, "region_id"))
                .values_list("region_id", "household_number")
                .distinct()
            ):
                unmatched[code].add(number)
            for code, numbers in compared.items():
                if code:
                    found[code] = (len(numbers), len(numbers - unmatched[code]))
    return found


def _where(codes: list[str] | None, lo: str, hi: str):
    """Conditions on a place column: the codes a chunk at a time, or the county's range."""
    if codes is None:
        yield {"__gte": lo, "__lt": hi}
        return
    for start in range(0, len(codes), CHUNK):
        yield {"__in": codes[start : start + CHUNK]}


def _as(where: dict, column: str) -> dict:
    return {f"{column}{lookup}": value for lookup, value in where.items()}


def _places_under(place: Region) -> list[str]:
    lo, hi = code_range(place.code, place.level)
    return list(Region.objects.filter(code__gte=lo, code__lt=hi).values_list("code", flat=True))


def village_figures(user, village: Region, month: datetime.date, on: datetime.date) -> CheckFigures:
    """A village's month judged on ``on``, with the households matching fully now."""
    figures = counted(differences_in(user, village), month, on).get(village.code) or CheckFigures()
    for compared, matching in matching_by_place(_places_under(village)).values():
        figures.compared += compared
        figures.matching += matching
    return figures


@dataclass
class VillageMonth:
    """A village's month of the check: its figures, what was closed by hand (with the
    reasons) and fixed in the month, what is open, and its report if submitted."""

    village: Region
    month: datetime.date
    on: datetime.date
    due_on: datetime.date
    figures: CheckFigures
    closed: list[Difference]
    fixed: list[Difference]
    open: list[Difference]
    report: SelfCheckReport | None

    @property
    def state(self) -> str:
        return report_state(self.report, self.due_on)

    @property
    def state_label(self) -> str:
        return str(STATES[self.state])


def village_for(user, code: str) -> Region:
    """A village among the user's places (a place of another level answers 404 too: reports
    are made village by village)."""
    village = (
        Region.objects.visible_to(user).filter(code=code, level=RegionLevel.VILLAGE).first()
        if code.isascii() and code.isdigit()
        else None
    )
    if village is None:
        raise OutOfScope()
    return village


def village_month(user, village: Region, month: datetime.date) -> VillageMonth:
    """Everything a village's self-check report of ``month`` says, as of now."""
    on = judged_on(month)
    first = month.replace(day=1)
    differences = differences_in(user, village)
    in_month = Q(closed_on__gte=first, closed_on__lte=on)
    report = (
        SelfCheckReport.objects.visible_to(user)
        .filter(region=village, month=first)
        .select_related("submitted_by")
        .first()
    )
    return VillageMonth(
        village=village,
        month=first,
        on=on,
        due_on=report.due_on if report else DueDates().due(village.code, first),
        figures=village_figures(user, village, first, on),
        closed=list(differences.filter(in_month, state=DifferenceState.CLOSED)),
        fixed=list(differences.filter(in_month, state=DifferenceState.FIXED)),
        open=list(
            differences.filter(found_on__lte=on).filter(
                Q(state=DifferenceState.OPEN) | Q(closed_on__gt=on)
            )
        ),
        report=report,
    )


# ---------------------------------------------------------------------------------------------
# A township's villages: on time, late, missing


ON_TIME, LATE, MISSING, PENDING = "on_time", "late", "missing", "pending"
STATES = {
    ON_TIME: gettext_lazy("Reported on time"),
    LATE: gettext_lazy("Reported late"),
    MISSING: gettext_lazy("Not reported"),
    PENDING: gettext_lazy("Not yet due"),
}


def report_state(
    report: SelfCheckReport | None, due_on: datetime.date, today: datetime.date | None = None
) -> str:
    """On time (submitted by the day due), late (after it), missing (not submitted once the
    day due is past), or not yet due."""
    if report is not None and report.submitted_on is not None:
        return ON_TIME if report.submitted_on <= due_on else LATE
    return MISSING if (today or timezone.localdate()) > due_on else PENDING


@dataclass
class VillageRow:
    village: Region
    due_on: datetime.date
    report: SelfCheckReport | None
    state: str
    figures: CheckFigures

    @property
    def state_label(self) -> str:
        return str(STATES[self.state])


@dataclass
class Villages:
    """A place's villages' reports of a month, and their figures added up."""

    within: Region | None
    month: datetime.date
    on: datetime.date
    rows: list[VillageRow]
    total: CheckFigures

    def with_state(self, state: str) -> list[VillageRow]:
        return [row for row in self.rows if row.state == state]

    @property
    def counts(self) -> dict[str, int]:
        return {state: len(self.with_state(state)) for state in STATES}


def villages_of(user, within: Region | None) -> list[Region]:
    """The villages under a place (under all the user's places, for None), in code order."""
    places = [within] if within else outermost(list(top_places(user)))
    condition = Q()
    for place in places:
        lo, hi = code_range(place.code, place.level)
        condition |= Q(code__gte=lo, code__lt=hi)
    if not places:
        return []
    return list(
        Region.objects.visible_to(user)
        .filter(condition, level=RegionLevel.VILLAGE)
        .select_related("parent")
        .order_by("code")
    )


def village_reports(
    user, within: Region | None, month: datetime.date, *, with_figures: bool = True
) -> Villages:
    """Each village's report of the month under ``within`` (or all the user's places): its
    day due, state and figures (as they stand: a submitted report's own are frozen in it);
    without the figures for the home page's reminder."""
    first, on = month.replace(day=1), judged_on(month)
    villages = villages_of(user, within)
    codes = [village.code for village in villages]
    reports = {
        report.region_id: report
        for report in SelfCheckReport.objects.visible_to(user).filter(
            month=first, region_id__in=codes
        )
    }
    figures = _figures_of(user, within, villages, first, on) if with_figures else {}
    dates, rows, total = DueDates(), [], CheckFigures()
    for village in villages:
        due = dates.due(village.code, first)
        report = reports.get(village.code)
        mine = figures.get(village.code) or CheckFigures()
        rows.append(VillageRow(village, due, report, report_state(report, due), mine))
        total.merge(mine)
    return Villages(within, first, on, rows, total)


def _figures_of(
    user, within: Region | None, villages: list[Region], month: datetime.date, on: datetime.date
) -> dict[str, CheckFigures]:
    figures: dict[str, CheckFigures] = defaultdict(CheckFigures)
    for place in [within] if within else outermost(list(top_places(user))):
        scoped = differences_in(user, place)
        for code, found in counted(scoped, month, on).items():
            figures[code].merge(found)
    matching = matching_by_place(
        [code for place in villages for code in _places_under(place)] if villages else []
    )
    for code, (compared, matched) in matching.items():
        figures[village_of(code)].compared += compared
        figures[village_of(code)].matching += matched
    return figures


def report_for(user, report_id: int) -> SelfCheckReport:
    report = (
        SelfCheckReport.objects.visible_to(user)
        .select_related("region", "submitted_by")
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        raise OutOfScope()
    return report


# ---------------------------------------------------------------------------------------------
# Reminders on the home page


def _held_villages(user) -> list[str]:
    villages = set()
    for code, level in user.held_places():
        if level in (RegionLevel.VILLAGE, RegionLevel.GROUP):
            villages.add(village_of(code))
    return sorted(villages)


def report_due_home(user) -> dict | None:
    """The village work team's reminder: each of its villages' reports not yet submitted,
    from ``checks.report_remind_days`` before the day due (this month's), and last month's
    if still missing. None for anyone who checks no village's handbooks."""
    if not user.has_capability(Capability.CHECK_HANDBOOKS):
        return None
    codes = _held_villages(user)
    if not codes:
        return None
    today = timezone.localdate()
    this_month = today.replace(day=1)
    months = [add_months(this_month, -1), this_month]
    submitted = set(
        SelfCheckReport.objects.visible_to(user)
        .filter(region_id__in=codes, month__in=months)
        .values_list("region_id", "month")
    )
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    dates, items = DueDates(), []
    for code in codes:
        for month in months:
            if (code, month) in submitted or code not in names:
                continue
            due = dates.due(code, month)
            if month == this_month and today < dates.remind_from(code, month):
                continue
            items.append(
                {
                    "code": code,
                    "name": names[code],
                    "month": month,
                    "due_on": due,
                    "overdue": today > due,
                }
            )
    return {"items": items} if items else None


def reports_late_home(user) -> dict | None:
    """The township's (and county's) reminder: its villages' reports late or missing, last
    month's and this month's once due. None for anyone who receives no reports, or when
    every report due is in on time."""
    if not user.has_capability(Capability.RECEIVE_CHECK_REPORTS):
        return None
    if not top_places(user).exists():
        return None
    this_month = timezone.localdate().replace(day=1)
    months = []
    for month in (add_months(this_month, -1), this_month):
        found = village_reports(user, None, month, with_figures=False).counts
        if found[LATE] or found[MISSING]:
            months.append({"month": month, "late": found[LATE], "missing": found[MISSING]})
    return {"months": months} if months else None
