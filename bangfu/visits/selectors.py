"""Reads for visits: a helper's month, compliance under a place, flags, a household's visits.

Compliance figures come from the month roll-ups (``VisitMonth``), never from counting visits
on a page: a place's figures cost one grouped query over its households.
"""

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from bangfu.core.capabilities import Capability, require
from bangfu.core.errors import OutOfScope
from bangfu.core.models import Code, Region
from bangfu.core.regions import code_range, own_prefix
from bangfu.core.scoping import RegionalQuerySet, get_visible_or_404
from bangfu.core.selectors import places_listed
from bangfu.pairing.models import Helper, Pairing
from bangfu.pairing.selectors import NEEDS_HELPER, my_households, paired_households
from bangfu.registry.models import Household
from bangfu.registry.selectors import HouseholdName, household_names

from . import flags as flagging
from .models import FlagKind, Problem, Visit, VisitFlag, VisitMonth, VisitPhoto
from .rollups import month_of, next_month
from .schedule import MonthSchedule, Schedules, rule_places

RECENT_VISITS = 20


def visit_services() -> QuerySet[Code]:
    return Code.objects.filter(kind="visit_service", retired=False).order_by("sort_order", "value")


def visit_for(user, visit_id: int) -> Visit:
    return get_visible_or_404(_visit_rows(), user, pk=visit_id)


def _visit_rows() -> RegionalQuerySet:
    return Visit.objects.select_related(
        "helper__unit", "household", "recorded_by"
    ).prefetch_related(
        "services",
        "photos",
        "problems",
        Prefetch("flags", queryset=VisitFlag.objects.order_by("kind")),
    )


def flag_reason(flag: VisitFlag) -> str:
    return flagging.reason(flag)


def visits_of(household: Household) -> QuerySet[Visit]:
    return _visit_rows().filter(household=household).order_by("-visited_at")


def problems_of(household: Household) -> QuerySet[Problem]:
    """Open follow-ups first, then the solved ones, newest first (问题台账)."""
    return (
        Problem.objects.filter(household=household)
        .select_related("solved_by")
        .order_by(F("solved_on").desc(nulls_first=True), "-found_on", "-pk")
    )


@dataclass
class HouseholdMonth:
    """One household's visits in a month against its place's schedule."""

    household: Household
    schedule: MonthSchedule
    visits: int = 0
    home_visits: int = 0
    fixed_days_met: int = 0
    last_visit_at: datetime.datetime | None = None
    expected: int = 0  # by the day the month is judged on
    next_fixed_day: datetime.date | None = None
    helpers: list[str] = field(default_factory=list)
    name: HouseholdName | None = None  # filled where the household is shown by name

    @property
    def met_minimum(self) -> bool:
        return self.home_visits >= self.schedule.minimum

    @property
    def overdue(self) -> bool:
        return self.home_visits < self.expected

    @property
    def shortfall(self) -> int:
        return max(0, self.schedule.minimum - self.home_visits)


def _household_months(
    households: list[Household], month: datetime.date, on: datetime.date, *, named: bool = False
) -> list[HouseholdMonth]:
    rows = {
        row.household_id: row
        for row in VisitMonth.objects.filter(household__in=households, month=month)
    }
    names = household_names(households) if named else {}
    schedules = Schedules()
    result = []
    for household in households:
        schedule = schedules(household.region_id, month)
        entry = HouseholdMonth(
            household,
            schedule,
            expected=schedule.expected_by(on),
            next_fixed_day=schedule.next_fixed_day(on),
            name=names.get(household.pk),
        )
        row = rows.get(household.pk)
        if row is not None:
            entry.visits, entry.home_visits = row.visits, row.home_visits
            entry.fixed_days_met, entry.last_visit_at = row.fixed_days_met, row.last_visit_at
        result.append(entry)
    return result


@dataclass
class HelperMonth:
    """A helper's households this month (我的帮扶户): who is behind, what is due next."""

    helper: Helper | None
    on: datetime.date
    households: list[HouseholdMonth]

    @property
    def overdue(self) -> list[HouseholdMonth]:
        return [entry for entry in self.households if entry.overdue]

    @property
    def due(self) -> list[tuple[HouseholdMonth, datetime.date | None]]:
        """Households that need a visit before their next fixed day (or the month's end)."""
        found = []
        for entry in self.households:
            deadline = entry.schedule.next_fixed_day(self.on)
            if entry.home_visits < entry.schedule.expected_by(deadline or entry.schedule.last_day):
                found.append((entry, deadline))
        return found


def my_month(user, on: datetime.date | None = None) -> HelperMonth:
    day = on or timezone.localdate()
    pairings = list(my_households(user))
    households = [pairing.household for pairing in pairings]
    helper = pairings[0].helper if pairings else Helper.objects.filter(user=user).first()
    return HelperMonth(helper, day, _household_months(households, month_of(day), day, named=True))


def helper_households_month(helper: Helper, on: datetime.date) -> HelperMonth:
    """The same for a helper by record (reminders are sent to helpers, not to sessions)."""
    households = [
        pairing.household
        for pairing in Pairing.objects.filter(helper=helper, ended_on=None)
        .select_related("household")
        .order_by("household__region_id", "household__number")
    ]
    return HelperMonth(helper, on, _household_months(households, month_of(on), on))


def helpers_to_remind() -> QuerySet[Helper]:
    return Helper.objects.filter(left_on=None, pairings__ended_on=None).distinct().order_by("pk")


def judged_on(month: datetime.date) -> datetime.date:
    """A past month is judged at its end, the current one as of today."""
    today = timezone.localdate()
    return min(today, next_month(month) - datetime.timedelta(days=1))


@dataclass
class Compliance:
    """Visit figures of the households under a place in a month (走访达标)."""

    households: int = 0  # paired households a schedule applies to
    compliant: int = 0  # with at least the minimum home visits
    behind: int = 0  # fewer than expected by the day judged
    fixed_days: int = 0  # sum over those households of the month's fixed days passed so far
    fixed_days_met: int = 0
    visits: int = 0
    home_visits: int = 0
    problems_found: int = 0
    problems_solved: int = 0
    jobs_found: int = 0
    goods_value: Decimal = Decimal(0)
    money_value: Decimal = Decimal(0)

    @property
    def rate(self) -> float | None:
        return self.compliant / self.households if self.households else None

    @property
    def on_track(self) -> int:
        """Households not behind: for a past month, those that met the minimum."""
        return self.households - self.behind

    @property
    def fixed_rate(self) -> float | None:
        return self.fixed_days_met / self.fixed_days if self.fixed_days else None


def _home_visits_in(month: datetime.date, column: str) -> Coalesce:
    return Coalesce(
        Subquery(
            VisitMonth.objects.filter(household=OuterRef("pk"), month=month).values(column)[:1],
            output_field=IntegerField(),
        ),
        0,
    )


# Typed loosely: the type checker cannot follow the annotated columns (home, met).
def _scheduled(user, within: Region | None, month: datetime.date) -> Any:
    return paired_households(user, within).annotate(
        home=_home_visits_in(month, "home_visits"), met=_home_visits_in(month, "fixed_days_met")
    )


def _compliance_by_region(
    user, within: Region | None, month: datetime.date
) -> dict[str, Compliance]:
    """Schedule figures per village or group: one grouped query, proportional to places."""
    on = judged_on(month)
    schedules = Schedules()
    found: dict[str, Compliance] = {}
    grouped = (
        _scheduled(user, within, month)
        .values("region_id", "home")
        .annotate(n=Count("pk"), met_days=Sum("met"))
        .order_by()
    )
    for row in grouped:
        schedule = schedules(row["region_id"], month)
        figures = found.setdefault(row["region_id"], Compliance())
        figures.households += row["n"]
        figures.compliant += row["n"] if row["home"] >= schedule.minimum else 0
        figures.behind += row["n"] if row["home"] < schedule.expected_by(on) else 0
        figures.fixed_days += row["n"] * sum(1 for day in schedule.fixed.dates if day <= on)
        figures.fixed_days_met += row["met_days"] or 0
    activity = (
        VisitMonth.objects.visible_to(user, within)
        .filter(month=month)
        .values("region_id")
        .annotate(
            visits=Sum("visits"),
            home_visits=Sum("home_visits"),
            problems_found=Sum("problems_found"),
            problems_solved=Sum("problems_solved"),
            jobs_found=Sum("jobs_found"),
            goods_value=Sum("goods_value"),
            money_value=Sum("money_value"),
        )
        .order_by()
    )
    for row in activity:
        figures = found.setdefault(row.pop("region_id"), Compliance())
        for name, value in row.items():
            setattr(figures, name, value or 0)
    return found


def _add(total: Compliance, part: Compliance) -> None:
    for name in Compliance.__dataclass_fields__:
        setattr(total, name, getattr(total, name) + getattr(part, name))


def compliance(user, within: Region | None, month: datetime.date) -> Compliance:
    total = Compliance()
    for part in _compliance_by_region(user, within, month).values():
        _add(total, part)
    return total


def compliance_by_place(
    user,
    places: Iterable[Region],
    within: Region | None,
    month: datetime.date,
    by_region: dict[str, Compliance] | None = None,
) -> list[tuple[Region, Compliance]]:
    """The figures of each of ``places`` (the sub-places of ``within``), for drilling down;
    ``by_region`` if the caller has counted them already."""
    prefixes = [(own_prefix(place.code, place.level), place) for place in places]
    totals = {place.code: Compliance() for place in places}
    if by_region is None:
        by_region = _compliance_by_region(user, within, month)
    for region_id, part in by_region.items():
        for prefix, place in prefixes:
            if region_id.startswith(prefix):
                _add(totals[place.code], part)
                break
    return [(place, totals[place.code]) for place in places]


# The compliance page's lists (走访达标): a page of households or helpers at a time, filtered
# and sorted by the database, so that what Python builds and the page renders follows the
# page, not the province. (Sorting a province's households by how far behind they are still
# has the database read each of them once, as the figures above do.)

PAGE_SIZE = 50
LISTS = ("households", "helpers")
SHOWN = ("behind", "all")  # only households (helpers with households) behind, or all
ORDERS = ("place", "helper", "behind")  # by place, by helper, by how far behind


def _by_rule_place(column: str, ruled: list[tuple[str, int, int]]) -> Any:
    """A number by the rule place a place code lies under, as an SQL expression on
    ``column``: (code, level, number) deepest first; one constant where all agree."""
    if len({value for _code, _level, value in ruled}) <= 1:
        return Value(ruled[0][2] if ruled else 0, output_field=IntegerField())
    branches = []
    for code, level, value in ruled:
        lo, hi = code_range(code, level)
        branches.append(When(**{f"{column}__gte": lo, f"{column}__lt": hi}, then=Value(value)))
    return Case(*branches, default=Value(0), output_field=IntegerField())


def _schedule_columns(user, within: Region | None, month: datetime.date, column: str) -> Any:
    """(expected, minimum) of the month's schedule by the day judged, as SQL expressions on a
    place column: one branch for each place that sets visit rules (a few), whatever the
    number of villages."""
    on, schedules = judged_on(month), Schedules()
    held = [within.code] if within else [code for code, _level in user.held_places()]
    ruled = [(code, level, schedules(code, month)) for code, level in rule_places(held)]
    return (
        _by_rule_place(column, [(c, lv, s.expected_by(on)) for c, lv, s in ruled]),
        _by_rule_place(column, [(c, lv, s.minimum) for c, lv, s in ruled]),
    )


def scheduled_households(
    user,
    within: Region | None,
    month: datetime.date,
    *,
    shown: str = "behind",
    order: str = "place",
) -> QuerySet[Household]:
    """The paired households under the place, each with the month's home visits (``home``),
    what its schedule expects by the day judged (``expected``), its minimum and how many
    visits short it is (``short``); only those behind for ``shown="behind"``; by place and
    number, by their (main) helper's name, or by how far behind, most first."""
    expected, minimum = _schedule_columns(user, within, month, "region_id")
    first_helper = (
        Pairing.objects.filter(household=OuterRef("pk"), ended_on=None, helper__isnull=False)
        .order_by("-is_main", "pk")
        .values("helper__name")[:1]
    )
    rows = _scheduled(user, within, month).annotate(
        expected=expected, minimum=minimum, short=F("expected") - F("home")
    )
    if shown == "behind":
        rows = rows.filter(home__lt=F("expected"))
    if order == "helper":
        rows = rows.annotate(helper_name=Subquery(first_helper)).order_by(
            F("helper_name").asc(nulls_last=True), "region_id", "number"
        )
    elif order == "behind":
        rows = rows.order_by("-short", "region_id", "number")
    else:
        rows = rows.order_by("region_id", "number")
    return rows.select_related("region")


def household_months(households: Iterable[Household], month: datetime.date) -> list[HouseholdMonth]:
    """The month of each of a page of households, with their helpers' names (main first)."""
    households = list(households)
    entries = _household_months(households, month, judged_on(month))
    names: dict[int, list[str]] = {}
    for household_id, name in (
        Pairing.objects.filter(household__in=households, ended_on=None, helper__isnull=False)
        .order_by("-is_main", "pk")
        .values_list("household_id", "helper__name")
    ):
        names.setdefault(household_id, []).append(name)
    for entry in entries:
        entry.helpers = names.get(entry.household.pk, [])
    return entries


def overdue_households(user, within: Region | None, month: datetime.date) -> list[HouseholdMonth]:
    """Every household behind its schedule in the month (as of today for the current month),
    by place, with its helpers' names: the list to act on."""
    return household_months(scheduled_households(user, within, month), month)


@dataclass
class HelperFigures:
    helper: Helper
    households: int = 0  # paired households under the place
    compliant: int = 0  # … that had the month's minimum of home visits
    behind: int = 0  # … behind their schedule by the day judged
    own_visits: int = 0  # visits the helper made in the month (to households here)


def helper_figures(
    user,
    within: Region | None,
    month: datetime.date,
    *,
    shown: str = "behind",
    order: str = "place",
) -> Any:
    """Each helper with paired households under the place (one row a helper, as dicts:
    ``helper_id``, ``helper__name``, ``households``, ``compliant``, ``behind``), grouped by the
    database; only helpers with a household behind for ``shown="behind"``; by the first place
    they serve, by name, or by how many of their households are behind, most first."""
    expected, minimum = _schedule_columns(user, within, month, "region_id")
    home = Coalesce(
        Subquery(
            VisitMonth.objects.filter(household=OuterRef("household_id"), month=month).values(
                "home_visits"
            )[:1],
            output_field=IntegerField(),
        ),
        0,
    )
    rows = (
        Pairing.objects.visible_to(user, within)
        .filter(
            ended_on=None,
            helper__isnull=False,
            household__closed_on=None,
            household__status__in=NEEDS_HELPER,
        )
        .annotate(home=home, expected=expected, minimum=minimum)
        .values("helper_id", "helper__name")
        .annotate(
            households=Count("pk"),
            compliant=Count("pk", filter=Q(home__gte=F("minimum"))),
            behind=Count("pk", filter=Q(home__lt=F("expected"))),
            first_place=Min("region_id"),
        )
    )
    if shown == "behind":
        rows = rows.filter(behind__gt=0)
    if order == "helper":
        return rows.order_by("helper__name", "helper_id")
    if order == "behind":
        return rows.order_by("-behind", "helper__name", "helper_id")
    return rows.order_by("first_place", "helper__name", "helper_id")


def helpers_of_page(
    user, within: Region | None, month: datetime.date, rows: Iterable[dict]
) -> list[HelperFigures]:
    """A page of ``helper_figures`` rows as ``HelperFigures``, with the visits each helper
    made in the month to households under the place."""
    rows = list(rows)
    helpers = Helper.objects.in_bulk([row["helper_id"] for row in rows])
    start = timezone.make_aware(datetime.datetime.combine(month, datetime.time()))
    end = timezone.make_aware(datetime.datetime.combine(next_month(month), datetime.time()))
    made = dict(
        Visit.objects.visible_to(user, within)
        .filter(helper_id__in=list(helpers), visited_at__gte=start, visited_at__lt=end)
        .values("helper_id")
        .annotate(n=Count("pk"))
        .values_list("helper_id", "n")
        .order_by()
    )
    return [
        HelperFigures(
            helpers[row["helper_id"]],
            households=row["households"],
            compliant=row["compliant"],
            behind=row["behind"],
            own_visits=made.get(row["helper_id"], 0),
        )
        for row in rows
    ]


@dataclass
class CompliancePage:
    """The compliance page: the figures under the place, each place listed (one level down),
    and one page of households or helpers."""

    figures: Compliance
    by_place: list[tuple[Region, Compliance]]
    page: Page  # of households (annotated rows) or of helper_figures rows
    entries: list[HouseholdMonth] | list[HelperFigures]  # the page's rows, made whole


# The figures of a place and of each of the places listed under it, in a month: (user,
# within, places, month) → (the total, one for each place). The reports app answers from its
# place roll-ups, at a cost that follows the places, and registers that here when Django
# starts (``figures_from``); without it they are counted from the households' month roll-ups.
PlaceFigures = Callable[
    [Any, Region | None, list[Region], datetime.date], tuple[Compliance, list[Compliance]]
]
_PLACE_FIGURES: list[PlaceFigures] = []


def figures_from(source: PlaceFigures) -> None:
    _PLACE_FIGURES[:] = [source]


def _counted(
    user, within: Region | None, places: list[Region], month: datetime.date
) -> tuple[Compliance, list[Compliance]]:
    by_region = _compliance_by_region(user, within, month)
    total = Compliance()
    for part in by_region.values():
        _add(total, part)
    return total, [c for _p, c in compliance_by_place(user, places, within, month, by_region)]


def compliance_page(
    user,
    within: Region | None,
    month: datetime.date,
    *,
    listing: str = "households",
    shown: str = "behind",
    order: str = "place",
    page: int = 1,
) -> CompliancePage:
    """What ``visits:compliance`` shows: the figures of the place and of the places listed
    (``PlaceFigures``), and a page of the list, filtered, sorted and paged by the database
    (``PAGE_SIZE`` a page); the households listed number what the figures say."""
    places = places_listed(user, within)
    total, parts = (_PLACE_FIGURES[0] if _PLACE_FIGURES else _counted)(user, within, places, month)
    entries: list[HouseholdMonth] | list[HelperFigures]
    if listing == "helpers":
        rows = helper_figures(user, within, month, shown=shown, order=order)
        chosen = Paginator(rows, PAGE_SIZE).get_page(page)
        entries = helpers_of_page(user, within, month, chosen.object_list)
    else:
        households = Paginator(
            scheduled_households(user, within, month, shown=shown, order=order), PAGE_SIZE
        )
        # Counting them again would read every household under the place.
        households.count = total.behind if shown == "behind" else total.households
        chosen = households.get_page(page)
        entries = household_months(chosen.object_list, month)
    return CompliancePage(total, list(zip(places, parts, strict=True)), chosen, entries)


def _in_batches(rows: Iterable[Any], size: int = 2000) -> Iterator[list[Any]]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def all_household_months(
    user, within: Region | None, month: datetime.date, *, shown: str, order: str
) -> Iterator[HouseholdMonth]:
    """Every household of the list, as the page lists them, a batch at a time (downloads)."""
    rows = scheduled_households(user, within, month, shown=shown, order=order)
    for batch in _in_batches(rows.iterator(chunk_size=2000)):
        yield from household_months(batch, month)


def all_helper_figures(
    user, within: Region | None, month: datetime.date, *, shown: str, order: str
) -> Iterator[HelperFigures]:
    """Every helper of the list, as the page lists them, a batch at a time (downloads)."""
    rows = helper_figures(user, within, month, shown=shown, order=order)
    for batch in _in_batches(rows.iterator(chunk_size=2000)):
        yield from helpers_of_page(user, within, month, batch)


def compliance_by_helper(
    user, within: Region | None, month: datetime.date, *, shown: str = "all", order: str = "place"
) -> list[HelperFigures]:
    """Every helper with households under the place (the download's whole list)."""
    return helpers_of_page(
        user, within, month, helper_figures(user, within, month, shown=shown, order=order)
    )


@dataclass
class DayOfMonth:
    day: datetime.date
    fixed: bool
    visits: list[tuple[Visit, HouseholdName | None]]  # each with its household's name


def helper_calendar(user, helper: Helper, month: datetime.date) -> list[DayOfMonth]:
    """A helper's month at a glance: every day, whether it is a fixed day of the helper's
    place, and the visits the helper made on it (to the households in the reader's places;
    the helper themself sees all of theirs)."""
    schedule = Schedules()(helper.region_id, month)
    start = timezone.make_aware(datetime.datetime.combine(month, datetime.time()))
    end = timezone.make_aware(datetime.datetime.combine(next_month(month), datetime.time()))
    rows = Visit.objects.all() if is_own(user, helper) else Visit.objects.visible_to(user)
    visits = list(
        rows.filter(helper=helper, visited_at__gte=start, visited_at__lt=end)
        .select_related("household")
        .order_by("visited_at")
    )
    names = household_names(visit.household for visit in visits)
    by_day: dict[datetime.date, list[tuple[Visit, HouseholdName | None]]] = {}
    for visit in visits:
        by_day.setdefault(timezone.localtime(visit.visited_at).date(), []).append(
            (visit, names.get(visit.household_id))
        )
    days = []
    day = month
    while day < next_month(month):
        days.append(DayOfMonth(day, day in schedule.fixed.dates, by_day.get(day, [])))
        day += datetime.timedelta(days=1)
    return days


def is_own(user, helper: Helper) -> bool:
    """The helper is the one signed in."""
    return user.is_authenticated and helper.user_id == user.pk


def phone_pages(user) -> list[str]:
    """The visits pages a helper's phone keeps (``visits.offline``): their households, the
    capture page, and their month (for anyone else on the capture page, the first two)."""
    pages = [reverse("visits:mine"), reverse("visits:capture")]
    helper = own_helper(user)
    if helper is not None:
        pages.append(reverse("visits:helper_month", args=[helper.pk]))
    return pages


def own_helper(user) -> Helper | None:
    """The helper record of the person signed in, if they are a helper."""
    return Helper.objects.filter(user_id=user.pk).first() if user.is_authenticated else None


def helper_for(user, helper_id: int) -> Helper:
    """A helper whose month the user may open: anyone's within the user's places, and a
    helper's own record always. (A helper's record carries their unit's place, often above
    the villages their login holds, so the place scope alone would refuse them their own.)"""
    rows = Helper.objects.select_related("unit")
    own = rows.filter(pk=helper_id, user_id=user.pk).first() if user.is_authenticated else None
    return own or get_visible_or_404(rows, user, pk=helper_id)


def flags_in(user, within: Region | None, month: datetime.date) -> QuerySet[VisitFlag]:
    require(user, Capability.VIEW_FLAGS)
    start = timezone.make_aware(datetime.datetime.combine(month, datetime.time()))
    end = timezone.make_aware(datetime.datetime.combine(next_month(month), datetime.time()))
    return (
        VisitFlag.objects.visible_to(user, within)
        .filter(visit__visited_at__gte=start, visit__visited_at__lt=end)
        .select_related("visit__helper", "visit__household", "other_visit")
        .order_by("-visit__visited_at", "kind")
    )


def flag_counts(user, within: Region | None, month: datetime.date) -> list[tuple[str, int]]:
    """How many flags of each kind were raised on the month's visits under the place (every
    kind, in the order of ``FlagKind``), in one grouped query; the list shows a page."""
    counted = dict(
        flags_in(user, within, month).order_by().values_list("kind").annotate(n=Count("pk"))
    )
    return [(str(kind.label), counted.get(kind.value, 0)) for kind in FlagKind]


RECENT_FLAGS = 3  # on the home page


def flags_lately(user) -> dict | None:
    """This month's flags under the user's places, counted, and the latest few (the home
    page); None for a person who may not read flags."""
    if not user.has_capability(Capability.VIEW_FLAGS):
        return None
    month = month_of(timezone.localdate())
    flags = flags_in(user, None, month)
    return {
        "month": month,
        "count": flags.count(),
        "latest": [(flag, flag_reason(flag)) for flag in flags[:RECENT_FLAGS]],
    }


def open_problems(user, within: Region | None = None) -> QuerySet[Problem]:
    """Follow-ups found on visits and not yet solved (待解决问题), oldest first: the list to
    act on."""
    return (
        Problem.objects.visible_to(user, within)
        .filter(solved_on=None)
        .select_related("household", "region", "visit__helper")
        .order_by("found_on", "pk")
    )


def helper_home(user) -> dict | None:
    """A pair helper's home: their households this month, how many are behind and how many
    are due before the next fixed day; None for anyone else."""
    if not user.is_pair_helper():
        return None
    month = my_month(user)
    return {
        "month": month,
        "households": len(month.households),
        "behind": len(month.overdue),
        "due": len(month.due),
    }


def household_section(user, household: Household) -> dict:
    """The household page's visits section (see ``registry.sections``)."""
    today = timezone.localdate()
    this_month = _household_months([household], month_of(today), today)[0]
    may_review = user.has_capability(Capability.VIEW_FLAGS)
    return {
        "household": household,
        "this_month": this_month,
        "visits": visits_of(household)[:RECENT_VISITS],
        "problems": problems_of(household),
        "may_review": may_review,
        "may_solve": user.has_capability(Capability.ENTER_VISITS)
        or Pairing.objects.filter(household=household, helper__user=user, ended_on=None).exists(),
    }


def flags_of(user, visit: Visit) -> list[VisitFlag]:
    require(user, Capability.VIEW_FLAGS)
    return list(visit.flags.all())


def photo_for(user, photo_id: int) -> VisitPhoto:
    photo = VisitPhoto.objects.filter(pk=photo_id, visit__in=Visit.objects.visible_to(user)).first()
    if photo is None:
        raise OutOfScope()
    return photo


def capture_households(user) -> list[dict]:
    """What the phone page keeps for working offline: the helper's households, named as the
    helper knows them, each with this month's visits against the minimum."""
    return [
        {
            "id": entry.household.pk,
            "number": entry.household.number,
            "title": entry.name.title if entry.name else entry.household.number,
            "label": entry.name.label if entry.name else entry.household.number,
            "place": entry.name.place if entry.name else entry.household.region.name,
            "address": entry.household.address,
            "home_visits": entry.home_visits,
            "minimum": entry.schedule.minimum,
            "overdue": entry.overdue,
        }
        for entry in my_month(user).households
    ]
