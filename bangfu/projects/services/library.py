"""Writes of the project library (项目库): a project is planned with its funds and the villages
it benefits, carried through its life cycle (计划 → 批复 → 开工 → 完工 → 验收, or 取消), and
given its beneficiary households (联农带农), outputs (产出), files and monthly progress notes.

Each use case is one transaction, audited with the project's place (a beneficiary household's
row with the household's). Who may move a project from one stage to the next is
``STEP_CAPABILITY``: townships and the county carry projects through, the county approves,
accepts and cancels them."""

import datetime
import uuid
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core import audit, values
from bangfu.core.capabilities import Capability, require
from bangfu.core.errors import Clash, DomainError, OutOfScope
from bangfu.core.models import Code, Region
from bangfu.core.regions import RegionLevel, county_code
from bangfu.core.selectors import chosen_code, visible_place
from bangfu.core.services import clashes_recorded, retried_on_conflict
from bangfu.registry.services import household_locked
from bangfu.visits import photos

from ..models import (
    AttachmentKind,
    BeneficiaryHousehold,
    BeneficiaryVillage,
    Output,
    PlannedFund,
    ProgressNote,
    Project,
    ProjectFile,
    ProjectStep,
    Stage,
)

# Who may take a project from one stage to the next (the life cycle's permissions).
STEP_CAPABILITY: dict[tuple[str, str], Capability] = {
    (Stage.PLANNED, Stage.APPROVED): Capability.APPROVE_PROJECTS,  # 批复
    (Stage.APPROVED, Stage.STARTED): Capability.PLAN_PROJECTS,  # 开工
    (Stage.STARTED, Stage.COMPLETED): Capability.PLAN_PROJECTS,  # 完工
    (Stage.COMPLETED, Stage.ACCEPTED): Capability.APPROVE_PROJECTS,  # 验收
    (Stage.PLANNED, Stage.CANCELLED): Capability.APPROVE_PROJECTS,  # 取消
    (Stage.APPROVED, Stage.CANCELLED): Capability.APPROVE_PROJECTS,
    (Stage.STARTED, Stage.CANCELLED): Capability.APPROVE_PROJECTS,
}
# A project's details may change until it starts; once approved, only the approver changes them.
EDITABLE = {Stage.PLANNED: Capability.PLAN_PROJECTS, Stage.APPROVED: Capability.APPROVE_PROJECTS}
# Outputs are what a project has built: from its start on.
PRODUCING = (Stage.STARTED, Stage.COMPLETED, Stage.ACCEPTED)
PROJECT_PLACES = (RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE)
PDF_HEADER = b"%PDF-"
MOST_FILE_BYTES = 20 * 1024 * 1024  # an approval or acceptance scan; larger is no document

PROJECT_AUDIT_FIELDS = [
    "region",
    "number",
    "name",
    "year",
    "responsible_unit",
    "description",
    "stage",
    "stage_on",
]


def _state(project: Project) -> dict[str, Any]:
    """The project as the audit log keeps it: its details, funds and villages by code."""
    state = audit.snapshot(project, PROJECT_AUDIT_FIELDS)
    state["kind"] = project.kind.value
    state["planned_funds"] = {
        fund.source.value: str(fund.amount)
        for fund in project.planned_funds.select_related("source").order_by("source__sort_order")
    }
    state["beneficiary_villages"] = sorted(
        project.beneficiary_villages.values_list("village_id", flat=True)
    )
    return state


def _project(actor, project_id: int) -> Project:
    """The project of that id within the actor's places, its row locked (the writes about one
    project wait for each other on it); one outside them is missing (404)."""
    project = (
        Project.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .select_related("kind", "region")
        .filter(pk=project_id)
        .first()
    )
    if project is None:
        raise OutOfScope()
    return project


def _place(actor, region_code: str) -> Region:
    region = visible_place(actor, region_code)
    if region is None:
        raise OutOfScope()
    if region.level not in PROJECT_PLACES:
        raise DomainError(
            _("A project's place is a village, a township or a county; %(name)s is none.")
            % {"name": region.name},
            code="bad_place",
            field="region_code",
        )
    return region


def _kind(kind: str) -> Code:
    return chosen_code(
        "project_kind",
        kind,
        _("Choose the kind of project from the list (基建, 产业…)."),
        field="kind",
        code="bad_kind",
    )


def _number(actor, project: Project) -> None:
    """A project number is unique in its county: named where the other project is in the
    actor's places, a clash (not said where) where it is not."""
    other = (
        Project.objects.filter(county_id=project.county_id, number=project.number)
        .exclude(pk=project.pk)
        .first()
    )
    if other is None:
        return
    if Project.objects.visible_to(actor).filter(pk=other.pk).exists():
        raise DomainError(
            _("Project number %(number)s is already %(name)s's; give this project another.")
            % {"number": other.number, "name": other.name},
            code="number_taken",
            field="number",
        )
    raise Clash(
        _(
            "Project number %(number)s cannot be used here; it has been passed to an "
            "administrator to check."
        )
        % {"number": project.number},
        field="number",
        region_code=project.region_id,
        holder=("projects.project", str(other.pk), other.region_id),
        detail={"number": project.number},
    )


def _funds(planned_funds: Mapping[str, Any]) -> dict[Code, Decimal]:
    """Planned funds by source (资金来源 code → yuan), each checked; at least one."""
    if not isinstance(planned_funds, Mapping) or not planned_funds:
        raise DomainError(
            _("Enter the planned funds from at least one source."),
            code="no_funds",
            field="planned_funds",
        )
    funds: dict[Code, Decimal] = {}
    for source, amount in planned_funds.items():
        field = f"planned_funds.{source}"
        code = chosen_code(
            "fund_source",
            source,
            _("Choose each source of funds from the list (中央财政, 省级财政…)."),
            field="planned_funds",
            code="bad_source",
        )
        funds[code] = values.clean(PlannedFund, "amount", amount, field=field)
    return funds


def funds_by_source(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """Planned funds given as (source, amount) pairs (a sheet's rows, the API's list), as the
    services take them; a source named twice is refused rather than one amount kept."""
    funds: dict[str, Any] = {}
    for source, amount in pairs:
        if source in funds:
            raise DomainError(
                _("Name each source of funds once; %(source)s is named twice.")
                % {"source": str(source)[:20]},
                code="source_twice",
                field="planned_funds",
            )
        funds[source] = amount
    return funds


def _villages(actor, project: Project, codes: Iterable[str]) -> list[Region]:
    """The villages a project benefits: villages of the actor's places in its county."""
    villages: list[Region] = []
    for code in codes or ():
        village = visible_place(actor, code)
        if (
            village is None
            or village.level != RegionLevel.VILLAGE
            or county_code(village.code) != project.county_id
        ):
            raise DomainError(
                _("%(code)s is not a village of your places in the project's county.")
                % {"code": str(code)[:20]},
                code="bad_village",
                field="beneficiary_villages",
            )
        if village not in villages:
            villages.append(village)
    return villages


def _write_details(
    actor,
    project: Project,
    *,
    number: str,
    name: str,
    kind: str,
    year: Any,
    responsible_unit: str,
    description: str,
    planned_funds: Mapping[str, Any],
    beneficiary_villages: Iterable[str],
) -> None:
    """Check and store what a project says, its planned funds and villages with it."""
    project.number = values.clean(Project, "number", number)
    project.name = values.clean(Project, "name", name)
    project.kind = _kind(kind)
    project.year = values.clean(Project, "year", year)
    project.responsible_unit = values.clean(Project, "responsible_unit", responsible_unit)
    project.description = values.clean(Project, "description", description)
    funds = _funds(planned_funds)
    _number(actor, project)
    villages = _villages(actor, project, beneficiary_villages)
    project.save()
    PlannedFund.objects.filter(project=project).exclude(source__in=list(funds)).delete()
    for source, amount in funds.items():
        PlannedFund.objects.update_or_create(
            project=project,
            source=source,
            defaults={"amount": amount, "region_id": project.region_id},
        )
    BeneficiaryVillage.objects.filter(project=project).exclude(village__in=villages).delete()
    for village in villages:
        BeneficiaryVillage.objects.get_or_create(
            project=project, village=village, defaults={"region_id": project.region_id}
        )


@retried_on_conflict
def project_add(
    *,
    actor,
    region_code: str,
    number: str,
    name: str,
    kind: str,
    year: int,
    responsible_unit: str,
    description: str = "",
    planned_funds: Mapping[str, Decimal | str],
    beneficiary_villages: Iterable[str] = (),
) -> Project:
    """Put a project in the county's library (入库), planned (计划), with its first step."""
    require(actor, Capability.PLAN_PROJECTS)
    with clashes_recorded(actor), transaction.atomic():
        region = _place(actor, region_code)
        today = timezone.localdate()
        project = Project(
            region=region,
            county_id=county_code(region.code),
            stage=Stage.PLANNED,
            stage_on=today,
            recorded_at=timezone.now(),
            recorded_by=actor,
        )
        _write_details(
            actor,
            project,
            number=number,
            name=name,
            kind=kind,
            year=year,
            responsible_unit=responsible_unit,
            description=description,
            planned_funds=planned_funds,
            beneficiary_villages=beneficiary_villages,
        )
        ProjectStep.objects.create(
            project=project,
            region=region,
            stage=Stage.PLANNED,
            day=today,
            recorded_at=project.recorded_at,
            recorded_by=actor,
        )
        audit.record(
            actor=actor,
            action="project.add",
            obj=project,
            region_code=region.code,
            after=_state(project),
        )
    return project


@retried_on_conflict
def project_update(
    *,
    actor,
    project_id: int,
    number: str,
    name: str,
    kind: str,
    year: int,
    responsible_unit: str,
    description: str = "",
    planned_funds: Mapping[str, Decimal | str],
    beneficiary_villages: Iterable[str] = (),
) -> Project:
    """Change a project's details, planned funds and villages while it is planned (who plans
    it) or approved (the approver: the approval covered them). Its place stays: a project
    for another place is cancelled and planned anew."""
    require(actor, Capability.PLAN_PROJECTS)
    with clashes_recorded(actor), transaction.atomic():
        project = _project(actor, project_id)
        if project.stage not in EDITABLE:
            raise DomainError(
                _("Project %(number)s has %(stage)s; its details can no longer change.")
                % {"number": project.number, "stage": Stage(project.stage).label},
                code="not_editable",
            )
        require(actor, EDITABLE[Stage(project.stage)])
        before = _state(project)
        _write_details(
            actor,
            project,
            number=number,
            name=name,
            kind=kind,
            year=year,
            responsible_unit=responsible_unit,
            description=description,
            planned_funds=planned_funds,
            beneficiary_villages=beneficiary_villages,
        )
        audit.record(
            actor=actor,
            action="project.update",
            obj=project,
            region_code=project.region_id,
            before=before,
            after=_state(project),
        )
    return project


def next_stages(stage: str) -> list[str]:
    """The stages a project at ``stage`` may move to."""
    return [to for (at, to) in STEP_CAPABILITY if at == stage]


@transaction.atomic
def project_advance(
    *, actor, project_id: int, stage: str, day: datetime.date, reason: str = ""
) -> Project:
    """Take a project to its next stage on a day (批复, 开工, 完工, 验收) or cancel it with a
    reason (取消). The day is not before the last step's and not after today."""
    project = _project(actor, project_id)
    stage = values.clean(Project, "stage", stage)
    capability = STEP_CAPABILITY.get((project.stage, stage))
    if capability is None:
        raise DomainError(
            _("Project %(number)s is %(now)s: it cannot become %(to)s. It can become: %(next)s.")
            % {
                "number": project.number,
                "now": Stage(project.stage).label,
                "to": Stage(stage).label,
                "next": "、".join(str(Stage(s).label) for s in next_stages(project.stage)) or "—",
            },
            code="bad_step",
            field="stage",
        )
    require(actor, capability)
    day = values.clean(ProjectStep, "day", day)
    if day < project.stage_on:
        raise DomainError(
            _("The project's last step was on %(day)s; this one cannot be earlier.")
            % {"day": project.stage_on.isoformat()},
            code="day_before_last_step",
            field="day",
        )
    reason = values.clean(ProjectStep, "reason", reason)
    if stage == Stage.CANCELLED and not reason:
        raise DomainError(_("Say why the project is cancelled."), code="no_reason", field="reason")
    before = _state(project)
    step = ProjectStep.objects.create(
        project=project,
        region_id=project.region_id,
        stage=stage,
        day=day,
        reason=reason if stage == Stage.CANCELLED else "",
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    project.stage, project.stage_on = stage, day
    project.save(update_fields=["stage", "stage_on"])
    audit.record(
        actor=actor,
        action="project.advance",
        obj=project,
        region_code=project.region_id,
        before=before,
        after=_state(project) | {"step": audit.snapshot(step, ["stage", "day", "reason"])},
    )
    return project


def _open_project(actor, project_id: int) -> Project:
    """A project to record about (households, outputs, files, notes): not cancelled."""
    require(actor, Capability.PLAN_PROJECTS)
    project = _project(actor, project_id)
    if project.stage == Stage.CANCELLED:
        raise DomainError(
            _("Project %(number)s was cancelled; nothing more is recorded about it.")
            % {"number": project.number},
            code="cancelled",
        )
    return project


def _household(actor, project: Project, household_id: int):
    household = household_locked(
        actor,
        household_id,
        lambda household: (
            _("Household %(number)s was merged into another; name that one instead.")
            % {"number": household.number}
        ),
    )
    if county_code(household.region_id) != project.county_id:
        raise DomainError(
            _("Household %(number)s lives outside the project's county.")
            % {"number": household.number},
            code="other_county",
            field="household_id",
        )
    return household


@transaction.atomic
def beneficiary_household_set(
    *, actor, project_id: int, household_id: int, mode: str
) -> BeneficiaryHousehold:
    """Name a household the project benefits and how (联农带农: 务工, 分红, 土地流转…); naming
    it again changes how."""
    project = _open_project(actor, project_id)
    household = _household(actor, project, household_id)
    code = chosen_code(
        "benefit_mode",
        mode,
        _("Choose how the project benefits the household from the list."),
        field="mode",
        code="bad_mode",
    )
    record = BeneficiaryHousehold.objects.filter(project=project, household=household).first()
    before = None
    if record is None:
        record = BeneficiaryHousehold(project=project, household=household)
    else:
        before = audit.snapshot(record) | {"mode": record.mode.value}
    record.mode, record.region_id = code, household.region_id
    record.save()
    audit.record(
        actor=actor,
        action="project.beneficiary_set",
        obj=record,
        region_code=household.region_id,
        before=before,
        after=audit.snapshot(record) | {"mode": code.value},
    )
    return record


@transaction.atomic
def beneficiary_household_remove(*, actor, project_id: int, household_id: int) -> None:
    """Take a household off the project's beneficiaries (named by mistake)."""
    require(actor, Capability.PLAN_PROJECTS)
    project = _project(actor, project_id)
    record = (
        BeneficiaryHousehold.objects.visible_to(actor)
        .select_related("mode")
        .filter(project=project, household_id=household_id)
        .first()
    )
    if record is None:
        raise OutOfScope()
    before = audit.snapshot(record) | {"mode": record.mode.value}
    audit.record(
        actor=actor,
        action="project.beneficiary_remove",
        obj=record,
        region_code=record.region_id,
        before=before,
    )
    record.delete()


@transaction.atomic
def output_record(*, actor, project_id: int, kind: str, quantity: Any) -> Output:
    """Record what a started project has produced of one kind of output (产出), in the unit of
    the kind's code; recording the kind again replaces the quantity."""
    project = _open_project(actor, project_id)
    if project.stage not in PRODUCING:
        raise DomainError(
            _("Project %(number)s has not started; record its outputs once it has.")
            % {"number": project.number},
            code="not_started",
        )
    code = chosen_code(
        "output_kind",
        kind,
        _("Choose the kind of output from the list (硬化道路, 路灯…)."),
        field="kind",
        code="bad_kind",
    )
    quantity = values.clean(Output, "quantity", quantity)
    record = Output.objects.filter(project=project, kind=code).first()
    before = audit.snapshot(record, ["quantity"]) if record else None
    if record is None:
        record = Output(project=project, kind=code, region_id=project.region_id)
    record.quantity, record.recorded_at, record.recorded_by = quantity, timezone.now(), actor
    record.save()
    audit.record(
        actor=actor,
        action="project.output",
        obj=record,
        region_code=project.region_id,
        before=before,
        after=audit.snapshot(record, ["quantity"]) | {"kind": code.value, "unit": code.unit},
    )
    return record


def file_content(name: str, data: bytes) -> tuple[str, bytes, str]:
    """(kind, content to store, extension): a PDF as it came, checked by its header and size;
    anything else a photo, through the visits' photo preparation (resized, no metadata)."""
    if len(data) > MOST_FILE_BYTES:
        raise DomainError(
            _("%(name)s is larger than %(most)d MB; send a smaller scan.")
            % {"name": name, "most": MOST_FILE_BYTES // (1024 * 1024)},
            code="file_too_large",
            field="file",
        )
    if data.startswith(PDF_HEADER):
        return AttachmentKind.DOCUMENT, data, "pdf"
    if name.lower().endswith(".pdf"):
        raise DomainError(
            _("%(name)s is not a PDF document this system can read.") % {"name": name},
            code="not_a_pdf",
            field="file",
        )
    try:
        prepared = photos.prepare(data, name)
    except DomainError as refusal:
        raise DomainError(
            _("%(name)s is neither a photo (JPEG, PNG) nor a PDF document.") % {"name": name},
            code=refusal.code,
            field="file",
        ) from None
    return AttachmentKind.PHOTO, prepared.content, "jpg"


def project_file_add(*, actor, project_id: int, name: str, data: bytes) -> ProjectFile:
    """Keep a photo (the site before and after) or a PDF (the approval, the acceptance record)
    with a project."""
    require(actor, Capability.PLAN_PROJECTS)
    name = values.clean(ProjectFile, "name", name)
    kind, content, extension = file_content(name, data)  # outside the transaction: slow
    stored = default_storage.save(
        timezone.localdate().strftime("projects/%Y/%m/") + f"{uuid.uuid4()}.{extension}",
        ContentFile(content),
    )
    try:
        with transaction.atomic():
            project = _open_project(actor, project_id)
            record = ProjectFile.objects.create(
                project=project,
                region_id=project.region_id,
                kind=kind,
                name=name,
                file=stored,
                recorded_at=timezone.now(),
                recorded_by=actor,
            )
            audit.record(
                actor=actor,
                action="project.file_add",
                obj=record,
                region_code=project.region_id,
                after=audit.snapshot(record, ["kind", "name", "file"]),
            )
    except BaseException:
        default_storage.delete(stored)
        raise
    return record


def _month(raw: Any) -> Any:
    """A month as ``2026-11`` or any day of it, to its first day."""
    if isinstance(raw, str) and len(raw.strip()) == 7:
        raw = raw.strip() + "-01"
    month = values.clean(ProgressNote, "month", raw)
    return month.replace(day=1) if month else month


@transaction.atomic
def progress_note_record(*, actor, project_id: int, month: Any, note: str) -> ProgressNote:
    """Record a project's progress in a month (月度进展), in words; again rewrites it."""
    project = _open_project(actor, project_id)
    month = _month(month)
    note = values.clean(ProgressNote, "note", note)
    record = ProgressNote.objects.filter(project=project, month=month).first()
    before = audit.snapshot(record, ["month", "note"]) if record else None
    if record is None:
        record = ProgressNote(project=project, month=month, region_id=project.region_id)
    record.note, record.recorded_at, record.recorded_by = note, timezone.now(), actor
    record.save()
    audit.record(
        actor=actor,
        action="project.progress_note",
        obj=record,
        region_code=project.region_id,
        before=before,
        after=audit.snapshot(record, ["month", "note"]),
    )
    return record


def beneficiaries_follow_household(household_id: int, region_code: str) -> None:
    """A household moved (the registry's audited move, in its transaction): the projects'
    rows naming it are read at its new place."""
    BeneficiaryHousehold.objects.filter(household_id=household_id).update(region_id=region_code)
