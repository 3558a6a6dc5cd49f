"""Health assistance on pages: a member's contracts and check-ups (with the forms that
record them), the members without a valid contract on a day, and the check-up rate."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from bangfu.core import params
from bangfu.core.errors import NotPermitted
from bangfu.core.forms import attempt
from bangfu.core.selectors import place_filter_choices, region_for, top_places
from bangfu.core.tables import xlsx_response
from bangfu.pairing.selectors import is_paired_now
from bangfu.visits.offline import helper_offline, kept_offline
from bangfu.visits.selectors import own_helper

from . import selectors, services
from .forms import (
    ActivityForm,
    CheckUpForm,
    ConditionForm,
    ContractForm,
    CostForm,
    FollowUpForm,
)
from .models import FollowUpKind

FOLLOW_UPS_QUEUE = "bangfu-follow-ups"  # the phone's IndexedDB database of follow-ups unsent


def _sign(actor, person, data):
    return services.contract_sign(
        actor=actor, member_id=person.pk, contract=services.ContractInput(**data)
    )


def _check_up(actor, person, data):
    return services.checkup_record(
        actor=actor, member_id=person.pk, checkup=services.CheckUpInput(**data)
    )


def _put_under_management(actor, person, data):
    return services.condition_record(
        actor=actor, member_id=person.pk, condition=services.ConditionInput(**data)
    )


def _follow_up(actor, person, data):
    data = dict(data)
    return services.follow_up_record(
        actor=actor,
        condition_id=data.pop("condition"),
        follow_up=services.FollowUpInput(**data),
    )


def _cost(actor, person, data):
    return services.medical_cost_record(
        actor=actor, member_id=person.pk, cost=services.CostInput(**data)
    )


# What each of the member page's forms does, and what it says when done.
_RECORDS = {
    "contract": (_sign, lambda: _("The contract was recorded.")),
    "checkup": (_check_up, lambda: _("The check-up was recorded.")),
    "condition": (_put_under_management, lambda: _("The illness was recorded.")),
    "follow_up": (_follow_up, lambda: _("The follow-up was recorded.")),
    "cost": (_cost, lambda: _("The costs were recorded.")),
}


def _member_page(request, person, which: str | None = None):
    """The member's page; ``which`` names the form posted (bound to the request). Those who
    record health get every form; the household's pair helper the follow-up's only."""
    conditions = selectors.conditions_of(person)
    data = request.POST if which else None
    makers = {
        "contract": lambda bound: ContractForm(bound),
        "checkup": lambda bound: CheckUpForm(bound),
        "condition": lambda bound: ConditionForm(bound),
        "follow_up": lambda bound: FollowUpForm(bound, conditions=conditions),
        "cost": lambda bound: CostForm(bound),
    }
    offered = selectors.forms_offered(request.user, person.household_id)
    if which and which not in offered:
        raise NotPermitted()
    forms = {name: makers[name](data if which == name else None) for name in offered}
    if which:
        form = forms[which]
        action, done = _RECORDS[which]
        if attempt(form, lambda: action(request.user, person, form.cleaned_data)):
            messages.success(request, done())
            return redirect("health:member", member_id=person.pk)
    return render(
        request,
        "health/member.html",
        {
            "person": person,
            "contracts": selectors.contracts_of(person),
            "checkups": selectors.checkups_of(person),
            "today": timezone.localdate(),
            "conditions": conditions,
            "costs": selectors.costs_of(person),
            "forms": forms,
            "phone": is_paired_now(request.user, person.household_id),
        },
        status=400 if which else 200,
    )


@login_required
def member(request, member_id):
    """A member's family-doctor contracts (renewals kept), check-ups, illnesses with their
    follow-ups, and large medical costs; for those who record health, the forms to add
    each (each posts to its own address below)."""
    return _member_page(request, selectors.member_for(request.user, member_id))


def _posting(which: str):
    @login_required
    @require_POST
    def view(request, member_id):
        return _member_page(request, selectors.member_for(request.user, member_id), which)

    view.__name__ = view.__qualname__ = f"{which}_post"
    view.__doc__ = f"The member page's {which} form, posted (refused: the page again, 400)."
    return view


contract_sign = _posting("contract")
checkup_record = _posting("checkup")
condition_record = _posting("condition")
follow_up_record = _posting("follow_up")
cost_record = _posting("cost")


def _phone_offline(user) -> dict:
    return helper_offline(
        user,
        worker="health:service_worker",
        queue=FOLLOW_UPS_QUEUE,
        waiting=_("Follow-ups waiting on this phone:"),
    )


@login_required
@never_cache
def follow_up_phone(request):
    """A pair helper's phone page for follow-ups (随访) of their households' members: saved
    on the phone first with an id made there, sent when there is a network; it keeps
    working offline. ``?household=`` chooses the household's first illness (read by the
    page's script: one copy serves every household)."""
    helper = own_helper(request.user)
    return kept_offline(
        render(
            request,
            "health/follow_up_phone.html",
            {
                "households": selectors.follow_up_phone(request.user),
                "kinds": FollowUpKind.choices,
                "by": helper.name if helper else str(request.user),
                "queue": FOLLOW_UPS_QUEUE,
                "offline": _phone_offline(request.user),
            },
        )
    )


@login_required
def uncontracted(request):
    """Members in the registry without a family-doctor contract valid on a day (today by
    default), under a place; paged, or the whole list as .xlsx."""
    code = params.place(request.GET.get("place"))
    within = region_for(request.user, code) if code else None
    day = params.day(request.GET.get("day")) or timezone.localdate()
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
    year = params.year(request.GET.get("year")) or today.year
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


@login_required
def follow_ups_overdue(request):
    """Illnesses whose follow-up (随访) was due before a day (today by default) and not
    done, under a place, the longest overdue first; paged, or the whole list as .xlsx."""
    code = params.place(request.GET.get("place"))
    within = region_for(request.user, code) if code else None
    day = params.day(request.GET.get("day")) or timezone.localdate()
    if params.download(request.GET, "xlsx"):
        header = [_("Place"), _("Household number"), _("Name"), _("Illness"), _("Due")]
        rows = (
            [
                c.member.household.region.name,
                c.member.household.number,
                c.member.name,
                c.illness.label,
                c.due,
            ]
            for c in selectors.overdue_follow_ups(request.user, day, within).iterator(
                chunk_size=2000
            )
        )
        return xlsx_response(f"{_('Overdue follow-ups')}-{day:%Y-%m-%d}", header, rows)
    return render(
        request,
        "health/follow_ups_overdue.html",
        {
            "within": within,
            "day": day,
            "places": place_filter_choices(request.user, code),
            "page": selectors.overdue_page(
                request.user, day, within, params.page_number(request.GET.get("page"))
            ),
        },
    )


@login_required
def activities(request):
    """Health activities (clinic days, free clinics, health-bus visits) under a place, latest
    first, and for those who record health the form to add one."""
    code = params.place(request.GET.get("place"))
    within = region_for(request.user, code) if code else None
    places = place_filter_choices(request.user, code)
    # The form offers the place shown (or the user's first), its trail and the places under
    # it; a place posted is offered with its own (the service decides whether it may take it).
    posted = params.place(request.POST.get("region_code"), field="region_code")
    top = top_places(request.user).order_by("code").first()
    around = posted or code or (top.code if top else "")
    form = ActivityForm(request.POST or None, places=place_filter_choices(request.user, around))
    may_record = selectors.may_record(request.user)

    def record():
        return services.activity_record(
            actor=request.user, activity=services.ActivityInput(**form.cleaned_data)
        )

    if request.method == "POST" and attempt(form, record):
        messages.success(request, _("The activity was recorded."))
        return redirect("health:activities")
    return render(
        request,
        "health/activities.html",
        {
            "within": within,
            "places": places,
            "form": form if may_record else None,
            "page": selectors.activities_page(
                request.user, within, params.page_number(request.GET.get("page"))
            ),
        },
        status=400 if form.errors else 200,
    )
