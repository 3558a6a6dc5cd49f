from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bangfu.core import params
from bangfu.core.capabilities import Capability, require
from bangfu.core.errors import DomainError
from bangfu.core.forms import attempt
from bangfu.core.selectors import place_filter_choices, region_for
from bangfu.registry.selectors import household_for

from . import selectors, services
from .forms import (
    EndForm,
    HandoverForm,
    HelperForm,
    PairForm,
    ResponsibilityForm,
    TransferForm,
    UnitForm,
    helper_labels,
)


def household_section(user, household) -> dict:
    """The household page's "who answers for this household" (registered in ``apps``): the
    selector's context, and for a person who pairs, a hand-over form for each current
    pairing (its fields named apart, several stand on one page)."""
    section = selectors.household_section(user, household)
    helpers = helper_labels(user) if section["may_pair"] else []
    section["rows"] = [
        (
            pairing,
            HandoverForm(
                helpers=helpers, leaving=pairing.helper_id, auto_id=f"handover-{pairing.pk}-%s"
            )
            if section["may_pair"] and not pairing.ended_on
            else None,
        )
        for pairing in section["pairings"]
    ]
    return section


@login_required
def coverage(request):
    """Coverage under a place (帮扶覆盖率) and the households still without a helper."""
    code = params.place(request.GET.get("place"))
    within = region_for(request.user, code) if code else None
    return render(
        request,
        "pairing/coverage.html",
        {
            "within": within,
            "places": place_filter_choices(request.user, code),
            "coverage": selectors.coverage(request.user, within),
            "unpaired": selectors.unpaired_households(request.user, within).select_related(
                "region"
            )[:200],
            "idle": selectors.helpers_without_households(request.user, within)[:200],
            "over": selectors.helpers_over_cap(request.user, within),
        },
    )


@login_required
def pair(request, household_id):
    require(request.user, Capability.MANAGE_PAIRING)
    household = household_for(request.user, household_id)
    form = PairForm(request.POST or None, user=request.user)

    def start():
        return services.pairing_start(
            actor=request.user,
            household_id=household.pk,
            helper_id=int(form.cleaned_data["helper"]),
            is_main=form.cleaned_data["is_main"],
            started_on=form.cleaned_data["started_on"],
        )

    if request.method == "POST" and attempt(form, start):
        messages.success(request, _("The household is paired."))
        return redirect("registry:household_detail", household_id=household.pk)
    return render(
        request,
        "pairing/pair.html",
        {"form": form, "household": household},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def end(request, pairing_id):
    pairing = selectors.pairing_for(request.user, pairing_id)
    form = EndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for ending."))
    else:
        try:
            services.pairing_end(
                actor=request.user,
                pairing_id=pairing.pk,
                ended_on=timezone.localdate(),
                reason=form.cleaned_data["reason"],
            )
        except DomainError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("The pairing ended; it stays on the record."))
    return redirect("registry:household_detail", household_id=pairing.household_id)


@login_required
@require_POST
def handover(request, pairing_id):
    """Hand one household from its helper to another in one step; the history stays."""
    pairing = selectors.pairing_for(request.user, pairing_id)
    form = HandoverForm(request.POST, helpers=helper_labels(request.user))

    def hand_over():
        return services.pairing_handover(
            actor=request.user, pairing_id=pairing.pk, **form.cleaned_data
        )

    done = attempt(form, hand_over)
    if done:
        messages.success(
            request,
            _("The household is now %(name)s's; the former pairing stays on record.")
            % {"name": done.result.helper.name},
        )
    else:
        messages.error(
            request,
            " ".join(str(error) for errors in form.errors.values() for error in errors)
            or _("Choose the helper who takes the household, the day and the reason."),
        )
    return redirect("registry:household_detail", household_id=pairing.household_id)


@login_required
def units(request):
    """The units that help (帮扶单位), and a new one."""
    form = UnitForm(request.POST or None, user=request.user)
    if request.method == "POST":
        require(request.user, Capability.MANAGE_PAIRING)
        if attempt(form, lambda: services.unit_create(actor=request.user, **form.cleaned_data)):
            messages.success(request, _("The unit was registered."))
            return redirect("pairing:units")
    return render(
        request,
        "pairing/units.html",
        {"form": form, "units": selectors.units_of(request.user)},
        status=400 if form.errors else 200,
    )


@login_required
def unit_edit(request, unit_id):
    """Correct a unit's name, kind, level or credit code."""
    unit = selectors.unit_for(request.user, unit_id)
    return _edit(
        request,
        unit,
        UnitForm,
        lambda data: services.unit_update(actor=request.user, unit_id=unit.pk, **data),
        _("The unit stays at %(place)s, with its helpers.") % {"place": unit.region.name},
        "pairing:units",
    )


def _edit(request, record, form_class, update, note: str, back: str):
    """The page that corrects a unit or a helper: its form filled from the record, saved
    through ``update`` (the audited service), then back to the list."""
    # The fields are named as the record's attributes; the sealed ID number is not one, so
    # it is never filled in.
    fields = [name for name in form_class.base_fields if hasattr(record, name)]
    initial = {name: getattr(record, name) for name in fields}
    form = form_class(request.POST or None, user=request.user, editing=True, initial=initial)
    if request.method == "POST":
        require(request.user, Capability.MANAGE_PAIRING)
        if attempt(form, lambda: update(form.cleaned_data)):
            messages.success(request, _("%(name)s's details were saved.") % {"name": record.name})
            return redirect(back)
    return render(
        request,
        "pairing/edit.html",
        {"record": record, "form": form, "note": note, "back": back},
        status=400 if form.errors else 200,
    )


@login_required
def helpers(request):
    """The helpers (帮扶干部) with how many households each helps, and a new one."""
    form = HelperForm(request.POST or None, user=request.user)
    if request.method == "POST":
        require(request.user, Capability.MANAGE_PAIRING)
        if attempt(form, lambda: services.helper_create(actor=request.user, **form.cleaned_data)):
            messages.success(request, _("The helper was registered."))
            return redirect("pairing:helpers")
    return render(
        request,
        "pairing/helpers.html",
        {
            "form": form,
            "helpers": selectors.helpers_of(request.user),
            "transfer_form": TransferForm(user=request.user),
        },
        status=400 if form.errors else 200,
    )


@login_required
def helper_edit(request, helper_id):
    """Correct a helper's details: a new phone number, another unit, a name typed wrong."""
    helper = selectors.helper_for(request.user, helper_id)
    return _edit(
        request,
        helper,
        HelperForm,
        lambda data: services.helper_update(actor=request.user, helper_id=helper.pk, **data),
        _(
            "Their households stay theirs; to give them to someone else, use “Hand over” on "
            "the list of helpers."
        ),
        "pairing:helpers",
    )


@login_required
@require_POST
def transfer(request, helper_id):
    """Hand all a helper's households to another in one step (调整帮扶责任人)."""
    helper = selectors.helper_for(request.user, helper_id)
    form = TransferForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose the helper who takes the households, and the reason."))
        return redirect("pairing:helpers")
    try:
        moved = services.helper_transfer(
            actor=request.user,
            from_helper_id=helper.pk,
            to_helper_id=int(form.cleaned_data["to_helper_id"]),
            on=timezone.localdate(),
            reason=form.cleaned_data["reason"],
        )
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            _("%(n)d households were handed over; the old pairings stay on record.")
            % {"n": len(moved)},
        )
    return redirect("pairing:helpers")


@login_required
def chain(request, code):
    """Who answers for a village's households, level by level (7+1 责任链), set once here."""
    region = region_for(request.user, code)
    form = ResponsibilityForm(request.POST or None)
    if request.method == "POST":
        require(request.user, Capability.MANAGE_PAIRING)
        if form.is_valid():
            try:
                services.responsibility_set(
                    actor=request.user, region_code=region.code, **form.cleaned_data
                )
            except DomainError as refusal:
                messages.error(request, refusal.message)
            else:
                messages.success(request, _("Saved."))
                return redirect("pairing:chain", code=region.code)
    return render(
        request,
        "pairing/chain.html",
        {"region": region, "chain": selectors.chain_at(region), "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def leave(request, helper_id):
    """Record that a helper with no households left has left their post."""
    helper = selectors.helper_for(request.user, helper_id)
    try:
        services.helper_leave(actor=request.user, helper_id=helper.pk, left_on=timezone.localdate())
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("%(name)s is recorded as left.") % {"name": helper.name})
    return redirect("pairing:helpers")
