from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bangfu.core import params
from bangfu.core.capabilities import Capability, require
from bangfu.core.errors import DomainError
from bangfu.core.forms import Done, attempt, show_refusal

from . import selectors, services
from .columns import columns
from .forms import (
    HeadForm,
    HouseholdFilterForm,
    HouseholdForm,
    HouseholdMergeForm,
    HouseholdSplitForm,
    IncomeForm,
    MemberForm,
    MemberLeaveForm,
    MemberMoveForm,
    StatusForm,
)
from .sections import sections_for


@login_required
def household_list(request):
    form = HouseholdFilterForm(request.GET or None, user=request.user)
    chosen = (
        attempt(form, lambda: selectors.HouseholdFilters(**form.cleaned_data))
        if form.is_bound
        else Done(selectors.HouseholdFilters())
    )
    # Filters that cannot be read list nothing (with the reason on the form), not everything.
    page = selectors.household_page(
        request.user, chosen.result if chosen else None, params.page_number(request.GET.get("page"))
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "registry/household_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "columns": columns()},
        status=200 if chosen else 400,
    )


def _household_context(request, household, *, revealed=False, status_form=None, income_form=None):
    mask = selectors.id_mask_for(request.user)
    members = list(selectors.members_of(household))
    shown = (
        services.id_numbers_revealed(actor=request.user, household_id=household.pk)
        if revealed
        else {m.pk: selectors.shown_id(m, mask) for m in members}
    )
    return {
        "household": household,
        "members": [(member, shown[member.pk]) for member in members],
        "history": selectors.history_of(household),
        "may_reveal": mask.full and not revealed,
        "bank_account": selectors.shown_bank_account(household, mask),
        "status_form": status_form or StatusForm(),
        "incomes": selectors.incomes_of(household),
        "moves": selectors.moves_of(request.user, household),
        "former_members": selectors.former_members_of(household),
        "income_form": income_form or IncomeForm(),
        "sections": sections_for(request.user, household),
    }


@login_required
def household_detail(request, household_id):
    household = selectors.household_for(request.user, household_id)
    return render(request, "registry/household_detail.html", _household_context(request, household))


@login_required
@require_POST
def household_reveal(request, household_id):
    """The household page with full ID numbers, for those allowed; each reveal is audited."""
    household = selectors.household_for(request.user, household_id)
    return render(
        request,
        "registry/household_detail.html",
        _household_context(request, household, revealed=True),
    )


@login_required
def household_create(request):
    require(request.user, Capability.EDIT_REGISTRY)
    form = HouseholdForm(request.POST or None, user=request.user)
    head = HeadForm(request.POST or None)
    status = StatusForm(request.POST or None, prefix="status")
    forms = {"household": form, "head": head, "status": status}
    if request.method == "POST" and all(f.is_valid() for f in forms.values()):
        try:
            household = services.household_register(
                actor=request.user,
                household=form.as_input(),
                members=[head.as_input()],
                status=status.as_input(),
            )
        except DomainError as refusal:
            _show_on(forms, refusal)
        else:
            messages.success(request, _("Household %(number)s registered.") % {"number": household})
            return redirect("registry:household_detail", household_id=household.pk)
    return render(request, "registry/household_form.html", {"forms": forms, "creating": True})


def _show_on(forms, refusal: DomainError) -> None:
    """Put a refusal on the form it names: ``members.0.id_number`` belongs to the head's."""
    field = refusal.field or ""
    if field.startswith("members."):
        refusal.field = field.split(".", 2)[2]
        show_refusal(forms["head"], refusal)
    elif field in ("status", "effective_on", "reason", "monitoring_type", "risk_types"):
        show_refusal(forms["status"], refusal)
    else:
        show_refusal(forms["household"], refusal)


@login_required
def household_edit(request, household_id):
    require(request.user, Capability.EDIT_REGISTRY)
    household = selectors.household_for(request.user, household_id)
    form = HouseholdForm(
        request.POST or None, user=request.user, initial=selectors.household_initial(household)
    )

    def update():
        return services.household_update(
            actor=request.user, household_id=household.pk, household=form.as_input()
        )

    if request.method == "POST" and attempt(form, update):
        messages.success(request, _("Household %(number)s saved.") % {"number": household})
        return redirect("registry:household_detail", household_id=household.pk)
    return render(
        request,
        "registry/household_form.html",
        {"forms": {"household": form}, "household": household},
    )


def _household_page_post(request, household_id, form_class, write, done, form_name):
    """A form posted from the household page: done, back to the page; refused, the page again
    with the form and its errors (400)."""
    household = selectors.household_for(request.user, household_id)
    form = form_class(request.POST)
    if attempt(form, lambda: write(household, form.as_input())):
        messages.success(request, done)
        return redirect("registry:household_detail", household_id=household.pk)
    context = _household_context(request, household, **{form_name: form})
    return render(request, "registry/household_detail.html", context, status=400)


@login_required
@require_POST
def household_status(request, household_id):
    return _household_page_post(
        request,
        household_id,
        StatusForm,
        lambda household, change: services.household_status_change(
            actor=request.user, household_id=household.pk, change=change
        ),
        _("The status change was recorded."),
        "status_form",
    )


@login_required
@require_POST
def household_income(request, household_id):
    return _household_page_post(
        request,
        household_id,
        IncomeForm,
        lambda household, income: services.income_record(
            actor=request.user, household_id=household.pk, income=income
        ),
        _("The income was recorded."),
        "income_form",
    )


@login_required
def member_create(request, household_id):
    require(request.user, Capability.EDIT_REGISTRY)
    household = selectors.household_for(request.user, household_id)
    form = MemberForm(request.POST or None)

    def add():
        return services.member_add(
            actor=request.user, household_id=household.pk, member=form.as_input()
        )

    if request.method == "POST" and attempt(form, add):
        messages.success(request, _("Member added."))
        return redirect("registry:household_detail", household_id=household.pk)
    return render(request, "registry/member_form.html", {"form": form, "household": household})


def _target_household(request, form, field: str):
    target = selectors.household_by_number(request.user, form.cleaned_data[field])
    if target is None:
        form.add_error(field, _("No open household with this number among your places."))
    return target


@login_required
def member_move(request, household_id, member_id):
    require(request.user, Capability.EDIT_REGISTRY)
    household = selectors.household_for(request.user, household_id)
    member = selectors.member_of(household, member_id)
    form = MemberMoveForm(request.POST or None)

    def move(target):
        return services.member_move(
            actor=request.user,
            member_id=member.pk,
            to_household_id=target.pk,
            relation=form.cleaned_data["relation"],
            effective_on=form.cleaned_data["effective_on"],
            reason=form.cleaned_data["reason"],
        )

    if request.method == "POST" and form.is_valid():
        target = _target_household(request, form, "to_number")
        if target is not None and attempt(form, lambda: move(target)):
            messages.success(request, _("%(name)s moved.") % {"name": member.name})
            return redirect("registry:household_detail", household_id=target.pk)
    title = _("Move %(name)s to another household") % {"name": member.name}
    return render(
        request,
        "registry/reorganise.html",
        {"form": form, "household": household, "title": title},
    )


@login_required
def household_split(request, household_id):
    require(request.user, Capability.EDIT_REGISTRY)
    household = selectors.household_for(request.user, household_id)
    form = HouseholdSplitForm(
        request.POST or None,
        user=request.user,
        members=selectors.members_of(household),
        initial={"region_code": household.region_id},
    )

    def split():
        data = form.cleaned_data
        new_household = services.HouseholdInput(
            **{
                **selectors.household_initial(household),
                "number": data["number"],
                "region_code": data["region_code"],
            }
        )
        return services.household_split(
            actor=request.user,
            household_id=household.pk,
            household=new_household,
            relocations=form.relocations(),
            effective_on=data["effective_on"],
            reason=data["reason"],
        )

    if request.method == "POST" and (done := attempt(form, split)):
        new = done.result
        messages.success(request, _("Household %(number)s registered.") % {"number": new})
        return redirect("registry:household_detail", household_id=new.pk)
    title = _("Split a new household off %(number)s") % {"number": household.number}
    return render(
        request,
        "registry/reorganise.html",
        {"form": form, "household": household, "title": title},
    )


@login_required
def household_merge(request, household_id):
    require(request.user, Capability.EDIT_REGISTRY)
    household = selectors.household_for(request.user, household_id)
    form = HouseholdMergeForm(request.POST or None, members=selectors.members_of(household))

    def merge(target):
        return services.household_merge(
            actor=request.user,
            from_household_id=household.pk,
            into_household_id=target.pk,
            relocations=form.relocations(),
            effective_on=form.cleaned_data["effective_on"],
            reason=form.cleaned_data["reason"],
        )

    if request.method == "POST" and form.is_valid():
        target = _target_household(request, form, "into_number")
        if target is not None and attempt(form, lambda: merge(target)):
            messages.success(request, _("Households merged."))
            return redirect("registry:household_detail", household_id=target.pk)
    title = _("Merge %(number)s into another household") % {"number": household.number}
    return render(
        request,
        "registry/reorganise.html",
        {"form": form, "household": household, "title": title},
    )


@login_required
def member_edit(request, household_id, member_id):
    require(request.user, Capability.EDIT_REGISTRY)
    household = selectors.household_for(request.user, household_id)
    member = selectors.member_of(household, member_id)
    form = MemberForm(request.POST or None, initial=selectors.member_initial(member))

    def update():
        return services.member_update(
            actor=request.user, member_id=member.pk, member=form.as_input()
        )

    if request.method == "POST" and attempt(form, update):
        messages.success(request, _("%(name)s saved.") % {"name": member.name})
        return redirect("registry:household_detail", household_id=household.pk)
    return render(
        request,
        "registry/member_form.html",
        {"form": form, "household": household, "member": member},
    )


@login_required
def member_leave(request, household_id, member_id):
    require(request.user, Capability.EDIT_REGISTRY)
    household = selectors.household_for(request.user, household_id)
    member = selectors.member_of(household, member_id)
    form = MemberLeaveForm(request.POST or None)

    def leave():
        return services.member_leave(
            actor=request.user,
            member_id=member.pk,
            left_on=form.cleaned_data["left_on"],
            reason=form.cleaned_data["reason"],
        )

    if request.method == "POST" and attempt(form, leave):
        messages.success(request, _("%(name)s saved.") % {"name": member.name})
        return redirect("registry:household_detail", household_id=household.pk)
    title = _("%(name)s leaves the household") % {"name": member.name}
    return render(
        request,
        "registry/reorganise.html",
        {"form": form, "household": household, "title": title},
    )
