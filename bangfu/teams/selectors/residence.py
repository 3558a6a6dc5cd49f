"""Residence days (驻村天数): per member and month, the days that count towards living in the
village, against the minimum; who is short of it before the month ends.

What counts: days in the village, and days away on official business (公出) and of approved
leave where the rules of the member's village say so (``teams.official_business_counts``,
``teams.leave_counts``), against ``teams.residence_days_min``: the rules in force on the
month's first day, as visits judge a month. Figures are read from the members' month
roll-ups (``MemberMonth``), never from the check-ins, so a place's page costs in proportion
to the teams it shows.

The minimum is for a whole month; a member whose term covers part of the month needs that
part of it (rounded up). **Short** (差天数) means behind the pace: by the day judged (today
in the current month, the last day in a past one), a member should have lived the share of
the required days that the days of their term passed call for (rounded down); a member with
fewer counted days is short by the difference. A past month is judged at its end, where the
pace is the requirement itself. Approved leave ahead in the month is known and counted (where
leave counts). Beside it: the days still needed for the month, the days left after today, and
whether the month can still be made at all.
"""

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bangfu.core.policies import policies_everywhere
from bangfu.core.scoping import get_visible_or_404
from bangfu.visits.rollups import month_of, next_month

from .. import rollups
from ..models import DayStatus, MemberMonth, Team, TeamMember
from ..residence_rules import AllResidenceRules, ResidenceRules, residence_rules

PAGE_SIZE = 50
REMIND_DAYS = "teams.remind_days_before_month_end"
# What "short" means, in the words the pages and the indicator show beside the figure.
SHORT_DEFINITION: str | Promise = _(
    "Short of residence days: behind the month's pace. By the day judged (today in the "
    "current month, the last day in a past one), a member should have lived the share of the "
    "month's required days that the days of their term passed call for, rounded down; short "
    "by the difference. The requirement is the minimum (teams.residence_days_min) for a whole "
    "month, and its share for a term that covers part of the month, rounded up. Days in the "
    "village count, and days on official business and of approved leave where the village's "
    "rules say so."
)


def last_of(month: datetime.date) -> datetime.date:
    return next_month(month) - datetime.timedelta(days=1)


@dataclass(frozen=True)
class MemberResidence:
    """A member's month of residence, judged on a day (see the module's definition)."""

    member: TeamMember
    month: datetime.date
    in_village: int
    official: int
    leave: int
    counted: int  # the days that count, by the village's rules
    required: int  # the minimum, for the part of the month the term covers
    term_days: int  # days of the term in the month
    passed: int  # days of the term in the month up to the day judged
    rules: ResidenceRules  # of the member's village, for the month

    @property
    def expected(self) -> int:
        """The days the pace calls for by the day judged."""
        if not self.term_days:
            return 0
        return self.required * self.passed // self.term_days

    @property
    def short_by(self) -> int:
        return max(self.expected - self.counted, 0)

    @property
    def short(self) -> bool:
        return self.short_by > 0

    @property
    def still_needed(self) -> int:
        return max(self.required - self.counted, 0)

    @property
    def days_left(self) -> int:
        """Days of the term in the month after the day judged."""
        return self.term_days - self.passed

    @property
    def out_of_reach(self) -> bool:
        """The month's requirement cannot be met any more, even living in the village every
        day left."""
        return self.still_needed > self.days_left

    @property
    def met(self) -> bool:
        return self.counted >= self.required


def _term_in(member: TeamMember, first: datetime.date, last: datetime.date) -> int:
    start = max(first, member.started_on)
    end = min(last, member.ended_on or last)
    return max((end - start).days + 1, 0)


def residence_of(
    member: TeamMember,
    month: datetime.date,
    row: MemberMonth | None,
    rules: ResidenceRules,
    on: datetime.date | None = None,
) -> MemberResidence:
    """The member's month from its roll-up ``row`` (None: nothing known yet), judged on
    ``on`` (default today)."""
    on = on or timezone.localdate()
    last = last_of(month)
    in_village = row.days_in_village if row else 0
    official = row.days_official if row else 0
    leave = row.days_leave if row else 0
    counted = rules.counted(in_village, official, leave)
    term_days = _term_in(member, month, last)
    passed = _term_in(member, month, min(last, on)) if on >= month else 0
    days_in_month = calendar.monthrange(month.year, month.month)[1]
    required = -(-rules.minimum * term_days // days_in_month)  # rounded up
    return MemberResidence(
        member=member,
        month=month,
        in_village=in_village,
        official=official,
        leave=leave,
        counted=counted,
        required=required,
        term_days=term_days,
        passed=passed,
        rules=rules,
    )


def _in_month(month: datetime.date) -> Q:
    return Q(started_on__lte=last_of(month)) & (Q(ended_on=None) | Q(ended_on__gte=month))


def month_rows(members: Iterable[TeamMember], month: datetime.date) -> dict[int, MemberMonth]:
    ids = [member.pk for member in members]
    return {
        row.member_id: row for row in MemberMonth.objects.filter(member_id__in=ids, month=month)
    }


def shortest_first(residences: Iterable[MemberResidence]) -> list[MemberResidence]:
    return sorted(residences, key=lambda r: (-r.short_by, -r.still_needed, r.member.name))


# -- a team ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberDays:
    residence: MemberResidence
    days: list[str]  # each day of the month: a DayStatus value, "" outside the term or ahead


@dataclass(frozen=True)
class TeamResidence:
    team: Team
    month: datetime.date
    days: list[datetime.date]
    members: list[MemberDays] = field(default_factory=list)

    @property
    def short(self) -> int:
        return sum(row.residence.short for row in self.members)

    @property
    def met(self) -> int:
        return sum(row.residence.met for row in self.members)


def team_for(user, team_id: int) -> Team:
    return get_visible_or_404(Team.objects.select_related("region", "unit"), user, pk=team_id)


def team_residence(
    user, team: Team, month: datetime.date, on: datetime.date | None = None
) -> TeamResidence:
    """Each member of the team whose term touches the month, short ones first, with what
    each day of the month was (``rollups.day_statuses``; a day of the term up to ``on``
    with none is absent)."""
    on = on or timezone.localdate()
    last = last_of(month)
    members = list(
        TeamMember.objects.visible_to(user)
        .filter(_in_month(month), team=team)
        .select_related("role")
    )
    rows = month_rows(members, month)
    rules = residence_rules(team.region_id, month)
    days = [month + datetime.timedelta(days=n) for n in range((last - month).days + 1)]
    statuses = rollups.statuses_of(members, month, last)
    listed = []
    for residence in shortest_first(
        residence_of(member, month, rows.get(member.pk), rules, on) for member in members
    ):
        member = residence.member
        known = statuses[member.pk]
        end = min(member.ended_on or last, on)
        listed.append(
            MemberDays(
                residence,
                [
                    known.get(day) or (DayStatus.ABSENT if member.started_on <= day <= end else "")
                    for day in days
                ],
            )
        )
    return TeamResidence(team, month, days, listed)


# -- teams under a place ----------------------------------------------------------------------


@dataclass(frozen=True)
class TeamRow:
    team: Team
    members: int
    met: int
    short: int
    counted: int  # days counted, all members
    required: int


def teams_residence(
    user, within, month: datetime.date, page: int = 1, on: datetime.date | None = None
) -> tuple[Page, list[TeamRow]]:
    """The teams under ``within`` (all the user's places for None) stationed there in the
    month, in place order, ``PAGE_SIZE`` a page: for each, its members this month, how many
    met the minimum and how many are short. Reads the page's members and their month
    roll-ups (two queries) and the rules of every place once."""
    on = on or timezone.localdate()
    last = last_of(month)
    teams = (
        Team.objects.visible_to(user, within)
        .filter(term_start__lte=last)
        .filter(Q(term_end=None) | Q(term_end__gte=month))
        .select_related("region")
        .order_by("region_id", "name", "pk")
    )
    chosen = Paginator(teams, PAGE_SIZE).get_page(page)
    shown = list(chosen)
    members = list(TeamMember.objects.visible_to(user).filter(_in_month(month), team__in=shown))
    rows = month_rows(members, month)
    rules_of = AllResidenceRules()
    by_team: dict[int, list[MemberResidence]] = {team.pk: [] for team in shown}
    for member in members:
        by_team[member.team_id].append(
            residence_of(member, month, rows.get(member.pk), rules_of(member.region_id, month), on)
        )
    listed = [
        TeamRow(
            team=team,
            members=len(by_team[team.pk]),
            met=sum(r.met for r in by_team[team.pk]),
            short=sum(r.short for r in by_team[team.pk]),
            counted=sum(r.counted for r in by_team[team.pk]),
            required=sum(r.required for r in by_team[team.pk]),
        )
        for team in shown
    ]
    return chosen, listed


# -- reminders --------------------------------------------------------------------------------

BATCH = 2000


def short_members(on: datetime.date) -> Iterable[MemberResidence]:
    """Every member in term on ``on`` who is short in its month on that day, where the
    village's rules remind this close to the month's end (``teams.remind_days_before_month_end``:
    on each of the month's last so many days). Read in batches from the month roll-ups."""
    month = month_of(on)
    days_to_end = (last_of(month) - on).days + 1
    rules_of = AllResidenceRules()
    remind_days = policies_everywhere([REMIND_DAYS])
    current = (
        TeamMember.objects.filter(started_on__lte=on)
        .filter(Q(ended_on=None) | Q(ended_on__gte=on))
        .order_by("pk")
    )
    after = 0
    while True:
        batch = list(current.filter(pk__gt=after)[:BATCH])
        if not batch:
            return
        after = batch[-1].pk
        rows = month_rows(batch, month)
        for member in batch:
            if days_to_end > remind_days(member.region_id, month)[REMIND_DAYS].value:
                continue
            rules = rules_of(member.region_id, month)
            residence = residence_of(member, month, rows.get(member.pk), rules, on)
            if residence.short:
                yield residence
