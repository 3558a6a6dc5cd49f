"""Health assistance on pages: a member's contracts and check-ups (with the forms that
record them), the members without a valid contract on a day, and the check-up rate."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core import params
from bangfu.core.forms import attempt
from bangfu.core.selectors import place_filter_choices, region_for, top_places
from bangfu.core.tables import xlsx_response

from . import selectors, services
from .forms import CheckUpForm, ContractForm
from .params import day_param, year_param


@login_required
def member(request, member_id):
    """A member's family-doctor contracts (renewals kept) and check-ups, and for those who
    record health the forms to add either."""
    person = selectors.member_for(request.user, member_id)
    may_record = selectors.may_record(request.user)
    which = request.POST.get("which") if request.method == "POST" else None
    contract_form = ContractForm(request.POST if which == "contract" else None)
    checkup_form = CheckUpForm(request.POST if which == "checkup" else None)

    def sign():
        data = contract_form.cleaned_data
        return services.contract_sign(
            actor=request.user,
            member_id=person.pk,
            contract=services.ContractInput(**data),
        )

    def record():
        data = checkup_form.cleaned_data
        return services.checkup_record(
            actor=request.user, member_id=person.pk, checkup=services.CheckUpInput(**data)
        )

    if which == "contract" and attempt(contract_form, sign):
        messages.success(request, _("The contract was recorded."))
        return redirect("health:member", member_id=person.pk)
    if which == "checkup" and attempt(checkup_form, record):
        messages.success(request, _("The check-up was recorded."))
        return redirect("health:member", member_id=person.pk)
    if request.method == "POST" and which not in ("contract", "checkup"):
        raise Http404
    failed = contract_form.errors or checkup_form.errors
    return render(
        request,
        "health/member.html",
        {
            "person": person,
            "contracts": selectors.contracts_of(person),
            "checkups": selectors.checkups_of(person),
            "today": timezone.localdate(),
            "contract_form": contract_form if may_record else None,
            "checkup_form": checkup_form if may_record else None,
        },
        status=400 if failed else 200,
    )


@login_required
def uncontracted(request):
    """Members in the registry without a family-doctor contract valid on a day (today by
    default), under a place; paged, or the whole list as .xlsx."""
    code = params.place(request.GET.get("place"))
    within = region_for(request.user, code) if code else None
    day = day_param(request.GET.get("day")) or timezone.localdate()
    members = selectors.uncontracted(request.user, day, within)
    if params.download(request.GET, "xlsx"):
        header = [_("Place"), _("Household number"), _("Name"), _("Relation")]
        rows = (
            [m.household.region.name, m.household.number, m.name, m.relation.label]
            for m in members.select_related("relation").iterator(chunk_size=2000)
        )
        return xlsx_response(f"{_('Without a family doctor')}-{day:%Y-%m-%d}", header, rows)
    return render(
        request,
        "health/uncontracted.html",
        {
            "within": within,
            "day": day,
            "places": place_filter_choices(request.user, code),
            "page": selectors.uncontracted_page(
                request.user, day, within, params.page_number(request.GET.get("page"))
            ),
        },
    )


@login_required
def checkup_rate(request):
    """A place's check-up rate (体检率) for a year, with its definition and the members the
    rule left out, each with the reason."""
    code = params.place(request.GET.get("place"))
    today = timezone.localdate()
    year = year_param(request.GET.get("year")) or today.year
    region = region_for(request.user, code) if code else top_places(request.user).first()
    if region is None:
        raise Http404
    return render(
        request,
        "health/checkup_rate.html",
        {
            "figure": selectors.checkup_rate(request.user, region, year),
            "places": place_filter_choices(request.user, region.code),
            "years": list(range(today.year, today.year - 5, -1)),
        },
    )
