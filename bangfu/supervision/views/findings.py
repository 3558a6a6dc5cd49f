"""Pages of findings (督查问题) and their rectification (整改): the list with its filters (and
as .xlsx), recording a finding on a phone (from a record's page: ``?household=<id>``…), a
finding with its steps, evidence and the forms of what the reader may do next, the evidence
served within the reader's places, and the overdue list with the on-time rates by unit and
by place."""

import datetime
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
from bangfu.core.forms import attempt
from bangfu.core.selectors import code_choices, place_filter_choices, region_for
from bangfu.core.tables import xlsx_response
from bangfu.projects.models import AttachmentKind

from .. import selectors, services
from ..forms.findings import (
    CloseForm,
    EvidenceForm,
    FindingForm,
    ReturnForm,
    StartForm,
    SubmitForm,
)
from ..models import Finding, FindingSource, FindingState
from ..selectors.findings import CONCERNED_KINDS, STATE_NAMES
from ..selectors.phone import QUEUE
from .phone import kept_for_inspector, phone_offline

PAGE_SIZE = 50
OVERDUE_SHOWN = 20


def _filters(request) -> dict[str, Any]:
    """The list's filters from the address, each read through ``core.params``."""
    query = request.GET
    month = query.get("month")
    return {
        "within": params.place(query.get("place")) or None,
        "state": params.choice(query.get("state"), field="state", choices=FindingState.values),
        "category": params.choice(
            query.get("category"),
            field="category",
            choices=[value for value, _label in code_choices("finding_category")],
        ),
        "source": params.choice(query.get("source"), field="source", choices=FindingSource.values),
        "month": params.month(month) if (month or "").strip() else None,
        "overdue": params.flag(query.get("overdue"), field="overdue"),
        "unit_id": params.optional_id(query.get("unit")),
    }


def _sheet(findings) -> FileResponse:
    return xlsx_response(
        _("Findings"),
        [
            _("Found on"),
            _("Place"),
            _("Category"),
            _("Source"),
            _("What was found"),
            _("Responsible unit"),
            _("Responsible person"),
            _("Deadline"),
            _("State"),
            _("Closed on"),
        ],
        (
            [
                f.found_on,
                f.region.name,
                f.category.label,
                f.get_source_display(),
                f.description,
                f.unit.name if f.unit else "",
                f.responsible_person,
                f.deadline,
                STATE_NAMES[f.state],
                f.closed_on,
            ]
            for f in findings.iterator()
        ),
    )


@login_required
def findings(request):
    """The findings of the reader's places (or of one), by state, category, source, month
    found, overdue only and responsible unit; paged, or all as .xlsx."""
    filters = _filters(request)
    within = region_for(request.user, filters["within"]) if filters["within"] else None
    listed = selectors.findings_of(request.user, **filters)
    if params.download(request.GET, "xlsx"):
        return _sheet(listed)
    page = Paginator(listed, PAGE_SIZE).get_page(params.page_number(request.GET.get("page")))
    return render(
        request,
        "supervision/findings.html",
        filters
        | {
            "within": within,
            "places": place_filter_choices(request.user, filters["within"] or ""),
            "states": list(STATE_NAMES.items()),
            "categories": code_choices("finding_category"),
            "sources": FindingSource.choices,
            "units": selectors.finding_units(request.user),
            "page": page,
            "today": timezone.localdate(),
            "may_record": request.user.has_capability(Capability.INSPECT),
        },
    )


def _concerned_hint(request) -> dict[str, Any]:
    """The record a link names (``?household=<id>``, ``?visit=<id>``…), to preselect."""
    for kind, _label in CONCERNED_KINDS:
        pk = params.optional_id(request.GET.get(kind))
        if pk:
            return {"concerns": kind, "record_id": pk}
    return {}


@login_required
def finding_add(request):
    """Record a finding (on a phone: the camera's photo with it)."""
    require(request.user, Capability.INSPECT)
    initial = {"found_on": timezone.localdate(), **_concerned_hint(request)}
    form = FindingForm(
        request.POST or None, request.FILES or None, user=request.user, initial=initial
    )

    def record() -> Finding:
        data = form.cleaned_data
        photo = data["photo"]
        return services.finding_record(
            actor=request.user,
            region_code=data["region_code"],
            category=data["category"],
            description=data["description"],
            found_on=data["found_on"],
            round_id=int(data["round_id"]) if data["round_id"] else None,
            unit_id=int(data["unit_id"]) if data["unit_id"] else None,
            responsible_person=data["responsible_person"],
            photos=[photo.read()] if photo else [],
            **form.record(),
        )

    done = attempt(form, record) if request.method == "POST" else None
    if done:
        messages.success(request, _("The finding is recorded and assigned for rectification."))
        return redirect("supervision:finding", finding_id=done.result.pk)
    # The inspector's own form: kept on the phone, recorded offline into its queue.
    offline = phone_offline(request.user)
    response = render(
        request,
        "supervision/findings_form.html",
        {"form": form, "offline": offline, "queue": QUEUE},
        status=400 if form.errors else 200,
    )
    return kept_for_inspector(request, response, offline)


@login_required
def finding(request, finding_id):
    """A finding: what was found, its deadline and state, its steps with their evidence, and
    the forms of what the reader may do next."""
    detail = selectors.finding_detail(request.user, finding_id)
    may = detail["may"]
    forms = {
        "start_form": StartForm(auto_id="start_%s") if may["start"] else None,
        "submit_form": SubmitForm(auto_id="submit_%s") if may["submit"] else None,
        "close_form": CloseForm(auto_id="close_%s") if may["close"] else None,
        "return_form": ReturnForm(auto_id="return_%s") if may["return"] else None,
        "evidence_form": EvidenceForm(auto_id="evidence_%s") if may["evidence"] else None,
    }
    return render(request, "supervision/findings_detail.html", detail | forms)


def _action(
    request,
    finding_id: int,
    form_of: Callable[..., Any],
    call: Callable[[Finding, Any], Any],
    *,
    title: str,
    done: str,
):
    """One of the finding page's forms, posted: done, back to the finding; refused, the form
    again on a page of its own with the refusal on its field."""
    record = selectors.finding_for(request.user, finding_id)
    form = form_of(request.POST or None, request.FILES or None)
    if request.method == "POST" and attempt(form, lambda: call(record, form)):
        messages.success(request, done)
        return redirect("supervision:finding", finding_id=record.pk)
    return render(
        request,
        "supervision/findings_action.html",
        {"form": form, "finding": record, "title": title},
        status=400 if form.errors else 200,
    )


@login_required
def rectification_start(request, finding_id):
    return _action(
        request,
        finding_id,
        lambda data, files: StartForm(data),
        lambda record, form: services.rectification_start(
            actor=request.user, finding_id=record.pk, note=form.cleaned_data["note"]
        ),
        title=gettext_lazy("Start the rectification"),
        done=_("The rectification is under way."),
    )


@login_required
def rectification_submit(request, finding_id):
    def submit(record: Finding, form: SubmitForm) -> Finding:
        photo = form.cleaned_data["photo"]
        return services.rectification_submit(
            actor=request.user,
            finding_id=record.pk,
            note=form.cleaned_data["note"],
            photos=[photo.read()] if photo else [],
        )

    return _action(
        request,
        finding_id,
        lambda data, files: SubmitForm(data, files),
        submit,
        title=gettext_lazy("Submit the rectification"),
        done=_("The rectification is submitted for an inspector to verify."),
    )


@login_required
def rectification_close(request, finding_id):
    return _action(
        request,
        finding_id,
        lambda data, files: CloseForm(data),
        lambda record, form: services.rectification_close(
            actor=request.user, finding_id=record.pk, note=form.cleaned_data["note"]
        ),
        title=gettext_lazy("Verify and close"),
        done=_("The finding is closed."),
    )


@login_required
def rectification_return(request, finding_id):
    return _action(
        request,
        finding_id,
        lambda data, files: ReturnForm(data),
        lambda record, form: services.rectification_return(
            actor=request.user, finding_id=record.pk, reason=form.cleaned_data["reason"]
        ),
        title=gettext_lazy("Return the rectification"),
        done=_("The rectification is returned with the reason."),
    )


@login_required
def finding_evidence_add(request, finding_id):
    def add(record: Finding, form: EvidenceForm):
        upload = form.cleaned_data["file"]
        return services.finding_evidence_add(
            actor=request.user,
            finding_id=record.pk,
            name=form.cleaned_data["name"] or upload.name or _("File"),
            data=upload.read(),
        )

    return _action(
        request,
        finding_id,
        lambda data, files: EvidenceForm(data, files),
        add,
        title=gettext_lazy("Add a photo or document"),
        done=_("The file is kept with the finding."),
    )


@login_required
def evidence_file(request, evidence_id):
    """A finding's photo or document, for readers of its place only."""
    record = selectors.evidence_for(request.user, evidence_id)
    kind = "image/jpeg" if record.kind == AttachmentKind.PHOTO else "application/pdf"
    return FileResponse(record.file.open("rb"), content_type=kind)


@login_required
def rectification_rates(request):
    """Rectified on time (按期整改率) by responsible unit and by place over months
    (``?from=&to=``, this month by default), and the overdue list."""
    code = params.place(request.GET.get("place"))
    within = region_for(request.user, code) if code else None
    months = params.month_range(request.GET.get("from"), request.GET.get("to"))
    first, last = months or (params.this_month(), params.this_month())
    period = {
        "within": code or None,
        "period_start": first,
        "period_end": params.add_months(last, 1) - datetime.timedelta(days=1),
    }
    overdue = selectors.overdue_findings(request.user, within=code or None)
    return render(
        request,
        "supervision/findings_rates.html",
        {
            "within": within,
            "places": place_filter_choices(request.user, code),
            "first": first,
            "last": last,
            "by_unit": selectors.rates_by_unit(request.user, **period),
            "by_place": selectors.rates_by_place(request.user, **period),
            "overdue": overdue[:OVERDUE_SHOWN],
            "overdue_count": overdue.count(),
            "today": timezone.localdate(),
        },
    )
