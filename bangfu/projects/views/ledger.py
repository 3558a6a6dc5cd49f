"""The funds ledger's pages (资金台账): a project's ledger (balances by source, its entries,
the forms to allocate, pay and reverse), an entry's voucher photo, and the ledger list behind
every funds figure."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core import params
from bangfu.core.errors import NotPermitted
from bangfu.core.forms import attempt
from bangfu.core.selectors import code_choices, place_filter_choices

from .. import selectors, services
from ..forms.ledger import EntryReverseForm, LedgerEntryForm
from ..models import EntryKind

RECORD = {
    EntryKind.ALLOCATION: services.allocation_record,
    EntryKind.PAYMENT: services.payment_record,
}


def _kinds(user) -> list[str]:
    """The kinds of entry ``user`` may record (and reverse)."""
    return [
        kind
        for kind, capability in services.ENTRY_CAPABILITY.items()
        if user.has_capability(capability)
    ]


@login_required
def project_ledger(request, project_id):
    """A project's funds (项目资金台账): planned, allocated, paid, balance and disbursement
    rate by source; its entries, the latest first; the form to record one."""
    project = selectors.ledger_project(request.user, project_id)
    kinds = _kinds(request.user)
    if request.method == "POST" and not kinds:
        raise NotPermitted()
    form = LedgerEntryForm(
        request.POST or None,
        request.FILES or None,
        kinds=kinds,
        initial={"kind": kinds[-1] if kinds else "", "day": timezone.localdate()},
    )

    def record():
        data = dict(form.cleaned_data)
        upload = data.pop("voucher_image")
        return RECORD[EntryKind(data.pop("kind"))](
            actor=request.user,
            project_id=project.pk,
            voucher_image=upload.read() if upload else None,
            **data,
        )

    if request.method == "POST" and attempt(form, record):
        messages.success(request, _("The entry is on the project's ledger."))
        return redirect("projects:project_ledger", project_id=project.pk)
    rows = selectors.balances(project)
    entries = Paginator(selectors.project_entries(project).order_by("-day", "-pk"), 50).get_page(
        params.page_number(request.GET.get("page"))
    )
    return render(
        request,
        "projects/ledger/project_ledger.html",
        {
            "project": project,
            "rows": rows,
            "total": selectors.total_of(rows),
            "page": entries,
            "form": form if kinds and project.stage in services.FUNDED_STAGES else None,
            "reversible": kinds,
        },
        status=400 if form.errors else 200,
    )


@login_required
def entry_reverse(request, entry_id):
    """Put an entry right with its reversing entry (冲销), saying why."""
    entry = selectors.entry_for(request.user, entry_id)
    if entry.kind not in _kinds(request.user):
        raise NotPermitted()
    form = EntryReverseForm(request.POST or None, initial={"day": timezone.localdate()})

    def reverse():
        return services.entry_reverse(actor=request.user, entry_id=entry.pk, **form.cleaned_data)

    if request.method == "POST" and attempt(form, reverse):
        messages.success(request, _("The entry is reversed."))
        return redirect("projects:project_ledger", project_id=entry.project_id)
    return render(
        request,
        "projects/ledger/entry_reverse.html",
        {"entry": entry, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def voucher_image(request, entry_id):
    entry = selectors.entry_for(request.user, entry_id)
    if not entry.voucher_image:
        raise Http404
    return FileResponse(entry.voucher_image.open("rb"), content_type="image/jpeg")


@login_required
def ledger(request):
    """The ledger's entries under a place (资金台账明细), by year, project kind, source and
    kind of entry, with the totals allocated, paid and the disbursement rate."""
    filters = selectors.ledger_filters(request.user, request.GET)
    listed = selectors.ledger_entries(request.user, **filters)
    page = listed.page(params.page_number(request.GET.get("page")))
    within = filters["within"]
    return render(
        request,
        "projects/ledger/ledger.html",
        {
            "listed": listed,
            "page": page,
            "filters": filters,
            "places": place_filter_choices(request.user, within.code if within else ""),
            "kinds": code_choices("project_kind"),
            "sources": code_choices("fund_source"),
            "entry_kinds": EntryKind.choices,
        },
    )
