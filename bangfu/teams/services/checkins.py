"""Daily check-ins from the phone (驻村打卡) and the attendance register kept by hand
(考勤登记): each use case one transaction, audited with the team's place. Every write locks
the member's row (so one member's month roll-ups are written one at a time), brings the
month roll-up up to date (``teams.rollups.refresh``) and raises the truthfulness flags
(``teams.flags``), in its transaction.

A check-in carries an id made on the phone (``client_id``), as a visit does: the same id
again answers the check-in already recorded, so a retry after a lost answer or a double send
never makes two; an id used by another login is refused.
"""

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core import audit, values
from bangfu.core.capabilities import Capability
from bangfu.core.errors import DomainError, NotPermitted, OutOfScope
from bangfu.core.geo import distance_m
from bangfu.core.services import retried_on_conflict, sent_before
from bangfu.visits import photos
from bangfu.visits.services import with_position

from .. import flags, rollups
from ..models import CheckIn, DayStatus, RegisterEntry, TeamMember
from ..selectors.checkins import led_by

CHECK_IN_FIELDS = ("checked_at", "latitude", "longitude", "accuracy_m")
# What the register kept by hand may say a day was; leave comes from an approved request.
REGISTERED = (DayStatus.IN_VILLAGE, DayStatus.OFFICIAL, DayStatus.ABSENT)


@dataclass
class CheckInInput:
    """What a phone (or a page, or the API) says of one check-in."""

    checked_at: Any
    latitude: Any = None
    longitude: Any = None
    accuracy_m: Any = None


def _checked(data: CheckInInput) -> dict[str, Any]:
    fields = {name: values.clean(CheckIn, name, getattr(data, name)) for name in CHECK_IN_FIELDS}
    if fields["checked_at"] is None:
        raise DomainError(_("Enter the time of the check-in."), code="no_time", field="checked_at")
    return with_position(fields)


def _in_term(rows: QuerySet[TeamMember], day: datetime.date) -> QuerySet[TeamMember]:
    return rows.filter(started_on__lte=day).filter(Q(ended_on=None) | Q(ended_on__gte=day))


def _answered_for(actor, member_id: int) -> QuerySet[TeamMember]:
    """The member of that id whose days the actor may enter for them (代录): any in the
    places of staff who manage teams, and those of the team the actor leads. A member
    neither answers 404, like a missing one."""
    term = led_by(actor)
    if term is not None and TeamMember.objects.filter(pk=member_id, team_id=term.team_id).exists():
        return TeamMember.objects.filter(pk=member_id)
    rows = TeamMember.objects.visible_to(actor).filter(pk=member_id)
    if not rows.exists():
        raise OutOfScope()
    if not actor.has_capability(Capability.MANAGE_TEAMS):
        raise NotPermitted()
    return rows


def _member_locked(actor, member_id: int | None, day: datetime.date) -> TeamMember:
    """The member a check-in is for, in their term on its day, row locked: the actor's own
    term, or one they may enter for."""
    own = TeamMember.objects.filter(user=actor) if actor.is_authenticated else None
    if member_id is None or (own is not None and own.filter(pk=member_id).exists()):
        rows = _in_term(own, day) if own is not None else TeamMember.objects.none()
        member = rows.select_for_update(of=("self",)).select_related("team").first()
        if member is None:
            raise DomainError(
                _("You were on no team on %(day)s; ask the county office to put you on yours.")
                % {"day": day.isoformat()},
                code="no_term",
                field="checked_at",
            )
        return member
    rows = _answered_for(actor, member_id).select_for_update(of=("self",)).select_related("team")
    member = rows.get()
    _refuse_outside_term(member, day, field="checked_at")
    return member


def _refuse_outside_term(member: TeamMember, day: datetime.date, *, field: str) -> None:
    if day < member.started_on or (member.ended_on is not None and day > member.ended_on):
        raise DomainError(
            _("%(name)s was not on the team on %(day)s (term %(start)s to %(end)s).")
            % {
                "name": member.name,
                "day": day.isoformat(),
                "start": member.started_on.isoformat(),
                "end": member.ended_on.isoformat() if member.ended_on else "…",
            },
            code="no_term",
            field=field,
        )


def _distance(check_in: CheckIn, member: TeamMember) -> int | None:
    team = member.team
    here, there = (check_in.latitude, check_in.longitude), (team.latitude, team.longitude)
    if here[0] is None or here[1] is None or there[0] is None or there[1] is None:
        return None
    return round(distance_m(here[0], here[1], there[0], there[1]))


def _earlier(actor, client_id: uuid.UUID) -> CheckIn | None:
    return sent_before(
        CheckIn,
        actor,
        client_id,
        _("This check-in id was used by someone else; reload the page and check in again."),
    )


def check_in_record(
    *,
    actor,
    client_id: uuid.UUID,
    data: CheckInInput,
    member_id: int | None = None,
    recorded_at: datetime.datetime | None = None,
) -> tuple[CheckIn, bool]:
    """Record a check-in; answers (check-in, True), or (the one already recorded, False) when
    this ``client_id`` came before. A member checks in for themself; staff who manage teams,
    and the team's leader, may enter one for a member (代录).

    ``recorded_at`` is when it was first recorded: now, unless records are carried over from
    an earlier system (or the demo) with the times they were entered there."""
    earlier = _earlier(actor, client_id)
    if earlier is not None:
        return earlier, False
    fields = _checked(data)
    logged = recorded_at or timezone.now()
    if recorded_at is not None and not fields["checked_at"] <= recorded_at <= timezone.now():
        raise DomainError(
            _("A check-in is recorded after it is made and not in the future."),
            code="bad_recorded_at",
            field="recorded_at",
        )
    day = timezone.localtime(fields["checked_at"]).date()
    try:
        with transaction.atomic():
            member = _member_locked(actor, member_id, day)
            check_in = CheckIn(
                client_id=client_id,
                member=member,
                region_id=member.region_id,
                day=day,
                recorded_at=logged,
                recorded_by=actor,
                **fields,
            )
            check_in.distance_m = _distance(check_in, member)
            check_in.save()
            flags.raise_for(check_in, new=True)
            rollups.refresh(member, [rollups.month_of(day)])
            audit.record(
                actor=actor,
                action="check_in.record",
                obj=check_in,
                region_code=member.region_id,
                after=audit.snapshot(check_in),
            )
    except IntegrityError:
        # The same id sent twice at once: the other request recorded it first.
        earlier = _earlier(actor, client_id)
        if earlier is None:
            raise
        return earlier, False
    return check_in, True


def _photo_target(actor, client_id: uuid.UUID) -> CheckIn:
    """A check-in whose photo the actor may send: one they recorded, or (staff who manage
    teams) one in their places."""
    check_in = CheckIn.objects.filter(client_id=client_id, recorded_by=actor).first()
    if check_in is not None:
        return check_in
    check_in = CheckIn.objects.visible_to(actor).filter(client_id=client_id).first()
    if check_in is None:
        raise OutOfScope()
    if not actor.has_capability(Capability.MANAGE_TEAMS):
        raise NotPermitted()
    return check_in


def check_in_photo_add(
    *, actor, client_id: uuid.UUID, content: bytes, name: str = ""
) -> tuple[CheckIn, bool]:
    """Attach the photo of a check-in, sent after it (so that a weak signal loses the photo,
    never the check-in); answers (check-in, False) when it has its photo already, so a photo
    sent twice is kept once."""
    target = _photo_target(actor, client_id)
    if target.photo:
        return target, False
    prepared = photos.prepare(content, name)  # outside the transaction: it is the slow part
    stored = default_storage.save(
        timezone.localdate().strftime("teams/%Y/%m/") + f"{client_id}.jpg",
        ContentFile(prepared.content),
    )
    try:
        with transaction.atomic():
            TeamMember.objects.select_for_update(of=("self",)).filter(pk=target.member_id).first()
            check_in = CheckIn.objects.select_for_update(of=("self",)).get(pk=target.pk)
            if check_in.photo:
                default_storage.delete(stored)
                return check_in, False
            check_in.photo, check_in.photo_hash = stored, prepared.phash
            check_in.save(update_fields=["photo", "photo_hash"])
            flags.raise_for(check_in)
            rollups.refresh(check_in.member, [rollups.month_of(check_in.day)])
            audit.record(
                actor=actor,
                action="check_in.photo_add",
                obj=check_in,
                region_code=check_in.region_id,
                after={
                    "photo": check_in.photo.name,
                    "photo_hash": prepared.phash,
                    "taken_at": prepared.taken_at,
                    "latitude": prepared.latitude,
                    "longitude": prepared.longitude,
                },
            )
    except BaseException:
        default_storage.delete(stored)
        raise
    return check_in, True


@retried_on_conflict
def register_keep(
    *, actor, member_id: int, day: datetime.date, status: str, reason: str
) -> RegisterEntry:
    """Record by hand what a member's day was (考勤登记): in the village, away on official
    business (公出) or absent, with the reason. The team's leader keeps their members' days,
    staff who manage teams those in their places (代录); a second entry for a day corrects the
    first. A leader's own days are kept by the township, not by themself."""
    day = values.clean(RegisterEntry, "day", day)
    status = values.clean(RegisterEntry, "status", status)
    reason = values.clean(RegisterEntry, "reason", reason)
    if day is None:
        raise DomainError(_("Enter the day."), code="no_date", field="day")
    if day > timezone.localdate():
        raise DomainError(
            _("A day is registered once it has come, not ahead."), code="ahead", field="day"
        )
    if status not in REGISTERED:
        raise DomainError(
            _(
                "Register a day as in the village, away on official business or absent; leave "
                "is asked for and approved."
            ),
            code="bad_status",
            field="status",
        )
    if not reason:
        raise DomainError(_("Give the reason for the entry."), code="no_reason", field="reason")
    with transaction.atomic():
        member = (
            _answered_for(actor, member_id).select_for_update(of=("self",)).select_related("team")
        ).get()
        if member.user_id is not None and member.user_id == actor.pk:
            raise NotPermitted()
        _refuse_outside_term(member, day, field="day")
        entry = RegisterEntry.objects.filter(member=member, day=day).first()
        before = audit.snapshot(entry, ["status", "reason", "recorded_by"]) if entry else None
        if entry is None:
            entry = RegisterEntry(member=member, region_id=member.region_id, day=day)
        entry.status, entry.reason = status, reason
        entry.recorded_at, entry.recorded_by = timezone.now(), actor
        entry.save()
        rollups.refresh(member, [rollups.month_of(day)])
        audit.record(
            actor=actor,
            action="register.keep",
            obj=entry,
            region_code=member.region_id,
            before=before,
            after={
                **audit.snapshot(entry, ["member", "day", "status", "reason"]),
                "recorded_by": actor.pk,
            },
        )
    return entry
