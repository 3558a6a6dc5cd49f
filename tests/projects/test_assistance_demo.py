"""Part D's demo on projects put in the library the ``make_project`` way (the library's demo
makes them in the demo district): assets of the accepted ones, donations, sales under one
agreement and outside it, and every village's collective income of two years."""

import datetime

import pytest

from bangfu.core.models import Region
from bangfu.demo.projects_assistance import fill
from bangfu.projects import selectors
from bangfu.projects.models import (
    Asset,
    CollectiveIncome,
    Donation,
    PurchaseAgreement,
    Sale,
    Stage,
)
from tests.visits.conftest import households, unit, wang  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_the_demo_fills_part_d(today, county_admin, make_project, households):  # noqa: F811
    make_project(
        "XM-2025-001", kind="1", year=2025, stage=Stage.ACCEPTED, day=datetime.date(2025, 11, 1)
    )
    make_project(
        "XM-2026-002",
        region_code="611103002201",
        kind="2",
        stage=Stage.ACCEPTED,
        day=datetime.date(2026, 10, 1),
    )
    make_project("XM-2026-003", stage=Stage.STARTED)
    filled = fill(
        actor=county_admin,
        today=today,
        seed=3,
        township_login=county_admin,
        work_team_login=county_admin,
    )
    assert (filled.assets, filled.donations, filled.sales) == (2, 3, 4)
    assert Asset.objects.filter(owner="household").count() == 1
    assert Donation.objects.count() == 3 and PurchaseAgreement.objects.count() == 1
    assert Sale.objects.filter(agreement__isnull=False).count() == 3
    villages = Region.objects.filter(level=5, code__startswith="611103").count()
    assert CollectiveIncome.objects.filter(year=2026, source__value="1").count() >= villages
    county = Region.objects.get(code="611103000000")
    standing = selectors.collective_income_standing(county_admin, within=county, year=2026)
    assert standing.villages == villages and all(row.total for row in standing.rows)
