"""Residence pages: a team's month (members × days, short ones first) and the teams under a
place."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from bangfu.core import params
from bangfu.core.selectors import place_filter_choices, region_for

from ..models import DayStatus
from ..selectors import residence as selectors

# Each day's mark in the grid (a character in Chinese), in the order of the legend.
MARKS = [
    (DayStatus.IN_VILLAGE, _("In")),
    (DayStatus.OFFICIAL, _("Duty")),
    (DayStatus.LEAVE, _("Off")),
    (DayStatus.ABSENT, _("Abs")),
]


def _month(request):
    month = params.month(request.GET.get("month"))
    previous, following = params.months_around(month)
    return {"month": month, "previous": previous, "following": following}


@login_required
def residence(request):
    """Residence days under a place (驻村天数): its teams stationed there in the month, each
    with its members, how many met the minimum and how many are short."""
    code = params.place(request.GET.get("place"))
    within = region_for(request.user, code) if code else None
    months = _month(request)
    page, rows = selectors.teams_residence(
        request.user, within, months["month"], params.page_number(request.GET.get("page"))
    )
    return render(
        request,
        "teams/residence/place.html",
        {
            **months,
            "within": within,
            "places": place_filter_choices(request.user, code),
            "page": page,
            "rows": rows,
            "definition": selectors.SHORT_DEFINITION,
        },
    )


@login_required
def team_residence(request, team_id):
    """A team's month of residence: each member's days (members × days), short ones first."""
    team = selectors.team_for(request.user, team_id)
    months = _month(request)
    found = selectors.team_residence(request.user, team, months["month"])
    mark_of = dict(MARKS)
    return render(
        request,
        "teams/residence/team.html",
        {
            **months,
            "team": team,
            "found": found,
            "grid": [
                (row.residence, [(status, mark_of.get(status, "")) for status in row.days])
                for row in found.members
            ],
            "marks": [(status, DayStatus(status).label, mark) for status, mark in MARKS],
            "definition": selectors.SHORT_DEFINITION,
        },
    )
