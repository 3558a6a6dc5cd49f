import datetime
import uuid
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from bangfu.core import params
from bangfu.core.capabilities import Capability, require
from bangfu.core.errors import DomainError
from bangfu.core.forms import attempt
from bangfu.core.scoping import public
from bangfu.core.selectors import place_filter_choices, region_for
from bangfu.core.tables import xlsx_response
from bangfu.pairing.selectors import pairings_of
from bangfu.registry.columns import cells_for, columns
from bangfu.registry.selectors import household_for

from . import selectors, services
from .forms import DeleteForm, SolveForm, VisitForm
from .offline import helper_offline, kept_offline
from .schedule import month_schedule

SERVICE_WORKER = Path(__file__).resolve().parent / "static" / "visits" / "sw.js"


def _month(request) -> datetime.date:
    return params.month(request.GET.get("month"))


def _within(request):
    code = params.place(request.GET.get("place"))
    return code, region_for(request.user, code) if code else None


def _offline(user) -> dict:
    return helper_offline(
        user,
        worker="visits:service_worker",
        queue="bangfu-visits",
        waiting=_("Visits waiting on this phone:"),
    )


@login_required
def mine(request):
    """A helper's households this month (我的帮扶户): visits against the minimum, who is
    behind, what is due before the next fixed day. The phone keeps it for offline use."""
    month = selectors.my_month(request.user)
    # What other apps add to a household's line (the risk code 三色码), for the page at once.
    cells_for(request.user, [entry.household for entry in month.households])
    return kept_offline(
        render(
            request,
            "visits/mine.html",
            {"month": month, "offline": _offline(request.user), "columns": columns()},
        )
    )


@login_required
@never_cache
def capture(request):
    """The phone page that logs a visit in three screens and keeps working offline."""
    return kept_offline(
        render(
            request,
            "visits/capture.html",
            {
                "households": selectors.capture_households(request.user),
                "services": [(c.value, c.label) for c in selectors.visit_services()],
                "chosen": params.optional_id(request.GET.get("household")) or "",
                "offline": _offline(request.user),
            },
        )
    )


@public
def service_worker(request):
    """Served from /visits/ so that it may control the capture page; it holds no data."""
    response = HttpResponse(SERVICE_WORKER.read_bytes(), content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response


@login_required
def enter(request, household_id):
    """Log a visit on a page: staff entering a paper record for a helper (代录), or a
    helper without the phone page."""
    household = household_for(request.user, household_id)
    helpers = [p.helper for p in pairings_of(household) if p.helper and not p.ended_on]
    form = VisitForm(request.POST or None, helpers=helpers)

    def record():
        return services.visit_record(
            actor=request.user,
            client_id=uuid.uuid4(),
            helper_id=int(form.cleaned_data["helper"]),
            data=services.VisitInput(household_id=household.pk, **form.visit_fields()),
        )

    if request.method == "POST" and attempt(form, record):
        messages.success(request, _("The visit was logged."))
        return redirect("registry:household_detail", household_id=household.pk)
    return render(
        request,
        "visits/enter.html",
        {"form": form, "household": household},
        status=400 if form.errors else 200,
    )


@login_required
def visit_detail(request, visit_id):
    visit = selectors.visit_for(request.user, visit_id)
    may_review = request.user.has_capability(Capability.VIEW_FLAGS)
    return render(
        request,
        "visits/visit_detail.html",
        {
            "visit": visit,
            "flags": [
                (flag, selectors.flag_reason(flag))
                for flag in (selectors.flags_of(request.user, visit) if may_review else [])
            ],
            "delete_form": DeleteForm(),
            "may_correct": services.may_correct(request.user, visit),
        },
    )


@login_required
def visit_edit(request, visit_id):
    visit = selectors.visit_for(request.user, visit_id)
    initial = {
        "visited_at": timezone.localtime(visit.visited_at).replace(tzinfo=None),
        "kind": visit.kind,
        "services": [code.value for code in visit.services.all()],
        "notes": visit.notes,
        "goods_value": visit.goods_value,
        "money_value": visit.money_value,
        "jobs_found": visit.jobs_found,
    }
    form = VisitForm(request.POST or None, initial=initial, editing=True)

    def correct():
        return services.visit_update(
            actor=request.user,
            visit_id=visit.pk,
            data=services.VisitInput(household_id=visit.household_id, **form.visit_fields()),
        )

    if request.method == "POST" and attempt(form, correct):
        messages.success(request, _("The visit was corrected."))
        return redirect("visits:visit_detail", visit_id=visit.pk)
    return render(
        request,
        "visits/visit_edit.html",
        {"form": form, "visit": visit},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def visit_delete(request, visit_id):
    visit = selectors.visit_for(request.user, visit_id)
    form = DeleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for deleting."))
        return redirect("visits:visit_detail", visit_id=visit.pk)
    try:
        services.visit_delete(
            actor=request.user, visit_id=visit.pk, reason=form.cleaned_data["reason"]
        )
    except DomainError as refusal:
        messages.error(request, refusal.message)
        return redirect("visits:visit_detail", visit_id=visit.pk)
    messages.success(request, _("The visit was deleted; the audit log keeps what it said."))
    return redirect("registry:household_detail", household_id=visit.household_id)


@login_required
def photo(request, photo_id):
    record = selectors.photo_for(request.user, photo_id)
    return FileResponse(record.image.open("rb"), content_type="image/jpeg")


@login_required
@require_POST
def problem_solve(request, problem_id):
    form = SolveForm(request.POST)
    # Where to go back to: the household page the form was on, if it names one.
    household_id = params.optional_id(request.POST.get("household"))
    if not form.is_valid():
        messages.error(request, _("Give the day it was solved and how."))
    else:
        try:
            services.problem_solve(actor=request.user, problem_id=problem_id, **form.cleaned_data)
        except DomainError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("The problem is recorded as solved."))
    if household_id:
        return redirect("registry:household_detail", household_id=household_id)
    return redirect("visits:mine")


def _compliance_list(request) -> dict[str, str]:
    """``?list=households|helpers``, ``?show=behind|all``, ``?sort=place|helper|behind``."""
    return {
        "listing": params.choice(
            request.GET.get("list"), field="list", choices=selectors.LISTS, default="households"
        ),
        "shown": params.choice(
            request.GET.get("show"), field="show", choices=selectors.SHOWN, default="behind"
        ),
        "order": params.choice(
            request.GET.get("sort"), field="sort", choices=selectors.ORDERS, default="place"
        ),
    }


@login_required
def compliance(request):
    """Visit compliance (走访达标) under a place for a month: figures, the places one level
    down, and a page of the households (or the helpers), behind or all, sorted."""
    code, within = _within(request)
    month = _month(request)
    chosen = _compliance_list(request)
    if params.download(request.GET, "xlsx"):
        return _compliance_download(request.user, within, month, chosen)
    previous, following = params.months_around(month)
    return render(
        request,
        "visits/compliance.html",
        {
            "within": within,
            "month": month,
            "previous": previous,
            "following": following,
            "places": place_filter_choices(request.user, code),
            "listed": selectors.compliance_page(
                request.user,
                within,
                month,
                page=params.page_number(request.GET.get("page")),
                **chosen,
            ),
            **chosen,
        },
    )


def _compliance_download(user, within, month, chosen: dict[str, str]) -> HttpResponse:
    """The whole list the page shows a page of, in the same order."""
    options = {"shown": chosen["shown"], "order": chosen["order"]}
    if chosen["listing"] == "helpers":
        return xlsx_response(
            f"helpers-{month:%Y-%m}",
            [_("Helper"), _("Households"), _("Met the minimum"), _("Behind"), _("Visits made")],
            (
                [row.helper.name, row.households, row.compliant, row.behind, row.own_visits]
                for row in selectors.all_helper_figures(user, within, month, **options)
            ),
        )
    return xlsx_response(
        f"{'overdue' if chosen['shown'] == 'behind' else 'households'}-{month:%Y-%m}",
        [
            _("Household number"),
            _("Place"),
            _("Home visits"),
            _("Expected"),
            _("Minimum"),
            _("Helpers"),
        ],
        (
            [
                entry.household.number,
                entry.household.region.name,
                entry.home_visits,
                entry.expected,
                entry.schedule.minimum,
                "、".join(entry.helpers),
            ]
            for entry in selectors.all_household_months(user, within, month, **options)
        ),
    )


@login_required
def helper_month(request, helper_id):
    """One helper's month at a glance: each day, its fixed day mark, the visits made. A
    helper's own month is kept on their phone for offline use."""
    helper = selectors.helper_for(request.user, helper_id)
    own = selectors.is_own(request.user, helper)
    month = _month(request)
    previous, following = params.months_around(month)
    days = selectors.helper_calendar(request.user, helper, month)
    response = render(
        request,
        "visits/helper_month.html",
        {
            "helper": helper,
            "month": month,
            "previous": previous,
            "following": following,
            "days": days,
            "made": sum(len(day.visits) for day in days),
            "week": [month + datetime.timedelta(days=i - month.weekday()) for i in range(7)],
            "lead": range(month.weekday()),
            "offline": _offline(request.user) if own else None,
        },
    )
    return kept_offline(response) if own else response


def flags_page(request, reads, template: str):
    """A month's flags under a place, a page at a time, with this month's counts by kind: for
    inspectors (``VIEW_FLAGS``). ``reads`` is the selectors that know the records flagged
    (``flags_in``, ``flag_counts``, ``flag_reason``, ``PAGE_SIZE``): visits' here, the teams'
    for check-ins."""
    require(request.user, Capability.VIEW_FLAGS)
    code, within = _within(request)
    month = _month(request)
    previous, following = params.months_around(month)
    page = Paginator(reads.flags_in(request.user, within, month), reads.PAGE_SIZE).get_page(
        params.page_number(request.GET.get("page"))
    )
    return render(
        request,
        template,
        {
            "within": within,
            "month": month,
            "previous": previous,
            "following": following,
            "places": place_filter_choices(request.user, code),
            "counts": reads.flag_counts(request.user, within, month),
            "page": page,
            "flags": [(flag, reads.flag_reason(flag)) for flag in page],
        },
    )


@login_required
def flags(request):
    """Visits that may not be what they claim, with why (for inspectors)."""
    return flags_page(request, selectors, "visits/flags.html")


@login_required
def problems(request):
    """The follow-ups not yet solved under a place (待解决问题), oldest first; each is solved
    on its household's page."""
    code, within = _within(request)
    rows = selectors.open_problems(request.user, within)
    if params.download(request.GET, "xlsx"):
        return xlsx_response(
            _("Open follow-ups"),
            [_("Household number"), _("Place"), _("Problem"), _("Found on"), _("Helper")],
            (
                [
                    problem.household.number,
                    problem.region.name,
                    problem.description,
                    problem.found_on,
                    problem.visit.helper.name,
                ]
                for problem in rows.iterator(chunk_size=2000)
            ),
        )
    return render(
        request,
        "visits/problems.html",
        {
            "within": within,
            "places": place_filter_choices(request.user, code),
            "page": Paginator(rows, selectors.PAGE_SIZE).get_page(
                params.page_number(request.GET.get("page"))
            ),
        },
    )


@login_required
def fixed_days(request, code):
    """The fixed assistance days of a month at a place (帮扶日), holidays moved as its rule says."""
    region = region_for(request.user, code)
    month = _month(request)
    previous, following = params.months_around(month)
    return render(
        request,
        "visits/fixed_days.html",
        {
            "region": region,
            "month": month,
            "previous": previous,
            "following": following,
            "schedule": month_schedule(region.code, month),
        },
    )
