"""Month roll-ups (月度汇总): one row per household and month, computed from the visits and
problems themselves.

Services call ``refresh`` for the households and months a write touched, inside the write's
transaction; ``rebuild`` recomputes every row the same way, in batches. Both go through
``compute``, so the figures can only differ if a service forgets to refresh what it touched,
which the tests look for.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from bangfu.registry.models import Household

from .models import Problem, Visit, VisitKind, VisitMonth
from .schedule import Schedules

BATCH = 2000


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return (month + datetime.timedelta(days=32)).replace(day=1)


def _instant(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _within(field: str, months: list[datetime.date] | None, *, dates: bool) -> Q:
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
    visits = Visit.objects.filter(household_id__in=household_ids).filter(
        _within("visited_at", months, dates=False)
    )
    rows: dict[tuple[int, datetime.date], VisitMonth] = {}

    def row(household_id: int, month: datetime.date) -> VisitMonth:
        key = (household_id, month)
        if key not in rows:
            rows[key] = VisitMonth(
                household_id=household_id, region_id=places[household_id], month=month
            )
        return rows[key]

    for figures in (
        visits.annotate(month=TruncMonth("visited_at"))
        .values("household_id", "month")
        .annotate(
            n=Count("pk"),
            home=Count("pk", filter=Q(kind=VisitKind.HOME)),
            last=Max("visited_at"),
            goods=Sum("goods_value"),
            money=Sum("money_value"),
            jobs=Sum("jobs_found"),
        )
        .order_by()
    ):
        target = row(figures["household_id"], _as_month(figures["month"]))
        target.visits, target.home_visits = figures["n"], figures["home"]
        target.last_visit_at = figures["last"]
        target.goods_value = figures["goods"] or Decimal(0)
        target.money_value = figures["money"] or Decimal(0)
        target.jobs_found = figures["jobs"] or 0
    schedules = Schedules()
    for household_id, day in (
        visits.annotate(day=TruncDate("visited_at"))
        .values_list("household_id", "day")
        .distinct()
        .order_by()
    ):
        month = month_of(day)
        if day in schedules(places[household_id], month).fixed.dates:
            row(household_id, month).fixed_days_met += 1
    # Problems are few beside visits: read them once and count found and solved by month.
    problems = Problem.objects.filter(household_id__in=household_ids).filter(
        _within("found_on", months, dates=True) | _within("solved_on", months, dates=True)
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
    stale = VisitMonth.objects.filter(household_id__in=household_ids)
    if months is not None:
        stale = stale.filter(month__in=months)
    stale.delete()
    VisitMonth.objects.bulk_create(fresh)
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
