"""Differences to work, for the tests of part C (the workflow): made straight on a snapshot
made in the test (the comparison that writes them for real is ``services.comparison``).

马家寨村 (钓台街道) holds 马建国's household, 石桥村 (马王街道) another; a work-team member
of each village, an officer of 钓台街道. Today is frozen at 2026-11-30.
"""

import datetime

import pytest

from bangfu.checks.models import Difference, DifferenceKind, Snapshot
from bangfu.registry.models import Household
from bangfu.registry.services import household_register
from tests.factories import UserFactory
from tests.registry.conftest import first_status, household_input, id_number, member_input

TODAY = datetime.date(2026, 11, 30)
MONTH = datetime.date(2026, 11, 1)
MAJIAZHAI, SHIQIAO, COUNTY = "611103002201", "611103001201", "611103000000"


def snapshot(actor, month: datetime.date = MONTH, region_code: str = COUNTY) -> Snapshot:
    return Snapshot.objects.get_or_create(
        region_id=region_code,
        month=month,
        defaults={"file_name": f"国家系统导出{month:%Y%m}.xlsx", "imported_by": actor},
    )[0]


def difference(household: Household, source: Snapshot, **fields) -> Difference:
    """An open difference of a household's field between the handbook and the snapshot."""
    values = {
        "region_id": household.region_id,
        "snapshot": source,
        "household": household,
        "household_number": household.number,
        "field": "phone",
        "field_name": "联系电话",
        "kind": DifferenceKind.VALUE,
        "system_value": "13800000000",
        "handbook_value": "13900000000",
        "found_on": source.month,
    }
    return Difference.objects.create(**(values | fields))


def register(actor, number: str, region_code: str, name: str, serial: str) -> Household:
    return household_register(
        actor=actor,
        household=household_input(number=number, region_code=region_code),
        members=[member_input(name=name, id_number=id_number("19650312", serial))],
        status=first_status(),
    )


@pytest.fixture
def checks_today(on_day):
    return on_day(TODAY)


@pytest.fixture
def majiazhai(county_admin):
    return register(county_admin, "6111030022010001", MAJIAZHAI, "马建国", "001")


@pytest.fixture
def shiqiao(county_admin):
    return register(county_admin, "6111030012010001", SHIQIAO, "石大山", "011")


@pytest.fixture
def majiazhai_team(world):
    return UserFactory(
        username="mjz_checks", full_name="孙队员", places=[MAJIAZHAI], roles=["work_team"]
    )


@pytest.fixture
def shiqiao_team(world):
    return UserFactory(
        username="sq_checks", full_name="石队员", places=[SHIQIAO], roles=["work_team"]
    )


@pytest.fixture
def diaotai_staff(world):
    return UserFactory(
        username="dt_checks", full_name="吴干事", places=["611103002000"], roles=["township_staff"]
    )
