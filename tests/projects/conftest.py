"""Projects in 沣西新城 (county 611103000000): today is frozen at 2026-11-30.

``make_project`` puts a project straight into the library at a stage, as setup for the
tests of what hangs on a project (its ledger, assets, figures); the library's own tests go
through its services."""

import datetime
import functools
from decimal import Decimal

import pytest
from django.utils import timezone

from bangfu.core.models import Code, Region
from bangfu.core.regions import county_code
from bangfu.projects.models import PlannedFund, Project, ProjectStep, Stage
from tests.teams.conftest import on_day  # noqa: F401 (a fixture)

TODAY = datetime.date(2026, 11, 30)
COUNTY, TOWNSHIP, VILLAGE = "611103000000", "611103001000", "611103001201"
OTHER_VILLAGE = "611103002201"  # in the other township, 钓台街道


@pytest.fixture
def today(on_day):  # noqa: F811
    return on_day(TODAY)


def library_project(
    recorded_by,
    number: str = "XM-2026-001",
    *,
    region_code: str = VILLAGE,
    kind: str = "2",
    year: int = 2026,
    stage: str = Stage.APPROVED,
    day: datetime.date = datetime.date(2026, 3, 1),
    planned: dict[str, Decimal] | None = None,
    name: str = "",
) -> Project:
    """A project put straight into the library at ``stage`` (``make_project`` without the
    fixture, for the route walk's world)."""
    region = Region.objects.get(code=region_code)
    project = Project.objects.create(
        region=region,
        county_id=county_code(region_code),
        number=number,
        name=name or f"{region.name}项目{number}",
        kind=Code.objects.get(kind="project_kind", value=kind),
        year=year,
        responsible_unit="区农业农村局",
        stage=stage,
        stage_on=day,
        recorded_at=timezone.now(),
        recorded_by=recorded_by,
    )
    ProjectStep.objects.create(
        project=project,
        region=region,
        stage=stage,
        day=day,
        reason="取消原因" if stage == Stage.CANCELLED else "",
        recorded_at=timezone.now(),
        recorded_by=recorded_by,
    )
    for source, amount in (planned or {"1": Decimal("100000")}).items():
        PlannedFund.objects.create(
            project=project,
            region=region,
            source=Code.objects.get(kind="fund_source", value=source),
            amount=amount,
        )
    return project


@pytest.fixture
def make_project(world, county_admin):
    return functools.partial(library_project, county_admin)
