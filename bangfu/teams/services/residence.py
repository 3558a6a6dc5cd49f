"""Reminding members short of residence days (驻村天数提醒), through the visits' sender
(``BANGFU_REMINDER_SENDER``): on each of the month's last days that the village's rules name
(``teams.remind_days_before_month_end``), once a day per member who is short (the definition
is ``selectors.residence``'s)."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bangfu.core import audit
from bangfu.visits import reminders

from ..models import MemberReminder
from ..selectors.residence import MemberResidence, last_of, short_members


def team_reminders_send(*, on: datetime.date, sender: reminders.Sender | None = None) -> int:
    """Remind each member short of residence days on ``on``, once a day; answers how many
    were reminded. A member whose sending fails is logged and left for the next run (their
    record is rolled back with it)."""
    sender = sender or reminders.configured_sender()
    sent = 0
    for residence in short_members(on):
        if MemberReminder.objects.filter(member=residence.member, day=on).exists():
            continue
        try:
            _remind(residence, on, sender)
        except Exception:  # noqa: BLE001 — one member's failed delivery must not stop the rest
            reminders.log.exception(
                "reminder to team member %s failed; retried next run", residence.member.pk
            )
            continue
        sent += 1
    return sent


def reminder_text(residence: MemberResidence) -> str:
    return _(
        "%(name)s: %(counted)d residence days counted this month, %(expected)d expected by "
        "now: %(short)d short. %(needed)d more are needed by %(end)s, with %(left)d days left."
    ) % {
        "name": residence.member.name,
        "counted": residence.counted,
        "expected": residence.expected,
        "short": residence.short_by,
        "needed": residence.still_needed,
        "end": last_of(residence.month).isoformat(),
        "left": residence.days_left,
    }


def _remind(residence: MemberResidence, on: datetime.date, sender: reminders.Sender) -> None:
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        message = reminder_text(residence)
        record = MemberReminder.objects.create(
            member=residence.member,
            day=on,
            channel=sender.channel,
            message=message,
            sent_at=timezone.now(),
        )
        audit.record(
            actor=None,
            action="team_reminder.send",
            obj=record,
            region_code=residence.member.region_id,
            after=audit.snapshot(record),
        )
        sender.send(residence.member, message)
