"""Reminder senders (提醒): one interface, so SMS or WeChat Work can be plugged in later.

``settings.BANGFU_REMINDER_SENDER`` names the class; the default writes to the log, which is
what tests and a district without an SMS gateway use.
"""

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("bangfu.reminders")


class Recipient(Protocol):
    """Whom a reminder is for: a helper, a work-team member (the apps above use the sender)."""

    name: str
    phone: str


class Sender(Protocol):
    channel: str

    def send(self, helper: Recipient, message: str) -> None:
        """Deliver ``message`` to ``helper`` or raise; a failure leaves it to the next run."""


class LogSender:
    channel = "log"

    def send(self, helper: Recipient, message: str) -> None:
        log.info("reminder to %s (%s): %s", helper.name, helper.phone or "-", message)


def configured_sender() -> Sender:
    return import_string(settings.BANGFU_REMINDER_SENDER)()
