"""County A's project library for the route walk and the fuzz: a started project at 马家寨村
with its funds, a beneficiary household (the walk's), an output, a note and a photo."""

from django.utils import timezone

from bangfu.projects.services import (
    beneficiary_household_set,
    output_record,
    progress_note_record,
    project_add,
    project_advance,
    project_file_add,
)
from tests.visits.conftest import jpeg

A_VILLAGE = "611103002201"
PROJECT_JSON = {
    "number": "611103-2026-901",
    "name": "马家寨村产业路",
    "kind": "1",
    "year": 2026,
    "responsible_unit": "钓台街道办",
    "description": "",
    "planned_funds": [{"source": "1", "amount": "500000"}],
    "beneficiary_villages": [A_VILLAGE],
}
PROJECT_FORM = {
    **{k: v for k, v in PROJECT_JSON.items() if k not in ("planned_funds",)},
    "fund_1": "500000",
}
STEP_JSON = {"stage": "completed", "day": "2026-11-01", "reason": ""}
OUTPUT_JSON = {"kind": "1", "quantity": "3.5"}
NOTE_JSON = {"month": "2026-10", "note": "马家寨村路基完成"}
PHOTO = jpeg()


SERVICE_INPUT = PROJECT_JSON | {"planned_funds": {"1": "500000"}}


def library_world(county_admin, household) -> dict:
    project = project_add(actor=county_admin, region_code=A_VILLAGE, **SERVICE_INPUT)
    for stage in ("approved", "started"):
        project_advance(
            actor=county_admin,
            project_id=project.pk,
            stage=stage,
            day=project.stage_on,
        )
    beneficiary_household_set(
        actor=county_admin, project_id=project.pk, household_id=household.pk, mode="1"
    )
    output_record(actor=county_admin, project_id=project.pk, kind="1", quantity="2")
    progress_note_record(
        actor=county_admin, project_id=project.pk, month=project.stage_on, note="马家寨村开工"
    )
    photo = project_file_add(
        actor=county_admin, project_id=project.pk, name="马家寨村开工照片", data=PHOTO
    )
    planned = project_add(
        actor=county_admin, region_code=A_VILLAGE, **(SERVICE_INPUT | {"number": "611103-2026-902"})
    )
    return {"project": project, "project_photo": photo, "planned_project": planned}


def _a_project(w):
    return {"project_id": w["project"].pk}


MISSING = {"project_id": 10**9}


def library_page_probes(probe) -> dict:
    """The project library's routes for the walk's PAGE_PROBES (``probe`` is its ``Probe``)."""
    both = ("get", "post")
    return {
        "projects:library": probe(),
        "projects:project_add": probe(
            methods=both, data={**PROJECT_FORM, "region_code": A_VILLAGE, "number": "入侵"}
        ),
        "projects:project": probe(_a_project, MISSING),
        "projects:project_edit": probe(
            lambda w: {"project_id": w["planned_project"].pk}, MISSING, both, PROJECT_FORM
        ),
        "projects:project_advance": probe(_a_project, MISSING, both, STEP_JSON),
        "projects:output_record": probe(_a_project, MISSING, both, OUTPUT_JSON),
        "projects:progress_note_record": probe(_a_project, MISSING, both, NOTE_JSON),
        "projects:beneficiary_add": probe(
            _a_project, MISSING, both, {"household_number": "6111030022010001", "mode": "2"}
        ),
        "projects:beneficiary_remove": probe(
            lambda w: {"project_id": w["project"].pk, "household_id": w["household"].pk},
            {"project_id": 10**9, "household_id": 10**9},
            both,
        ),
        "projects:project_file_add": probe(_a_project, MISSING, both, {"name": "入侵"}),
        "projects:project_file": probe(
            lambda w: {"file_id": w["project_photo"].pk}, {"file_id": 10**9}
        ),
    }


def library_api_probes(probe) -> dict:
    """The project library's operations for the walk's API_PROBES."""
    return {
        "project_list": probe(),
        "project_get": probe(_a_project, MISSING),
        "project_add": probe(
            methods=("post",), data={**PROJECT_JSON, "region_code": A_VILLAGE, "number": "入侵"}
        ),
        "project_update": probe(_a_project, MISSING, ("post",), PROJECT_JSON),
        "project_advance": probe(_a_project, MISSING, ("post",), STEP_JSON),
        "output_record": probe(_a_project, MISSING, ("post",), OUTPUT_JSON),
        "progress_note_record": probe(_a_project, MISSING, ("post",), NOTE_JSON),
        "beneficiary_household_set": probe(
            _a_project, MISSING, ("post",), {"household_id": 10**9, "mode": "2"}
        ),
        "beneficiary_household_remove": probe(
            lambda w: {"project_id": w["project"].pk, "household_id": w["household"].pk},
            {"project_id": 10**9, "household_id": 10**9},
            ("post",),
        ),
        "project_file_add": probe(
            _a_project,
            MISSING,
            ("post",),
            {"name": "入侵.jpg", "file": PHOTO},
            multipart=True,
        ),
    }


def library_aims(world, aim) -> dict:
    """For each project library operation, a valid request aimed at ``world``'s records."""
    project = {"project_id": world["project"].pk}
    household = world["household"].pk
    return {
        "project_list": lambda n: aim({}, {"place": A_VILLAGE, "year": "2026"}, None),
        "project_get": lambda n: aim(project, {}, None),
        "project_add": lambda n: aim(
            {}, {}, {**PROJECT_JSON, "region_code": A_VILLAGE, "number": f"611103-2026-F{n}"}
        ),
        "project_update": lambda n: aim(
            {"project_id": world["planned_project"].pk},
            {},
            PROJECT_JSON | {"number": "611103-2026-902"},
        ),
        "project_advance": lambda n: aim(
            project, {}, STEP_JSON | {"day": timezone.localdate().isoformat()}
        ),
        "output_record": lambda n: aim(project, {}, dict(OUTPUT_JSON)),
        "progress_note_record": lambda n: aim(project, {}, dict(NOTE_JSON)),
        "beneficiary_household_set": lambda n: aim(
            project, {}, {"household_id": household, "mode": "2"}
        ),
        "beneficiary_household_remove": lambda n: aim(
            {**project, "household_id": household}, {}, None
        ),
        "project_file_add": lambda n: aim(project, {}, {"name": f"现场{n}.jpg", "file": PHOTO}),
    }


def library_state() -> tuple:
    """What the walk compares before and after an intruder's requests."""
    from bangfu.projects.models import (
        BeneficiaryHousehold,
        Output,
        ProgressNote,
        Project,
        ProjectFile,
        ProjectStep,
    )

    return (
        list(Project.objects.values_list("pk", "number", "name", "stage", "year")),
        ProjectStep.objects.count(),
        list(BeneficiaryHousehold.objects.values_list("pk", "mode")),
        list(Output.objects.values_list("pk", "quantity")),
        list(ProgressNote.objects.values_list("pk", "note")),
        ProjectFile.objects.count(),
    )
