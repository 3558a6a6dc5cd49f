"""Month roll-ups (月度汇总): one row per household and month, computed from the visits and
problems themselves.

Services call ``refresh`` for the households and months a write touched, inside the write's
transaction; ``rebuild`` recomputes every row the same way, in batches. Both go through
``compute``, so the figures can only differ if a service forgets to refresh what it touched,
which the tests look for.
"""

import datetime
import operator
from collections.abc import Iterable
from functools import reduce

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bangfu.registry.models import Household

from .models import Problem, Visit, VisitKind, VisitMonth
from .schedule import Schedules

BATCH = 2000
FIGURES = [
    "visits",
    "home_visits",
    "fixed_days_met",
    "last_visit_at",
    "problems_found",
    "problems_solved",
    "jobs_found",
    "goods_value",
    "money_value",
]


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return (month + datetime.timedelta(days=32)).replace(day=1)


def _instant(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def within_months(field: str, months: list[datetime.date] | None, *, dates: bool) -> Q:
    """``field`` (a date, or with ``dates=False`` a time) falls in one of ``months``; no
    condition for None (every month)."""
    if months is None:
        return Q()
    condition = Q(pk__in=[])
    for month in months:
        start, end = (month, next_month(month))
        if not dates:
            start, end = _instant(start), _instant(end)
        condition |= Q(**{f"{field}__gte": start, f"{field}__lt": end})
    return condition


def _as_month(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


def compute(
    household_ids: list[int],
    months: list[datetime.date] | None,
    places: dict[int, str] | None = None,
) -> list[VisitMonth]:
    """The roll-up rows of these households (in these months, or all months) from the source
    rows; a household and month with nothing to count has no row. ``places`` (household →
    place code) saves a query when the caller has the households at hand."""
    if places is None:
        places = dict(Household.objects.filter(pk__in=household_ids).values_list("pk", "region_id"))
    rows: dict[tuple[int, datetime.date], VisitMonth] = {}

    def row(household_id: int, month: datetime.date) -> VisitMonth:
        key = (household_id, month)
        if key not in rows:
            rows[key] = VisitMonth(
                household_id=household_id, region_id=places[household_id], month=month
            )
        return rows[key]

    # The visits are read row by row and counted here rather than grouped by the database:
    # the local day and month of a timestamp are what group them, and SQLite computes those
    # in Python per row anyway; one read serves every figure, fixed days included.
    schedules = Schedules()
    days_met: set[tuple[int, datetime.date]] = set()
    for household_id, visited_at, kind, goods, money, jobs in (
        Visit.objects.filter(household_id__in=household_ids)
        .filter(within_months("visited_at", months, dates=False))
        .values_list(
            "household_id", "visited_at", "kind", "goods_value", "money_value", "jobs_found"
        )
        .order_by()
    ):
        day = timezone.localtime(visited_at).date()
        target = row(household_id, month_of(day))
        target.visits += 1
        target.home_visits += kind == VisitKind.HOME
        target.goods_value += goods
        target.money_value += money
        target.jobs_found += jobs
        if target.last_visit_at is None or visited_at > target.last_visit_at:
            target.last_visit_at = visited_at
        if (household_id, day) not in days_met and day in schedules(
            places[household_id], target.month
        ).fixed.dates:
            days_met.add((household_id, day))
            target.fixed_days_met += 1
    # Problems are few beside visits: read them once and count found and solved by month.
    problems = Problem.objects.filter(household_id__in=household_ids).filter(
        within_months("found_on", months, dates=True)
        | within_months("solved_on", months, dates=True)
    )
    wanted = set(months) if months is not None else None
    for household_id, found_on, solved_on in problems.values_list(
        "household_id", "found_on", "solved_on"
    ):
        for day, attribute in ((found_on, "problems_found"), (solved_on, "problems_solved")):
            if day is not None and (wanted is None or month_of(day) in wanted):
                target = row(household_id, month_of(day))
                setattr(target, attribute, getattr(target, attribute) + 1)
    return list(rows.values())


def store(
    household_ids: list[int],
    months: list[datetime.date] | None,
    places: dict[int, str] | None = None,
) -> int:
    """Replace the roll-up rows of these households (and months) by freshly computed ones."""
    fresh = compute(household_ids, months, places)
    if months is None:
        VisitMonth.objects.filter(household_id__in=household_ids).delete()
        VisitMonth.objects.bulk_create(fresh, batch_size=BATCH)
        return len(fresh)
    # A refresh writes over the rows it has figures for and removes those of months that
    # became empty (a visit moved or deleted): one statement each, none when not needed.
    filled = {(row.household_id, row.month) for row in fresh}
    emptied = [
        Q(household_id=household_id, month__in=gone)
        for household_id in household_ids
        if (gone := [month for month in months if (household_id, month) not in filled])
    ]
    if emptied:
        VisitMonth.objects.filter(reduce(operator.or_, emptied)).delete()
    if fresh:
        VisitMonth.objects.bulk_create(
            fresh,
            update_conflicts=True,
            unique_fields=["household", "month"],
            update_fields=["region", *FIGURES],
        )
    return len(fresh)


def refresh(
    household_id: int, months: Iterable[datetime.date], region_code: str | None = None
) -> None:
    """Called by every service that writes a visit or a problem, in its transaction."""
    places = {household_id: region_code} if region_code else None
    store([household_id], sorted(set(months)), places)


def rebuild(progress=None) -> int:
    """Recompute every roll-up row from the visits and problems; answers how many rows."""
    written = 0
    with transaction.atomic():
        VisitMonth.objects.filter(
            ~Q(household_id__in=Visit.objects.values("household_id"))
            & ~Q(household_id__in=Problem.objects.values("household_id"))
        ).delete()
    ids = list(
        Visit.objects.values_list("household_id", flat=True)
        .union(Problem.objects.values_list("household_id", flat=True))
        .order_by("household_id")
    )
    for start in range(0, len(ids), BATCH):
        with transaction.atomic():
            written += store(ids[start : start + BATCH], None)
        if progress:
            progress(min(start + BATCH, len(ids)), len(ids))
    return written
