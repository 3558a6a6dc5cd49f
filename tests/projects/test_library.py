"""The project library (项目库): planning a project, its life cycle and who may move it,
beneficiaries, outputs with units, files and progress notes. Today is 2026-11-30."""

import datetime
from decimal import Decimal

import pytest

from bangfu.accounts.roles import Role
from bangfu.core.errors import Clash, DomainError, NotPermitted, OutOfScope
from bangfu.core.models import AuditEntry, DataIssue
from bangfu.projects.models import (
    BeneficiaryHousehold,
    Output,
    PlannedFund,
    ProgressNote,
    ProjectFile,
    ProjectStep,
    Stage,
)
from bangfu.projects.selectors.library import beneficiary_projects
from bangfu.projects.services import (
    STEP_CAPABILITY,
    beneficiary_household_remove,
    beneficiary_household_set,
    output_record,
    progress_note_record,
    project_add,
    project_advance,
    project_file_add,
    project_update,
)
from bangfu.registry.services import household_register
from tests.factories import UserFactory
from tests.registry.conftest import first_status, household_input, member_input
from tests.visits.conftest import jpeg

from .conftest import COUNTY, OTHER_VILLAGE, TOWNSHIP, VILLAGE

DAY = datetime.date(2026, 3, 1)


def add(actor, **overrides):
    data = {
        "region_code": VILLAGE,
        "number": "XM-2026-101",
        "name": "石桥村道路硬化",
        "kind": "1",
        "year": 2026,
        "responsible_unit": "马王街道办",
        "planned_funds": {"1": "800000", "4": Decimal("200000.50")},
        "beneficiary_villages": [VILLAGE, "611103001202"],
    }
    return project_add(actor=actor, **(data | overrides))


def test_a_project_is_planned_with_its_funds_villages_and_first_step(today, township_staff):
    project = add(township_staff)
    assert (project.stage, project.stage_on, project.county_id) == (Stage.PLANNED, today, COUNTY)
    funds = dict(PlannedFund.objects.filter(project=project).values_list("source__value", "amount"))
    assert funds == {"1": Decimal("800000.00"), "4": Decimal("200000.50")}
    assert sorted(project.beneficiary_villages.values_list("village_id", flat=True)) == [
        VILLAGE,
        "611103001202",
    ]
    assert list(project.steps.values_list("stage", "day")) == [(Stage.PLANNED, today)]
    entry = AuditEntry.objects.get(action="project.add")
    assert (entry.object_type, entry.region_code) == ("projects.project", VILLAGE)
    assert entry.after["planned_funds"] == {"1": "800000.00", "4": "200000.50"}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": "9"}, "kind"),
        ({"year": 2013}, "year"),
        ({"name": ""}, "name"),
        ({"planned_funds": {}}, "planned_funds"),
        ({"planned_funds": {"99": "10"}}, "planned_funds"),
        ({"planned_funds": {"1": "-5"}}, "planned_funds.1"),
        ({"planned_funds": {"1": "1e15"}}, "planned_funds.1"),
        ({"region_code": "611103002201001"}, "region_code"),  # a group is no project's place
        ({"beneficiary_villages": [TOWNSHIP]}, "beneficiary_villages"),
    ],
)
def test_bad_values_are_refused_on_their_field(today, county_admin, overrides, field):
    with pytest.raises(DomainError) as refused:
        add(county_admin, **overrides)
    assert refused.value.field == field


def test_a_number_is_the_countys_once(today, county_admin, township_staff):
    add(county_admin)
    with pytest.raises(DomainError, match="XM-2026-101") as refused:
        add(county_admin, region_code=OTHER_VILLAGE, beneficiary_villages=[])
    assert refused.value.code == "number_taken"
    # The township does not see the other project: a clash, passed to an administrator.
    add(county_admin, number="XM-2026-102", region_code=OTHER_VILLAGE, beneficiary_villages=[])
    with pytest.raises(Clash):
        add(township_staff, number="XM-2026-102")
    assert DataIssue.objects.filter(kind="clash", object_type="projects.project").exists()


def test_outside_ones_places_is_missing_and_a_reader_may_not_plan(today, township_staff, leader):
    with pytest.raises(OutOfScope):
        add(township_staff, region_code=OTHER_VILLAGE, beneficiary_villages=[])
    with pytest.raises(NotPermitted):
        add(leader)


def test_details_change_while_planned_or_approved_only(today, county_admin, township_staff):
    project = add(township_staff)
    project_update(
        actor=township_staff,
        project_id=project.pk,
        number="XM-2026-101",
        name="石桥村道路硬化（二期）",
        kind="1",
        year=2027,
        responsible_unit="马王街道办",
        planned_funds={"2": "500000"},
    )
    project.refresh_from_db()
    assert (project.name, project.year) == ("石桥村道路硬化（二期）", 2027)
    assert list(project.planned_funds.values_list("source__value", flat=True)) == ["2"]
    assert not project.beneficiary_villages.exists()
    entry = AuditEntry.objects.get(action="project.update")
    assert entry.before["planned_funds"] == {"1": "800000.00", "4": "200000.50"}
    project_advance(actor=county_admin, project_id=project.pk, stage="approved", day=today)
    change = {
        "project_id": project.pk,
        "number": "XM-2026-101",
        "name": "石桥村道路硬化",
        "kind": "1",
        "year": 2026,
        "responsible_unit": "马王街道办",
        "planned_funds": {"2": "500000"},
    }
    with pytest.raises(NotPermitted):  # approved: the approver's to change
        project_update(actor=township_staff, **change)
    project_update(actor=county_admin, **change)
    project_advance(actor=township_staff, project_id=project.pk, stage="started", day=today)
    with pytest.raises(DomainError) as refused:
        project_update(actor=county_admin, **change)
    assert refused.value.code == "not_editable"


def test_the_life_cycle_is_dated_and_audited(today, county_admin, make_project):
    project = make_project(stage=Stage.PLANNED, day=DAY)
    for stage, day in [
        ("approved", datetime.date(2026, 3, 10)),
        ("started", datetime.date(2026, 4, 1)),
        ("completed", datetime.date(2026, 10, 1)),
        ("accepted", today),
    ]:
        project_advance(actor=county_admin, project_id=project.pk, stage=stage, day=day)
    project.refresh_from_db()
    assert (project.stage, project.stage_on) == (Stage.ACCEPTED, today)
    assert list(ProjectStep.objects.filter(project=project).values_list("stage", flat=True)) == [
        "planned",
        "approved",
        "started",
        "completed",
        "accepted",
    ]
    assert AuditEntry.objects.filter(action="project.advance", region_code=VILLAGE).count() == 4


def test_a_step_is_not_before_the_last_nor_after_today_nor_skipped(
    today, county_admin, make_project
):
    project = make_project(stage=Stage.APPROVED, day=DAY)
    for stage, day, code in [
        ("started", datetime.date(2026, 2, 28), "day_before_last_step"),
        ("started", datetime.date(2026, 12, 1), "out_of_range"),
        ("accepted", today, "bad_step"),
        ("approved", today, "bad_step"),
        ("finished", today, "invalid"),
    ]:
        with pytest.raises(DomainError) as refused:
            project_advance(actor=county_admin, project_id=project.pk, stage=stage, day=day)
        assert refused.value.code in (code, "bad_choice"), (stage, refused.value.code)
    assert ProjectStep.objects.filter(project=project).count() == 1


def test_a_cancellation_needs_its_reason(today, county_admin, make_project):
    project = make_project(stage=Stage.STARTED, day=DAY)
    with pytest.raises(DomainError) as refused:
        project_advance(actor=county_admin, project_id=project.pk, stage="cancelled", day=today)
    assert refused.value.field == "reason"
    project_advance(
        actor=county_admin,
        project_id=project.pk,
        stage="cancelled",
        day=today,
        reason="选址调整，并入2027年项目",
    )
    step = ProjectStep.objects.get(project=project, stage="cancelled")
    assert step.reason == "选址调整，并入2027年项目"
    with pytest.raises(DomainError):
        project_advance(actor=county_admin, project_id=project.pk, stage="started", day=today)


ROLES = [role.value for role in Role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("at", "to"), list(STEP_CAPABILITY))
def test_who_may_move_which_step(today, make_project, role, at, to):
    """Every role × every step: allowed exactly where its capability is granted."""
    person = UserFactory(username=f"p-{role}", places=[COUNTY], roles=[role])
    project = make_project(stage=at, day=DAY)
    allowed = person.has_capability(STEP_CAPABILITY[(at, to)])
    expected = {
        ("planned", "approved"): {"county_admin"},
        ("approved", "started"): {"county_admin", "township_staff"},
        ("started", "completed"): {"county_admin", "township_staff"},
        ("completed", "accepted"): {"county_admin"},
    }.get((at, to), {"county_admin"})
    assert allowed == (role in expected)
    step = {"actor": person, "project_id": project.pk, "stage": to, "day": today, "reason": "撤"}
    if allowed:
        assert project_advance(**step).stage == to
    else:
        with pytest.raises(NotPermitted):
            project_advance(**step)


@pytest.fixture
def household(county_admin):
    return household_register(
        actor=county_admin,
        household=household_input(region_code=VILLAGE, number="6111030012010001"),
        members=[member_input()],
        status=first_status(),
    )


def test_beneficiary_households_are_named_changed_and_removed(
    today, county_admin, make_project, household
):
    project = make_project(stage=Stage.APPROVED, day=DAY)
    beneficiary_household_set(
        actor=county_admin, project_id=project.pk, household_id=household.pk, mode="1"
    )
    beneficiary_household_set(
        actor=county_admin, project_id=project.pk, household_id=household.pk, mode="2"
    )
    row = BeneficiaryHousehold.objects.get(project=project)
    assert (row.mode.value, row.region_id) == ("2", VILLAGE)
    # The household page names the project, with a link for a reader of its place.
    assert beneficiary_projects(county_admin, household) == [(row, True)]
    assert AuditEntry.objects.filter(action="project.beneficiary_set").last().before["mode"] == "1"
    with pytest.raises(DomainError) as refused:
        beneficiary_household_set(
            actor=county_admin, project_id=project.pk, household_id=household.pk, mode="x"
        )
    assert refused.value.field == "mode"
    beneficiary_household_remove(
        actor=county_admin, project_id=project.pk, household_id=household.pk
    )
    assert not BeneficiaryHousehold.objects.exists()
    with pytest.raises(OutOfScope):
        beneficiary_household_remove(
            actor=county_admin, project_id=project.pk, household_id=household.pk
        )


def test_outputs_from_the_start_in_the_kinds_unit(today, county_admin, make_project):
    planned = make_project("XM-1", stage=Stage.APPROVED, day=DAY)
    with pytest.raises(DomainError) as refused:
        output_record(actor=county_admin, project_id=planned.pk, kind="1", quantity="3")
    assert refused.value.code == "not_started"
    project = make_project("XM-2", stage=Stage.STARTED, day=DAY)
    output_record(actor=county_admin, project_id=project.pk, kind="1", quantity="12.5")
    output = output_record(actor=county_admin, project_id=project.pk, kind="1", quantity="13")
    assert (output.quantity, output.kind.unit) == (Decimal("13"), "公里")
    assert Output.objects.count() == 1
    entry = AuditEntry.objects.filter(action="project.output").last()
    assert (entry.before, entry.after["unit"]) == ({"quantity": "12.50"}, "公里")
    with pytest.raises(DomainError) as refused:
        output_record(actor=county_admin, project_id=project.pk, kind="1", quantity="0")
    assert refused.value.field == "quantity"


def test_files_are_photos_or_pdfs(today, county_admin, make_project, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    project = make_project(stage=Stage.STARTED, day=DAY)
    photo = project_file_add(
        actor=county_admin, project_id=project.pk, name="开工现场.jpg", data=jpeg()
    )
    document = project_file_add(
        actor=county_admin, project_id=project.pk, name="批复.pdf", data=b"%PDF-1.4\n%%EOF\n"
    )
    assert (photo.kind, document.kind) == ("photo", "document")
    assert photo.file.read()[:2] == b"\xff\xd8"
    for name, data in [("批复.pdf", b"not a pdf"), ("x.doc", b"PK\x03\x04")]:
        with pytest.raises(DomainError) as refused:
            project_file_add(actor=county_admin, project_id=project.pk, name=name, data=data)
        assert refused.value.field == "file"
    assert ProjectFile.objects.count() == 2
    assert sorted(p.name for p in tmp_path.rglob("*.*")) != []


def test_progress_notes_one_a_month(today, county_admin, make_project):
    project = make_project(stage=Stage.STARTED, day=DAY)
    progress_note_record(
        actor=county_admin, project_id=project.pk, month="2026-11", note="路基完成"
    )
    note = progress_note_record(
        actor=county_admin, project_id=project.pk, month=datetime.date(2026, 11, 20), note="铺面"
    )
    assert (note.month, note.note) == (datetime.date(2026, 11, 1), "铺面")
    assert ProgressNote.objects.count() == 1
    with pytest.raises(DomainError) as refused:
        progress_note_record(actor=county_admin, project_id=project.pk, month="2026-12", note="x")
    assert refused.value.field == "month"
