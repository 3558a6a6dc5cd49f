"""A place's visit schedule for a month: its fixed days and the minimum visits, from its rules.

The rules in force on the first day of a month hold for the whole month: a district that
changes its fixed day announces it for the next month, and a month is judged by one rule.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from bangfu.core.calendar import FixedDays, MonthOfFixedDays, fixed_days_in_month
from bangfu.core.policies import Effective, effective_policies, policies_everywhere

KEYS = ["visits.fixed_days", "visits.fixed_day_moves_off_holidays", "visits.min_per_month"]


@dataclass(frozen=True)
class MonthSchedule:
    month: datetime.date
    schedule: FixedDays
    fixed: MonthOfFixedDays
    minimum: int

    def expected_by(self, day: datetime.date) -> int:
        """How many visits a household should have had by the end of ``day`` of this month:
        one for each fixed day passed (up to the minimum), or, where there are no fixed days,
        the minimum spread evenly over the month."""
        if day >= self.last_day:
            return self.minimum
        if day < self.month:
            return 0
        if self.fixed.days:
            return min(self.minimum, sum(1 for fixed in self.fixed.dates if fixed <= day))
        return self.minimum * day.day // self.last_day.day

    @property
    def last_day(self) -> datetime.date:
        following = (self.month + datetime.timedelta(days=32)).replace(day=1)
        return following - datetime.timedelta(days=1)

    def next_fixed_day(self, after: datetime.date) -> datetime.date | None:
        return next((day for day in self.fixed.dates if day >= after), None)


class Schedules:
    """Month schedules within one read or write: the visit rules of every place read once (a
    province's compliance page asks for ten thousand villages), a schedule made once for each
    month and set of rules (villages under one county share theirs). Never kept between
    requests, so a rule changed in another process holds at once."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, datetime.date], MonthSchedule] = {}
        self._rules: Callable[[str, datetime.date], dict[str, Effective]] | None = None
        self._made: dict[tuple, MonthSchedule] = {}

    def __call__(self, region_code: str, month: datetime.date) -> MonthSchedule:
        key = (region_code, month.replace(day=1))
        if key not in self._known:
            if self._rules is None:
                self._rules = policies_everywhere(KEYS)
            rules = self._rules(*key)
            made = (key[1], *(rules[name].value for name in KEYS))
            if made not in self._made:
                self._made[made] = _schedule(key[1], rules)
            self._known[key] = self._made[made]
        return self._known[key]


def rule_places(region_codes: list[str]) -> list[tuple[str, int]]:
    """The places whose rules the visit schedules of these places' households follow, as
    (code, level), deepest first: every place that sets a visit rule, then the provinces of
    ``region_codes`` (where no place sets one, the province's rules are the defaults). A
    household follows the first of them its place lies under: nothing between sets a rule."""
    from bangfu.core.models import Policy
    from bangfu.core.regions import RegionLevel, ancestor_codes

    setting = set(Policy.objects.filter(key__in=KEYS).values_list("region_id", "region__level"))
    provinces = {(ancestor_codes(code)[0], RegionLevel.PROVINCE) for code in region_codes}
    return sorted(setting | provinces, key=lambda place: (-place[1], place[0]))


def month_schedule(region_code: str, month: datetime.date) -> MonthSchedule:
    month = month.replace(day=1)
    return _schedule(month, effective_policies(region_code, KEYS, on=month))


def _schedule(month: datetime.date, rules: dict[str, Effective]) -> MonthSchedule:
    schedule = FixedDays.from_text(rules["visits.fixed_days"].value)
    fixed = fixed_days_in_month(
        schedule,
        month.year,
        month.month,
        move_off_holidays=rules["visits.fixed_day_moves_off_holidays"].value,
    )
    return MonthSchedule(month, schedule, fixed, rules["visits.min_per_month"].value)
