"""The demo district's resident work teams: one in each village, sent by the county's
offices since the start of 2026, each with a team leader, a first secretary and a liaison
(马家寨村's leader signs in as ``work_team``); last month and this month up to today of
attendance: most days a check-in in the village, a day or two a month of official business
kept in the register, a few days of approved leave, now and then a day absent, and one
liaison (in 康西村) short of days this month; a weekly team meeting with a task decided; and
马家寨村's first secretary asking for two days of leave next week, waiting for the team leader
(the ``work_team`` login's 待我审批).

Teams, members and the waiting request go through the teams services (audited, under their
rules). The past days, the leave already taken and the meetings are written straight into
their tables in bulk, as the demo's bulk parts do — the leave services refuse leave that
starts long before the day it is asked, and these days are history (leave is approved here
at every level its length needs, with its decisions recorded); then the members' month
roll-ups are rebuilt from them (``teams.rollups.rebuild``) and the place roll-ups after them,
so that every page reads them as if they had come one by one.
"""

import datetime
import random
import uuid

from django.utils import timezone
from stdnum.cn.ric import calc_check_digit

from bangfu.core.models import Code, Region
from bangfu.core.policies import policy_for
from bangfu.core.regions import RegionLevel
from bangfu.pairing.models import Unit
from bangfu.reports import rollups as place_rollups
from bangfu.teams import rollups
from bangfu.teams.models import (
    CheckIn,
    DayStatus,
    LeaveDecision,
    LeaveRequest,
    LeaveState,
    Meeting,
    MeetingTask,
    RegisterEntry,
)
from bangfu.teams.services import (
    LeaveInput,
    MemberInput,
    TeamInput,
    leave_request,
    member_add,
    team_create,
)
from bangfu.visits.rollups import month_of

from .households import GIVEN, SURNAMES

TERM_START = datetime.date(2026, 1, 1)
ROLES = [("1", "队长"), ("2", "第一书记"), ("3", "联络员")]
WORK_TEAM_VILLAGE = "611103002201"  # where the demo's work_team login leads the team
SHORT_VILLAGE = "611103002202"  # where the liaison is short of days this month
OFFICIAL_REASONS = ["到区里参加培训", "到街道汇报工作", "陪同农户到医院办理报销"]
TASKS = ["走访未达标农户", "协调产业项目用地", "整理帮扶手册", "督促危房改造进度"]


def _id_number(rng: random.Random, used: set[str]) -> str:
    while True:
        born = datetime.date(1970, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 25))
        body = f"611103{born:%Y%m%d}{rng.randrange(1000):03d}"
        value = body + calc_check_digit(body + "?")
        if value not in used:
            used.add(value)
            return value


def make_teams(*, actor, seed: int, today: datetime.date, work_team_login) -> int:
    """Teams, members and two months of their days; returns how many teams."""
    rng = random.Random(seed + 3)
    villages = list(
        Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith="611103").order_by("code")
    )
    units = list(Unit.objects.filter(level="county", kind="government").order_by("pk"))
    used: set[str] = set()
    members = []
    for index, village in enumerate(villages):
        unit = units[index % len(units)]
        team = team_create(
            actor=actor,
            team=TeamInput(
                name=f"{village.name}驻村工作队",
                region_code=village.code,
                unit_id=unit.pk,
                term_start=TERM_START,
                term_end=datetime.date(2027, 12, 31),
            ),
        )
        for role, _label in ROLES:
            leads_here = village.code == WORK_TEAM_VILLAGE and role == "1"
            name = (
                work_team_login.full_name
                if leads_here
                else rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice([1, 2])))
            )
            member = member_add(
                actor=actor,
                team_id=team.pk,
                member=MemberInput(
                    name=name,
                    id_number=_id_number(rng, used),
                    role=role,
                    unit_id=unit.pk,
                    started_on=TERM_START,
                    phone=f"138{rng.randrange(10**8):08d}",
                    user_id=work_team_login.pk if leads_here else None,
                ),
            )
            members.append(member)
    _days(members, actor, rng, today)
    _meetings(members, actor, rng, today)
    secretary = next(m for m in members if m.region_id == WORK_TEAM_VILLAGE and m.role.value == "2")
    leave_request(
        actor=actor,
        leave=LeaveInput(
            kind="1",
            first_day=today + datetime.timedelta(days=7),
            last_day=today + datetime.timedelta(days=8),
            reason="回老家探望生病的父亲",
            member_id=secretary.pk,
        ),
    )
    rollups.rebuild()
    place_rollups.rebuild()
    return len(villages)


def _days(members, actor, rng: random.Random, today: datetime.date) -> None:
    first = month_of(month_of(today) - datetime.timedelta(days=1))
    now = timezone.now()
    leave_kind = Code.objects.get(kind="leave_kind", value="1")
    approvers = policy_for(WORK_TEAM_VILLAGE, "teams.leave_approvers")
    alone = policy_for(WORK_TEAM_VILLAGE, "teams.leave_days_per_level")
    check_ins, register, decisions = [], [], []
    for member in members:
        short = member.region_id == SHORT_VILLAGE and member.role.value == "3"
        days = [first + datetime.timedelta(n) for n in range((today - first).days + 1)]
        away: set[datetime.date] = set()
        if rng.random() < 0.4:  # some members took a few days of leave last month
            start = first + datetime.timedelta(days=rng.randrange(5, 20))
            length = rng.choice([1, 2, 3])
            last = start + datetime.timedelta(days=length - 1)
            levels = 1 + sum(1 for days_alone in alone if length > int(days_alone))
            leave = LeaveRequest.objects.create(
                member=member,
                region_id=member.region_id,
                kind=leave_kind,
                first_day=start,
                last_day=last,
                reason="家中有事",
                state=LeaveState.APPROVED,
                levels_needed=min(levels, len(approvers)),
                requested_at=now,
                requested_by=actor,
            )
            decisions += [
                LeaveDecision(
                    leave=leave,
                    level=level + 1,
                    approver=approvers[level],
                    approved=True,
                    decided_at=now,
                    decided_by=actor,
                )
                for level in range(leave.levels_needed)
            ]
            away.update(start + datetime.timedelta(n) for n in range(length))
        official = {day for day in days if rng.random() < 0.05}
        for day in days:
            if day in away:
                continue
            if day in official:
                register.append(
                    RegisterEntry(
                        member=member,
                        region_id=member.region_id,
                        day=day,
                        status=DayStatus.OFFICIAL,
                        reason=rng.choice(OFFICIAL_REASONS),
                        recorded_at=now,
                        recorded_by=actor,
                    )
                )
                continue
            present = day.day % 3 == 0 if short and day >= month_of(today) else rng.random() < 0.9
            if not present:
                continue
            at = timezone.make_aware(
                datetime.datetime.combine(day, datetime.time(8, rng.randrange(60)))
            )
            check_ins.append(
                CheckIn(
                    client_id=uuid.UUID(int=rng.getrandbits(128)),
                    member=member,
                    region_id=member.region_id,
                    checked_at=at,
                    day=day,
                    distance_m=rng.randrange(20, 300),
                    recorded_at=at,
                    recorded_by=member.user or actor,
                )
            )
    CheckIn.objects.bulk_create(check_ins, batch_size=1000)
    RegisterEntry.objects.bulk_create(register, batch_size=1000)
    LeaveDecision.objects.bulk_create(decisions, batch_size=1000)


def _meetings(members, actor, rng: random.Random, today: datetime.date) -> None:
    """A meeting every Monday of last month and this one, each deciding one task, due ten days
    later; those of last month done, most of this month's too."""
    teams = {member.team_id: member for member in members}
    first = month_of(month_of(today) - datetime.timedelta(days=1))
    monday = first + datetime.timedelta(days=(7 - first.weekday()) % 7)
    tasks = []
    while monday <= today:
        for team_id, member in teams.items():
            meeting = Meeting.objects.create(
                team_id=team_id,
                region_id=member.region_id,
                held_on=monday,
                place="村委会会议室",
                minutes="学习帮扶政策，研究本周走访安排。",
                recorded_by=actor,
            )
            due = monday + datetime.timedelta(days=10)
            # Last month's tasks were all done; this month's mostly, a few overdue.
            finished = monday < month_of(today) or rng.random() < 0.7
            done = min(due, today) if finished else None
            tasks.append(
                MeetingTask(
                    meeting=meeting,
                    region_id=member.region_id,
                    description=rng.choice(TASKS),
                    owner=member,
                    due_on=due,
                    done_on=done,
                    done_note="已完成" if done else "",
                )
            )
        monday += datetime.timedelta(days=7)
    MeetingTask.objects.bulk_create(tasks, batch_size=1000)
