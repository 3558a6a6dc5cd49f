"""Teams and their members (驻村工作队与队员): each use case one transaction, audited.

A member's term is started and ended, never edited away: a replacement ends one term and
starts another in the same role, so the team's history reads as the paper register does.
A person is on at most one team at a time, by ID number.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from bangfu.accounts.selectors import manageable_users
from bangfu.core import audit, idnumbers, values
from bangfu.core.capabilities import Capability, require
from bangfu.core.errors import Clash, DomainError, OutOfScope
from bangfu.core.models import Region
from bangfu.core.protection import lookup_hashes, seal
from bangfu.core.regions import RegionLevel
from bangfu.core.selectors import chosen_code, visible_place
from bangfu.core.services import clashes_recorded, retried_on_conflict
from bangfu.pairing.models import Unit
from bangfu.visits.rollups import month_of

from .. import rollups
from ..models import MemberMonth, Team, TeamMember

TEAM_AUDIT_FIELDS = ["name", "region", "unit", "term_start", "term_end", "latitude", "longitude"]
MEMBER_AUDIT_FIELDS = ["team", "name", "phone", "role", "unit", "user", "started_on", "ended_on"]


@dataclass
class TeamInput:
    """A team as a form, the API or a sheet gives it."""

    name: str
    region_code: str  # the village stationed in
    unit_id: int
    term_start: datetime.date
    term_end: datetime.date | None = None
    villages: list[str] | None = None  # other villages served (codes); None keeps them
    latitude: Decimal | None = None
    longitude: Decimal | None = None


@dataclass
class MemberInput:
    """A person's term on a team, as a form, the API or a sheet gives it."""

    name: str
    id_number: str
    role: str  # a value of the code list team_role
    unit_id: int
    started_on: datetime.date
    phone: str = ""
    user_id: int | None = None


def _village(actor, code: str, field: str = "region") -> Region:
    region = visible_place(actor, code)
    if region is None or region.level != RegionLevel.VILLAGE:
        raise DomainError(_("Choose a village among your places."), code="bad_place", field=field)
    return region


def _unit(actor, unit_id: int, field: str = "unit") -> Unit:
    unit = Unit.objects.visible_to(actor).filter(pk=unit_id).first()
    if unit is None:
        raise DomainError(_("Choose a unit among your places."), code="bad_unit", field=field)
    return unit


def _apply_team(actor, team: Team, data: TeamInput) -> list[Region] | None:
    values.assign(team, data, ["name", "term_start", "term_end", "latitude", "longitude"])
    if team.term_end is not None and team.term_end < team.term_start:
        raise DomainError(
            _("The term ends before it starts."), code="term_backwards", field="term_end"
        )
    if (team.latitude is None) != (team.longitude is None):
        raise DomainError(
            _("The residence's position needs both latitude and longitude."),
            code="bad_position",
            field="latitude",
        )
    team.region = _village(actor, data.region_code)
    team.unit = _unit(actor, data.unit_id)
    if data.villages is None:
        return None
    served = [_village(actor, code, field="villages") for code in data.villages]
    return sorted({team.region, *served}, key=lambda region: region.code)


def _team_state(team: Team) -> dict[str, Any]:
    state = audit.snapshot(team, TEAM_AUDIT_FIELDS)
    state["villages"] = sorted(team.villages.values_list("code", flat=True))
    return state


@retried_on_conflict
def team_create(*, actor, team: TeamInput) -> Team:
    """Register a resident work team sent by a unit to a village for a term (派驻)."""
    require(actor, Capability.MANAGE_TEAMS)
    with transaction.atomic():
        record = Team()
        villages = _apply_team(actor, record, team)
        record.save()
        record.villages.set(villages or [record.region])
        audit.record(
            actor=actor,
            action="team.create",
            obj=record,
            region_code=record.region_id,
            after=_team_state(record),
        )
    return record


def _team(actor, team_id: int, *, lock: bool = False) -> Team:
    rows = Team.objects.visible_to(actor).filter(pk=team_id)
    team = (rows.select_for_update(of=("self",)) if lock else rows).first()
    if team is None:
        raise OutOfScope()
    return team


@retried_on_conflict
def team_update(*, actor, team_id: int, team: TeamInput) -> Team:
    """Correct a team's details, term, villages served or residence. Its members keep their
    terms; a team moved to another village takes its records with it."""
    require(actor, Capability.MANAGE_TEAMS)
    with transaction.atomic():
        record = _team(actor, team_id, lock=True)
        before = _team_state(record)
        villages = _apply_team(actor, record, team)
        record.save()
        if villages is not None:
            record.villages.set(villages)
        if record.region_id != before["region"]:
            _follow_team(record)
        audit.record(
            actor=actor,
            action="team.update",
            obj=record,
            region_code=record.region_id,
            before=before,
            after=_team_state(record),
        )
    return record


def _follow_team(team: Team) -> None:
    """Every record of the team is read at its village: when the team moves, they move."""
    from ..models import (
        CheckIn,
        CheckInFlag,
        DisciplineRecord,
        LeaveRequest,
        Meeting,
        MeetingTask,
        MemberMonth,
        RegisterEntry,
        WorkReport,
    )

    members = TeamMember.objects.filter(team=team)
    members.update(region=team.region)
    for model in (CheckIn, RegisterEntry, LeaveRequest, MemberMonth, DisciplineRecord):
        model.objects.filter(member__team=team).update(region=team.region)
    CheckInFlag.objects.filter(check_in__member__team=team).update(region=team.region)
    for owned in (Meeting, WorkReport):
        owned.objects.filter(team=team).update(region=team.region)
    MeetingTask.objects.filter(meeting__team=team).update(region=team.region)


def _login(actor, user_id: int | None):
    if user_id is None:
        return None
    login = manageable_users(actor).filter(pk=user_id).first()
    if login is None or TeamMember.objects.filter(user=login, ended_on=None).exists():
        raise DomainError(
            _("Choose an account of your places that is no current team member's."),
            code="bad_login",
            field="user",
        )
    return login


def _refuse_second_team(actor, member: TeamMember, id_number: str) -> None:
    """A person is on one team at a time: named where the other term is in the actor's
    places, a clash (not said where) where it is not."""
    other = (
        TeamMember.objects.filter(id_number_hash__in=lookup_hashes(id_number), ended_on=None)
        .exclude(pk=member.pk)
        .select_related("team")
        .first()
    )
    if other is None:
        return
    if TeamMember.objects.visible_to(actor).filter(pk=other.pk).exists():
        raise DomainError(
            _("%(name)s is on team %(team)s since %(day)s; end that term first.")
            % {"name": other.name, "team": other.team.name, "day": other.started_on.isoformat()},
            code="on_another_team",
            field="id_number",
        )
    raise Clash(
        _(
            "This person cannot be put on a team here; it has been passed to an administrator "
            "to check."
        ),
        field="id_number",
        region_code=member.region_id,
        holder=("teams.teammember", str(other.pk), other.region_id),
        detail={"name": member.name},
    )


def _apply_member(actor, member: TeamMember, data: MemberInput) -> None:
    values.assign(member, data, ["name", "phone", "started_on"])
    if member.started_on < member.team.term_start:
        raise DomainError(
            _("The team's term starts on %(day)s; a member's term cannot start before.")
            % {"day": member.team.term_start.isoformat()},
            code="before_term",
            field="started_on",
        )
    person = idnumbers.parse(data.id_number)
    _refuse_second_team(actor, member, person.value)
    digests = lookup_hashes(person.value)
    if member.id_number_hash not in digests:  # unchanged: a rotation moves it (core.rotation)
        member.id_number_hash, member.id_number_sealed = digests[0], seal(person.value)
    member.role = chosen_code(
        "team_role",
        data.role,
        _("Choose the member's role on the team."),
        field="role",
        code="bad_role",
    )
    member.unit = _unit(actor, data.unit_id)


def _start_member(actor, team: Team, data: MemberInput) -> TeamMember:
    member = TeamMember(team=team, region=team.region)
    _apply_member(actor, member, data)
    member.user = _login(actor, data.user_id)
    member.save()
    return member


def _member_state(member: TeamMember) -> dict[str, Any]:
    state = audit.snapshot(member, MEMBER_AUDIT_FIELDS)
    state["id_number_hash"] = member.id_number_hash[:12]
    return state


@retried_on_conflict
def member_add(*, actor, team_id: int, member: MemberInput) -> TeamMember:
    """Put a person on a team, in a role, from a day (sent by a unit)."""
    require(actor, Capability.MANAGE_TEAMS)
    with clashes_recorded(actor), transaction.atomic():
        team = _team(actor, team_id, lock=True)
        record = _start_member(actor, team, member)
        audit.record(
            actor=actor,
            action="team_member.add",
            obj=record,
            region_code=team.region_id,
            after=_member_state(record),
        )
    return record


def _current_member(actor, member_id: int) -> TeamMember:
    member = (
        TeamMember.objects.visible_to(actor)
        .select_related("team")
        .select_for_update(of=("self",))
        .filter(pk=member_id)
        .first()
    )
    if member is None:
        raise OutOfScope()
    if member.ended_on is not None:
        raise DomainError(
            _("%(name)s's term ended on %(day)s.")
            % {"name": member.name, "day": member.ended_on.isoformat()},
            code="ended",
        )
    return member


def _end(member: TeamMember, ended_on, reason: str) -> None:
    member.ended_on = values.clean(TeamMember, "ended_on", ended_on)
    member.end_reason = values.clean(TeamMember, "end_reason", reason, field="reason")
    if member.ended_on is None or not member.end_reason:
        raise DomainError(
            _("Give the day and the reason the term ends."), code="no_reason", field="reason"
        )
    if member.ended_on < member.started_on:
        raise DomainError(
            _("The term began on %(day)s; it cannot end before.")
            % {"day": member.started_on.isoformat()},
            code="end_before_start",
            field="ended_on",
        )
    member.save(update_fields=["ended_on", "end_reason"])
    # Days after the end are no longer the member's: the months from the end's are counted
    # again (``rollups.day_statuses`` reads the term).
    kept = MemberMonth.objects.filter(member=member, month__gte=month_of(member.ended_on))
    rollups.refresh(member, list(kept.values_list("month", flat=True)))


@retried_on_conflict
def member_end(*, actor, member_id: int, ended_on: datetime.date, reason: str) -> TeamMember:
    """End a member's term on a day (recalled, term over…), with the reason; the record stays."""
    require(actor, Capability.MANAGE_TEAMS)
    with transaction.atomic():
        member = _current_member(actor, member_id)
        before = _member_state(member)
        _end(member, ended_on, reason)
        audit.record(
            actor=actor,
            action="team_member.end",
            obj=member,
            region_code=member.region_id,
            before=before,
            after={**_member_state(member), "end_reason": member.end_reason},
        )
    return member


@retried_on_conflict
def member_replace(
    *, actor, member_id: int, on: datetime.date, reason: str, member: MemberInput
) -> TeamMember:
    """Replace a member (人员调整): their term ends the day before ``on``, the new member's
    starts on ``on``, in the role given; both stay on the team's history."""
    require(actor, Capability.MANAGE_TEAMS)
    with clashes_recorded(actor), transaction.atomic():
        leaving = _current_member(actor, member_id)
        day = values.clean(TeamMember, "started_on", on, field="on")
        if day is None:
            raise DomainError(_("Enter the day of the change."), code="no_date", field="on")
        before = _member_state(leaving)
        _end(leaving, day - datetime.timedelta(days=1), reason)
        member.started_on = day
        coming = _start_member(actor, leaving.team, member)
        audit.record_many(
            actor=actor,
            changes=[
                audit.Change(
                    "team_member.end",
                    "teams.teammember",
                    str(leaving.pk),
                    leaving.region_id,
                    before,
                    {**_member_state(leaving), "replaced_by": coming.pk},
                ),
                audit.Change(
                    "team_member.add",
                    "teams.teammember",
                    str(coming.pk),
                    coming.region_id,
                    None,
                    {**_member_state(coming), "replaces": leaving.pk},
                ),
            ],
        )
    return coming
