"""Teams and members over the API: the same services and refusals as the pages."""

# The teams tests' fixtures are imported by name, so every test that takes one "redefines" it.
# ruff: noqa: F811

import datetime

import pytest

from bangfu.teams.models import Team, TeamMember
from tests.teams.conftest import (  # noqa: F401
    VILLAGE,
    leader,
    member_input,
    sending_unit,
    team,
    team_leader_login,  # noqa: F401
)

D = datetime.date


@pytest.fixture
def api(client, county_admin):
    client.force_login(county_admin)
    return client


def team_json(unit, **overrides) -> dict:
    return {
        "name": "马家寨村驻村工作队",
        "region_code": VILLAGE,
        "unit_id": unit.pk,
        "term_start": "2026-01-01",
        "term_end": "2027-12-31",
        "villages": ["611103002202"],
        "latitude": "34.25",
        "longitude": "108.7",
        **overrides,
    }


def member_json(unit, name: str, serial: str, role: str = "4", **overrides) -> dict:
    return {
        "name": name,
        "id_number": member_input(unit, name, serial).id_number,
        "role": role,
        "unit_id": unit.pk,
        "phone": "",
        **overrides,
    }


def test_a_team_is_registered_read_and_corrected(api, sending_unit):
    made = api.post("/api/teams", team_json(sending_unit), content_type="application/json")
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["villages"] == [VILLAGE, "611103002202"] and body["members"] == []
    assert body["unit_name"] == "沣西新城农业农村局"
    url = f"/api/teams/{body['id']}"
    assert api.get(url).json()["name"] == "马家寨村驻村工作队"
    changed = api.put(
        url,
        team_json(sending_unit, name="马家寨村第二驻村工作队", villages=None),
        content_type="application/json",
    )
    assert changed.status_code == 200
    assert changed.json()["villages"] == [VILLAGE, "611103002202"]  # left out: kept
    refused = api.put(
        url, team_json(sending_unit, term_end="2025-01-01"), content_type="application/json"
    )
    assert refused.status_code == 400 and refused.json()["field"] == "term_end"
    listed = api.get("/api/teams", {"place": VILLAGE, "state": "current"}).json()
    assert [item["name"] for item in listed["items"]] == ["马家寨村第二驻村工作队"]
    assert api.get("/api/teams", {"state": "ended"}).json()["items"] == []
    assert api.get("/api/teams", {"state": "x"}).status_code == 400


def test_members_are_added_ended_and_replaced(api, team, sending_unit):
    added = api.post(
        f"/api/teams/{team.pk}/members",
        {**member_json(sending_unit, "张队长", "101", "1"), "started_on": "2026-01-01"},
        content_type="application/json",
    )
    assert added.status_code == 201, added.content
    leader = added.json()
    assert (leader["role"], leader["role_label"]) == ("1", "队长")
    again = api.post(
        f"/api/teams/{team.pk}/members",
        {**member_json(sending_unit, "张队长", "101"), "started_on": "2026-01-01"},
        content_type="application/json",
    )
    assert again.status_code == 400 and again.json()["code"] == "on_another_team"
    replaced = api.post(
        f"/api/team-members/{leader['id']}/replace",
        {
            "on": "2026-07-01",
            "reason": "任期调整",
            "member": member_json(sending_unit, "赵队长", "201", "1"),
        },
        content_type="application/json",
    )
    assert replaced.status_code == 201
    assert replaced.json()["started_on"] == "2026-07-01"
    assert TeamMember.objects.get(pk=leader["id"]).ended_on == D(2026, 6, 30)
    ended = api.post(
        f"/api/team-members/{replaced.json()['id']}/end",
        {"ended_on": "2026-12-31", "reason": "任期届满"},
        content_type="application/json",
    )
    assert ended.status_code == 200 and ended.json()["end_reason"] == "任期届满"
    twice = api.post(
        f"/api/team-members/{leader['id']}/end",
        {"ended_on": "2026-12-31", "reason": "任期届满"},
        content_type="application/json",
    )
    assert twice.status_code == 400 and twice.json()["code"] == "ended"
    members = api.get(f"/api/teams/{team.pk}").json()["members"]
    assert [m["name"] for m in members] == ["张队长", "赵队长"]


def test_a_reader_may_read_but_not_write(client, leader, team, sending_unit, world):
    from bangfu.accounts.models import User

    client.force_login(User.objects.get(username="leader"))
    assert client.get(f"/api/teams/{team.pk}").status_code == 200
    refused = client.post("/api/teams", team_json(sending_unit), content_type="application/json")
    assert refused.status_code == 403
    assert Team.objects.count() == 1
