"""Reminders: each helper hears once a day of the households due before the next fixed day."""

import datetime
import logging

from bangfu.visits import services
from bangfu.visits.models import ReminderSent
from bangfu.visits.reminders import LogSender

from .conftest import at, log, set_rule

D = datetime.date


class Failing:
    channel = "sms"

    def send(self, helper, message):
        raise ConnectionError("gateway down")


def test_helpers_are_reminded_once_a_day_through_the_sender(
    world, county_admin, helper_wang, households, caplog
):
    set_rule(county_admin, "visits.fixed_days", "每周四")
    for day in (5, 12, 19):
        log(helper_wang, households[0], at(D(2026, 11, day)))
    for day in (5, 12, 19, 20):
        log(helper_wang, households[1], at(D(2026, 11, day)))
    assert services.reminders_send(on=D(2026, 11, 21), sender=Failing()) == 0
    assert not ReminderSent.objects.exists()  # a failed send is tried again next run
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="bangfu.reminders"):
        assert services.reminders_send(on=D(2026, 11, 21), sender=LogSender()) == 1
        assert services.reminders_send(on=D(2026, 11, 21), sender=LogSender()) == 0
    sent = ReminderSent.objects.get()
    # Households 1 and 3 are short of the four expected by Thursday 11-26; household 2 is not.
    assert sent.households == 2 and sent.channel == "log"
    assert households[0].number in sent.message and households[2].number in sent.message
    assert households[1].number not in sent.message and "2026-11-26" in sent.message
    assert [r.getMessage() for r in caplog.records] == [f"reminder to 王哲铭 (-): {sent.message}"]
