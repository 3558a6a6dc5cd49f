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


# --- the route walk and the fuzz ----------------------------------------------------------

CLASSIFY = {"classification": "system"}
CLOSE = {"reason": "入侵"}


def differences_world(actor, household: Household) -> dict:
    """County A's differences for the walk: an open one of the walk's household from
    October's snapshot, and one from a problem list."""
    from bangfu.checks.models import ProblemList

    source = snapshot(actor, datetime.date(2026, 10, 1))
    listed = ProblemList.objects.create(
        region_id=COUNTY,
        file_name="马家寨村问题数据清单.xlsx",
        received_on=datetime.date(2026, 10, 8),
        imported_by=actor,
    )
    from_list = difference(
        household,
        source,
        snapshot=None,
        problem_list=listed,
        kind=DifferenceKind.PROBLEM,
        field="household",
        field_name="户信息",
        problem="马家寨村：户主变更未更新",
    )
    return {"difference": difference(household, source), "listed_difference": from_list}


def differences_page_probes(probe) -> dict:
    a_difference = lambda w: {"difference_id": w["difference"].pk}  # noqa: E731
    missing = {"difference_id": 10**9}
    return {
        "checks:differences": probe(),
        "checks:place_differences": probe(
            lambda w: {"code": "611103002201"}, {"code": "619999999999"}
        ),
        "checks:difference": probe(a_difference, missing),
        "checks:difference_classify": probe(a_difference, missing, ("get", "post"), CLASSIFY),
        "checks:difference_close": probe(a_difference, missing, ("get", "post"), CLOSE),
        "checks:problem_lists": probe(),
    }


def differences_api_probes(probe) -> dict:
    a_difference = lambda w: {"difference_id": w["difference"].pk}  # noqa: E731
    missing = {"difference_id": 10**9}
    return {
        "differences_list": probe(),
        "difference_detail": probe(a_difference, missing),
        "difference_classify": probe(a_difference, missing, ("post",), CLASSIFY),
        "difference_close": probe(a_difference, missing, ("post",), CLOSE),
        "problem_lists_list": probe(),
    }


def differences_snapshot():
    """What the walk compares before and after another county's requests."""
    return list(Difference.objects.order_by("pk").values_list("pk", "classification", "state"))


def differences_aims(world, aim) -> dict:
    """For each operation, a valid request aimed at ``world``'s records; a closing takes a
    fresh open difference each time (a closed one is refused)."""
    first = world["difference"]

    def fresh(n):
        made = difference(first.household, first.snapshot, field=f"field_{n}")
        return aim({"difference_id": made.pk}, {}, {"reason": "已核实，系统滞后"})

    return {
        "differences_list": lambda n: aim(
            {},
            {
                "place": "611103002201",
                "state": "open",
                "classification": "none",
                "kind": "value",
                "field": "phone",
                "snapshot": str(first.snapshot_id),
                "problem_list": "",
            },
            None,
        ),
        "difference_detail": lambda n: aim({"difference_id": first.pk}, {}, None),
        "difference_classify": lambda n: aim(
            {"difference_id": first.pk}, {}, {"classification": "home_check"}
        ),
        "difference_close": fresh,
        "problem_lists_list": lambda n: aim({}, {}, None),
    }
