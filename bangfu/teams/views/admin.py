"""Pages for teams and their members: the list of one's places, a team's page with its
members and the forms that change them, a member's terms, the four teams of a village and
the month's attendance sheet (to print or download). Thin: parameters through
``core.params``, one selector or service each."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bangfu.core import params
from bangfu.core.capabilities import Capability, require
from bangfu.core.errors import OutOfScope
from bangfu.core.forms import attempt
from bangfu.core.regions import RegionLevel
from bangfu.core.selectors import place_filter_choices, region_for
from bangfu.core.tables import xlsx_response

from .. import services
from ..forms.admin import EndForm, MemberForm, ReplaceForm, TeamFilterForm, TeamForm
from ..selectors import admin as selectors


def _may_manage(user) -> bool:
    return user.has_capability(Capability.MANAGE_TEAMS)


@login_required
def team_list(request):
    """The teams stationed in one's places (驻村工作队), by place and whether in post."""
    code = params.place(request.GET.get("place"))
    within = region_for(request.user, code) if code else None
    state = params.choice(request.GET.get("state"), field="state", choices=selectors.STATES)
    if params.download(request.GET, "xlsx"):
        header, rows = selectors.export_rows(request.user, within, state)
        place = within.name if within else _("all my places")
        return xlsx_response(f"{_('Resident work teams')}-{place}", header, rows)
    form = TeamFilterForm(
        {"place": code, "state": state}, places=place_filter_choices(request.user, code)
    )
    return render(
        request,
        "teams/admin/team_list.html",
        {
            "form": form,
            "within": within,
            "page": selectors.team_page(
                request.user, within, state, params.page_number(request.GET.get("page"))
            ),
            "may_manage": _may_manage(request.user),
        },
    )


def _team_input(data) -> services.TeamInput:
    return services.TeamInput(
        name=data["name"],
        region_code=data["region_code"],
        unit_id=data["unit_id"],
        term_start=data["term_start"],
        term_end=data["term_end"],
        villages=list(data["villages"]),
        latitude=data["latitude"],
        longitude=data["longitude"],
    )


@login_required
def team_create(request):
    require(request.user, Capability.MANAGE_TEAMS)
    form = TeamForm(request.POST or None, user=request.user)
    if request.method == "POST" and (
        done := attempt(
            form,
            lambda: services.team_create(actor=request.user, team=_team_input(form.cleaned_data)),
        )
    ):
        messages.success(request, _("The team was registered."))
        return redirect("teams:team_detail", team_id=done.result.pk)
    return render(
        request,
        "teams/admin/team_form.html",
        {"form": form, "team": None},
        status=400 if form.errors else 200,
    )


@login_required
def team_edit(request, team_id):
    team = selectors.team_for(request.user, team_id)
    initial = {
        "name": team.name,
        "region_code": team.region_id,
        "villages": [v.code for v in selectors.villages_served(team) if v.code != team.region_id],
        "unit_id": team.unit_id,
        "term_start": team.term_start,
        "term_end": team.term_end,
        "latitude": team.latitude,
        "longitude": team.longitude,
    }
    form = TeamForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST":
        require(request.user, Capability.MANAGE_TEAMS)
        if attempt(
            form,
            lambda: services.team_update(
                actor=request.user, team_id=team.pk, team=_team_input(form.cleaned_data)
            ),
        ):
            messages.success(request, _("The team's details were saved."))
            return redirect("teams:team_detail", team_id=team.pk)
    return render(
        request,
        "teams/admin/team_form.html",
        {"form": form, "team": team},
        status=400 if form.errors else 200,
    )


def _member_input(data, started_on=None) -> services.MemberInput:
    return services.MemberInput(
        name=data["name"],
        id_number=data["id_number"],
        role=data["role"],
        unit_id=data["unit_id"],
        started_on=started_on or data["started_on"],
        phone=data["phone"],
        user_id=data["user_id"],
    )


def _team_page(request, team, *, member_form=None, status=200):
    members = selectors.members_of(team)
    manage = _may_manage(request.user)
    for _role, listed in members.by_role if manage else []:
        for member in listed:  # one form a member: their fields named apart
            member.end_form = EndForm(auto_id=f"end-{member.pk}-%s")
    return render(
        request,
        "teams/admin/team_detail.html",
        {
            "team": team,
            "villages": selectors.villages_served(team),
            "members": members,
            "may_manage": manage,
            "member_form": (member_form or MemberForm(user=request.user)) if manage else None,
        },
        status=status,
    )


@login_required
def team_detail(request, team_id):
    """A team: the villages it serves, its term, sending unit and residence, its members in
    post by role and its former members, with the forms that add, replace and end them."""
    return _team_page(request, selectors.team_for(request.user, team_id))


@login_required
@require_POST
def member_add(request, team_id):
    team = selectors.team_for(request.user, team_id)
    require(request.user, Capability.MANAGE_TEAMS)
    form = MemberForm(request.POST, user=request.user)
    if attempt(
        form,
        lambda: services.member_add(
            actor=request.user, team_id=team.pk, member=_member_input(form.cleaned_data)
        ),
    ):
        messages.success(
            request, _("%(name)s is on the team.") % {"name": form.cleaned_data["name"]}
        )
        return redirect("teams:team_detail", team_id=team.pk)
    return _team_page(request, team, member_form=form, status=400)


@login_required
def member_detail(request, member_id):
    """A member's terms: every team this person served on in one's places, and when."""
    member = selectors.member_for(request.user, member_id)
    return render(
        request,
        "teams/admin/member_detail.html",
        {
            "member": member,
            "id_number": selectors.shown_id_number(request.user, member),
            "terms": selectors.terms_of(request.user, member),
            "may_manage": _may_manage(request.user),
        },
    )


@login_required
@require_POST
def member_end(request, member_id):
    member = selectors.member_for(request.user, member_id)
    require(request.user, Capability.MANAGE_TEAMS)
    form = EndForm(request.POST)
    done = attempt(
        form,
        lambda: services.member_end(
            actor=request.user,
            member_id=member.pk,
            ended_on=form.cleaned_data["ended_on"],
            reason=form.cleaned_data["reason"],
        ),
    )
    if done:
        messages.success(
            request,
            _("%(name)s's term ends on %(day)s; it stays on the team's record.")
            % {"name": member.name, "day": done.result.ended_on.isoformat()},
        )
    else:
        messages.error(
            request,
            " ".join(str(error) for errors in form.errors.values() for error in errors)
            or _("Give the day and the reason the term ends."),
        )
    return redirect("teams:team_detail", team_id=member.team_id)


@login_required
def member_replace(request, member_id):
    """Another person takes a member's place from a day; both terms stay on the record."""
    member = selectors.member_for(request.user, member_id)
    require(request.user, Capability.MANAGE_TEAMS)
    form = ReplaceForm(
        request.POST or None,
        user=request.user,
        initial={"role": member.role.value, "unit_id": member.unit_id},
    )
    if request.method == "POST" and (
        done := attempt(
            form,
            lambda: services.member_replace(
                actor=request.user,
                member_id=member.pk,
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
                member=_member_input(form.cleaned_data, started_on=form.cleaned_data["on"]),
            ),
        )
    ):
        messages.success(
            request,
            _("%(new)s takes %(old)s's place; both terms stay on the record.")
            % {"new": done.result.name, "old": member.name},
        )
        return redirect("teams:team_detail", team_id=member.team_id)
    return render(
        request,
        "teams/admin/member_replace.html",
        {"member": member, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def four_teams(request, code):
    """A village's four teams (四支队伍) on one page."""
    region = region_for(request.user, code)
    if region.level != RegionLevel.VILLAGE:
        raise OutOfScope()
    return render(
        request,
        "teams/admin/four_teams.html",
        {
            "four": selectors.four_teams(request.user, region),
            "may_chain": request.user.has_capability(Capability.MANAGE_PAIRING),
        },
    )


@login_required
def attendance(request, team_id):
    """The month's attendance sheet of a team, in the shape of the paper sign-in sheet (to
    print, A4 landscape), or as .xlsx."""
    team = selectors.team_for(request.user, team_id)
    month = params.month(request.GET.get("month"))
    sheet = selectors.attendance_sheet(team, month)
    if params.download(request.GET, "xlsx"):
        header, rows = selectors.sheet_table(sheet)
        return xlsx_response(f"{_('Attendance')}-{team.name}-{month:%Y-%m}", header, rows)
    before, after = params.months_around(month)
    return render(
        request,
        "teams/admin/attendance.html",
        {"sheet": sheet, "team": team, "before": before, "after": after},
    )
