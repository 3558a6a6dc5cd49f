"""Reads for visits: a helper's month, compliance under a place, flags, a household's visits.

Compliance figures come from the month roll-ups (``VisitMonth``), never from counting visits
on a page: a place's figures cost one grouped query over its households.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from bangfu.core.capabilities import Capability, require
from bangfu.core.errors import OutOfScope
from bangfu.core.models import Code, Region
from bangfu.core.regions import own_prefix
from bangfu.core.scoping import RegionalQuerySet, get_visible_or_404
from bangfu.pairing.models import Helper, Pairing
from bangfu.pairing.selectors import my_households, paired_households
from bangfu.registry.models import Household
from bangfu.registry.selectors import HouseholdName, household_names

from . import flags as flagging
from .models import FlagKind, Problem, Visit, VisitFlag, VisitMonth, VisitPhoto
from .rollups import month_of, next_month
from .schedule import MonthSchedule, Schedules

RECENT_VISITS = 20
MOST_LISTED = 500


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
    user, places: Iterable[Region], within: Region | None, month: datetime.date
) -> list[tuple[Region, Compliance]]:
    """The figures of each of ``places`` (the sub-places of ``within``), for drilling down."""
    prefixes = [(own_prefix(place.code, place.level), place) for place in places]
    totals = {place.code: Compliance() for place in places}
    for region_id, part in _compliance_by_region(user, within, month).items():
        for prefix, place in prefixes:
            if region_id.startswith(prefix):
                _add(totals[place.code], part)
                break
    return [(place, totals[place.code]) for place in places]


@dataclass
class HelperFigures:
    helper: Helper
    households: int = 0
    compliant: int = 0
    own_visits: int = 0


def compliance_by_helper(user, within: Region | None, month: datetime.date) -> list[HelperFigures]:
    """Each helper with households under the place: how many of them met the minimum, and
    how many visits the helper made in the month."""
    homes = dict(_scheduled(user, within, month).values_list("pk", "home"))
    regions = dict(paired_households(user, within).values_list("pk", "region_id"))
    schedules = Schedules()
    found: dict[int, HelperFigures] = {}
    helpers = Helper.objects.in_bulk(
        Pairing.objects.visible_to(user, within)
        .filter(ended_on=None, helper__isnull=False)
        .values_list("helper_id", flat=True)
        .distinct()
    )
    for helper_id, household_id in (
        Pairing.objects.visible_to(user, within)
        .filter(ended_on=None, helper__isnull=False, household_id__in=list(homes))
        .values_list("helper_id", "household_id")
    ):
        figures = found.setdefault(helper_id, HelperFigures(helpers[helper_id]))
        figures.households += 1
        minimum = schedules(regions[household_id], month).minimum
        figures.compliant += 1 if homes[household_id] >= minimum else 0
    start = timezone.make_aware(datetime.datetime.combine(month, datetime.time()))
    end = timezone.make_aware(datetime.datetime.combine(next_month(month), datetime.time()))
    for helper_id, made in (
        Visit.objects.visible_to(user, within)
        .filter(helper_id__in=list(found), visited_at__gte=start, visited_at__lt=end)
        .values("helper_id")
        .annotate(n=Count("pk"))
        .values_list("helper_id", "n")
    ):
        found[helper_id].own_visits = made
    return sorted(found.values(), key=lambda f: (f.compliant / f.households, f.helper.name))


def overdue_households(user, within: Region | None, month: datetime.date) -> list[HouseholdMonth]:
    """Households behind their schedule in the month (as of today for the current month),
    with their helpers' names: the list to act on."""
    on = judged_on(month)
    schedules = Schedules()
    candidates = [
        household
        for household in _scheduled(user, within, month)
        .select_related("region")
        .order_by("region_id", "number")
        if household.home < schedules(household.region_id, month).expected_by(on)
    ][:MOST_LISTED]
    entries = _household_months(candidates, month, on)
    names: dict[int, list[str]] = {}
    for household_id, name in (
        Pairing.objects.filter(household__in=candidates, ended_on=None, helper__isnull=False)
        .order_by("-is_main", "pk")
        .values_list("household_id", "helper__name")
    ):
        names.setdefault(household_id, []).append(name)
    for entry in entries:
        entry.helpers = names.get(entry.household.pk, [])
    return entries


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
    require(user, Capability.REVIEW_VISITS)
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
    kind, in the order of ``FlagKind``), in one grouped query: the list shows at most 500."""
    counted = dict(
        flags_in(user, within, month).order_by().values_list("kind").annotate(n=Count("pk"))
    )
    return [(str(kind.label), counted.get(kind.value, 0)) for kind in FlagKind]


def household_section(user, household: Household) -> dict:
    """The household page's visits section (see ``registry.sections``)."""
    today = timezone.localdate()
    this_month = _household_months([household], month_of(today), today)[0]
    may_review = user.has_capability(Capability.REVIEW_VISITS)
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
    require(user, Capability.REVIEW_VISITS)
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
