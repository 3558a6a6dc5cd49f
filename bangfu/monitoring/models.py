"""Relapse-prevention monitoring (防止返贫动态监测和帮扶): alerts about households (预警) and the
procedures that follow (识别; later 风险消除 and 脱贫退出), each a chain of dated steps.

Every record carries its household's place (``region``), a copy that moves with the household
in the registry's transaction (``services.monitoring_follow_household``), as visits do.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bangfu.core import values
from bangfu.core.models import Code, Region
from bangfu.core.scoping import RegionalQuerySet
from bangfu.pairing.models import Helper
from bangfu.registry.models import Household, Member, code_field

# Monitoring began in 2021 (the five-year transition); nothing of it is dated earlier.
MONITORING_DAY = values.Day(datetime.date(2021, 1, 1))


class Counting(models.TextChoices):
    """How a deadline's days were counted (``monitoring.count_working_days``)."""

    CALENDAR = "calendar", _("calendar days")
    WORKING = "working", _("working days")


class AlertSource(models.TextChoices):
    RULE = "rule", _("Department data rule")
    SELF_REPORT = "self_report", _("Self-report")
    SCREENING = "screening", _("Cadre screening")


class AlertState(models.TextChoices):
    OPEN = "open", _("Awaiting verification")
    NOT_AT_RISK = "not_at_risk", _("Verified: not at risk")
    IDENTIFYING = "identifying", _("Identification started")


ALERT_RULES = values.Rules(
    source=values.Choice(AlertSource),
    rule_code=values.Text(40),
    summary=values.Text(500, lines=True),
    raised_on=MONITORING_DAY,
    state=values.Choice(AlertState),
    days_counted=values.Choice(Counting),
    closed_on=MONITORING_DAY,
    close_reason=values.Text(300, lines=True),
)


class Alert(models.Model):
    """An alert that a household (or one member) may be at risk (预警): from a department's
    data by a rule (naming the rule and the records that fired it), a self-report, or a
    cadre's screening (排查). It goes to the household's helper and its township, is to be
    verified by ``due_on`` (``monitoring.verify_days``), and is closed with an outcome: not at
    risk (with the reason), or an identification started."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="alerts"
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    # The township the alert goes to, besides the helper: the household's, when raised.
    township = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    helper = models.ForeignKey(
        Helper,
        verbose_name=_("helper"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=12, choices=AlertSource.choices)
    rule_code = models.CharField(_("rule"), max_length=40, blank=True)
    # The records that fired a rule: [{"type": "health.medicalcost", "id": 12}, …]
    fired_by = models.JSONField(_("records that fired it"), default=list, blank=True)
    summary = models.TextField(_("what was found"))
    raised_on = models.DateField(_("raised on"))
    raised_at = models.DateTimeField(_("recorded at"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    due_on = models.DateField(_("to be verified by"))
    days_counted = models.CharField(_("days counted"), max_length=10, choices=Counting.choices)
    state = models.CharField(
        _("state"), max_length=12, choices=AlertState.choices, default=AlertState.OPEN
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    close_reason = models.TextField(_("reason"), blank=True)
    procedure = models.ForeignKey(
        "Procedure", on_delete=models.PROTECT, null=True, blank=True, related_name="alerts"
    )
    # The id a phone made for the closing, done at the household (offline too): sent again,
    # the first closing answers (``core.services.sent_before``).
    closed_client_id = models.UUIDField(null=True, blank=True, unique=True)

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = ALERT_RULES

    class Meta:
        verbose_name = _("monitoring alert")
        verbose_name_plural = _("monitoring alerts")
        constraints = [
            *ALERT_RULES.checks("alert"),
            models.CheckConstraint(
                condition=Q(state=AlertState.OPEN, closed_on=None)
                | (~Q(state=AlertState.OPEN) & Q(closed_on__isnull=False)),
                name="alert_closed_has_day",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "state", "due_on"], name="alert_place_state_due"),
            models.Index(fields=["household", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.raised_on}"

    def is_overdue(self, today: datetime.date) -> bool:
        """Still open after the day it was to be verified by."""
        return self.state == AlertState.OPEN and self.due_on < today


class ProcedureKind(models.TextChoices):
    IDENTIFICATION = "identification", _("Identification")
    RISK_CLEARING = "risk_clearing", _("Risk clearing")
    EXIT = "exit", _("Exit verification")


class ProcedureState(models.TextChoices):
    RUNNING = "running", _("Running")
    PASSED = "passed", _("Decided: passed")
    REFUSED = "refused", _("Ended: refused")


PROCEDURE_RULES = values.Rules(
    kind=values.Choice(ProcedureKind),
    state=values.Choice(ProcedureState),
    started_on=MONITORING_DAY,
    ended_on=MONITORING_DAY,
    days_counted=values.Choice(Counting),
    next_step=values.Text(20),
    checked_on=MONITORING_DAY,
)


class Procedure(models.Model):
    """A household's procedure (程序) of one kind — identification now; risk clearing and exit
    verification later — run as the chain of steps its kind names (``engine.KINDS``), within
    ``due_on``. ``next_step`` is the step awaited (empty once ended)."""

    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="procedures",
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=ProcedureKind.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=ProcedureState.choices, default=ProcedureState.RUNNING
    )
    next_step = models.CharField(_("step awaited"), max_length=20, blank=True)
    started_on = models.DateField(_("started on"))
    due_on = models.DateField(_("to be done by"))
    days_counted = models.CharField(_("days counted"), max_length=10, choices=Counting.choices)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    # What the decision set: the household's monitoring type and risk types (code lists).
    monitoring_type = code_field("monitoring_type", _("monitoring type"), null=True, blank=True)
    risk_types = models.ManyToManyField(
        Code, verbose_name=_("risk types"), related_name="+", blank=True
    )
    # Risk clearing and exit: the checklist as last checked (at the start, then at the
    # county's decision), each item's key, result, evidence in words and the records read —
    # kept because the registry's fields it read (housing, water, schooling) hold no history.
    checklist = models.JSONField(_("checklist"), default=list, blank=True)
    checked_on = models.DateField(_("checklist checked on"), null=True, blank=True)
    started_at = models.DateTimeField()
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = PROCEDURE_RULES

    class Meta:
        verbose_name = _("monitoring procedure")
        verbose_name_plural = _("monitoring procedures")
        constraints = [
            *PROCEDURE_RULES.checks("procedure"),
            # One running procedure of a kind per household: a second alert joins it.
            models.UniqueConstraint(
                fields=["household", "kind"],
                condition=Q(state="running"),
                name="one_running_procedure_of_a_kind",
            ),
        ]
        indexes = [models.Index(fields=["region", "state", "due_on"], name="procedure_place_due")]

    def __str__(self) -> str:
        return f"{self.kind} {self.household_id}"

    def is_late(self, today: datetime.date) -> bool:
        """Still running after the day it was to be done by."""
        return self.state == ProcedureState.RUNNING and self.due_on < today


class StepOutcome(models.TextChoices):
    PASSED = "passed", _("Passed")
    REFUSED = "refused", _("Not passed")


STEP_RULES = values.Rules(
    step=values.Text(20),
    outcome=values.Choice(StepOutcome),
    done_on=MONITORING_DAY,
    reason=values.Text(300, lines=True),
    note=values.Text(500, lines=True),
    notice_from=values.Day(datetime.date(2021, 1, 1), ahead=30),
)


class Step(models.Model):
    """One step of a procedure: which, by whom, on which day, its outcome (and the reason when
    refused). The application's step keeps the photo of the signed commitment (承诺授权书);
    the village review's the public notice's days (公示)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="steps")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    step = models.CharField(_("step"), max_length=20)
    outcome = models.CharField(_("outcome"), max_length=10, choices=StepOutcome.choices)
    reason = models.TextField(_("reason"), blank=True)
    note = models.TextField(_("note"), blank=True)
    done_on = models.DateField(_("done on"))
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    image = models.FileField(upload_to="monitoring/%Y/%m/", blank=True)
    notice_from = models.DateField(_("notice from"), null=True, blank=True)
    notice_until = models.DateField(_("notice until"), null=True, blank=True)
    # The id a phone made for a step recorded at the household (the home check, offline):
    # sent again, the first record answers (``core.services.sent_before``).
    client_id = models.UUIDField(null=True, blank=True, unique=True)

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = STEP_RULES

    class Meta:
        verbose_name = _("procedure step")
        verbose_name_plural = _("procedure steps")
        constraints = [
            *STEP_RULES.checks("step"),
            models.UniqueConstraint(fields=["procedure", "step"], name="one_step_of_a_kind"),
            models.CheckConstraint(
                condition=Q(outcome="passed") | ~Q(reason=""), name="step_refusal_has_reason"
            ),
        ]
        ordering = ["done_on", "pk"]

    def __str__(self) -> str:
        return f"{self.procedure_id} {self.step}"


INCOME_CHECK_RULES = values.Rules(
    assessed_on=MONITORING_DAY,
    per_capita=values.Number(Decimal(0), Decimal("9999999.99")),
    food_and_clothing=values.Flag(),
    note=values.Text(300, lines=True),
)


class IncomeCheck(models.Model):
    """An income check (收入核查): the household's per-capita yearly income as estimated on a
    day — at a procedure's home check (入户核实, then ``step`` is that step) or entered from the
    household page after a visit — with, when asked, whether food and clothing are secure
    (两不愁). The registry's ``AnnualIncome`` is a year's account and has no day; risk
    clearing's six months of stable income are read from these dated checks."""

    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="income_checks",
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    assessed_on = models.DateField(_("checked on"))
    per_capita = models.DecimalField(
        _("per-capita yearly income (yuan)"), max_digits=9, decimal_places=2
    )
    # None: not asked at this check.
    food_and_clothing = models.BooleanField(
        _("food and clothing secure (两不愁)"), null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    step = models.OneToOneField(
        Step, on_delete=models.PROTECT, null=True, blank=True, related_name="income_check"
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = INCOME_CHECK_RULES

    class Meta:
        verbose_name = _("income check")
        verbose_name_plural = _("income checks")
        constraints = INCOME_CHECK_RULES.checks("income_check")
        indexes = [models.Index(fields=["household", "assessed_on"], name="income_check_day")]
        ordering = ["assessed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.household_id} {self.assessed_on}"


class SelfReportState(models.TextChoices):
    OPEN = "open", _("Awaiting the township")
    ALERT_RAISED = "alert_raised", _("Alert raised about a household")
    NOT_AT_RISK = "not_at_risk", _("Closed: not at risk")


SELF_REPORT_RULES = values.Rules(
    name=values.Text(50),
    phone=values.Phone(20),
    what_happened=values.Text(1000, lines=True),
    reported_on=MONITORING_DAY,
    state=values.Choice(SelfReportState),
    receipt=values.Text(16),
    handled_on=MONITORING_DAY,
    close_reason=values.Text(300, lines=True),
)


class SelfReport(models.Model):
    """A villager's own report of hardship (农户自主申报, "一键报贫"), sent from the public phone
    page without signing in, by the person or someone on their behalf. It names a village, not
    a household (the person may not be matched to one): the village's township reads it in
    its list and calls back, then raises an alert about the household it concerns, or closes
    it as not at risk. The receipt number (回执号) is what the person quotes on the phone."""

    receipt = models.CharField(_("receipt number"), max_length=16, unique=True, null=True)
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20)
    region = models.ForeignKey(
        Region, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    township = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    kind = code_field("risk_type", _("what kind of hardship"), null=True, blank=True)
    what_happened = models.TextField(_("what happened"))
    reported_on = models.DateField(_("reported on"))
    reported_at = models.DateTimeField(_("recorded at"))
    # The sender's address, keyed (``protection.lookup_hash``): enough to count a flood,
    # never an address to show.
    address_hash = models.CharField(max_length=64)
    state = models.CharField(
        _("state"), max_length=12, choices=SelfReportState.choices, default=SelfReportState.OPEN
    )
    alert = models.ForeignKey(
        Alert, on_delete=models.PROTECT, null=True, blank=True, related_name="self_reports"
    )
    # How the township handled it after calling back: the day, who, and for "not at risk"
    # the reason (``services.self_report_raise_alert``, ``self_report_close``).
    handled_on = models.DateField(_("handled on"), null=True, blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    close_reason = models.TextField(_("reason"), blank=True)

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = SELF_REPORT_RULES

    class Meta:
        verbose_name = _("self-report")
        verbose_name_plural = _("self-reports")
        constraints = [
            *SELF_REPORT_RULES.checks("self_report"),
            models.CheckConstraint(
                condition=~Q(name="") & ~Q(phone="") & ~Q(what_happened=""),
                name="self_report_filled",
            ),
            # Handled means a day; an alert raised names the alert; not at risk says why.
            models.CheckConstraint(
                condition=Q(state=SelfReportState.OPEN, handled_on=None, alert=None)
                | Q(
                    state=SelfReportState.ALERT_RAISED,
                    handled_on__isnull=False,
                    alert__isnull=False,
                )
                | (
                    Q(state=SelfReportState.NOT_AT_RISK, handled_on__isnull=False, alert=None)
                    & ~Q(close_reason="")
                ),
                name="self_report_handled",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "state", "reported_on"], name="self_report_place"),
            models.Index(fields=["phone", "reported_on"], name="self_report_phone_day"),
            models.Index(fields=["address_hash", "reported_at"], name="self_report_address"),
        ]

    def __str__(self) -> str:
        return self.receipt or str(self.pk)


# ---------------------------------------------------------------------------------------------
# Departments' data (部门数据) and the early-warning rules' runs (预警规则)


class EventKind(models.TextChoices):
    """What a department's record about a member says; each kind comes from one department
    (``DEPARTMENT_OF``). Medical costs (医保) are ``health.MedicalCost``; disasters, about a
    place, are ``Disaster``."""

    ASSISTANCE = "assistance", _("Minimum living allowance or extreme-poverty support")
    OUT_OF_SCHOOL = "out_of_school", _("Pupil out of school")
    DISABILITY = "disability", _("New disability certificate")
    UNSAFE_HOUSING = "unsafe_housing", _("Housing classed unsafe")
    JOB_LOSS = "job_loss", _("Job lost")


class Department(models.TextChoices):
    CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs (民政)")
    EDUCATION = "education", _("Education (教育)")
    DISABLED = "disabled", _("Disabled persons' federation (残联)")
    HOUSING = "housing", _("Housing and construction (住建)")
    HUMAN_RESOURCES = "human_resources", _("Human resources and social security (人社)")


DEPARTMENT_OF = {
    EventKind.ASSISTANCE: Department.CIVIL_AFFAIRS,
    EventKind.OUT_OF_SCHOOL: Department.EDUCATION,
    EventKind.DISABILITY: Department.DISABLED,
    EventKind.UNSAFE_HOUSING: Department.HOUSING,
    EventKind.JOB_LOSS: Department.HUMAN_RESOURCES,
}

EVENT_RULES = values.Rules(
    kind=values.Choice(EventKind),
    day=values.Day(datetime.date(2000, 1, 1)),
    until=values.Day(datetime.date(2000, 1, 1), ahead=3660),
    grade=values.Text(20),
    detail=values.Text(200),
    source=values.Text(200),
)


class MemberEvent(models.Model):
    """A department's record about a member (部门数据): 民政's 低保/特困 entry (``grade`` the
    kind of support, ``day`` in, ``until`` out), 教育's pupil out of school (``detail`` the
    reason), 残联's new disability certificate (``grade``, ``day`` issued), 住建's housing
    classed unsafe (``grade`` C or D, ``day`` classed; about the member's household), 人社's
    job lost (``day``). One table with typed columns, so that a rule reads one kind by index
    over millions of rows. ``household`` and ``region`` are the member's household's, copied
    when imported, moved with the household and with the member to another household."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    day = models.DateField(_("day"))
    until = models.DateField(_("until"), null=True, blank=True)
    grade = models.CharField(_("grade or kind"), max_length=20, blank=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    source = models.CharField(_("file"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("logged at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = EVENT_RULES

    class Meta:
        verbose_name = _("department record")
        verbose_name_plural = _("department records")
        constraints = [
            *EVENT_RULES.checks("member_event"),
            # The natural key: a sheet given again updates its rows.
            models.UniqueConstraint(fields=["member", "kind", "day"], name="one_event_a_day"),
        ]
        indexes = [
            models.Index(fields=["kind", "day"], name="member_event_kind_day"),
            models.Index(fields=["household"], name="member_event_household"),
            models.Index(fields=["region", "kind"], name="member_event_place"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.member_id} {self.day}"

    @property
    def department(self) -> str:
        return DEPARTMENT_OF[EventKind(self.kind)]


class DisasterKind(models.TextChoices):
    FLOOD = "flood", _("Flood")
    DROUGHT = "drought", _("Drought")
    HAIL = "hail", _("Hail or frost")
    GEOLOGICAL = "geological", _("Landslide or mudslide")
    EARTHQUAKE = "earthquake", _("Earthquake")
    PEST = "pest", _("Crop pests or livestock disease")
    OTHER = "other", _("Other disaster")


class Severity(models.IntegerChoices):
    ORDINARY = 1, _("Ordinary (一般)")
    LARGE = 2, _("Large (较大)")
    MAJOR = 3, _("Major (重大)")
    EXTREME = 4, _("Extremely serious (特别重大)")


DISASTER_RULES = values.Rules(
    kind=values.Choice(DisasterKind),
    day=values.Day(datetime.date(2000, 1, 1)),
    severity=values.Whole(1, 4),
    note=values.Text(200),
    source=values.Text(200),
)


class Disaster(models.Model):
    """A disaster in a village or township on a day (应急/农业部门): not about one member, so
    every household of the place is touched. ``region_end`` is the end of the place's range
    of codes (``core.regions.code_range``), so that a rule joins households to disasters by
    an indexed range."""

    region = models.ForeignKey(
        Region, verbose_name=_("village or township"), on_delete=models.PROTECT, related_name="+"
    )
    region_end = models.CharField(max_length=15)
    kind = models.CharField(_("kind"), max_length=12, choices=DisasterKind.choices)
    day = models.DateField(_("day"))
    severity = models.PositiveSmallIntegerField(_("severity"), choices=Severity.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    source = models.CharField(_("file"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("logged at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = DISASTER_RULES

    class Meta:
        verbose_name = _("disaster")
        verbose_name_plural = _("disasters")
        constraints = [
            *DISASTER_RULES.checks("disaster"),
            models.UniqueConstraint(fields=["region", "kind", "day"], name="one_disaster_a_day"),
        ]
        indexes = [models.Index(fields=["day"], name="disaster_day")]

    def __str__(self) -> str:
        return f"{self.kind} {self.region_id} {self.day}"


class RuleRun(models.Model):
    """One run of the early-warning rules (预警规则运行): nightly over everything, after an
    import over the households it touched, or by the command over a place. Not regional:
    a county's page shows, of a run, only the alerts raised in its places."""

    class Trigger(models.TextChoices):
        NIGHTLY = "nightly", _("Nightly run")
        IMPORT = "import", _("After an import")
        COMMAND = "command", _("Run by hand")

    trigger = models.CharField(_("run"), max_length=10, choices=Trigger.choices)
    on = models.DateField(_("judged on"))
    place = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, related_name="+")
    started_at = models.DateTimeField(_("started at"))
    seconds = models.FloatField(_("seconds"), default=0)
    households = models.PositiveIntegerField(_("households alerted"), default=0)
    alerts = models.PositiveIntegerField(_("alerts raised"), default=0)
    by_rule = models.JSONField(default=dict)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("rule run")
        verbose_name_plural = _("rule runs")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.trigger} {self.on}"


class FiredRecord(models.Model):
    """A record that fired a rule (触发记录), kept beside the alert's ``fired_by`` so that a
    run finds by index what fired before and raises nothing twice for it."""

    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="fired_records")
    run = models.ForeignKey(RuleRun, on_delete=models.PROTECT, related_name="fired")
    # A disaster fires for every household of its place: the household is part of the key.
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    rule_code = models.CharField(max_length=40)
    object_type = models.CharField(max_length=40)
    object_id = models.BigIntegerField()

    class Meta:
        verbose_name = _("record that fired a rule")
        verbose_name_plural = _("records that fired rules")
        constraints = [
            models.UniqueConstraint(
                fields=["rule_code", "object_type", "object_id", "household"],
                name="fired_once_a_rule",
            )
        ]
        indexes = [models.Index(fields=["run", "alert"], name="fired_by_run")]

    def __str__(self) -> str:
        return f"{self.rule_code} {self.object_type} {self.object_id}"
