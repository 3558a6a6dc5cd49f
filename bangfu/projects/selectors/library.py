"""Reads of the project library (项目库): every list starts from ``visible_to``; a project
outside the reader's places answers 404 as a missing one."""

from typing import Any

from django.db.models import Q, QuerySet

from bangfu.core.capabilities import Capability
from bangfu.core.models import Code
from bangfu.core.scoping import get_visible_or_404
from bangfu.core.selectors import region_for
from bangfu.registry.models import Household

from ..models import (
    Asset,
    BeneficiaryHousehold,
    Output,
    PlannedFund,
    Project,
    ProjectFile,
    Stage,
)
from ..services.library import EDITABLE, PRODUCING, STEP_CAPABILITY, next_stages


def projects_of(
    user,
    *,
    within: str | None = None,
    year: int | None = None,
    kind: str = "",
    stage: str = "",
    q: str = "",
) -> QuerySet[Project]:
    """The projects under a place (or all the reader's places), newest year first, then by
    number, narrowed by year, kind (a ``project_kind`` value), stage and a search of the
    number and name; paged by the caller in the database."""
    region = region_for(user, within) if within else None
    projects = Project.objects.visible_to(user, region).select_related("kind", "region")
    if year:
        projects = projects.filter(year=year)
    if kind:
        projects = projects.filter(kind__kind="project_kind", kind__value=kind)
    if stage:
        projects = projects.filter(stage=stage)
    if q:
        projects = projects.filter(Q(number__icontains=q) | Q(name__icontains=q))
    return projects.order_by("-year", "number", "pk")


def project_for(user, project_id: int) -> Project:
    return get_visible_or_404(
        Project.objects.select_related("kind", "region", "county"), user, pk=project_id
    )


def project_file_for(user, file_id: int) -> ProjectFile:
    return get_visible_or_404(ProjectFile.objects.all(), user, pk=file_id)


def planned_funds_of(project: Project) -> list[PlannedFund]:
    return list(project.planned_funds.select_related("source").order_by("source__sort_order"))


def actions_for(user, project: Project) -> dict[str, Any]:
    """What ``user`` may do on ``project`` (as the services decide): the steps they may take,
    whether they may change its details and record about it."""
    steps = [
        stage
        for stage in next_stages(project.stage)
        if user.has_capability(STEP_CAPABILITY[(project.stage, stage)])
    ]
    editable = project.stage in EDITABLE and user.has_capability(EDITABLE[Stage(project.stage)])
    records = project.stage != Stage.CANCELLED and user.has_capability(Capability.PLAN_PROJECTS)
    return {
        "steps": [(stage, Stage(stage).label) for stage in steps],
        "edit": editable,
        "record": records,
        "outputs": records and project.stage in PRODUCING,
        # Only an accepted project's assets are registered (扶贫项目资产).
        "assets": records and project.stage == Stage.ACCEPTED,
    }


def project_detail(user, project_id: int) -> dict[str, Any]:
    """A project with all that hangs on it: its steps, planned funds (and their total), the
    villages and the reader's visible households it benefits (with how many in all), its
    outputs with their units, files, progress notes, and what the reader may do."""
    project = project_for(user, project_id)
    funds = planned_funds_of(project)
    households = (
        BeneficiaryHousehold.objects.visible_to(user)
        .filter(project=project)
        .select_related("household", "mode", "region")
        .order_by("region_id", "household__number")
    )
    return {
        "project": project,
        "steps": list(project.steps.select_related("recorded_by").order_by("day", "pk")),
        "planned_funds": funds,
        "planned_total": sum((fund.amount for fund in funds), start=0),
        "villages": list(
            project.beneficiary_villages.select_related("village").order_by("village_id")
        ),
        "households": list(households),
        "assets": list(
            Asset.objects.visible_to(user)
            .filter(project=project)
            .select_related("kind", "region")
            .order_by("registered_on", "pk")
        ),
        "households_total": BeneficiaryHousehold.objects.filter(project=project).count(),
        "outputs": list(
            Output.objects.filter(project=project)
            .select_related("kind")
            .order_by("kind__sort_order")
        ),
        "files": list(project.files.order_by("-recorded_at", "-pk")),
        "notes": list(project.progress_notes.order_by("-month")),
        "may": actions_for(user, project),
    }


def output_kind_choices() -> list[tuple[str, str]]:
    """The kinds of output that may be chosen now, each with its unit: 硬化道路（公里）."""
    return [
        (code.value, f"{code.label}（{code.unit}）" if code.unit else code.label)
        for code in Code.objects.filter(kind="output_kind", retired=False).order_by(
            "sort_order", "value"
        )
    ]


def household_by_number(user, number: str) -> Household | None:
    """A household of the reader's places by its number (户编号), for the beneficiary form."""
    if not number or len(number) > 30:
        return None
    return Household.objects.visible_to(user).filter(number=number).first()


def beneficiary_projects(user, household: Household) -> list[tuple[BeneficiaryHousehold, bool]]:
    """The projects that name the household a beneficiary and how it benefits (联农带农),
    newest year first, each with whether the reader may open it: a project of a place above
    the reader's (a county's road) is named without a link."""
    rows = list(
        BeneficiaryHousehold.objects.visible_to(user)
        .filter(household=household)
        .select_related("project__kind", "mode")
        .order_by("-project__year", "project__number")
    )
    readable = set(
        Project.objects.visible_to(user)
        .filter(pk__in=[row.project_id for row in rows])
        .values_list("pk", flat=True)
    )
    return [(row, row.project_id in readable) for row in rows]
