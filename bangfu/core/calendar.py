"""Chinese working days (工作日): public holidays and the make-up working days (调休) around them.

Deadlines in the programme count working days ("a written report before the month's last
working day"), and a fixed visit day may move off a holiday. The State Council publishes
each year's schedule late in the year before, and ``chinesecalendar`` ships it; for a year
the installed package does not cover we refuse rather than guess from weekdays, which is
wrong around every Spring Festival and National Day.
"""

import calendar
import datetime
import functools
import re
from dataclasses import dataclass

import chinese_calendar
from chinese_calendar.constants import Holiday, holidays
from django.utils.translation import gettext as _

from .errors import DomainError


class CalendarNotCovered(DomainError):
    code = "calendar_not_covered"

    def __init__(self, year: int):
        super().__init__(
            _(
                "The working-day calendar installed here does not cover %(year)d; update the "
                "chinesecalendar package before relying on working days in that year."
            )
            % {"year": year}
        )


def covered_years() -> range:
    """The years whose holidays and make-up working days the installed package knows."""
    return range(min(holidays).year, max(holidays).year + 1)


def _checked(day: datetime.date) -> datetime.date:
    if day.year not in covered_years():
        raise CalendarNotCovered(day.year)
    return day


def is_working_day(day: datetime.date) -> bool:
    return chinese_calendar.is_workday(_checked(day))


def holiday_name(day: datetime.date) -> str | None:
    """The Chinese name of the public holiday ``day`` belongs to (春节, 国庆节 …), if any."""
    on_holiday, name = chinese_calendar.get_holiday_detail(_checked(day))
    return Holiday(name).chinese if on_holiday and name else None


def next_working_day(day: datetime.date, *, include_today: bool = True) -> datetime.date:
    """The first working day on or after ``day`` (after it, with ``include_today=False``)."""
    candidate = day if include_today else day + datetime.timedelta(days=1)
    while not is_working_day(candidate):
        candidate += datetime.timedelta(days=1)
    return candidate


def working_days_in_month(year: int, month: int) -> list[datetime.date]:
    return [day for day in _days_in_month(year, month) if is_working_day(day)]


def last_working_day(year: int, month: int) -> datetime.date:
    return working_days_in_month(year, month)[-1]


def weekdays_in_month(year: int, month: int, weekday: int) -> list[datetime.date]:
    """Every ``weekday`` (0 = Monday … 6 = Sunday) of the month; a pure calendar, no holidays."""
    return [day for day in _days_in_month(year, month) if day.weekday() == weekday]


def nth_weekday(year: int, month: int, weekday: int, n: int) -> datetime.date | None:
    """The n-th ``weekday`` of the month (n = 1…5, or -1 for the last); None if it has none.

    "The 1st and 3rd Thursday" (seed 001) is ``nth_weekday(y, m, 3, 1)`` and ``(y, m, 3, 3)``.
    """
    if n == 0 or not -5 <= n <= 5:
        raise ValueError("n counts from 1 to 5, or back from -1 to -5")
    days = weekdays_in_month(year, month, weekday)
    index = n - 1 if n > 0 else n
    return days[index] if -len(days) <= index < len(days) else None


def _days_in_month(year: int, month: int) -> list[datetime.date]:
    length = calendar.monthrange(year, month)[1]
    return [datetime.date(year, month, d) for d in range(1, length + 1)]


WEEKDAY_NAMES = "一二三四五六日"  # 周一 … 周日, Monday = 0 as in ``datetime.date.weekday``
ORDINALS = "一二三四五"


@dataclass(frozen=True)
class FixedDays:
    """A place's fixed assistance days (帮扶日): every week on one weekday (seed 000: 每周四),
    the n-th weekdays of each month (seed 001: 每月第1、3个周四), or none.

    Written and read as the Chinese phrase offices use, which is also how the rule is stored.
    """

    weekday: int | None = None  # None: no fixed day
    weeks: tuple[int, ...] = ()  # () every week; otherwise the n-th weekdays (1…5)

    @classmethod
    def from_text(cls, text: str) -> "FixedDays":
        raw = re.sub(r"\s+", "", str(text or "")).replace("星期", "周").replace("礼拜", "周")
        raw = raw.replace("周天", "周日")
        if raw in {"", "无", "不设", "none"}:
            return cls()
        weekly = re.fullmatch(r"每周([一二三四五六日1-7])", raw)
        if weekly:
            return cls(_weekday(weekly.group(1)))
        monthly = re.fullmatch(r"每月第([一二三四五1-5、,，和及]+)个?周([一二三四五六日1-7])", raw)
        if monthly:
            parts = re.findall(r"[一二三四五1-5]", monthly.group(1))
            weeks = sorted({int(p) if p.isdigit() else ORDINALS.index(p) + 1 for p in parts})
            return cls(_weekday(monthly.group(2)), tuple(weeks))
        raise DomainError(
            _(
                "Write the fixed days as 每周四 (every Thursday), 每月第1、3个周四 (the 1st and "
                "3rd Thursday of each month) or 无 (none)."
            ),
            code="bad_fixed_days",
            field="value",
        )

    @property
    def text(self) -> str:
        if self.weekday is None:
            return "无"
        day = "周" + WEEKDAY_NAMES[self.weekday]
        if not self.weeks:
            return "每周" + WEEKDAY_NAMES[self.weekday]
        return "每月第" + "、".join(str(n) for n in self.weeks) + "个" + day


def _weekday(token: str) -> int:
    return int(token) - 1 if token.isdigit() else WEEKDAY_NAMES.index(token)


@dataclass(frozen=True)
class FixedDay:
    """One fixed day of a month: the day it falls on, and the day it moved from, if it did."""

    day: datetime.date
    moved_from: datetime.date | None = None
    holiday: str | None = None  # the holiday it moved off


@dataclass(frozen=True)
class MonthOfFixedDays:
    days: list[FixedDay]
    # False when holidays should move days but the installed calendar does not know the year:
    # the days are then shown where the weekdays fall, with a warning, never silently.
    holidays_known: bool = True

    @property
    def dates(self) -> list[datetime.date]:
        return [fixed.day for fixed in self.days]


# A pure function of its arguments and the installed holiday tables, asked for the same few
# rules and months by every page: worked out once per process.
@functools.lru_cache(maxsize=4096)
def fixed_days_in_month(
    schedule: FixedDays, year: int, month: int, *, move_off_holidays: bool
) -> MonthOfFixedDays:
    """The fixed days of one month under ``schedule``.

    With ``move_off_holidays`` a day that falls on a public holiday moves to the next working
    day (which may be a make-up Sunday, 调休); if no working day is left in the month it moves
    back to the last working day before it, because a month's duty is met within the month.
    Two days that land on the same date count once.
    """
    if schedule.weekday is None:
        return MonthOfFixedDays([])
    on_weekday = weekdays_in_month(year, month, schedule.weekday)
    if schedule.weeks:
        plain = [on_weekday[n - 1] for n in schedule.weeks if n <= len(on_weekday)]
    else:
        plain = on_weekday
    if not move_off_holidays:
        return MonthOfFixedDays([FixedDay(day) for day in plain])
    if year not in covered_years():
        return MonthOfFixedDays([FixedDay(day) for day in plain], holidays_known=False)
    month_days = _days_in_month(year, month)
    result: dict[datetime.date, FixedDay] = {}
    for day in plain:
        holiday = holiday_name(day)
        # Only a public holiday moves a day: a weekend fixed day (每周六) is meant to be one.
        if holiday is None:
            result.setdefault(day, FixedDay(day))
            continue
        later = [d for d in month_days if d > day and is_working_day(d)]
        earlier = [d for d in month_days if d < day and is_working_day(d)]
        moved = later[0] if later else earlier[-1]
        if moved not in result:
            result[moved] = FixedDay(moved, moved_from=day, holiday=holiday)
    return MonthOfFixedDays(sorted(result.values(), key=lambda fixed: fixed.day))


@dataclass(frozen=True)
class Deadline:
    """The day a period of ``days`` ends, and whether it was counted in working days."""

    day: datetime.date
    in_working_days: bool


def deadline(start: datetime.date, days: int, *, working_days: bool) -> Deadline:
    """The day ``days`` days after ``start`` (``start`` itself not counted): calendar days, or
    working days (public holidays and weekends skipped, make-up working days counted) when
    ``working_days`` says so — the way offices count "within 15 (working) days".

    Where the installed calendar does not cover a year the period crosses, the period is
    counted in calendar days and says so (``in_working_days`` False): that day is never later
    than the working-day one, so a deadline is not lost while the package waits for its
    December update, and a page shows how it was counted instead of guessing holidays."""
    if working_days:
        day, counted = start, 0
        try:
            while counted < days:
                day += datetime.timedelta(days=1)
                if is_working_day(day):
                    counted += 1
            return Deadline(day, True)
        except CalendarNotCovered:
            pass
    return Deadline(start + datetime.timedelta(days=days), False)


def months_later(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` calendar months later; a day the month lacks is its last
    (31 August + 6 months is 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))
