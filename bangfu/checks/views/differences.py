"""Pages of the differences and problem lists: the list by place and filters (and its
.xlsx), a difference with both values and its classifying and closing forms, the problem
lists."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core import params
from bangfu.core.forms import attempt
from bangfu.core.selectors import place_filter_choices, region_for
from bangfu.core.tables import xlsx_response

from .. import services
from ..forms import ClassifyForm, CloseForm
from ..models import DifferenceClass, DifferenceKind, DifferenceState
from ..selectors import differences as selectors


def _source(difference) -> str:
    if difference.problem_list_id:
        return difference.problem_list.file_name
    return f"{difference.snapshot.month:%Y-%m}" if difference.snapshot_id else ""


@login_required
def difference_list(request, code=None):
    """Differences from the national system and problems listed from above (差异清单) under
    a place (the address's, from a place page, or the filter's), by state, classification,
    kind, field, snapshot or problem list."""
    code = code or params.place(request.GET.get("place"))
    within = region_for(request.user, code) if code else None
    filters = selectors.DifferenceFilters.read(request.GET)
    rows = selectors.differences(request.user, within, filters)
    if params.download(request.GET, "xlsx"):
        return xlsx_response(
            f"{_('Differences from the national system')}-{timezone.localdate():%Y-%m-%d}",
            [
                _("Place"),
                _("Household number"),
                _("Member"),
                _("Field"),
                _("Kind"),
                _("National system"),
                _("Handbook"),
                _("Problem"),
                _("Found on"),
                _("Snapshot or problem list"),
                _("Classification"),
                _("State"),
                _("Closed on"),
                _("Reason"),
            ],
            (
                [
                    d.region.name,
                    d.household_number,
                    d.member_name,
                    d.field_name,
                    d.get_kind_display(),
                    d.system_value,
                    d.handbook_value,
                    d.problem,
                    d.found_on,
                    _source(d),
                    d.get_classification_display(),
                    d.get_state_display(),
                    d.closed_on,
                    d.close_reason,
                ]
                for d in rows.iterator(chunk_size=2000)
            ),
        )
    page = Paginator(rows, 50).get_page(params.page_number(request.GET.get("page")))
    return render(
        request,
        "checks/difference_list.html",
        {
            "within": within,
            "places": place_filter_choices(request.user, code),
            "filters": filters,
            "states": DifferenceState.choices,
            "classes": [(v, label) for v, label in DifferenceClass.choices if v],
            "unclassified": selectors.UNCLASSIFIED,
            "kinds": DifferenceKind.choices,
            "snapshots": selectors.snapshot_choices(request.user),
            "problem_lists": selectors.problem_list_choices(request.user),
            "page": page,
        },
    )


def _page(request, difference, classify=None, close=None, status=200):
    return render(
        request,
        "checks/difference.html",
        {
            **selectors.difference_page(request.user, difference),
            "classify_form": classify
            or ClassifyForm(initial={"classification": difference.classification or None}),
            "close_form": close or CloseForm(),
        },
        status=status,
    )


@login_required
def difference_detail(request, difference_id):
    return _page(request, selectors.difference_for(request.user, difference_id))


@login_required
def difference_classify(request, difference_id):
    difference = selectors.difference_for(request.user, difference_id)
    if request.method != "POST":
        return redirect("checks:difference", difference_id=difference.pk)
    form = ClassifyForm(request.POST)
    done = attempt(
        form,
        lambda: services.difference_classify(
            actor=request.user,
            difference_id=difference.pk,
            classification=form.cleaned_data["classification"],
        ),
    )
    if done:
        messages.success(request, _("The difference is classified."))
        return redirect("checks:difference", difference_id=difference.pk)
    return _page(request, difference, classify=form, status=400)


@login_required
def difference_close(request, difference_id):
    difference = selectors.difference_for(request.user, difference_id)
    if request.method != "POST":
        return redirect("checks:difference", difference_id=difference.pk)
    form = CloseForm(request.POST)
    done = attempt(
        form,
        lambda: services.difference_close(
            actor=request.user, difference_id=difference.pk, reason=form.cleaned_data["reason"]
        ),
    )
    if done:
        messages.success(request, _("The difference is closed."))
        return redirect("checks:difference", difference_id=difference.pk)
    return _page(request, difference, close=form, status=400)


@login_required
def problem_lists(request):
    """The problem data lists (问题数据清单) with differences in the reader's places."""
    page = Paginator(selectors.problem_lists(request.user), 50).get_page(
        params.page_number(request.GET.get("page"))
    )
    return render(request, "checks/problem_lists.html", {"page": page})
