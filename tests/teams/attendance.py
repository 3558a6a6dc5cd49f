"""Helpers for check-in and register tests: a member with a login on the team of
``tests/teams/conftest.py`` (李队员, signing in as team_member_li), and check-ins made the way
the phone page makes them."""

import datetime
import uuid
from decimal import Decimal

from django.utils import timezone

from bangfu.teams import services
from tests.factories import UserFactory
from tests.teams.conftest import RESIDENCE, VILLAGE, member_input

# 3 km east of the residence: a house outside the village.
HOME_OUTSIDE = (RESIDENCE[0], RESIDENCE[1] + Decimal("0.033000"))


def at(day: datetime.date, hour: int = 8, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def member_with_login(
    actor, team, unit, username: str = "team_member_li", name: str = "李队员", serial: str = "201"
):
    """A 队员 of ``team`` who checks in with a login of their own; answers (member, login)."""
    login = UserFactory(username=username, full_name=name, places=[VILLAGE], roles=["work_team"])
    member = services.member_add(
        actor=actor, team_id=team.pk, member=member_input(unit, name, serial, user_id=login.pk)
    )
    return member, login


def check_in(actor, when, position=RESIDENCE, member_id=None, client_id=None, **fields):
    """A check-in as the phone sends it; answers the check-in."""
    lat, lon = position if position is not None else (None, None)
    record, _created = services.check_in_record(
        actor=actor,
        client_id=client_id or uuid.uuid4(),
        member_id=member_id,
        data=services.CheckInInput(checked_at=when, latitude=lat, longitude=lon, **fields),
    )
    return record


def county_a_attendance(actor, team) -> dict:
    """County A's check-ins for the route walk and the fuzz, on ``team``: ``actor`` (the
    county's administrator) serves on it with their own login and has a check-in with its
    photo, so the phone page and the check-in routes have something to leak; and 王队员, whose
    days the administrator may register (nobody registers their own)."""
    from tests.visits.conftest import jpeg

    checking = services.member_add(
        actor=actor,
        team_id=team.pk,
        member=member_input(team.unit, "赵主任", "401", user_id=actor.pk),
    )
    made = check_in(actor, at(datetime.date(2026, 10, 8)), position=HOME_OUTSIDE)
    made, _created = services.check_in_photo_add(
        actor=actor, client_id=made.client_id, content=jpeg(5)
    )
    registered = services.member_add(
        actor=actor, team_id=team.pk, member=member_input(team.unit, "王队员", "402")
    )
    return {"checking_member": checking, "registered_member": registered, "check_in": made}
