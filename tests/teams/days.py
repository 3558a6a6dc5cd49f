"""Days of attendance planted straight into the records (a check-in, a register entry kept by
hand, approved leave), for tests of what is read from them: the check-in and leave services
are their own part of the work. Each keeps the member's month roll-up as the services do
(``teams.rollups.refresh``) and is audited as a write of the teams app, so the place
roll-ups catch it up."""

import datetime
import uuid

from django.db import transaction
from django.utils import timezone

from bangfu.core import audit
from bangfu.core.models import Code
from bangfu.teams import rollups
from bangfu.teams.models import CheckIn, DayStatus, LeaveRequest, LeaveState, RegisterEntry

# Actions of the check-in and leave parts, as those parts name them in the audit log.
CHECK_IN, REGISTER, LEAVE = "check_in.record", "register.set", "leave.approve"


def _audited(actor, action: str, record, after: dict) -> None:
    audit.record(actor=actor, action=action, obj=record, region_code=record.region_id, after=after)


def check_in(actor, member, day: datetime.date, hour: int = 8):
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
    with transaction.atomic():
        made = CheckIn.objects.create(
            client_id=uuid.uuid4(),
            member=member,
            region_id=member.region_id,
            checked_at=moment,
            day=day,
            recorded_at=moment,
            recorded_by=actor,
        )
        rollups.refresh(member, [day.replace(day=1)])
        _audited(actor, CHECK_IN, made, {"member": member.pk, "day": day.isoformat()})
    return made


def register(
    actor, member, day: datetime.date, status: str = DayStatus.OFFICIAL, reason="县里开会"
):
    with transaction.atomic():
        entry, _created = RegisterEntry.objects.update_or_create(
            member=member,
            day=day,
            defaults={
                "region_id": member.region_id,
                "status": status,
                "reason": reason,
                "recorded_at": timezone.now(),
                "recorded_by": actor,
            },
        )
        rollups.refresh(member, [day.replace(day=1)])
        _audited(actor, REGISTER, entry, {"member": member.pk, "day": day.isoformat()})
    return entry


def leave(actor, member, first: datetime.date, last: datetime.date):
    with transaction.atomic():
        made = LeaveRequest.objects.create(
            member=member,
            region_id=member.region_id,
            kind=Code.objects.get(kind="leave_kind", value="1"),
            first_day=first,
            last_day=last,
            reason="家中有事",
            state=LeaveState.APPROVED,
            levels_needed=1,
            requested_at=timezone.now(),
            requested_by=actor,
        )
        rollups.refresh(member, rollups.months_of(first, last))
        _audited(
            actor,
            LEAVE,
            made,
            {"member": member.pk, "first_day": first.isoformat(), "last_day": last.isoformat()},
        )
    return made
