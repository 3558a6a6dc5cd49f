"""County A's leave, residence and team work for the route walk and the fuzz: a team in
马家寨村 with four members, leave in each state the routes act on (waiting for the county,
waiting for the leader, approved and under way), a meeting with an open task, this month's
report and a discipline record. Dates are counted from today, as the services check them."""

import datetime

from django.urls import reverse
from django.utils import timezone

from bangfu.pairing.services import unit_create
from bangfu.teams.models import LeaveRequest, Meeting, Team, WorkReport
from bangfu.teams.services import (
    DisciplineInput,
    LeaveInput,
    MeetingInput,
    TaskInput,
    discipline_record,
    leave_decide,
    leave_request,
    meeting_record,
    member_add,
    team_create,
    work_report_submit,
)
from tests.factories import UserFactory

from .conftest import member_input, team_input

VILLAGE, TOWNSHIP = "611103002201", "611103002000"


def _ask(actor, member, first, last, reason):
    return leave_request(
        actor=actor,
        leave=LeaveInput(
            kind="1", first_day=first, last_day=last, reason=reason, member_id=member.pk
        ),
    )


def leave_world(county_admin) -> dict:
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    unit = unit_create(
        actor=county_admin,
        name="沣西新城驻村派出单位",
        kind="government",
        level="county",
        region_code="611103000000",
    )
    team = team_create(actor=county_admin, team=team_input(unit))
    logins = {
        name: UserFactory(username=f"walk_{name}", full_name=full, places=places, roles=[role])
        for name, full, places, role in [
            ("leader", "马队长", [VILLAGE], "work_team"),
            ("secretary", "马书记", [VILLAGE], "work_team"),
            ("township", "钓台干事", [TOWNSHIP], "township_staff"),
        ]
    }
    members = {
        name: member_add(
            actor=county_admin,
            team_id=team.pk,
            member=member_input(unit, full, serial, role, user_id=user_id),
        )
        for name, full, serial, role, user_id in [
            ("leader", "马队长", "601", "1", logins["leader"].pk),
            ("secretary", "马书记", "602", "2", logins["secretary"].pk),
            ("liaison", "马联络", "603", "3", None),
            ("member", "马队员", "604", "4", None),
        ]
    }
    # Ten days: 队长, 乡镇 have approved; it waits for the county (county_admin decides).
    waiting = _ask(logins["secretary"], members["secretary"], today + 20 * day, today + 29 * day,
                   "探亲")  # fmt: skip
    leave_decide(actor=logins["leader"], leave_id=waiting.pk, approve=True)
    leave_decide(actor=logins["township"], leave_id=waiting.pk, approve=True)
    # One day, waiting for the leader: the office may withdraw it.
    open_request = _ask(county_admin, members["liaison"], today + 5 * day, today + 5 * day, "看病")
    # Three days from yesterday, approved: under way, so a return may be recorded today.
    away = _ask(county_admin, members["member"], today - day, today + day, "婚丧")
    leave_decide(actor=logins["leader"], leave_id=away.pk, approve=True)
    leave_decide(actor=logins["township"], leave_id=away.pk, approve=True)
    meeting = meeting_record(
        actor=county_admin,
        team_id=team.pk,
        meeting=MeetingInput(
            held_on=today,
            place="马家寨村村委会",
            minutes="部署本月入户走访。",
            attendee_ids=[m.pk for m in members.values()],
            tasks=[TaskInput("走访马家寨村一组", today + 7 * day, members["liaison"].pk)],
        ),
    )
    report = work_report_submit(
        actor=county_admin, team_id=team.pk, month=today.replace(day=1), text="马家寨村本月工作。"
    )
    discipline_record(
        actor=county_admin,
        member_id=members["member"].pk,
        record=DisciplineInput("1", today, "马家寨村例会缺席", "提醒谈话"),
    )
    return {
        "leave_team": team,
        "leave_team_member": members["member"],
        "team_leader_member": members["leader"],
        "team_member_ids": [m.pk for m in members.values()],
        "leave_waiting": waiting,
        "leave_open": open_request,
        "leave_away": away,
        "meeting": meeting,
        "task": meeting.tasks.get(),
        "report": report,
    }


def teams_reads(place: str) -> list[str]:
    """Every page and API read of the teams' leave, residence and work under ``place``: a
    stored value must never make one fail."""
    lo, hi = place, str(int(place) + 1)
    under = {"region_id__gte": lo, "region_id__lt": hi}
    urls = [
        reverse("teams:leave_mine"),
        reverse("teams:leave_waiting"),
        reverse("teams:residence"),
        reverse("teams:residence") + f"?place={place}",
        reverse("teams:tasks_overdue"),
        "/api/leave/waiting",
        "/api/residence",
        "/api/tasks/overdue",
    ]
    for team in Team.objects.filter(**under).values_list("pk", flat=True):
        urls += [
            reverse(f"teams:{name}", args=[team])
            for name in ("team_leave", "team_residence", "meetings", "work_reports", "discipline")
        ]
        urls += [
            f"/api/teams/{team}/{part}"
            for part in ("leave", "residence", "meetings", "reports", "discipline")
        ]
    for leave in LeaveRequest.objects.filter(**under).values_list("pk", flat=True):
        urls.append(reverse("teams:leave_detail", args=[leave]))
    for meeting in Meeting.objects.filter(**under).values_list("pk", flat=True):
        urls.append(reverse("teams:meeting_detail", args=[meeting]))
    for report in WorkReport.objects.filter(**under).values_list("pk", flat=True):
        urls.append(reverse("teams:work_report_detail", args=[report]))
    return urls


def teams_aims(world, aim) -> dict:
    """For each teams API operation, a valid request aimed at ``world``'s records (``aim``
    is the fuzz's ``Aim``): the starting point a fuzzed field departs from."""
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    team = {"team_id": world["leave_team"].pk}
    month = f"{today:%Y-%m}"
    return {
        "leave_request": lambda n: aim(
            {},
            {},
            {
                "kind": "1",
                "first_day": (today + 40 * day).isoformat(),
                "last_day": (today + 40 * day).isoformat(),
                "reason": "家中有事",
                "member_id": world["team_leader_member"].pk,
            },
        ),
        "leave_waiting": lambda n: aim({}, {}, None),
        "leave_decide": lambda n: aim(
            {"leave_id": world["leave_waiting"].pk}, {}, {"approve": True, "note": ""}
        ),
        "leave_cancel": lambda n: aim({"leave_id": world["leave_open"].pk}, {}, None),
        "leave_return": lambda n: aim(
            {"leave_id": world["leave_away"].pk}, {}, {"returned_on": today.isoformat()}
        ),
        "leave_list": lambda n: aim(team, {}, None),
        "team_residence": lambda n: aim(team, {"month": month}, None),
        "teams_residence": lambda n: aim({}, {"place": VILLAGE, "month": month, "page": 1}, None),
        "meeting_record": lambda n: aim(
            team,
            {},
            {
                "held_on": today.isoformat(),
                "place": "村委会",
                "minutes": "",
                "attendee_ids": world["team_member_ids"],
                "tasks": [
                    {
                        "description": "走访一组",
                        "due_on": (today + 7 * day).isoformat(),
                        "owner_id": world["leave_team_member"].pk,
                    }
                ],
            },
        ),
        "meetings_list": lambda n: aim(team, {}, None),
        "task_done": lambda n: aim(
            {"task_id": world["task"].pk}, {}, {"done_on": today.isoformat(), "note": ""}
        ),
        "tasks_overdue": lambda n: aim({}, {"place": VILLAGE}, None),
        "work_report_submit": lambda n: aim(team, {}, {"month": month, "text": "本月工作。"}),
        "work_reports_list": lambda n: aim(team, {}, None),
        "discipline_record": lambda n: aim(
            {"member_id": world["leave_team_member"].pk},
            {},
            {
                "kind": "1",
                "occurred_on": today.isoformat(),
                "description": "例会缺席",
                "decision": "提醒谈话",
            },
        ),
        "discipline_list": lambda n: aim(team, {}, None),
    }
