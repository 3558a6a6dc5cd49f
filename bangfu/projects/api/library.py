"""The project library over the API (项目库): list and read projects, plan and change them,
take them through their life cycle, and record their beneficiaries, outputs, files and
monthly progress."""

import datetime
from decimal import Decimal

from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from bangfu.core import params
from bangfu.core.params import Id
from bangfu.core.schemas import documented
from bangfu.core.selectors import code_choices

from .. import selectors, services
from ..models import Output, PlannedFund, ProgressNote, Project, ProjectStep, Stage
from ..views.library import SEARCH_LENGTH

router = Router(tags=["projects"])


class FundIn(Schema):
    source: str  # a value of the ``fund_source`` code list (资金来源)
    amount: Decimal = documented(PlannedFund, "amount")


class ProjectIn(Schema):
    number: str = documented(Project, "number")
    name: str = documented(Project, "name")
    kind: str  # a value of the ``project_kind`` code list
    year: int = documented(Project, "year")
    responsible_unit: str = documented(Project, "responsible_unit")
    description: str = documented(Project, "description", "")
    planned_funds: list[FundIn]  # each source once
    beneficiary_villages: list[str] = []


class ProjectAddIn(ProjectIn):
    region_code: str


class ProjectStepIn(Schema):
    stage: str = documented(Project, "stage")
    day: datetime.date = documented(ProjectStep, "day")
    reason: str = documented(ProjectStep, "reason", "")


class OutputIn(Schema):
    kind: str  # a value of the ``output_kind`` code list
    quantity: Decimal = documented(Output, "quantity")


class ProgressNoteIn(Schema):
    month: str  # 2026-11
    note: str = documented(ProgressNote, "note")


class BeneficiaryIn(Schema):
    household_id: Id
    mode: str  # a value of the ``benefit_mode`` code list


class ProjectFiltersIn(Schema):
    place: str = ""
    year: str = ""
    kind: str = ""
    stage: str = ""
    q: str = ""


class ProjectRowOut(Schema):
    id: int
    number: str
    name: str
    place_code: str
    place: str
    kind: str
    kind_label: str
    year: int
    responsible_unit: str
    stage: str
    stage_on: datetime.date


class ProjectStepOut(Schema):
    stage: str
    day: datetime.date
    reason: str


class FundOut(Schema):
    source: str
    source_label: str
    amount: Decimal


class BeneficiaryOut(Schema):
    household_id: int
    number: str
    mode: str
    mode_label: str


class OutputOut(Schema):
    kind: str
    kind_label: str
    quantity: Decimal
    unit: str


class FileOut(Schema):
    id: int
    kind: str
    name: str
    recorded_at: datetime.datetime


class NoteOut(Schema):
    month: str
    note: str


class ProjectOut(ProjectRowOut):
    description: str
    steps: list[ProjectStepOut]
    planned_funds: list[FundOut]
    beneficiary_villages: list[str]
    beneficiary_households: list[BeneficiaryOut]
    beneficiary_households_total: int
    outputs: list[OutputOut]
    files: list[FileOut]
    progress_notes: list[NoteOut]
    next_stages: list[str]  # the steps the caller may take


def _row(project: Project) -> dict:
    return {
        "id": project.pk,
        "number": project.number,
        "name": project.name,
        "place_code": project.region_id,
        "place": project.region.name,
        "kind": project.kind.value,
        "kind_label": project.kind.label,
        "year": project.year,
        "responsible_unit": project.responsible_unit,
        "stage": project.stage,
        "stage_on": project.stage_on,
    }


def _project(user, project_id: int) -> dict:
    detail = selectors.project_detail(user, project_id)
    project = detail["project"]
    return _row(project) | {
        "description": project.description,
        "steps": [{"stage": s.stage, "day": s.day, "reason": s.reason} for s in detail["steps"]],
        "planned_funds": [
            {"source": f.source.value, "source_label": f.source.label, "amount": f.amount}
            for f in detail["planned_funds"]
        ],
        "beneficiary_villages": [v.village_id for v in detail["villages"]],
        "beneficiary_households": [
            {
                "household_id": row.household_id,
                "number": row.household.number,
                "mode": row.mode.value,
                "mode_label": row.mode.label,
            }
            for row in detail["households"]
        ],
        "beneficiary_households_total": detail["households_total"],
        "outputs": [
            {
                "kind": o.kind.value,
                "kind_label": o.kind.label,
                "quantity": o.quantity,
                "unit": o.kind.unit,
            }
            for o in detail["outputs"]
        ],
        "files": [
            {"id": f.pk, "kind": f.kind, "name": f.name, "recorded_at": f.recorded_at}
            for f in detail["files"]
        ],
        "progress_notes": [{"month": f"{n.month:%Y-%m}", "note": n.note} for n in detail["notes"]],
        "next_stages": [stage for stage, _label in detail["may"]["steps"]],
    }


def _details(payload: ProjectIn) -> dict:
    """The payload as the services take it: the planned funds by source."""
    data = payload.dict()
    data["planned_funds"] = services.funds_by_source(
        [(fund["source"], fund["amount"]) for fund in data["planned_funds"]]
    )
    return data


@router.get("/projects", response=list[ProjectRowOut], operation_id="project_list")
@paginate(params.Pages, page_size=50)
def project_list(request, filters: Query[ProjectFiltersIn]):
    """The projects of the library under ``place`` (or all the caller's places), newest year
    first, narrowed by year, kind (``project_kind`` value), stage and a search of the number
    and name."""
    kinds = [value for value, _label in code_choices("project_kind")]
    projects = selectors.projects_of(
        request.auth,
        within=params.place(filters.place) or None,
        year=params.year(filters.year),
        kind=params.choice(filters.kind, field="kind", choices=kinds),
        stage=params.choice(filters.stage, field="stage", choices=Stage.values),
        q=params.text(filters.q, field="q", most=SEARCH_LENGTH),
    )
    return params.Mapped(projects, _row)


@router.get("/projects/{project_id}", response=ProjectOut, operation_id="project_get")
def project_get(request, project_id: Id):
    return _project(request.auth, project_id)


@router.post("/projects", response={201: ProjectOut}, operation_id="project_add")
def project_add(request, payload: ProjectAddIn):
    """Plan a project (入库) at a village, township or county of the caller's places."""
    project = services.project_add(actor=request.auth, **_details(payload))
    return Status(201, _project(request.auth, project.pk))


@router.post("/projects/{project_id}", response=ProjectOut, operation_id="project_update")
def project_update(request, project_id: Id, payload: ProjectIn):
    """Change a planned or approved project's details, planned funds and villages."""
    project = selectors.project_for(request.auth, project_id)
    services.project_update(actor=request.auth, project_id=project.pk, **_details(payload))
    return _project(request.auth, project.pk)


@router.post("/projects/{project_id}/steps", response=ProjectOut, operation_id="project_advance")
def project_advance(request, project_id: Id, payload: ProjectStepIn):
    """Take the project to its next stage (approved, started, completed, accepted), or cancel
    it with a reason."""
    project = selectors.project_for(request.auth, project_id)
    services.project_advance(actor=request.auth, project_id=project.pk, **payload.dict())
    return _project(request.auth, project.pk)


@router.post("/projects/{project_id}/outputs", response=ProjectOut, operation_id="output_record")
def output_record(request, project_id: Id, payload: OutputIn):
    project = selectors.project_for(request.auth, project_id)
    services.output_record(actor=request.auth, project_id=project.pk, **payload.dict())
    return _project(request.auth, project.pk)


@router.post(
    "/projects/{project_id}/progress", response=ProjectOut, operation_id="progress_note_record"
)
def progress_note_record(request, project_id: Id, payload: ProgressNoteIn):
    project = selectors.project_for(request.auth, project_id)
    services.progress_note_record(actor=request.auth, project_id=project.pk, **payload.dict())
    return _project(request.auth, project.pk)


@router.post(
    "/projects/{project_id}/households",
    response=ProjectOut,
    operation_id="beneficiary_household_set",
)
def beneficiary_household_set(request, project_id: Id, payload: BeneficiaryIn):
    project = selectors.project_for(request.auth, project_id)
    services.beneficiary_household_set(actor=request.auth, project_id=project.pk, **payload.dict())
    return _project(request.auth, project.pk)


@router.post(
    "/projects/{project_id}/households/{household_id}/remove",
    response=ProjectOut,
    operation_id="beneficiary_household_remove",
)
def beneficiary_household_remove(request, project_id: Id, household_id: Id):
    project = selectors.project_for(request.auth, project_id)
    services.beneficiary_household_remove(
        actor=request.auth, project_id=project.pk, household_id=household_id
    )
    return _project(request.auth, project.pk)


@router.post(
    "/projects/{project_id}/files", response={201: FileOut}, operation_id="project_file_add"
)
def project_file_add(
    request,
    project_id: Id,
    file: File[UploadedFile],
    name: Form[str] = "",
):
    """Keep a photo (JPEG, PNG) or a PDF document with the project."""
    project = selectors.project_for(request.auth, project_id)
    record = services.project_file_add(
        actor=request.auth,
        project_id=project.pk,
        name=name or file.name or "file",
        data=file.read(),
    )
    return Status(
        201,
        {
            "id": record.pk,
            "kind": record.kind,
            "name": record.name,
            "recorded_at": record.recorded_at,
        },
    )
