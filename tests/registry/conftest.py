import datetime

import pytest

from bangfu.registry.services import (
    HouseholdInput,
    MemberInput,
    StatusInput,
    household_register,
)


def id_number(birth: str, serial: str) -> str:
    """A valid ID number for a person born on ``birth`` (YYYYMMDD) in 611103."""
    from stdnum.cn.ric import calc_check_digit

    body = f"611103{birth}{serial}"
    return body + calc_check_digit(body + "?")  # it expects a placeholder check digit


def household_input(**overrides) -> HouseholdInput:
    values = {
        "number": "6111030022010001",
        "region_code": "611103002201",
        "attribute": "1",
        "standard": "1",
        "main_cause": "1",
        "other_causes": ["8"],
        "year_identified": 2016,
        "bank_account": "6217 0000 1234 5678",
    }
    values.update(overrides)
    return HouseholdInput(**values)


def member_input(**overrides) -> MemberInput:
    values = {
        "name": "马建国",
        "id_number": id_number("19650312", "001"),
        "relation": "01",
        "ethnicity": "01",
        "health": "3",
        "labour": "3",
    }
    values.update(overrides)
    return MemberInput(**values)


def first_status(**overrides) -> StatusInput:
    values = {
        "status": "not_out",
        "effective_on": datetime.date(2016, 5, 1),
        "reason": "2016 年精准识别",
    }
    values.update(overrides)
    return StatusInput(**values)


@pytest.fixture
def household(county_admin):
    return household_register(
        actor=county_admin,
        household=household_input(),
        members=[
            member_input(),
            member_input(
                name="李秀英", id_number=id_number("19680806", "002"), relation="02", health="1"
            ),
        ],
        status=first_status(),
    )
