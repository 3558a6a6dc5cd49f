from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bangfu.core import params
from bangfu.core.capabilities import Capability
from bangfu.core.errors import DomainError
from bangfu.core.models import JobState
from bangfu.core.pdf import pdf_response
from bangfu.core.regions import RegionLevel
from bangfu.core.selectors import place_filter_choices, region_for, trail_of
from bangfu.core.tables import xlsx_response
from bangfu.registry.selectors import household_for

from . import documents, handbook, selectors, services, tasks
from .indicators import INDICATORS
from .templatetags.figures import figure


def _place_and_period(request):
    """``?place=`` (default: all the user's places) and ``?from=&to=`` or ``?month=``
    (default: this month); a range longer than the place's rule allows is cut."""
    code = params.place(request.GET.get("place"))
    within = region_for(request.user, code) if code else None
    span = params.month_range(request.GET.get("from"), request.GET.get("to"))
    if span is None:
        chosen = params.month(request.GET.get("month"))
        span = (chosen, chosen)
    return within, selectors.period_of(request.user, within, *span)


def _download(name: str, within, period, header: list[str], rows) -> HttpResponse:
    place = within.name if within else _("all my places")
    return xlsx_response(f"{name}-{place}-{period.label}", header, rows)


@login_required
def dashboard(request):
    """Figures for a place and a period (数据看板), with their definitions, charts of the mix
    and the rhythm of visits, and the sub-places to drill down into."""
    within, period = _place_and_period(request)
    download = params.download(request.GET, "xlsx")
    table = params.choice(request.GET.get("table"), field="table", choices=("figures", "places"))
    figures = selectors.Figures(request.user, within, period)
    if download == "xlsx" and table == "figures":
        return _download(
            _("figures"),
            within,
            period,
            [_("Indicator"), _("Value"), _("Unit"), _("Definition")],
            (
                [str(i.name), figure(value, i.unit), str(i.unit), str(i.definition)]
                for i, value in figures.rows()
            ),
        )
    rows = selectors.place_rows(request.user, within, period, figures.schedules)
    if download == "xlsx" and table == "places":
        return _download(
            _("places"),
            within,
            period,
            [
                _("Place"),
                _("Registered households"),
                _("Pairing coverage"),
                _("Visits"),
                _("Visit compliance"),
                _("Households behind schedule"),
                _("Problems solved"),
            ],
            (
                [
                    row.place.name,
                    row.households,
                    figure(row.coverage, "%"),
                    row.flows["visits"],
                    figure(row.compliance, "%"),
                    row.last.behind,
                    row.flows["problems_solved"],
                ]
                for row in rows
            ),
        )
    last = period.months[-1]
    return render(
        request,
        "reports/dashboard.html",
        {
            "within": within,
            "trail": trail_of(request.user, within) if within else [],
            "period": period,
            "places": place_filter_choices(request.user, within.code if within else ""),
            "figures": figures,
            "rows": rows,
            "charts": {
                "status": figures.by_status,
                "cause": figures.by_cause,
                "compliance": [
                    (
                        row.place.name,
                        round(row.compliance * 100, 1) if row.compliance is not None else None,
                    )
                    for row in rows
                ],
                "days": [
                    (f"{day:%m-%d}", n, fixed)
                    for day, n, fixed in selectors.visits_by_day(request.user, within, last)
                ],
                **project_charts(figures),
                "trend": [
                    (f"{month:%Y-%m}", n, round(rate * 100, 1) if rate is not None else None)
                    for month, n, rate in selectors.trend(
                        request.user, within, period, figures.schedules
                    )
                ],
            },
            "village_level": RegionLevel.VILLAGE,
            "check_reports": request.user.has_capability(Capability.RECEIVE_CHECK_REPORTS),
        },
    )


def project_charts(figures: selectors.Figures) -> dict:
    """The projects block's charts: projects of the year by kind, stacked by stage; funds
    allocated and paid by source (yuan)."""
    tables = figures.project_tables
    kinds = tables["by_kind"]
    return {
        "project_kinds": {
            "kinds": [row.label for row in kinds],
            "stages": [
                (str(label), [row.stages[stage] for row in kinds])
                for stage, label in tables["stages"]
                if any(row.stages[stage] for row in kinds)
            ],
        }
        if kinds
        else None,
        "funds": [
            (row.label, float(row.funds.allocated), float(row.funds.paid))
            for row in tables["by_source"]
        ],
    }


@login_required
def reported(request):
    """The period's figures in the sentences reports and bulletins use, to paste or to file
    as a Word document."""
    within, period = _place_and_period(request)
    download = params.download(request.GET, "docx")
    figures = selectors.Figures(request.user, within, period)
    values = figures.values
    context = {
        "within": within,
        "period": period,
        "values": values,
        "indicators": INDICATORS,
        # Health and plans: members signed, activities by kind, measures by kind in words.
        "signed": figures.members_signed,
        "activities": figures.activities,
        "measure_kinds": _(", ").join(
            _("%(kind)s %(n)s") % {"kind": label, "n": n} for label, n in figures.measures_by_kind
        ),
        # Projects: the year judged, its projects by kind in words.
        "project_year": period.end.year,
        "project_kinds": _(", ").join(
            _("%(kind)s %(n)s") % {"kind": row.label, "n": row.total}
            for row in figures.project_tables["by_kind"]
            if row.total
        ),
        # Supervision: findings by category in words, the satisfaction rule.
        "finding_categories": _(", ").join(
            _("%(kind)s %(n)s") % {"kind": label, "n": n}
            for label, n in figures.supervision_tables["by_category"]
        ),
        "satisfaction_min": figures.satisfaction_min,
    }
    text = render_to_string("reports/reported.txt", context, request=request).strip()
    if download == "docx":
        place = within.name if within else _("all my places")
        return documents.docx_response(
            f"{_('Figures as reported')}-{place}-{period.label}",
            _("Figures as reported"),
            [paragraph for paragraph in text.split("\n\n") if paragraph.strip()],
            [
                (str(i.name), figure(value, i.unit), str(i.definition))
                for i, value in figures.rows()
            ],
        )
    return render(
        request,
        "reports/reported.html",
        {
            **context,
            "paragraphs": [p for p in text.split("\n\n") if p.strip()],
            "places": place_filter_choices(request.user, within.code if within else ""),
            "rows": figures.rows(),
        },
    )


def _wants_full_ids(request) -> bool:
    """``?full=1``: ID numbers whole, through the registry's audited reveal, which refuses
    (403) a person without the right to see them."""
    return params.flag(request.GET.get("full"), field="full")


def _pdf_response(pdf: bytes, name: str, ascii_name: str) -> HttpResponse:
    """A PDF download named ``帮扶手册-<name>.pdf`` (RFC 5987 for the Chinese), with a plain
    ASCII name first for clients that read only that."""
    return pdf_response(pdf, f"{_('Household handbook')}-{name}.pdf", f"handbook-{ascii_name}")


@login_required
def handbook_household(request, household_id):
    """One household's handbook (帮扶手册) as a PDF, to print and keep at the household."""
    household = household_for(request.user, household_id)
    pdf = handbook.render_handbook(request.user, [household], full_ids=_wants_full_ids(request))
    return _pdf_response(pdf, household.number, household.number)


@login_required
def handbook_place(request, code):
    """The handbooks of every open household of a village or village group, by household
    number, in one PDF, made by the background worker (a large village takes minutes). A
    place above a village is refused: its handbooks are made village by village."""
    region = region_for(request.user, code)
    full_ids = _wants_full_ids(request)
    try:
        handbook.refuse_above_village(region)
        if request.method == "POST":
            job = services.handbook_request(
                actor=request.user,
                region_code=region.code,
                full_ids=full_ids,
                language=get_language(),
            )
            tasks.write_handbook.enqueue(job.pk)
            return redirect("reports:handbook_job", job_id=job.pk)
    except DomainError as refusal:
        messages.error(request, refusal.message)
        return redirect("core:place_detail", code=region.code)
    return render(
        request,
        "reports/handbook_place.html",
        {
            "region": region,
            "full_ids": full_ids,
            "jobs": selectors.handbook_jobs_of(request.user, region),
        },
    )


@login_required
def handbook_job(request, job_id):
    """Where a village's handbooks stand; the page asks again every few seconds until done."""
    job = selectors.handbook_job_for(request.user, job_id)
    running = job.state in (JobState.QUEUED, JobState.RUNNING)
    template = "reports/handbook_job_state.html" if request.htmx else "reports/handbook_job.html"
    return render(request, template, {"job": job, "running": running})


@login_required
def handbook_job_file(request, job_id):
    job = selectors.handbook_job_for(request.user, job_id)
    if job.state != JobState.DONE:
        return redirect("reports:handbook_job", job_id=job.pk)
    return _pdf_response(Path(job.path).read_bytes(), job.region.name, job.region.code)
