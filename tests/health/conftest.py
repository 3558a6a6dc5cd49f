import datetime

import pytest

from tests.teams.conftest import on_day  # noqa: F401 (a fixture: freezes today)

from .world import health_world

TODAY = datetime.date(2026, 11, 30)


@pytest.fixture
def health(world, county_admin, on_day):  # noqa: F811
    on_day(TODAY)
    return health_world(county_admin)
