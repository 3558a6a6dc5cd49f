"""A resident work team in 马家寨村, sent by the county's agriculture bureau since January:
队长 张队长 (who signs in as team_leader), 第一书记 李书记, 联络员 王联络, each with an ID
number."""

import datetime
from decimal import Decimal

import pytest

from bangfu.pairing.services import unit_create
from bangfu.teams.services import MemberInput, TeamInput, member_add, team_create
from tests.factories import UserFactory
from tests.registry.conftest import id_number

VILLAGE = "611103002201"  # 马家寨村
RESIDENCE = (Decimal("34.250000"), Decimal("108.700000"))  # where the team lives
TERM_START = datetime.date(2026, 1, 1)
ROLES = {"leader": "1", "secretary": "2", "liaison": "3", "member": "4"}


@pytest.fixture
def sending_unit(county_admin):
    return unit_create(
        actor=county_admin,
        name="沣西新城农业农村局",
        kind="government",
        level="county",
        region_code="611103000000",
    )


def team_input(unit, **overrides) -> TeamInput:
    values = {
        "name": "马家寨村驻村工作队",
        "region_code": VILLAGE,
        "unit_id": unit.pk,
        "term_start": TERM_START,
        "term_end": datetime.date(2027, 12, 31),
        "latitude": RESIDENCE[0],
        "longitude": RESIDENCE[1],
    }
    values.update(overrides)
    return TeamInput(**values)


def member_input(unit, name: str, serial: str, role: str = "4", **overrides) -> MemberInput:
    values = {
        "name": name,
        "id_number": id_number("19800101", serial),
        "role": role,
        "unit_id": unit.pk,
        "started_on": TERM_START,
    }
    values.update(overrides)
    return MemberInput(**values)


@pytest.fixture
def team(county_admin, sending_unit):
    return team_create(actor=county_admin, team=team_input(sending_unit))


@pytest.fixture
def team_leader_login(world):
    return UserFactory(
        username="team_leader", full_name="张队长", places=[VILLAGE], roles=["work_team"]
    )


@pytest.fixture
def leader(county_admin, team, sending_unit, team_leader_login):
    return member_add(
        actor=county_admin,
        team_id=team.pk,
        member=member_input(
            sending_unit, "张队长", "101", ROLES["leader"], user_id=team_leader_login.pk
        ),
    )


@pytest.fixture
def secretary(county_admin, team, sending_unit):
    return member_add(
        actor=county_admin,
        team_id=team.pk,
        member=member_input(sending_unit, "李书记", "102", ROLES["secretary"]),
    )


@pytest.fixture
def liaison(county_admin, team, sending_unit):
    return member_add(
        actor=county_admin,
        team_id=team.pk,
        member=member_input(sending_unit, "王联络", "103", ROLES["liaison"]),
    )


# -- leave, residence and the team's work ---------------------------------------------------

TOWNSHIP = "611103002000"  # 钓台街道, over 马家寨村


@pytest.fixture
def on_day(monkeypatch):
    """Freeze the day the services and rules take as today: ``on_day(date)``."""
    return today_freezer(monkeypatch)


def today_freezer(monkeypatch: pytest.MonkeyPatch):
    """What ``on_day`` gives, undone with ``monkeypatch``. The ID-number check keeps today for
    a minute (``idnumbers._today``); it is replaced too, so that the frozen day never stays
    in its cache for the tests that follow within that minute."""
    from django.utils import timezone

    from bangfu.core import idnumbers

    original = timezone.localdate

    def freeze(day: datetime.date) -> datetime.date:
        def localdate(value=None, timezone=None):
            return day if value is None else original(value, timezone)

        monkeypatch.setattr("django.utils.timezone.localdate", localdate)
        monkeypatch.setattr(idnumbers, "_today", lambda minute: day)
        return day

    return freeze


@pytest.fixture
def member_login(world):
    return UserFactory(
        username="team_member", full_name="孙队员", places=[VILLAGE], roles=["work_team"]
    )


@pytest.fixture
def member(county_admin, team, sending_unit, member_login):
    """孙队员, a 队员 of the team who signs in as team_member."""
    return member_add(
        actor=county_admin,
        team_id=team.pk,
        member=member_input(
            sending_unit, "孙队员", "104", ROLES["member"], user_id=member_login.pk
        ),
    )


@pytest.fixture
def diaotai_staff(world):
    """钱干事 answers for 马王街道; the team's village lies under 钓台街道, whose staff this is."""
    return UserFactory(
        username="diaotai_staff", full_name="周干事", places=[TOWNSHIP], roles=["township_staff"]
    )
