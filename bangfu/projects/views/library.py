"""The project library's pages (项目库): the list with its filters, a project with all that
hangs on it and the forms for what the reader may do, the new-project form, and a project's
files, served within the reader's places."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bangfu.core import params
from bangfu.core.capabilities import Capability, require
from bangfu.core.errors import DomainError, NotPermitted
from bangfu.core.forms import attempt
from bangfu.core.selectors import code_choices, place_filter_choices, region_for

from .. import selectors, services
from ..forms.library import (
    BeneficiaryForm,
    OutputForm,
    ProgressNoteForm,
    ProjectFileForm,
    ProjectForm,
    StepForm,
    fund_field,
)
from ..models import AttachmentKind, Project, Stage

SEARCH_LENGTH = 200


@login_required
def library(request):
    """The projects of the reader's places (or of one), by year, kind, stage and a search of
    the number and name (项目库)."""
    code = params.place(request.GET.get("place"))
    within = region_for(request.user, code) if code else None
    year = params.year(request.GET.get("year"))
    kind = params.choice(
        request.GET.get("kind"),
        field="kind",
        choices=[value for value, _label in code_choices("project_kind")],
    )
    stage = params.choice(request.GET.get("stage"), field="stage", choices=Stage.values)
    q = params.text(request.GET.get("q"), field="q", most=SEARCH_LENGTH)
    projects = selectors.projects_of(
        request.user, within=code or None, year=year, kind=kind, stage=stage, q=q
    )
    page = Paginator(projects, 50).get_page(params.page_number(request.GET.get("page")))
    return render(
        request,
        "projects/library.html",
        {
            "within": within,
            "places": place_filter_choices(request.user, code),
            "year": year,
            "kind": kind,
            "stage": stage,
            "q": q,
            "kinds": code_choices("project_kind"),
            "stages": Stage.choices,
            "page": page,
            "may_add": request.user.has_capability(Capability.PLAN_PROJECTS),
        },
    )


@login_required
def project(request, project_id):
    """A project: its steps, planned funds, beneficiaries, outputs with their units, files and
    progress notes, and the forms for what the reader may do."""
    detail = selectors.project_detail(request.user, project_id)
    return render(request, "projects/project.html", detail | _forms(request, detail))


def _forms(request, detail: dict[str, Any]) -> dict[str, Any]:
    may = detail["may"]
    today = timezone.localdate()
    return {
        "step_form": StepForm(stages=may["steps"], initial={"day": today})
        if may["steps"]
        else None,
        "output_form": OutputForm() if may["outputs"] else None,
        "note_form": ProgressNoteForm(initial={"month": f"{today:%Y-%m}"})
        if may["record"]
        else None,
        "beneficiary_form": BeneficiaryForm() if may["record"] else None,
        "file_form": ProjectFileForm() if may["record"] else None,
    }


@login_required
def project_add(request):
    """Put a project in the library: planned, with its funds and villages."""
    require(request.user, Capability.PLAN_PROJECTS)
    form = ProjectForm(
        request.POST or None, user=request.user, initial={"year": timezone.localdate().year}
    )

    def add() -> Project:
        return services.project_add(
            actor=request.user, region_code=form.cleaned_data["region_code"], **form.details()
        )

    done = attempt(form, add) if request.method == "POST" else None
    if done:
        messages.success(request, _("The project is in the library, planned."))
        return redirect("projects:project", project_id=done.result.pk)
    return render(
        request,
        "projects/project_form.html",
        {"form": form, "project": None},
        status=400 if form.errors else 200,
    )


@login_required
def project_edit(request, project_id):
    """Change a project's details while it is planned or approved."""
    record = selectors.project_for(request.user, project_id)
    if not selectors.actions_for(request.user, record)["edit"]:
        raise NotPermitted()
    initial: dict[str, Any] = {
        "number": record.number,
        "name": record.name,
        "kind": record.kind.value,
        "year": record.year,
        "responsible_unit": record.responsible_unit,
        "description": record.description,
        "beneficiary_villages": [v.village_id for v in record.beneficiary_villages.all()],
    } | {fund_field(fund.source.value): fund.amount for fund in selectors.planned_funds_of(record)}
    form = ProjectForm(request.POST or None, user=request.user, with_place=False, initial=initial)

    def change() -> Project:
        return services.project_update(actor=request.user, project_id=record.pk, **form.details())

    if request.method == "POST" and attempt(form, change):
        messages.success(request, _("The project is changed."))
        return redirect("projects:project", project_id=record.pk)
    return render(
        request,
        "projects/project_form.html",
        {"form": form, "project": record},
        status=400 if form.errors else 200,
    )


def _action(
    request,
    project_id: int,
    form_of: Callable[..., Any],
    call: Callable[[Project, Any], Any],
    *,
    title: str,
    done: str,
):
    """One of the project page's forms, posted: done, back to the project; refused, the form
    again on a page of its own with the refusal on its field."""
    record = selectors.project_for(request.user, project_id)
    form = form_of(record, request.POST or None, request.FILES or None)
    if request.method == "POST" and attempt(form, lambda: call(record, form)):
        messages.success(request, done)
        return redirect("projects:project", project_id=record.pk)
    return render(
        request,
        "projects/action_form.html",
        {"form": form, "project": record, "title": title},
        status=400 if form.errors else 200,
    )


@login_required
def project_advance(request, project_id):
    def form_of(record, data, files):
        may = selectors.actions_for(request.user, record)
        return StepForm(data, stages=may["steps"], initial={"day": timezone.localdate()})

    return _action(
        request,
        project_id,
        form_of,
        lambda record, form: services.project_advance(
            actor=request.user, project_id=record.pk, **form.cleaned_data
        ),
        title=gettext_lazy("Next step of the project"),
        done=_("The project's step is recorded."),
    )


@login_required
def output_record(request, project_id):
    return _action(
        request,
        project_id,
        lambda record, data, files: OutputForm(data),
        lambda record, form: services.output_record(
            actor=request.user, project_id=record.pk, **form.cleaned_data
        ),
        title=gettext_lazy("Record an output"),
        done=_("The output is recorded."),
    )


@login_required
def progress_note_record(request, project_id):
    return _action(
        request,
        project_id,
        lambda record, data, files: ProgressNoteForm(data),
        lambda record, form: services.progress_note_record(
            actor=request.user, project_id=record.pk, **form.cleaned_data
        ),
        title=gettext_lazy("Record the month's progress"),
        done=_("The month's progress is recorded."),
    )


def _beneficiary(request, record: Project, form: BeneficiaryForm):
    household = selectors.household_by_number(request.user, form.cleaned_data["household_number"])
    if household is None:
        raise DomainError(
            _("No household of your places has this number."),
            code="no_household",
            field="household_number",
        )
    return services.beneficiary_household_set(
        actor=request.user,
        project_id=record.pk,
        household_id=household.pk,
        mode=form.cleaned_data["mode"],
    )


@login_required
def beneficiary_add(request, project_id):
    return _action(
        request,
        project_id,
        lambda record, data, files: BeneficiaryForm(data),
        lambda record, form: _beneficiary(request, record, form),
        title=gettext_lazy("Name a household the project benefits"),
        done=_("The household is among the project's beneficiaries."),
    )


@login_required
def beneficiary_remove(request, project_id, household_id):
    """Take a household off the project's beneficiaries (a button on the project page)."""
    record = selectors.project_for(request.user, project_id)
    if request.method != "POST":
        return redirect("projects:project", project_id=record.pk)
    services.beneficiary_household_remove(
        actor=request.user, project_id=record.pk, household_id=household_id
    )
    messages.success(request, _("The household is no longer among the beneficiaries."))
    return redirect("projects:project", project_id=record.pk)


def _file(request, record: Project, form: ProjectFileForm):
    upload = form.cleaned_data["file"]
    return services.project_file_add(
        actor=request.user,
        project_id=record.pk,
        name=form.cleaned_data["name"] or upload.name or _("File"),
        data=upload.read(),
    )


@login_required
def project_file_add(request, project_id):
    return _action(
        request,
        project_id,
        lambda record, data, files: ProjectFileForm(data, files),
        lambda record, form: _file(request, record, form),
        title=gettext_lazy("Add a photo or document"),
        done=_("The file is kept with the project."),
    )


@login_required
def project_file(request, file_id):
    """A project's photo or document, for readers of its place only."""
    record = selectors.project_file_for(request.user, file_id)
    kind = "image/jpeg" if record.kind == AttachmentKind.PHOTO else "application/pdf"
    return FileResponse(record.file.open("rb"), content_type=kind)
