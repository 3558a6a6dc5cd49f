"""Health figures of places (健康帮扶指标) for the place roll-ups: what a place's own records
add to its ``reports.PlaceStock`` and ``PlaceMonth`` rows.

The dashboard judges a period on its last day (today while it runs), so a place's standing
is kept as timelines rather than counts: a map of day → members coming in (+) or going out
(−), whose sum up to a day is the count on that day ("" stands before any day). A member is
in the registry until the day they left or their household closed (``selectors._present_on``);
has a valid contract from a contract's first day to the day after it ends (renewals joined);
is checked up in a year from their first check-up of that year; is ill from their first
diagnosis — each only while in the registry. The check-up rate's members are kept by the
place whose check-up rules apply to them (the nearest place at or above theirs that sets
one: ``core.policies.rule_place``) and by work status, so that the rule as in force on the
day judged can leave out those away for work when the figures are read.

``reports.rollups`` calls ``own_stock`` and ``own_months`` for the places the audit log says
were written (the health services' and the registry's entries, ``reports.rollups.CHANGING``)
and for every place on a rebuild; a bulk write audited with its places needs nothing more.
"""

import datetime
from collections import Counter
from collections.abc import Callable, Iterator
from itertools import groupby
from operator import itemgetter
from typing import Any

from django.db.models import Count, Min, Sum
from django.db.models.functions import ExtractYear, TruncMonth

from bangfu.registry.models import Household, Member
from bangfu.visits.rollups import month_of, within_months

from .models import Activity, CheckUp, Condition, DoctorContract, FollowUp
from .selectors import with_due

# The rules of the check-up rate (``selectors.excluded_statuses``): a place setting either
# is the rule place of the members under it.
RULES = ("health.checkup_excludes_away_for_work", "health.away_for_work_statuses")
PLACES_AT_ONCE = 100  # a province's members are read a hundred villages at a time
DAY = datetime.timedelta(days=1)

Part = tuple[str, str, Any]  # (place, roll-up field, a count or a nested map to add)


class Timelines:
    """Timelines being counted: (place, field, path of keys, day) → members in (+) or out."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str, tuple[str, ...], str]] = Counter()

    def span(
        self,
        code: str,
        name: str,
        path: tuple[str, ...],
        start: datetime.date | None,
        end: datetime.date | None,
        n: int = 1,
    ) -> None:
        """In from ``start`` (None: before any day) until ``end`` (None: still in); nothing
        for a span that ends before it starts."""
        first = start.isoformat() if start else ""
        if end is not None and first >= end.isoformat():
            return
        self.counts[code, name, path, first] += n
        if end is not None:
            self.counts[code, name, path, end.isoformat()] -= n

    def parts(self) -> Iterator[Part]:
        for (code, name, path, day), n in self.counts.items():
            if n:
                part: dict = {day: n}
                for key in reversed(path):
                    part = {key: part}
                yield code, name, part


def _end(left_on: datetime.date | None, closed_on: datetime.date | None) -> datetime.date | None:
    """The day a member is no longer in the registry: left, or their household closed."""
    ends = [day for day in (left_on, closed_on) if day is not None]
    return min(ends) if ends else None


def own_stock(codes: list[str] | None, rule_place: Callable[[str], str]) -> Iterator[Part]:
    """The health standing of these places' own members (every place's, for None)."""
    if codes is None:
        codes = sorted(
            set(Household.objects.order_by().values_list("region_id", flat=True).distinct())
        )
    for start in range(0, len(codes), PLACES_AT_ONCE):
        yield from _stock_of(codes[start : start + PLACES_AT_ONCE], rule_place)


def _stock_of(codes: list[str], rule_place: Callable[[str], str]) -> Iterator[Part]:
    found = Timelines()
    members: dict[int, tuple[str, str, datetime.date | None]] = {}
    of_members = {"member__household__region_id__in": codes}
    for pk, code, status, left_on, closed_on in (
        Member.objects.filter(household__region_id__in=codes)
        .values_list("pk", "household__region_id", "work_status", "left_on", "household__closed_on")
        .order_by()
        .iterator(chunk_size=5000)
    ):
        end = _end(left_on, closed_on)
        members[pk] = (code, status.strip(), end)
        found.span(code, "health_present", (rule_place(code), status.strip()), None, end)
    contracts = (
        DoctorContract.objects.filter(**of_members)
        .values_list("member_id", "signed_on", "valid_until")
        .order_by("member_id", "signed_on", "valid_until")
        .iterator(chunk_size=5000)
    )
    for member_id, signed in groupby(contracts, key=itemgetter(0)):
        code, _status, end = members[member_id]
        for first, after in _joined((s, u + DAY) for _m, s, u in signed):
            found.span(code, "health_signed", (), first, min(after, end) if end else after)
    for member_id, year, first in (
        CheckUp.objects.filter(**of_members)
        .annotate(year=ExtractYear("held_on"))
        .values_list("member_id", "year")
        .annotate(first=Min("held_on"))
        .order_by()
        .iterator(chunk_size=5000)
    ):
        code, status, end = members[member_id]
        found.span(code, "health_checked", (str(year), rule_place(code), status), first, end)
    for member_id, first in (
        Condition.objects.filter(**of_members)
        .values_list("member_id")
        .annotate(first=Min("diagnosed_on"))
        .order_by()
        .iterator(chunk_size=5000)
    ):
        code, _status, end = members[member_id]
        found.span(code, "health_ill", (), first, end)
    # Illnesses of members in the registry now (no one leaves on a day ahead), by due day.
    # (``due`` is ``with_due``'s annotation, which the type checker's plugin cannot see.)
    conditions: Any = with_due(
        Condition.objects.filter(
            **of_members, member__left_on=None, member__household__closed_on=None
        )
    )
    due_days = (
        conditions.filter(due__isnull=False)
        .values_list("member__household__region_id", "due")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for code, due, n in due_days:
        found.counts[code, "follow_ups_open", (), due.isoformat()] += n
    yield from found.parts()


def _joined(
    spans: Iterator[tuple[datetime.date, datetime.date]],
) -> Iterator[tuple[datetime.date, datetime.date]]:
    """Spans [first, after) in order of their first day, those that meet or overlap joined
    (a renewal signed the day after the last contract ends continues it)."""
    current: tuple[datetime.date, datetime.date] | None = None
    for first, after in spans:
        if current is not None and first <= current[1]:
            current = (current[0], max(current[1], after))
            continue
        if current is not None:
            yield current
        current = (first, after)
    if current is not None:
        yield current


def own_months(
    codes: list[str] | None, months: list[datetime.date] | None
) -> Iterator[tuple[str, datetime.date, str, Any]]:
    """The health flows of these places' own records (every place's, for None) in ``months``
    (every month, for None): follow-ups held and falling due, activities by kind."""
    where = {} if codes is None else {"region_id__in": codes}
    counted = [
        ("follow_ups_done", FollowUp.objects.filter(**where), "held_on"),
        ("follow_ups_due", FollowUp.objects.filter(**where), "next_due"),
        ("follow_ups_due", Condition.objects.filter(**where), "diagnosed_on"),
    ]
    for name, records, day in counted:
        for code, month, n in (
            records.filter(within_months(day, months, dates=True))
            .filter(**{f"{day}__isnull": False})
            .annotate(month=TruncMonth(day))
            .values_list("region_id", "month")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            yield code, month_of(month), name, n
    for code, month, kind, n, served in (
        Activity.objects.filter(**where)
        .filter(within_months("held_on", months, dates=True))
        .annotate(month=TruncMonth("held_on"))
        .values_list("region_id", "month", "kind")
        .annotate(n=Count("pk"), served=Sum("people_served"))
        .order_by()
    ):
        yield code, month_of(month), "activities", {kind: {"n": n, "served": served or 0}}
