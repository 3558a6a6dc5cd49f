"""The pages of inspection rounds (月度督查): the list with its filters and download, planning
and changing a round, a round with its sample, its draws and the buttons to draw, draw again
(with a reason) and close it, and the check of a draw against its seed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core import params
from bangfu.core.capabilities import Capability, require
from bangfu.core.errors import DomainError, NotPermitted
from bangfu.core.forms import attempt
from bangfu.core.selectors import place_filter_choices, region_for
from bangfu.core.tables import xlsx_response

from .. import selectors, services
from ..forms.rounds import SIZE_LABELS, RedrawForm, RoundForm
from ..models import InspectionRound, RoundState
from ..services.rounds import WANTED, methods_of, sizes_of

PER_PAGE = 50


def _month(raw: str | None):
    """``?month=2026-11``; nothing given is every month."""
    return params.month(raw) if (raw or "").strip() else None


@login_required
def rounds(request):
    """The inspection rounds of the reader's places (or under one), by month and state."""
    code = params.place(request.GET.get("place"))
    within = region_for(request.user, code) if code else None
    month = _month(request.GET.get("month"))
    state = params.choice(request.GET.get("state"), field="state", choices=RoundState.values)
    rows = selectors.rounds_of(request.user, within=code or None, month=month, state=state)
    if params.download(request.GET, "xlsx"):
        return xlsx_response(
            _("Inspection rounds"),
            [
                _("Month"),
                _("Place"),
                _("Title"),
                _("Methods"),
                _("Inspection group"),
                *[str(label) for label in SIZE_LABELS.values()],
                _("Township by township"),
                _("State"),
                _("Draws"),
            ],
            (
                [
                    f"{row.month:%Y-%m}",
                    row.region.name,
                    row.title,
                    "、".join(label for _value, label in methods_of(row)),
                    "、".join(str(person) for person in row.inspectors.all()),
                    *sizes_of(row).values(),
                    _("Yes") if row.stratified else _("No"),
                    row.get_state_display(),
                    row.draw_count,
                ]
                for row in rows.prefetch_related("inspectors")
            ),
        )
    page = Paginator(rows, PER_PAGE).get_page(params.page_number(request.GET.get("page")))
    return render(
        request,
        "supervision/rounds.html",
        {
            "within": within,
            "places": place_filter_choices(request.user, code),
            "month": month,
            "state": state,
            "states": RoundState.choices,
            "page": page,
            "may_plan": request.user.has_capability(Capability.INSPECT),
        },
    )


@login_required
def round_plan(request):
    """Plan a month's inspection round."""
    require(request.user, Capability.INSPECT)
    form = RoundForm(
        request.POST or None,
        user=request.user,
        initial={"month": f"{timezone.localdate():%Y-%m}"},
    )

    def plan() -> InspectionRound:
        return services.round_plan(
            actor=request.user,
            region_code=form.cleaned_data["region_code"],
            month=form.cleaned_data["month"],
            **form.details(),
        )

    done = attempt(form, plan) if request.method == "POST" else None
    if done:
        messages.success(request, _("The inspection round is planned."))
        return redirect("supervision:round", round_id=done.result.pk)
    return render(
        request,
        "supervision/rounds_form.html",
        {"form": form, "inspection": None},
        status=400 if form.errors else 200,
    )


@login_required
def round_edit(request, round_id):
    """Change a round's details until its sample is drawn."""
    inspection = selectors.round_for(request.user, round_id)
    if not selectors.round_actions(request.user, inspection)["edit"]:
        raise NotPermitted()
    initial = {
        "title": inspection.title,
        "methods": inspection.methods.split(","),
        "inspectors": [person.pk for person in inspection.inspectors.all()],
        "stratified": inspection.stratified,
        "notes": inspection.notes,
        **{field: getattr(inspection, field) for field in WANTED.values()},
    }
    form = RoundForm(request.POST or None, user=request.user, with_place=False, initial=initial)

    def change() -> InspectionRound:
        return services.round_update(actor=request.user, round_id=inspection.pk, **form.details())

    if request.method == "POST" and attempt(form, change):
        messages.success(request, _("The inspection round is changed."))
        return redirect("supervision:round", round_id=inspection.pk)
    return render(
        request,
        "supervision/rounds_form.html",
        {"form": form, "inspection": inspection},
        status=400 if form.errors else 200,
    )


@login_required
def round_detail(request, round_id):
    """A round: its group, methods, sizes, its sample and its draws, and what the reader may
    do."""
    detail = selectors.round_detail(request.user, round_id)
    redraw = RedrawForm() if detail["may"]["redraw"] else None
    return render(request, "supervision/rounds_detail.html", detail | {"redraw_form": redraw})


def _post(request, round_id, action, done: str):
    """A button of the round's page: the service called; a refusal said above the page."""
    inspection = selectors.round_for(request.user, round_id)
    if request.method == "POST":
        try:
            action(inspection)
        except DomainError as refusal:
            messages.error(request, str(refusal.message))
        else:
            messages.success(request, done)
    return redirect("supervision:round", round_id=inspection.pk)


@login_required
def round_draw(request, round_id):
    return _post(
        request,
        round_id,
        lambda inspection: services.sample_draw(actor=request.user, round_id=inspection.pk),
        _("The sample is drawn; its seed is kept with it."),
    )


@login_required
def round_close(request, round_id):
    return _post(
        request,
        round_id,
        lambda inspection: services.round_close(actor=request.user, round_id=inspection.pk),
        _("The inspection round is closed."),
    )


@login_required
def round_redraw(request, round_id):
    """Draw the sample again, for a reason (a form of its own when refused)."""
    inspection = selectors.round_for(request.user, round_id)
    form = RedrawForm(request.POST or None)

    def redraw():
        return services.sample_redraw(
            actor=request.user, round_id=inspection.pk, reason=form.cleaned_data["reason"]
        )

    if request.method == "POST" and attempt(form, redraw):
        messages.success(request, _("The sample is drawn again from a new seed."))
        return redirect("supervision:round", round_id=inspection.pk)
    return render(
        request,
        "supervision/rounds_redraw.html",
        {"form": form, "inspection": inspection},
        status=400 if form.errors else 200,
    )


@login_required
def round_verify(request, round_id):
    """The round's current draw drawn again from its seed and the records it drew from:
    whether it picks the same, and which records came or went since."""
    inspection = selectors.round_for(request.user, round_id)
    check = selectors.sample_verify(request.user, inspection.pk)
    return render(
        request, "supervision/rounds_verify.html", {"inspection": inspection, "check": check}
    )
