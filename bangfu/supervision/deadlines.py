"""The day a finding is to be rectified by, and whether it was rectified on time.

The day: ``supervision.rectify_days`` working days after the day it was found, at the
finding's place, counted by the core calendar. Findings recorded by inspectors and those a
survey's answers raise share it.

**Rectified on time (按期整改率)** is counted by ``on_time_tally`` alone, wherever a part needs
it (the findings' rates, the month's scores, their bulletins; the place roll-ups keep the
same counts, ``rollups``):

- a finding is *due in a period* when its deadline lies in the period (both ends included)
  and it is settled or its time is up: closed already (whenever), or its deadline is before
  today (``as_of``). A finding whose deadline is today or later and is still open is not yet
  due and is not counted;
- it was rectified *on time* when it was closed (销号) on or before its deadline.

So a past month's figure no longer changes except by a late closure (which is not on time),
and the current month's counts a finding as soon as it is closed or overdue.
"""

import datetime

from django.db.models import Count, F, Q
from django.utils import timezone

from bangfu.core.calendar import Deadline, deadline
from bangfu.core.policies import policy_for

from .models import FindingState


def rectification_deadline(region_code: str, found_on: datetime.date) -> Deadline:
    days = policy_for(region_code, "supervision.rectify_days", found_on)
    return deadline(found_on, days, working_days=True)


ON_TIME = Q(state=FindingState.CLOSED, closed_on__lte=F("deadline"))


def on_time_tally(
    period_start: datetime.date, period_end: datetime.date, *, as_of: datetime.date | None = None
) -> dict[str, Count]:
    """The counts ``due`` and ``on_time`` of findings for the period from ``period_start`` to
    ``period_end`` (both included), as of today (or ``as_of``): see the module's words; to
    aggregate a queryset of findings with, or annotate its groups. The rate is on time ÷
    due; with none due there is no rate."""
    due = Q(deadline__gte=period_start, deadline__lte=period_end) & (
        Q(state=FindingState.CLOSED) | Q(deadline__lt=as_of or timezone.localdate())
    )
    return {"due": Count("pk", filter=due), "on_time": Count("pk", filter=due & ON_TIME)}
