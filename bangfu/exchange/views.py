import io
from dataclasses import asdict
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bangfu.core import params
from bangfu.core.capabilities import Capability, require
from bangfu.core.errors import DomainError
from bangfu.core.forms import attempt
from bangfu.core.models import JobState
from bangfu.core.tables import XLSX
from bangfu.registry.forms import HouseholdFilterForm
from bangfu.registry.selectors import HouseholdFilters

from . import selectors, services, tasks, writing
from .forms import ExportForm, SnapshotUploadForm, SynonymForm, UploadForm
from .models import ImportKind

PROBLEMS_SHOWN = 500
# Kinds with a blank sheet to fill in: the national system's export is made by that system.
TEMPLATE_KINDS = [kind for kind in ImportKind.values if kind != ImportKind.NATIONAL]


@login_required
def import_list(request):
    require(request.user, Capability.EDIT_REGISTRY)
    form = UploadForm(request.POST or None, request.FILES or None)

    def upload():
        file = form.cleaned_data["file"]
        return services.import_upload(
            actor=request.user,
            file_name=file.name,
            chunks=file.chunks(),
            kind=form.cleaned_data["kind"],
        )

    if request.method == "POST" and (done := attempt(form, upload)):
        job = done.result
        tasks.check_import.enqueue(job.pk)
        return redirect("exchange:import_detail", job_id=job.pk)
    return render(
        request,
        "exchange/import_list.html",
        {
            "form": form,
            "jobs": selectors.imports_of(request.user)[:20],
            # Blank sheets of the other kinds this person may import.
            "templates": [
                (kind, label)
                for kind, label in ImportKind.choices
                if kind in TEMPLATE_KINDS
                and kind != ImportKind.HOUSEHOLDS
                and request.user.has_capability(services.NEEDED[kind])
            ],
        },
        status=400 if form.errors else 200,
    )


@login_required
def snapshot_upload(request):
    """Upload the national system's export of a county's month (国家系统导出), checked in
    the background and kept as the month's snapshot for the monthly check on request."""
    require(request.user, Capability.IMPORT_NATIONAL_DATA)
    form = SnapshotUploadForm(
        request.POST or None,
        request.FILES or None,
        counties=selectors.snapshot_counties(request.user),
    )

    def upload():
        file = form.cleaned_data["file"]
        return services.snapshot_upload(
            actor=request.user,
            region_code=form.cleaned_data["region_code"],
            month=form.cleaned_data["month"],
            file_name=file.name,
            chunks=file.chunks(),
        )

    if request.method == "POST" and (done := attempt(form, upload)):
        job = done.result
        tasks.check_import.enqueue(job.pk)
        return redirect("exchange:import_detail", job_id=job.pk)
    return render(
        request,
        "exchange/snapshot_upload.html",
        {
            "form": form,
            "jobs": selectors.imports_of(request.user).filter(kind=ImportKind.NATIONAL)[:20],
        },
        status=400 if form.errors else 200,
    )


def _import_context(request, job_id):
    job = selectors.import_for(request.user, job_id)
    return {
        "job": job,
        "line": selectors.job_line(job),
        "problems": selectors.problems_of(job)[:PROBLEMS_SHOWN],
        "problems_shown": PROBLEMS_SHOWN,
    }


@login_required
def import_detail(request, job_id):
    # The page polls itself while the job runs (htmx) and gets back just the job's section.
    template = "exchange/import_state.html" if request.htmx else "exchange/import_detail.html"
    return render(request, template, _import_context(request, job_id))


@login_required
@require_POST
def import_commit(request, job_id):
    try:
        job = services.import_commit_request(actor=request.user, job_id=job_id)
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        tasks.commit_import.enqueue(job.pk)
    return redirect("exchange:import_detail", job_id=job_id)


@login_required
def import_errors(request, job_id):
    full_ids = params.flag(request.GET.get("full"), field="full")
    path = services.import_error_sheet(actor=request.user, job_id=job_id, full_ids=full_ids)
    job = selectors.import_for(request.user, job_id)
    name = f"{Path(job.file_name).stem}-{_('errors')}.xlsx"
    return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type=XLSX)


@login_required
def import_template(request):
    """A blank sheet to fill in: the households' (``?kind=`` absent), or another kind's."""
    kind = params.choice(
        request.GET.get("kind"),
        field="kind",
        choices=TEMPLATE_KINDS,
        default=ImportKind.HOUSEHOLDS,
    )
    require(request.user, services.NEEDED[kind])
    handle = io.BytesIO()  # a few kilobytes
    if kind == ImportKind.HOUSEHOLDS:
        writing.template(handle, selectors.code_labels())
        name = f"{_('household import template')}.xlsx"
    else:
        sheet = services.sheet_of(kind)
        assert sheet is not None  # every kind but the households is declared
        title = str(ImportKind(kind).label)
        writing.sheet_template(
            handle, title=title, columns=dict(sheet.columns), required=sheet.required
        )
        name = f"{title} - {_('template')}.xlsx"
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=name, content_type=XLSX)


@login_required
def synonyms(request):
    require(request.user, Capability.EDIT_CODE_LISTS)
    form = SynonymForm(request.POST or None)
    if request.method == "POST" and attempt(
        form, lambda: services.header_synonym_add(actor=request.user, **form.cleaned_data)
    ):
        messages.success(request, _("The name was added."))
        return redirect("exchange:synonyms")
    return render(
        request,
        "exchange/synonyms.html",
        {
            "form": form,
            "columns": selectors.columns_with_synonyms(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def export_start(request):
    """Export the household list with the filters of the page it was asked from."""
    filters = HouseholdFilterForm(request.POST, user=request.user)
    options = ExportForm(request.POST)
    if not (filters.is_valid() and options.is_valid()):
        return HttpResponseBadRequest(_("The filters are not valid; search again, then export."))
    chosen = HouseholdFilters(**filters.cleaned_data)
    try:
        job = services.export_request(
            actor=request.user,
            filters={k: v for k, v in asdict(chosen).items() if v},
            full_ids=options.cleaned_data["full_ids"],
        )
    except DomainError as refusal:
        return HttpResponseBadRequest(refusal.message)
    tasks.write_export.enqueue(job.pk)
    return redirect("exchange:export_detail", job_id=job.pk)


@login_required
def export_detail(request, job_id):
    job = selectors.export_for(request.user, job_id)
    template = "exchange/export_state.html" if request.htmx else "exchange/export_detail.html"
    return render(request, template, {"job": job, "line": selectors.job_line(job)})


@login_required
def export_file(request, job_id):
    job = selectors.export_for(request.user, job_id)
    if job.state != JobState.DONE:
        return redirect("exchange:export_detail", job_id=job.pk)
    name = f"{_('households')}-{job.created_at:%Y%m%d-%H%M}.xlsx"
    return FileResponse(
        Path(job.path).open("rb"), as_attachment=True, filename=name, content_type=XLSX
    )
