"""Resident work teams (驻村工作队): teams that units send to villages for a term, their
members, the days they live in the village, their leave, meetings, reports and discipline.

Every record carries its team's village (``region``) for scoping, as pairings and visits
carry their household's: a township's staff see the teams stationed in its villages.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bangfu.core import values
from bangfu.core.models import Region
from bangfu.core.scoping import RegionalQuerySet
from bangfu.pairing.models import Unit
from bangfu.registry.models import code_field

POSITION = {
    "latitude": values.Number(Decimal(-90), Decimal(90), places=6),
    "longitude": values.Number(Decimal(-180), Decimal(180), places=6),
}
# A team's term and its members' may be set ahead (the next term is known in advance).
TERM_DAY = values.Day(datetime.date(2000, 1, 1), ahead=366 * 3)

TEAM_RULES = values.Rules(name=values.Text(100), term_start=TERM_DAY, term_end=TERM_DAY, **POSITION)


class Team(models.Model):
    """A resident work team (驻村工作队) sent by a unit (派出单位) to live in a village for a
    term. It is stationed in one village (``region``, where its records are read) and may
    serve several (``villages``, its own among them)."""

    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        Region, verbose_name=_("village stationed in"), on_delete=models.PROTECT, related_name="+"
    )
    villages = models.ManyToManyField(
        Region, verbose_name=_("villages served"), related_name="+", blank=True
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("sending unit"), on_delete=models.PROTECT, related_name="teams"
    )
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"), null=True, blank=True)
    # Where the team lives in the village (驻地): check-ins are measured against it.
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = TEAM_RULES

    class Meta:
        verbose_name = _("resident work team")
        verbose_name_plural = _("resident work teams")
        constraints = [
            *TEAM_RULES.checks("team"),
            models.CheckConstraint(
                condition=Q(term_end=None) | Q(term_end__gte=models.F("term_start")),
                name="team_term_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.name


MEMBER_RULES = values.Rules(
    name=values.Text(50),
    phone=values.Phone(),
    started_on=TERM_DAY,
    ended_on=TERM_DAY,
    end_reason=values.Text(200),
)


class TeamMember(models.Model):
    """A person's term on a team (驻村任职), in a role (队长, 第一书记, 联络员, 队员), sent by a
    unit. A replacement ends one term and starts another, so the team's history stays; a
    person (by ID number) is on at most one team at a time."""

    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="members"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=50)
    id_number_sealed = models.TextField(_("ID number"))
    id_number_hash = models.CharField(max_length=64)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    role = code_field("team_role", _("role"))
    unit = models.ForeignKey(
        Unit, verbose_name=_("sent by"), on_delete=models.PROTECT, related_name="team_members"
    )
    # The login the member checks in with on a phone; optional, as for helpers.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="team_terms",
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=200, blank=True)

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = MEMBER_RULES

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            *MEMBER_RULES.checks("team_member"),
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=Q(ended_on=None),
                name="one_team_at_a_time",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(ended_on=None, user__isnull=False),
                name="one_team_term_a_login",
            ),
            models.CheckConstraint(
                condition=Q(ended_on=None) | Q(ended_on__gte=models.F("started_on")),
                name="team_member_ends_after_it_starts",
            ),
        ]
        indexes = [models.Index(fields=["region", "team"], name="team_member_place")]

    def __str__(self) -> str:
        return self.name


class DayStatus(models.TextChoices):
    """Where a member was on a day (考勤状态)."""

    IN_VILLAGE = "in_village", _("In the village")
    OFFICIAL = "official", _("Away on official business")
    LEAVE = "leave", _("On approved leave")
    ABSENT = "absent", _("Absent")


# Check-ins from the 2014 registration on; a phone's clock may run minutes fast.
CHECK_IN_RULES = values.Rules(
    checked_at=values.Moment(datetime.date(2014, 1, 1), slack=datetime.timedelta(minutes=10)),
    accuracy_m=values.Whole(0, 100_000),
    **POSITION,
)


class CheckIn(models.Model):
    """A member's check-in from the village (驻村打卡): when, where the phone was, and how far
    that is from the team's residence; an optional photo. Made on the phone with its own id
    (``client_id``), like a visit, so a retry never makes two."""

    client_id = models.UUIDField(_("check-in id made on the phone"), unique=True)
    member = models.ForeignKey(
        TeamMember, verbose_name=_("member"), on_delete=models.PROTECT, related_name="check_ins"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(_("checked in at"))
    day = models.DateField(_("day"))  # the local day of ``checked_at``
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    accuracy_m = models.PositiveIntegerField(null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("distance from the residence (m)"), null=True)
    photo = models.FileField(upload_to="teams/%Y/%m/", blank=True)
    photo_hash = models.CharField(max_length=16, blank=True, db_index=True)
    recorded_at = models.DateTimeField(_("logged at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = CHECK_IN_RULES

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = CHECK_IN_RULES.checks("check_in")
        indexes = [
            models.Index(fields=["member", "day"]),
            models.Index(fields=["region", "day"]),
        ]

    def __str__(self) -> str:
        return f"{self.member} @ {self.checked_at:%Y-%m-%d %H:%M}"


class CheckInFlagKind(models.TextChoices):
    FAR = "far", _("Far from the residence")
    PHOTO_REUSED = "photo_reused", _("Photo used before")
    SAME_SPOT_OUTSIDE = "same_spot_outside", _("Always from the same spot outside the village")
    ELSEWHERE = "elsewhere", _("Somewhere else the same day")


class CheckInFlag(models.Model):
    """A sign for inspectors that a check-in may not be what it claims (存疑); never a
    refusal. The figures behind it are worded when shown, in the reader's language."""

    check_in = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="flags")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("flag"), max_length=20, choices=CheckInFlagKind.choices)
    facts = models.JSONField(default=dict)

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()

    class Meta:
        verbose_name = _("check-in flag")
        verbose_name_plural = _("check-in flags")

    def __str__(self) -> str:
        return f"{self.kind}: {self.check_in_id}"


REGISTER_RULES = values.Rules(
    day=values.Day(datetime.date(2014, 1, 1)),
    status=values.Choice(DayStatus),
    reason=values.Text(200),
)


class RegisterEntry(models.Model):
    """A day of the attendance register kept by hand (考勤登记), by the team leader or the
    township's staff, with the reason: in the village without a check-in (a phone left
    behind), away on official business (公出), or absent. It says what the day was, over any
    check-in; approved leave needs no entry."""

    member = models.ForeignKey(
        TeamMember, verbose_name=_("member"), on_delete=models.PROTECT, related_name="register"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    status = models.CharField(_("status"), max_length=12, choices=DayStatus.choices)
    reason = models.CharField(_("reason"), max_length=200)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = REGISTER_RULES

    class Meta:
        verbose_name = _("register entry")
        verbose_name_plural = _("attendance register")
        constraints = [
            *REGISTER_RULES.checks("register_entry"),
            models.UniqueConstraint(fields=["member", "day"], name="one_register_entry_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.day} {self.status}"


class LeaveState(models.TextChoices):
    REQUESTED = "requested", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    CANCELLED = "cancelled", _("Cancelled")


LEAVE_RULES = values.Rules(
    first_day=values.Day(datetime.date(2014, 1, 1), ahead=366),
    last_day=values.Day(datetime.date(2014, 1, 1), ahead=366),
    returned_on=values.Day(datetime.date(2014, 1, 1)),
    reason=values.Text(300),
    state=values.Choice(LeaveState),
    approvers=values.Text(20),  # written by the services, from the policy
)


class LeaveRequest(models.Model):
    """A member's request for leave (请假), from a day to a day, approved level by level (the
    policy ``teams.leave_approvers``); cancelled, or cut short by returning early
    (``returned_on``: the first day back)."""

    member = models.ForeignKey(
        TeamMember, verbose_name=_("member"), on_delete=models.PROTECT, related_name="leave"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    kind = code_field("leave_kind", _("kind of leave"))
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=300)
    state = models.CharField(
        _("state"), max_length=10, choices=LeaveState.choices, default=LeaveState.REQUESTED
    )
    # How many approvers this request needs (the policy, read when it was made).
    levels_needed = models.PositiveSmallIntegerField(_("approvals needed"))
    # Who they are, in order (队长、乡镇、县 or part of it), read with ``levels_needed``: a rule
    # set later, even from a day before, does not change who decides a request already made.
    approvers = models.CharField(_("approvers"), max_length=20, default="")
    returned_on = models.DateField(_("back on"), null=True, blank=True)
    requested_at = models.DateTimeField(_("requested at"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = LEAVE_RULES

    class Meta:
        verbose_name = _("leave request")
        verbose_name_plural = _("leave requests")
        constraints = [
            *LEAVE_RULES.checks("leave"),
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")), name="leave_ends_after_it_starts"
            ),
        ]
        indexes = [models.Index(fields=["member", "first_day"])]

    def __str__(self) -> str:
        return f"{self.member_id} {self.first_day}–{self.last_day}"

    @property
    def days(self) -> int:
        """Days asked for, both ends counted (calendar days, as residence counts)."""
        return (self.last_day - self.first_day).days + 1


LEAVE_DECISION_RULES = values.Rules(
    note=values.Text(200),
    approver=values.Text(10),  # written by the services: a level the policy names
)


class LeaveDecision(models.Model):
    """One level's decision on a leave request: approved, or refused with a note."""

    leave = models.ForeignKey(LeaveRequest, on_delete=models.PROTECT, related_name="decisions")
    level = models.PositiveSmallIntegerField(_("level"))  # 1 for the first approver
    approver = models.CharField(_("approver"), max_length=10)  # 队长, 乡镇 or 县
    approved = models.BooleanField(_("approved"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    decided_at = models.DateTimeField(_("decided at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    value_rules = LEAVE_DECISION_RULES

    class Meta:
        verbose_name = _("leave decision")
        verbose_name_plural = _("leave decisions")
        constraints = [
            *LEAVE_DECISION_RULES.checks("leave_decision"),
            models.UniqueConstraint(fields=["leave", "level"], name="one_decision_a_level"),
        ]

    def __str__(self) -> str:
        return f"{self.leave_id} {self.level} {self.approved}"


class MemberMonth(models.Model):
    """One member's month of residence (月度驻村天数), kept current by the services that write
    check-ins, register entries and leave, and rebuilt from them by ``manage.py
    rebuild_rollups`` (``teams.rollups``). It counts the days known for what they were; a day
    of the member's term with none of these is absent, counted when read (the days of the
    current month pass without any write)."""

    member = models.ForeignKey(TeamMember, on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    month = models.DateField()  # the first day of the month
    days_in_village = models.PositiveSmallIntegerField(default=0)
    days_official = models.PositiveSmallIntegerField(default=0)
    # Approved leave ahead in the month is counted too: it is known.
    days_leave = models.PositiveSmallIntegerField(default=0)
    check_ins = models.PositiveIntegerField(default=0)

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "month"], name="one_member_month")]
        indexes = [models.Index(fields=["month", "region"])]

    def __str__(self) -> str:
        return f"{self.member_id} {self.month:%Y-%m}"


MEETING_RULES = values.Rules(
    held_on=values.Day(datetime.date(2014, 1, 1)),
    place=values.Text(100),
    minutes=values.Text(5000, lines=True),
)


class Meeting(models.Model):
    """A team meeting (驻村例会): when, where, who of the team attended, the minutes; its
    decisions are tasks."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="meetings")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("where"), max_length=100, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    attendees = models.ManyToManyField(TeamMember, verbose_name=_("attended"), related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = MEETING_RULES

    class Meta:
        verbose_name = _("team meeting")
        verbose_name_plural = _("team meetings")
        constraints = MEETING_RULES.checks("meeting")
        indexes = [models.Index(fields=["region", "held_on"])]

    def __str__(self) -> str:
        return f"{self.team} {self.held_on}"


TASK_RULES = values.Rules(
    description=values.Text(300),
    due_on=values.Day(datetime.date(2014, 1, 1), ahead=366),
    done_on=values.Day(datetime.date(2014, 1, 1)),
    done_note=values.Text(300),
)


class MeetingTask(models.Model):
    """A decision of a meeting to carry out (会议决定事项): what, who, by when, and whether it
    was done."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="tasks")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("task"), max_length=300)
    owner = models.ForeignKey(
        TeamMember,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_note = models.CharField(_("how it was done"), max_length=300, blank=True)

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = TASK_RULES

    class Meta:
        verbose_name = _("meeting task")
        verbose_name_plural = _("meeting tasks")
        constraints = TASK_RULES.checks("meeting_task")
        indexes = [
            models.Index(fields=["region", "due_on"], condition=Q(done_on=None), name="task_open")
        ]

    def __str__(self) -> str:
        return self.description


REPORT_RULES = values.Rules(text=values.Text(10_000, lines=True))


class WorkReport(models.Model):
    """A team's monthly work report (月度工作报告): the team's words, and the month's figures
    the system fills in when it is submitted (residence days, visits, problems solved), kept
    as they were then."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="reports")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))  # the first day of the month
    text = models.TextField(_("report"))
    figures = models.JSONField(_("figures"), default=dict)
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = REPORT_RULES

    class Meta:
        verbose_name = _("work report")
        verbose_name_plural = _("work reports")
        constraints = [
            *REPORT_RULES.checks("work_report"),
            models.UniqueConstraint(fields=["team", "month"], name="one_report_a_team_a_month"),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.month:%Y-%m}"


DISCIPLINE_RULES = values.Rules(
    occurred_on=values.Day(datetime.date(2014, 1, 1)),
    description=values.Text(500, lines=True),
    decision=values.Text(300),
)


class DisciplineRecord(models.Model):
    """A discipline record of a member (纪律约束): what kind, when, what happened, what was
    decided."""

    member = models.ForeignKey(
        TeamMember, verbose_name=_("member"), on_delete=models.PROTECT, related_name="discipline"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    kind = code_field("discipline_kind", _("kind"))
    occurred_on = models.DateField(_("on"))
    description = models.TextField(_("what happened"))
    decision = models.CharField(_("decision"), max_length=300)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = DISCIPLINE_RULES

    class Meta:
        verbose_name = _("discipline record")
        verbose_name_plural = _("discipline records")
        constraints = DISCIPLINE_RULES.checks("discipline")

    def __str__(self) -> str:
        return f"{self.member_id} {self.kind_id} {self.occurred_on}"


class MemberReminder(models.Model):
    """A reminder sent to a member short of residence days (驻村天数提醒), so that one day's
    reminders go out once."""

    member = models.ForeignKey(TeamMember, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    channel = models.CharField(max_length=20)
    message = models.TextField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "day"], name="one_reminder_a_member_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.day}"
