"""Leave pages: a member's own requests and the form to ask; the requests waiting for the
person signed in, with approve/refuse; a team's leave; one request."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bangfu.core import params
from bangfu.core.errors import DomainError
from bangfu.core.forms import attempt

from .. import services
from ..forms.leave import APPROVE, DecideForm, LeaveForm, ReturnForm
from ..models import LeaveState
from ..selectors import leave as selectors
from ..selectors.residence import team_for


def _decide_form(leave) -> DecideForm:
    return DecideForm(auto_id=f"leave{leave.pk}_%s")


@login_required
def leave_mine(request):
    """My leave (我的请假): my requests and their state, the form to ask (posted to my
    team's leave page), and how many requests wait for my decision."""
    member = selectors.own_member(request.user)
    return render(
        request,
        "teams/leave/mine.html",
        {
            "member": member,
            "form": LeaveForm(members=[member]) if member else None,
            "requests": selectors.own_leave(request.user),
            "waiting": len(selectors.waiting_for(request.user)),
        },
    )


@login_required
def leave_waiting(request):
    """Waiting for me (待我审批): the requests whose next level the person decides, each
    with approve/refuse."""
    return render(
        request,
        "teams/leave/waiting.html",
        {
            "rows": [
                (leave, selectors.next_level(leave), _decide_form(leave))
                for leave in selectors.waiting_for(request.user)
            ]
        },
    )


@login_required
def team_leave(request, team_id):
    """A team's leave (请假记录), latest first, and the form to ask: for any current member
    by the team's office, for oneself by a member."""
    team = team_for(request.user, team_id)
    members = selectors.members_for_leave(request.user, team)
    form = LeaveForm(request.POST or None, members=members)

    def ask():
        data = form.cleaned_data
        return services.leave_request(
            actor=request.user,
            leave=services.LeaveInput(
                member_id=data["member"],
                kind=data["kind"],
                first_day=data["first_day"],
                last_day=data["last_day"],
                reason=data["reason"],
            ),
        )

    if request.method == "POST" and (done := attempt(form, ask)):
        messages.success(request, _("The leave request was sent for approval."))
        return redirect("teams:leave_detail", leave_id=done.result.pk)
    return render(
        request,
        "teams/leave/team.html",
        {
            "team": team,
            "form": form if members else None,
            "page": selectors.team_leave(
                request.user, team, params.page_number(request.GET.get("page"))
            ),
        },
        status=400 if form.errors else 200,
    )


@login_required
def leave_detail(request, leave_id):
    """One request: its days, kind and reason, each level's decision, and what the person
    may do with it (decide, cancel, record the return)."""
    leave = selectors.leave_for(request.user, leave_id)
    decider = selectors.Decider.of(request.user)
    may_change = selectors.may_change(request.user, leave)
    today = timezone.localdate()
    is_open = leave.state in (LeaveState.REQUESTED, LeaveState.APPROVED)
    return render(
        request,
        "teams/leave/detail.html",
        {
            "leave": leave,
            "chain": selectors.chain_of(leave),
            "next_level": selectors.next_level(leave),
            "decisions": selectors.decisions_shown(leave),
            "last_away": selectors.last_day_away(leave),
            "decide_form": _decide_form(leave) if decider.may_decide_now(leave) else None,
            "may_cancel": may_change and is_open and today <= selectors.last_day_away(leave),
            "return_form": (
                ReturnForm()
                if may_change
                and leave.state == LeaveState.APPROVED
                and leave.returned_on is None
                and leave.first_day < today
                else None
            ),
        },
    )


def _back(request, leave_id):
    """Where a form posted from goes back to: the page it says (waiting for me), else the
    request's page."""
    if request.POST.get("back") == "waiting":
        return redirect("teams:leave_waiting")
    return redirect("teams:leave_detail", leave_id=leave_id)


def _done(request, call, said: str) -> None:
    try:
        call()
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, said)


@login_required
@require_POST
def leave_decide(request, leave_id):
    selectors.leave_for(request.user, leave_id)  # 404 before anything else, like a missing one
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or refuse."))
        return _back(request, leave_id)
    approve = form.cleaned_data["decision"] == APPROVE
    _done(
        request,
        lambda: services.leave_decide(
            actor=request.user,
            leave_id=leave_id,
            approve=approve,
            note=form.cleaned_data["note"],
        ),
        _("Approved.") if approve else _("Refused."),
    )
    return _back(request, leave_id)


@login_required
@require_POST
def leave_cancel(request, leave_id):
    selectors.leave_for(request.user, leave_id)
    _done(
        request,
        lambda: services.leave_cancel(actor=request.user, leave_id=leave_id),
        _("The leave was cancelled."),
    )
    return _back(request, leave_id)


@login_required
@require_POST
def leave_return(request, leave_id):
    selectors.leave_for(request.user, leave_id)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the first day back."))
        return _back(request, leave_id)
    _done(
        request,
        lambda: services.leave_return(
            actor=request.user, leave_id=leave_id, returned_on=form.cleaned_data["returned_on"]
        ),
        _("The return was recorded."),
    )
    return _back(request, leave_id)
