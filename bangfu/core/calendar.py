"""Chinese working days (工作日): public holidays and the make-up working days (调休) around them.

Deadlines in the programme count working days ("a written report before the month's last
working day"), and a fixed visit day may move off a holiday. The State Council publishes
each year's schedule late in the year before, and ``chinesecalendar`` ships it; for a year
the installed package does not cover we refuse rather than guess from weekdays, which is
wrong around every Spring Festival and National Day.
"""

import calendar
import datetime

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
