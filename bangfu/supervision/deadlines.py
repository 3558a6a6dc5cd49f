"""The day a finding is to be rectified by: ``supervision.rectify_days`` working days after the
day it was found, at the finding's place, counted by the core calendar. Findings recorded by
inspectors and those a survey's answers raise share it."""

import datetime

from bangfu.core.calendar import Deadline, deadline
from bangfu.core.policies import policy_for


def rectification_deadline(region_code: str, found_on: datetime.date) -> Deadline:
    days = policy_for(region_code, "supervision.rectify_days", found_on)
    return deadline(found_on, days, working_days=True)
