"""The leave pages and API: a member asks on their page, the leader approves from "waiting
for me", the township refuses with a note; cancel and return from the request's page."""

import datetime

import pytest
from django.urls import reverse

from bangfu.teams.models import LeaveRequest, LeaveState

TODAY = datetime.date(2026, 6, 10)
D = datetime.timedelta


@pytest.fixture(autouse=True)
def today(on_day):
    return on_day(TODAY)


def test_a_member_asks_and_the_leader_approves_on_the_pages(
    member, member_login, leader, team_leader_login, client
):
    client.force_login(member_login)
    mine = client.get(reverse("teams:leave_mine")).content.decode()
    assert reverse("teams:team_leave", args=[member.team_id]) in mine
    response = client.post(
        reverse("teams:team_leave", args=[member.team_id]),
        {
            "member": str(member.pk),
            "kind": "2",
            "first_day": "2026-06-11",
            "last_day": "2026-06-11",
            "reason": "看病",
        },
    )
    leave = LeaveRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "teams:leave_detail", args=[leave.pk]
    )
    assert "看病" in client.get(reverse("teams:leave_mine")).content.decode()

    client.force_login(team_leader_login)
    waiting = client.get(reverse("teams:leave_waiting")).content.decode()
    assert "孙队员" in waiting and reverse("teams:leave_decide", args=[leave.pk]) in waiting
    response = client.post(
        reverse("teams:leave_decide", args=[leave.pk]),
        {"decision": "approve", "note": "", "back": "waiting"},
    )
    assert response["Location"] == reverse("teams:leave_waiting")
    leave.refresh_from_db()
    assert leave.state == LeaveState.APPROVED
    assert "孙队员" not in client.get(reverse("teams:leave_waiting")).content.decode()


def test_a_refusal_without_a_note_is_said_and_changes_nothing(
    member, member_login, leader, team_leader_login, client
):
    client.force_login(member_login)
    client.post(
        reverse("teams:team_leave", args=[member.team_id]),
        {"member": str(member.pk), "kind": "1", "first_day": "2026-06-11",
         "last_day": "2026-06-11", "reason": "家中有事"},
    )  # fmt: skip
    leave = LeaveRequest.objects.get()
    client.force_login(team_leader_login)
    response = client.post(
        reverse("teams:leave_decide", args=[leave.pk]), {"decision": "refuse"}, follow=True
    )
    assert "说明不准假的理由" in response.content.decode()
    assert LeaveRequest.objects.get().state == LeaveState.REQUESTED


def test_a_member_asks_only_for_themself(member, member_login, leader, client):
    client.force_login(member_login)
    page = client.get(reverse("teams:team_leave", args=[member.team_id])).content.decode()
    choices = page.split('name="member"')[1].split("</select>")[0]
    assert f'value="{member.pk}"' in choices and f'value="{leader.pk}"' not in choices
    response = client.post(
        reverse("teams:team_leave", args=[member.team_id]),
        {"member": str(leader.pk), "kind": "1", "first_day": "2026-06-11",
         "last_day": "2026-06-11", "reason": "代请"},
    )  # fmt: skip
    assert response.status_code == 400 and not LeaveRequest.objects.exists()


def test_cancel_and_return_from_the_request_s_page(
    member, member_login, leader, team_leader_login, county_admin, client
):
    from bangfu.core.services import policy_set

    policy_set(actor=county_admin, region_code="611103002201", key="teams.leave_days_per_level",
               value="5", valid_from=datetime.date(2026, 1, 1))  # fmt: skip
    client.force_login(member_login)
    for first, last in ((TODAY - D(days=1), TODAY), (TODAY + D(days=3), TODAY + D(days=3))):
        client.post(
            reverse("teams:team_leave", args=[member.team_id]),
            {"member": str(member.pk), "kind": "1", "first_day": first.isoformat(),
             "last_day": last.isoformat(), "reason": "家中有事"},
        )  # fmt: skip
    away, ahead = LeaveRequest.objects.order_by("first_day")
    client.force_login(team_leader_login)
    client.post(reverse("teams:leave_decide", args=[away.pk]), {"decision": "approve"})
    client.force_login(member_login)
    page = client.get(reverse("teams:leave_detail", args=[away.pk])).content.decode()
    assert reverse("teams:leave_return", args=[away.pk]) in page
    client.post(reverse("teams:leave_return", args=[away.pk]), {"returned_on": "2026-06-10"})
    away.refresh_from_db()
    assert away.returned_on == TODAY
    client.post(reverse("teams:leave_cancel", args=[ahead.pk]))
    ahead.refresh_from_db()
    assert ahead.state == LeaveState.CANCELLED


def test_the_api_asks_decides_and_lists(member, member_login, leader, team_leader_login, client):
    client.force_login(member_login)
    response = client.post(
        "/api/leave",
        {"kind": "1", "first_day": "2026-06-11", "last_day": "2026-06-13", "reason": "探亲"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["approvers"] == ["队长", "乡镇"] and body["waiting_for"] == "队长"
    assert body["days"] == 3 and body["member_name"] == "孙队员"
    client.force_login(team_leader_login)
    waiting = client.get("/api/leave/waiting").json()
    assert [row["id"] for row in waiting] == [body["id"]]
    decided = client.post(
        f"/api/leave/{body['id']}/decide", {"approve": True}, content_type="application/json"
    ).json()
    assert decided["waiting_for"] == "乡镇" and decided["decisions"][0]["approver"] == "队长"
    refused = client.post(
        f"/api/leave/{body['id']}/decide", {"approve": True}, content_type="application/json"
    )
    assert refused.status_code == 400 and refused.json()["code"] == "own_request"
    listed = client.get(f"/api/teams/{member.team_id}/leave").json()
    assert listed["count"] == 1 and listed["items"][0]["state"] == "requested"
