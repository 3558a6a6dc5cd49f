"""The demo's project library, filled in the test county through the services: all eight
kinds this year at every stage, one cancelled with its reason, last year's accepted."""

from bangfu.core.audit import verify_chain
from bangfu.demo.projects_library import fill
from bangfu.projects.models import BeneficiaryHousehold, Output, ProgressNote, Project, Stage
from bangfu.registry.services import household_register
from tests.registry.conftest import first_status, household_input, member_input

from .conftest import TODAY


def test_the_demo_has_every_kind_and_stage(county_admin, township_staff):
    # No frozen day here: the demo lives each step on its own day (``checks._on``).
    assert TODAY
    household_register(
        actor=county_admin,
        household=household_input(region_code="611103001201", number="6111030012010001"),
        members=[member_input()],
        status=first_status(),
    )
    made = fill(actor=county_admin, today=TODAY, township_login=township_staff)
    this_year = Project.objects.filter(year=2026)
    assert made == Project.objects.count() == 24
    assert set(this_year.values_list("kind__value", flat=True)) == {str(k) for k in range(1, 9)}
    assert set(this_year.values_list("stage", flat=True)) == set(Stage.values)
    cancelled = this_year.get(stage=Stage.CANCELLED)
    assert cancelled.steps.get(stage=Stage.CANCELLED).reason
    assert set(Project.objects.filter(year=2025).values_list("stage", flat=True)) == {"accepted"}
    for project in Project.objects.all():
        days = list(project.steps.values_list("day", flat=True))
        assert days == sorted(days) and days[-1] == project.stage_on <= TODAY
    assert Output.objects.exists() and ProgressNote.objects.exists()
    assert BeneficiaryHousehold.objects.exists()
    # 马王街道's projects were planned by the township
    assert Project.objects.filter(recorded_by=township_staff).exists()
    assert verify_chain()[1] is None
