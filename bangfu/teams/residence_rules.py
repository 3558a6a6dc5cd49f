"""How a month of residence is judged (驻村天数达标), by the rules of the team's place.

The days that count towards the minimum are the days in the village, with days away on
official business (公出) when ``teams.official_business_counts`` says so and days of approved
leave when ``teams.leave_counts`` says so; the minimum is ``teams.residence_days_min``. A
month is judged by the rules in force on its first day, as visit schedules are. By a day of
the month, a member is expected to have the minimum spread evenly over the month so far
(``minimum × day ÷ days in the month``, rounded down); a past month is judged at its end,
against the whole minimum.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from bangfu.core.policies import Effective, effective_policies, policies_everywhere
from bangfu.visits.rollups import next_month

from .models import DayStatus

KEYS = ["teams.residence_days_min", "teams.official_business_counts", "teams.leave_counts"]


@dataclass(frozen=True)
class ResidenceRules:
    minimum: int
    official_counts: bool
    leave_counts: bool

    @property
    def combination(self) -> str:
        """Which days count, as the place roll-ups key their histograms: v (in the village),
        o (official business), l (leave)."""
        return "v" + ("o" if self.official_counts else "") + ("l" if self.leave_counts else "")

    def counts(self, status: str) -> bool:
        """Whether a day of ``status`` (a ``DayStatus`` value) is a residence day: in the
        village, working day or not, and official business and leave where the rules say so."""
        return (
            status == DayStatus.IN_VILLAGE
            or (status == DayStatus.OFFICIAL and self.official_counts)
            or (status == DayStatus.LEAVE and self.leave_counts)
        )

    def counted(self, in_village: int, official: int, leave: int) -> int:
        return (
            in_village
            + (official if self.official_counts else 0)
            + (leave if self.leave_counts else 0)
        )

    def expected_by(self, month: datetime.date, day: datetime.date) -> int:
        """The days a member should have counted by the end of ``day`` of ``month``."""
        last = next_month(month) - datetime.timedelta(days=1)
        if day >= last:
            return self.minimum
        if day < month:
            return 0
        return self.minimum * day.day // last.day


def _rules(found: dict[str, Effective]) -> ResidenceRules:
    return ResidenceRules(
        found["teams.residence_days_min"].value,
        found["teams.official_business_counts"].value,
        found["teams.leave_counts"].value,
    )


def residence_rules(region_code: str, month: datetime.date) -> ResidenceRules:
    """The rules of a place for a month (those in force on its first day)."""
    return _rules(effective_policies(region_code, KEYS, on=month.replace(day=1)))


class AllResidenceRules:
    """Residence rules of any place and month within one read, every value set read once."""

    def __init__(self) -> None:
        self._everywhere: Callable[[str, datetime.date], dict[str, Effective]] | None = None
        self._known: dict[tuple[str, datetime.date], ResidenceRules] = {}

    def __call__(self, region_code: str, month: datetime.date) -> ResidenceRules:
        key = (region_code, month.replace(day=1))
        if key not in self._known:
            if self._everywhere is None:
                self._everywhere = policies_everywhere(KEYS)
            self._known[key] = _rules(self._everywhere(*key))
        return self._known[key]
