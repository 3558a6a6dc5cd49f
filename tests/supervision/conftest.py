"""Supervision in 沣西新城 (county 611103000000): today is frozen at 2026-11-30, a Monday;
the month inspected is November 2026."""

import datetime

import pytest

from tests.teams.conftest import on_day  # noqa: F401 (a fixture)

TODAY = datetime.date(2026, 11, 30)
MONTH = datetime.date(2026, 11, 1)
COUNTY, TOWNSHIP, VILLAGE = "611103000000", "611103001000", "611103001201"
OTHER_TOWNSHIP, OTHER_VILLAGE = "611103002000", "611103002201"  # 钓台街道, 马家寨村


@pytest.fixture
def today(on_day):  # noqa: F811
    return on_day(TODAY)
