import dataclasses
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from bangfu.core import params
from bangfu.core.errors import DomainError, NotPermitted
from bangfu.core.forms import attempt
from bangfu.core.selectors import place_filter_choices, region_for
from bangfu.pairing.selectors import is_paired_now
from bangfu.registry.selectors import household_for
from bangfu.visits.offline import helper_offline, kept_offline

from . import selectors, services
from .forms import AcknowledgementForm, EffectForm, MeasureForm

ACKNOWLEDGEMENTS_QUEUE = "bangfu-acknowledgements"  # the phone's IndexedDB database unsent


def _offline(user) -> dict:
    return helper_offline(
        user,
        worker="plans:service_worker",
        queue=ACKNOWLEDGEMENTS_QUEUE,
        waiting=_("Acknowledgements waiting on this phone:"),
    )


def _writable(request, household):
    if not selectors.may_write(request.user, household):
        raise NotPermitted()


@login_required
def plan(request, household_id):
    """A household's plan (一户一策): its measures and each year's effect."""
    household = household_for(request.user, household_id)
    return render(request, "plans/plan.html", selectors.plan_of(request.user, household))


def _measure_page(request, household, form, measure=None):
    return render(
        request,
        "plans/measure_form.html",
        {"form": form, "household": household, "measure": measure},
        status=400 if form.errors else 200,
    )


@login_required
def measure_add(request, household_id):
    household = household_for(request.user, household_id)
    _writable(request, household)
    today = timezone.localdate()
    form = MeasureForm(
        request.POST or None,
        helpers=selectors.helper_choices(household),
        initial={"starts_on": today, "due_on": today},
    )

    def add():
        return services.measure_add(
            actor=request.user,
            household_id=household.pk,
            measure=services.MeasureInput(**form.cleaned_data),
        )

    if request.method == "POST" and attempt(form, add):
        messages.success(request, _("The measure is on the household's plan."))
        return redirect("plans:plan", household_id=household.pk)
    return _measure_page(request, household, form)


@login_required
def measure_edit(request, measure_id):
    measure = selectors.measure_for(request.user, measure_id)
    household = household_for(request.user, measure.household_id)
    _writable(request, household)
    now = services.MeasureInput(
        kind=measure.kind.value,
        content=measure.content,
        starts_on=measure.starts_on,
        due_on=measure.due_on,
        amount=measure.amount,
        responsible_helper_id=measure.responsible_helper_id,
        responsible_name=measure.responsible_name,
        status=measure.status,
    )
    form = MeasureForm(
        request.POST or None,
        helpers=selectors.helper_choices(household),
        initial=dataclasses.asdict(now),
    )

    def change():
        return services.measure_update(
            actor=request.user,
            measure_id=measure.pk,
            measure=services.MeasureInput(**form.cleaned_data),
        )

    if request.method == "POST" and attempt(form, change):
        messages.success(request, _("The measure is changed."))
        return redirect("plans:plan", household_id=household.pk)
    return _measure_page(request, household, form, measure)


@login_required
def effect_record(request, household_id):
    household = household_for(request.user, household_id)
    _writable(request, household)
    form = EffectForm(request.POST or None, initial={"year": timezone.localdate().year})

    def record():
        return services.effect_record(
            actor=request.user, household_id=household.pk, **form.cleaned_data
        )

    if request.method == "POST" and attempt(form, record):
        messages.success(request, _("The plan's effect is recorded."))
        return redirect("plans:plan", household_id=household.pk)
    return render(
        request,
        "plans/effect_form.html",
        {"form": form, "household": household},
        status=400 if form.errors else 200,
    )


@login_required
def overdue(request, code=None):
    """Measures past due and not done under a place (逾期措施): the place in the address (a
    place page's link) or chosen in the filter."""
    code = code or params.place(request.GET.get("place"))
    within = region_for(request.user, code) if code else None
    page = Paginator(selectors.overdue_measures(request.user, within), 50).get_page(
        params.page_number(request.GET.get("page"))
    )
    return render(
        request,
        "plans/overdue.html",
        {
            "within": within,
            "places": place_filter_choices(request.user, code),
            "page": page,
            "today": timezone.localdate(),
        },
    )


@login_required
@never_cache
def acknowledge(request, household_id):
    """The household signs its plan on the helper's phone (户主签字确认): on the screen, or
    on paper photographed. The page's script saves it on the phone and sends it to the API
    (offline too); without the script the form posts here."""
    household = household_for(request.user, household_id)
    _writable(request, household)
    form = AcknowledgementForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "client_id": uuid.uuid4(),
            "kind": "signature",
            "signed_by": selectors.head_name(household),
        },
    )

    def add():
        upload = form.cleaned_data["image"]
        if upload is None:
            raise DomainError(
                _("Have the household sign on the screen, or take a photo of the signed paper."),
                code="no_signature",
                field="image",
            )
        return services.acknowledgement_add(
            actor=request.user,
            household_id=household.pk,
            client_id=form.cleaned_data["client_id"],
            kind=form.cleaned_data["kind"],
            signed_by=form.cleaned_data["signed_by"],
            content=upload.read(),
            name=upload.name or "",
        )

    if request.method == "POST" and attempt(form, add):
        messages.success(request, _("The household's acknowledgement is recorded."))
        return redirect("plans:plan", household_id=household.pk)
    # The household's own helper's phone keeps the page for signing offline; an office's
    # view of it is not kept.
    own = is_paired_now(request.user, household.pk)
    response = render(
        request,
        "plans/acknowledge.html",
        {
            "form": form,
            "household": household,
            "measures": selectors.measures_of(household),
            "queue": ACKNOWLEDGEMENTS_QUEUE,
            "offline": _offline(request.user) if own else None,
        },
        status=400 if form.errors else 200,
    )
    return kept_offline(response) if own and not form.errors else response


@login_required
def acknowledgement_image(request, acknowledgement_id):
    record = selectors.acknowledgement_for(request.user, acknowledgement_id)
    return FileResponse(record.image.open("rb"), content_type="image/jpeg")
