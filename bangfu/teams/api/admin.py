"""Teams and members over the API: list and register teams, read and correct one, put a
member on a team, end or replace a member's term."""

import datetime
from decimal import Decimal

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from bangfu.core import params
from bangfu.core.params import Id
from bangfu.core.schemas import documented
from bangfu.core.selectors import region_for

from .. import services
from ..models import Team, TeamMember
from ..selectors import admin as selectors

router = Router(tags=["teams"])


class TeamIn(Schema):
    name: str = documented(Team, "name")
    region_code: str
    unit_id: Id
    term_start: datetime.date = documented(Team, "term_start")
    term_end: datetime.date | None = documented(Team, "term_end", None)
    villages: list[str] | None = None
    latitude: Decimal | None = documented(Team, "latitude", None)
    longitude: Decimal | None = documented(Team, "longitude", None)


class NewMemberIn(Schema):
    name: str = documented(TeamMember, "name")
    id_number: str
    role: str
    unit_id: Id
    phone: str = documented(TeamMember, "phone", "")
    user_id: Id | None = None


class TeamMemberIn(NewMemberIn):
    started_on: datetime.date = documented(TeamMember, "started_on")


class MemberEndIn(Schema):
    ended_on: datetime.date = documented(TeamMember, "ended_on")
    reason: str = documented(TeamMember, "end_reason")


class ReplacementIn(Schema):
    """``member`` takes the place from ``on``."""

    on: datetime.date = documented(TeamMember, "started_on")
    reason: str = documented(TeamMember, "end_reason")
    member: NewMemberIn


class TeamMemberOut(Schema):
    id: int
    team_id: int
    name: str
    role: str
    role_label: str
    unit_id: int
    phone: str
    user_id: int | None
    started_on: datetime.date
    ended_on: datetime.date | None
    end_reason: str


class TeamOut(Schema):
    id: int
    name: str
    region_code: str
    villages: list[str]
    unit_id: int
    unit_name: str
    term_start: datetime.date
    term_end: datetime.date | None
    latitude: Decimal | None
    longitude: Decimal | None


class TeamSummaryOut(Schema):
    id: int
    name: str
    region_code: str
    unit_id: int
    unit_name: str
    term_start: datetime.date
    term_end: datetime.date | None
    members_in_post: int


class TeamDetailOut(TeamOut):
    members: list[TeamMemberOut]


class TeamFiltersIn(Schema):
    place: str = ""
    state: str = ""


def _member(member: TeamMember) -> dict:
    return {
        "id": member.pk,
        "team_id": member.team_id,
        "name": member.name,
        "role": member.role.value,
        "role_label": member.role.label,
        "unit_id": member.unit_id,
        "phone": member.phone,
        "user_id": member.user_id,
        "started_on": member.started_on,
        "ended_on": member.ended_on,
        "end_reason": member.end_reason,
    }


def _summary(team: Team) -> dict:
    return {
        "id": team.pk,
        "name": team.name,
        "region_code": team.region_id,
        "unit_id": team.unit_id,
        "unit_name": team.unit.name,
        "term_start": team.term_start,
        "term_end": team.term_end,
        "members_in_post": team.current,
    }


def _detail(user, team_id: int) -> dict:
    team = selectors.team_for(user, team_id)
    return {
        "id": team.pk,
        "name": team.name,
        "region_code": team.region_id,
        "villages": [village.code for village in selectors.villages_served(team)],
        "unit_id": team.unit_id,
        "unit_name": team.unit.name,
        "term_start": team.term_start,
        "term_end": team.term_end,
        "latitude": team.latitude,
        "longitude": team.longitude,
        "members": [
            _member(member)
            for member in team.members.select_related("role").order_by("started_on", "pk")
        ],
    }


@router.get("/teams", response=list[TeamSummaryOut], operation_id="teams_list")
@paginate(params.Pages, page_size=50)
def teams_list(request, filters: Query[TeamFiltersIn]):
    """Teams stationed in the caller's places (``place``: under one of them; ``state``:
    current — term not over — or ended)."""
    code = params.place(filters.place)
    within = region_for(request.auth, code) if code else None
    state = params.choice(filters.state, field="state", choices=selectors.STATES)
    return params.Mapped(selectors.teams(request.auth, within, state), _summary)


def _team_input(payload: TeamIn) -> services.TeamInput:
    return services.TeamInput(**payload.dict())


@router.post("/teams", response={201: TeamDetailOut}, operation_id="team_create")
def team_create(request, payload: TeamIn):
    team = services.team_create(actor=request.auth, team=_team_input(payload))
    return Status(201, _detail(request.auth, team.pk))


@router.get("/teams/{team_id}", response=TeamDetailOut, operation_id="team_detail")
def team_detail(request, team_id: Id):
    return _detail(request.auth, team_id)


@router.put("/teams/{team_id}", response=TeamDetailOut, operation_id="team_update")
def team_update(request, team_id: Id, payload: TeamIn):
    """Correct a team; ``villages`` left out (null) keeps the villages served."""
    team = selectors.team_for(request.auth, team_id)
    services.team_update(actor=request.auth, team_id=team.pk, team=_team_input(payload))
    return _detail(request.auth, team.pk)


@router.post(
    "/teams/{team_id}/members", response={201: TeamMemberOut}, operation_id="team_member_add"
)
def team_member_add(request, team_id: Id, payload: TeamMemberIn):
    team = selectors.team_for(request.auth, team_id)
    member = services.member_add(
        actor=request.auth, team_id=team.pk, member=services.MemberInput(**payload.dict())
    )
    return Status(201, _member(selectors.member_for(request.auth, member.pk)))


@router.post(
    "/team-members/{member_id}/end", response=TeamMemberOut, operation_id="team_member_end"
)
def team_member_end(request, member_id: Id, payload: MemberEndIn):
    member = selectors.member_for(request.auth, member_id)
    services.member_end(actor=request.auth, member_id=member.pk, **payload.dict())
    return _member(selectors.member_for(request.auth, member.pk))


@router.post(
    "/team-members/{member_id}/replace",
    response={201: TeamMemberOut},
    operation_id="team_member_replace",
)
def team_member_replace(request, member_id: Id, payload: ReplacementIn):
    """The member's term ends the day before ``on``; the new member's (answered) starts on
    ``on``; both stay on the team's record."""
    member = selectors.member_for(request.auth, member_id)
    data = payload.member.dict()
    data["started_on"] = payload.on
    coming = services.member_replace(
        actor=request.auth,
        member_id=member.pk,
        on=payload.on,
        reason=payload.reason,
        member=services.MemberInput(**data),
    )
    return Status(201, _member(selectors.member_for(request.auth, coming.pk)))
