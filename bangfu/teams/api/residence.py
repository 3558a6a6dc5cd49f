"""Residence days over the API: a team's month, member by member; the teams under a place."""

import datetime

from ninja import Router, Schema

from bangfu.core import params
from bangfu.core.params import Id
from bangfu.core.selectors import region_for

from ..selectors import residence as selectors

router = Router(tags=["teams"])


class ResidenceOut(Schema):
    """A member's residence days in a month, as counted and judged (``SHORT_DEFINITION``)."""

    in_village: int
    official: int
    leave: int
    counted: int
    required: int
    expected: int
    short_by: int
    still_needed: int
    days_left: int
    met: bool


def residence_out(residence: selectors.MemberResidence) -> dict:
    return {name: getattr(residence, name) for name in ResidenceOut.model_fields}


class MemberResidenceOut(ResidenceOut):
    member_id: int
    name: str
    days: list[str]  # each day of the month: in_village, official, leave, absent, or ""


class TeamResidenceOut(Schema):
    team_id: int
    month: datetime.date
    definition: str
    members: list[MemberResidenceOut]


class TeamRowOut(Schema):
    team_id: int
    name: str
    village: str
    members: int
    met: int
    short: int


class TeamsResidenceOut(Schema):
    place: str | None
    month: datetime.date
    page: int
    pages: int
    teams: int
    definition: str
    rows: list[TeamRowOut]


@router.get("/teams/{team_id}/residence", response=TeamResidenceOut, operation_id="team_residence")
def team_residence(request, team_id: Id, month: str = ""):
    """A team's month (``2026-11``; default this month): each member's residence days, short
    ones first, and what each day was."""
    team = selectors.team_for(request.auth, team_id)
    found = selectors.team_residence(request.auth, team, params.month(month))
    return {
        "team_id": team.pk,
        "month": found.month,
        "definition": str(selectors.SHORT_DEFINITION),
        "members": [
            {
                "member_id": row.residence.member.pk,
                "name": row.residence.member.name,
                "days": [str(day) for day in row.days],
                **residence_out(row.residence),
            }
            for row in found.members
        ],
    }


@router.get("/residence", response=TeamsResidenceOut, operation_id="teams_residence")
def teams_residence(request, place: str = "", month: str = "", page: int = 1):
    """The teams under ``place`` (default: all the caller's places) in a month, 50 a page."""
    code = params.place(place)
    within = region_for(request.auth, code) if code else None
    chosen, rows = selectors.teams_residence(
        request.auth, within, params.month(month), params.page_number(str(page))
    )
    return {
        "place": within.code if within else None,
        "month": params.month(month),
        "page": chosen.number,
        "pages": chosen.paginator.num_pages,
        "teams": chosen.paginator.count,
        "definition": str(selectors.SHORT_DEFINITION),
        "rows": [
            {
                "team_id": row.team.pk,
                "name": row.team.name,
                "village": row.team.region.name,
                "members": row.members,
                "met": row.met,
                "short": row.short,
            }
            for row in rows
        ],
    }
