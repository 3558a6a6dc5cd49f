"""When a village's self-check report (自查报告) of a month is due: the month's last working
day (``core.calendar``: public holidays skipped, make-up working days 调休 counted), moved
back by ``checks.report_due`` working days — the rule in force at the village on the month's
first day.

A month of a year the installed calendar does not cover is counted in weekdays (Monday to
Friday) and says so (``Deadline.in_working_days`` False), as ``core.calendar.deadline``
does, so that a page in early January never fails while the package waits for its update.
"""

import calendar
import datetime
import functools
from collections.abc import Callable

from bangfu.core.calendar import CalendarNotCovered, Deadline, working_days_in_month
from bangfu.core.policies import Effective, effective_policies, policies_everywhere

KEYS = ["checks.report_due", "checks.report_remind_days"]


@functools.lru_cache(maxsize=1024)
def due_in_month(month: datetime.date, before: int) -> Deadline:
    """The ``before``-th working day before the month's last (0: the last itself); the
    month's first working day if it has fewer."""
    try:
        days, in_working_days = working_days_in_month(month.year, month.month), True
    except CalendarNotCovered:
        length = calendar.monthrange(month.year, month.month)[1]
        every = (month.replace(day=d) for d in range(1, length + 1))
        days, in_working_days = [day for day in every if day.weekday() < 5], False
    return Deadline(days[max(len(days) - 1 - before, 0)], in_working_days)


def report_due(region_code: str, month: datetime.date) -> Deadline:
    """The day the village's report of ``month`` is due, and how it was counted."""
    first = month.replace(day=1)
    before = effective_policies(region_code, ["checks.report_due"], first)["checks.report_due"]
    return due_in_month(first, before.value)


def report_due_on(region_code: str, month: datetime.date) -> datetime.date:
    """The day the village's self-check report of ``month`` is due."""
    return report_due(region_code, month).day


class DueDates:
    """Due days and reminder days of many villages, the rules read once (a township's or a
    county's villages on one page)."""

    def __init__(self) -> None:
        self.rules: Callable[[str, datetime.date], dict[str, Effective]] = policies_everywhere(KEYS)

    def due(self, village: str, month: datetime.date) -> datetime.date:
        first = month.replace(day=1)
        return due_in_month(first, self.rules(village, first)["checks.report_due"].value).day

    def remind_from(self, village: str, month: datetime.date) -> datetime.date:
        """The first day the village's work team is reminded of the month's report."""
        first = month.replace(day=1)
        days = self.rules(village, first)["checks.report_remind_days"].value
        return self.due(village, month) - datetime.timedelta(days=days)
