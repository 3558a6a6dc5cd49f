"""Relapse-prevention monitoring (防止返贫动态监测和帮扶): alerts about households (预警) and the
procedures that follow (识别; later 风险消除 and 脱贫退出), each a chain of dated steps.

Every record carries its household's place (``region``), a copy that moves with the household
in the registry's transaction (``services.monitoring_follow_household``), as visits do.
"""

import datetime

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
