"""What each day of a member's term was (考勤), and the month roll-ups counted from it.

A day's status comes from the records, in this order: the register kept by hand says what
the day was (over anything else: it is explicit and gives its reason); else approved leave
covering the day, up to the day the member came back; else a check-in that day means in the
village. A day of the term up to today with none of these is absent. ``day_statuses`` is that
rule, for pages and for ``compute``; services call ``refresh`` for the members and months a
write touched, in its transaction, and ``rebuild`` recomputes every row the same way.
"""

import datetime
from collections import Counter
from collections.abc import Iterable

from django.db.models.functions import TruncMonth
from django.utils import timezone

from bangfu.visits.rollups import month_of, next_month

from .models import (
    CheckIn,
    DayStatus,
    LeaveRequest,
    LeaveState,
    MemberMonth,
    RegisterEntry,
    TeamMember,
)

BATCH = 500
COUNTED: dict[str, str] = {
    DayStatus.IN_VILLAGE: "days_in_village",
    DayStatus.OFFICIAL: "days_official",
    DayStatus.LEAVE: "days_leave",
}
FIGURES = [*COUNTED.values(), "check_ins"]


def term_days(
    member: TeamMember, first: datetime.date, last: datetime.date, on: datetime.date | None = None
) -> list[datetime.date]:
    """The days from ``first`` to ``last`` that lie in the member's term and are not after
    ``on`` (default today): the days that have a status."""
    on = on or timezone.localdate()
    start = max(first, member.started_on)
    end = min(last, on, member.ended_on or last)
    return [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]


def _leave_days(leave: LeaveRequest, first: datetime.date, last: datetime.date):
    end = leave.last_day
    if leave.returned_on is not None:
        end = min(end, leave.returned_on - datetime.timedelta(days=1))
    day = max(first, leave.first_day)
    while day <= min(end, last):
        yield day
        day += datetime.timedelta(days=1)


def day_statuses(
    member: TeamMember, first: datetime.date, last: datetime.date
) -> dict[datetime.date, str]:
    """The known status of each day from ``first`` to ``last`` (approved leave ahead
    included); a day of the term without one is absent."""
    return statuses_of([member], first, last)[member.pk]


def statuses_of(
    members: Iterable[TeamMember], first: datetime.date, last: datetime.date
) -> dict[int, dict[datetime.date, str]]:
    """``day_statuses`` of many members at once: one query of each kind of record for every
    BATCH members, whatever the days (figures counted from the records read a province's
    members this way)."""
    terms = {member.pk: (member.started_on, member.ended_on) for member in members}
    ids = list(terms)
    found: dict[int, dict[datetime.date, str]] = {pk: {} for pk in ids}
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        for member_id, day in (
            CheckIn.objects.filter(member_id__in=chunk, day__gte=first, day__lte=last)
            .values_list("member_id", "day")
            .distinct()
        ):
            found[member_id][day] = DayStatus.IN_VILLAGE
        approved = LeaveRequest.objects.filter(
            member_id__in=chunk, state=LeaveState.APPROVED, first_day__lte=last, last_day__gte=first
        ).only("member_id", "first_day", "last_day", "returned_on")
        for leave in approved:
            for day in _leave_days(leave, first, last):
                found[leave.member_id][day] = DayStatus.LEAVE
        register = RegisterEntry.objects.filter(
            member_id__in=chunk, day__gte=first, day__lte=last
        ).values_list("member_id", "day", "status")
        for member_id, day, status in register:
            if status == DayStatus.ABSENT:
                found[member_id].pop(day, None)
            else:
                found[member_id][day] = status
    for pk, (term_start, term_end) in terms.items():
        end = term_end or last
        found[pk] = {day: status for day, status in found[pk].items() if term_start <= day <= end}
    return found


def compute(member: TeamMember, month: datetime.date) -> MemberMonth | None:
    """The member's roll-up of ``month`` from the records; None for a month with nothing."""
    last = next_month(month) - datetime.timedelta(days=1)
    counts = Counter(day_statuses(member, month, last).values())
    check_ins = CheckIn.objects.filter(member=member, day__gte=month, day__lte=last).count()
    if not counts and not check_ins:
        return None
    return MemberMonth(
        member=member,
        region_id=member.region_id,
        month=month,
        check_ins=check_ins,
        **{COUNTED[status]: n for status, n in counts.items()},
    )


def months_of(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, month = [], month_of(first)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def refresh(member: TeamMember, months: Iterable[datetime.date]) -> None:
    """Bring the member's roll-ups of ``months`` up to date, in the caller's transaction (the
    caller holds the member's row, so one member's rows are written one at a time)."""
    for month in sorted(set(months)):
        row = compute(member, month)
        kept = MemberMonth.objects.filter(member=member, month=month)
        if row is None:
            kept.delete()
        elif not kept.update(
            region_id=row.region_id, **{name: getattr(row, name) for name in FIGURES}
        ):
            row.save()


def rebuild() -> int:
    """Every member's month roll-ups computed afresh from the records; answers how many rows."""
    MemberMonth.objects.all().delete()
    written = 0
    sources = [
        CheckIn.objects.annotate(month=TruncMonth("day")).values_list("member_id", "month"),
        RegisterEntry.objects.annotate(month=TruncMonth("day")).values_list("member_id", "month"),
    ]
    touched: dict[int, set[datetime.date]] = {}
    for rows in sources:
        for member_id, month in rows.distinct():
            touched.setdefault(member_id, set()).add(month_of(month))
    for leave in LeaveRequest.objects.filter(state=LeaveState.APPROVED).only(
        "member_id", "first_day", "last_day"
    ):
        touched.setdefault(leave.member_id, set()).update(
            months_of(leave.first_day, leave.last_day)
        )
    ids = sorted(touched)
    for start in range(0, len(ids), BATCH):
        for member in TeamMember.objects.filter(pk__in=ids[start : start + BATCH]):
            made = [compute(member, month) for month in sorted(touched[member.pk])]
            kept = [row for row in made if row is not None]
            MemberMonth.objects.bulk_create(kept)
            written += len(kept)
    return written
