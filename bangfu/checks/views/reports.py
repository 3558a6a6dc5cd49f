"""Pages of the self-check reports (自查报告): a village's month (its figures, the report as
.docx and .xlsx, the form to submit it) and a place's villages' reports of a month, on
time, late or missing, with their figures added up (.xlsx)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bangfu.core import params
from bangfu.core.capabilities import Capability, require
from bangfu.core.documents import docx_response
from bangfu.core.forms import attempt
from bangfu.core.selectors import place_filter_choices, region_for
from bangfu.core.tables import sheets_response

from .. import report_files, services
from ..forms import SelfCheckReportForm
from ..selectors import reports as selectors


@login_required
def village_report(request, code):
    """A village's self-check report of a month (``?month=``, this month by default): the
    month's differences found, fixed and open by classification and field, with the reasons;
    ``?format=docx|xlsx`` downloads it; those who check the handbooks submit it here."""
    village = selectors.village_for(request.user, code)
    month = params.month(request.GET.get("month"))
    download = params.download(request.GET, "docx", "xlsx")
    found = selectors.village_month(request.user, village, month)
    name = report_files.title_of(found)
    if download == "docx":
        return docx_response(name, report_files.village_docx(found))
    if download == "xlsx":
        return sheets_response(name, report_files.village_sheets(found))
    may_submit = request.user.has_capability(Capability.CHECK_HANDBOOKS) and found.report is None
    form = SelfCheckReportForm(request.POST or None)

    def submit():
        return services.self_check_report_submit(
            actor=request.user,
            region_code=village.code,
            month=month,
            note=form.cleaned_data["note"],
        )

    if request.method == "POST":
        require(request.user, Capability.CHECK_HANDBOOKS)
        if attempt(form, submit):
            messages.success(request, _("The report was submitted to the township."))
            return redirect(f"{request.path}?month={month:%Y-%m}")
    before, after = params.months_around(found.month)
    figures = report_files.figures_of(found)
    return render(
        request,
        "checks/reports/village.html",
        {
            "found": found,
            "by_class": report_files.class_rows(figures),
            "by_field": report_files.field_rows(figures),
            "measures": report_files.MEASURE_LABELS,
            "closed": found.closed + found.fixed,
            "open": found.open[: selectors.MOST_LISTED],
            "paragraphs": report_files.paragraphs(found),
            "form": form if may_submit or form.errors else None,
            "before": before,
            "after": after,
            "listed": selectors.MOST_LISTED,
        },
        status=400 if form.errors else 200,
    )


@login_required
def village_reports(request):
    """The villages' self-check reports of a month under a place (``?place=``, all the
    user's places by default; ``?month=``): on time, late, missing or not yet due, and what
    each village found, fixed and left open, added up by classification and by field.
    ``?format=xlsx`` downloads it. For those who receive the reports (township, county)."""
    require(request.user, Capability.RECEIVE_CHECK_REPORTS)
    code = params.place(request.GET.get("place"))
    within = region_for(request.user, code) if code else None
    month = params.month(request.GET.get("month"))
    found = selectors.village_reports(request.user, within, month)
    if params.download(request.GET, "xlsx"):
        place = within.name if within else _("all my places")
        return sheets_response(
            f"{_('Self-check reports')}-{place}-{month:%Y-%m}",
            report_files.villages_sheets(found),
        )
    before, after = params.months_around(found.month)
    return render(
        request,
        "checks/reports/villages.html",
        {
            "found": found,
            "within": within,
            "places": place_filter_choices(request.user, within.code if within else ""),
            "counts": [
                (state, label, found.counts[state])
                for state, label in selectors.STATES.items()
                if found.counts[state]
            ],
            "before": before,
            "after": after,
            "by_class": report_files.class_rows(found.total),
            "by_field": report_files.field_rows(found.total),
            "measures": report_files.MEASURE_LABELS,
        },
    )
