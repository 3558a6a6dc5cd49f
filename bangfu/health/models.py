"""Health assistance (健康帮扶): family-doctor contracts (家庭医生签约) and check-ups (健康体检)
of the registry's members.

Every record carries its member's household's place (``region``) for scoping, as visits
carry their household's, and moves with the household (``services.health_follow_household``).
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
from bangfu.registry.models import Member, code_field

# Family-doctor contracts began with the 2016 reform; check-ups are counted from 2014 (建档立卡).
HEALTH_DAY = values.Day(datetime.date(2014, 1, 1))
# A contract runs a year as a rule; one may be signed to run up to five years ahead.
VALID_UNTIL = values.Day(datetime.date(2014, 1, 1), ahead=366 * 5)

CONTRACT_RULES = values.Rules(
    doctor=values.Text(50),
    institution=values.Text(100),
    signed_on=HEALTH_DAY,
    valid_until=VALID_UNTIL,
)


class DoctorContract(models.Model):
    """A member's family-doctor contract (家庭医生签约): the doctor, the institution, the
    service package, when it was signed and until when it runs. A renewal is a new contract;
    the old one stays, so the member's history of contracts is kept."""

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="doctor_contracts"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    doctor = models.CharField(_("family doctor"), max_length=50)
    institution = models.CharField(_("medical institution"), max_length=100)
    package = code_field("doctor_package", _("service package"))
    signed_on = models.DateField(_("signed on"))
    valid_until = models.DateField(_("valid until"))
    recorded_at = models.DateTimeField(_("logged at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = CONTRACT_RULES

    class Meta:
        verbose_name = _("family-doctor contract")
        verbose_name_plural = _("family-doctor contracts")
        constraints = [
            *CONTRACT_RULES.checks("doctor_contract"),
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("signed_on")),
                name="doctor_contract_runs_after_signing",
            ),
            # The natural key: a renewal is signed on another day; the bureau's sheet
            # updates the contract of its day (``bulk``).
            models.UniqueConstraint(
                fields=["member", "signed_on"], name="one_contract_per_member_day"
            ),
        ]
        indexes = [
            models.Index(fields=["member", "valid_until"], name="contract_member_until"),
            models.Index(fields=["region", "valid_until"], name="contract_place_until"),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.doctor}"

    def valid_on(self, day: datetime.date) -> bool:
        return self.signed_on <= day <= self.valid_until


CHECKUP_RULES = values.Rules(
    held_on=HEALTH_DAY,
    institution=values.Text(100),
    summary=values.Text(300, lines=True),
)


class CheckUp(models.Model):
    """A member's health check-up (健康体检): when, where, what it found (the code list
    ``checkup_finding``: hypertension, diabetes…) and the result in words."""

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="checkups"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("check-up day"))
    institution = models.CharField(_("medical institution"), max_length=100)
    summary = models.CharField(_("result summary"), max_length=300, blank=True)
    findings = models.ManyToManyField(
        Code,
        verbose_name=_("findings"),
        related_name="+",
        limit_choices_to={"kind": "checkup_finding"},
        blank=True,
    )
    recorded_at = models.DateTimeField(_("logged at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = CHECKUP_RULES

    class Meta:
        verbose_name = _("health check-up")
        verbose_name_plural = _("health check-ups")
        constraints = [
            *CHECKUP_RULES.checks("checkup"),
            # The natural key: nobody is checked up twice in a day (``bulk``).
            models.UniqueConstraint(
                fields=["member", "held_on"], name="one_checkup_per_member_day"
            ),
        ]
        indexes = [
            models.Index(fields=["region", "held_on"], name="checkup_place_day"),
        ]

    def __str__(self) -> str:
        return f"{self.member} @ {self.held_on:%Y-%m-%d}"


class IllnessKind(models.TextChoices):
    CHRONIC = "chronic", _("Chronic illness")
    SERIOUS = "serious", _("Serious illness")


CONDITION_RULES = values.Rules(
    kind=values.Choice(IllnessKind),
    diagnosed_on=values.Day(datetime.date(1950, 1, 1)),
    note=values.Text(200),
)


class Condition(models.Model):
    """A member's chronic or serious illness (慢病/大病) under management: which (the code
    list ``illness``), since when; followed up until it is closed."""

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="conditions"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    illness = code_field("illness", _("illness"))
    kind = models.CharField(_("kind of illness"), max_length=10, choices=IllnessKind.choices)
    diagnosed_on = models.DateField(_("diagnosed on"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("logged at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = CONDITION_RULES

    class Meta:
        verbose_name = _("illness under management")
        verbose_name_plural = _("illnesses under management")
        constraints = CONDITION_RULES.checks("condition")
        indexes = [models.Index(fields=["region", "diagnosed_on"], name="condition_place_day")]

    def __str__(self) -> str:
        return f"{self.member} · {self.illness}"


class FollowUpKind(models.TextChoices):
    HOME = "home", _("Home visit")
    PHONE = "phone", _("Phone call")
    CLINIC = "clinic", _("At the clinic")


FOLLOW_UP_RULES = values.Rules(
    held_on=HEALTH_DAY,
    by=values.Text(50),
    kind=values.Choice(FollowUpKind),
    findings=values.Text(300, lines=True),
    next_due=values.Day(datetime.date(2014, 1, 1), ahead=366),
)


class FollowUp(models.Model):
    """A follow-up (随访) of an illness: when, by whom, how (home, phone, clinic), what was
    found, and when the next one is due. The latest follow-up's ``next_due`` is when the
    illness is due again; past it, the follow-up is overdue."""

    condition = models.ForeignKey(
        Condition, verbose_name=_("illness"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    # The id a helper's phone made for it (随访 recorded offline and sent later): a second send
    # answers with the first. Follow-ups entered on an office's page or from a sheet have none.
    client_id = models.UUIDField(_("follow-up id made on the phone"), unique=True, null=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("followed up on"))
    by = models.CharField(_("followed up by"), max_length=50)
    kind = models.CharField(_("how"), max_length=10, choices=FollowUpKind.choices)
    findings = models.CharField(_("what was found"), max_length=300, blank=True)
    next_due = models.DateField(_("next due"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("logged at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = FOLLOW_UP_RULES

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            *FOLLOW_UP_RULES.checks("follow_up"),
            models.CheckConstraint(
                condition=Q(next_due=None) | Q(next_due__gt=models.F("held_on")),
                name="follow_up_next_due_after_it",
            ),
            # The natural key: an illness is followed up once a day (``bulk``).
            models.UniqueConstraint(
                fields=["condition", "held_on"], name="one_follow_up_per_illness_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.condition} @ {self.held_on:%Y-%m-%d}"


MONEY = values.Number(Decimal(0), Decimal("99999999.99"), places=2)
COST_RULES = values.Rules(
    year=values.Year(2014),
    total=MONEY,
    reimbursed=MONEY,
    note=values.Text(200),
)


class MedicalCost(models.Model):
    """A member's large medical costs of a year (大额医疗费用): the total, what insurance
    and assistance reimbursed (基本医保、大病保险、医疗救助), and so the share reimbursed and
    what the household paid itself — for the relapse early warning to read later."""

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="medical_costs"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    total = models.DecimalField(_("total cost (yuan)"), max_digits=10, decimal_places=2)
    reimbursed = models.DecimalField(_("reimbursed (yuan)"), max_digits=10, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("logged at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = COST_RULES

    class Meta:
        verbose_name = _("large medical cost")
        verbose_name_plural = _("large medical costs")
        constraints = [
            *COST_RULES.checks("medical_cost"),
            models.CheckConstraint(
                condition=Q(reimbursed__lte=models.F("total")),
                name="medical_cost_reimbursed_within_total",
            ),
            # The natural key (the bulk import's too): a member's costs of a year are one
            # record, which a second sheet of the year updates.
            models.UniqueConstraint(fields=["member", "year"], name="one_medical_cost_a_year"),
        ]
        indexes = [models.Index(fields=["region", "year"], name="medical_cost_place_year")]

    def __str__(self) -> str:
        return f"{self.member} · {self.year}"

    @property
    def reimbursed_share(self) -> Decimal | None:
        """Percent of the total reimbursed, one decimal; none for a total of nothing."""
        if not self.total:
            return None
        return (100 * self.reimbursed / self.total).quantize(Decimal("0.1"))

    @property
    def paid_by_household(self) -> Decimal:
        return self.total - self.reimbursed


class ActivityKind(models.TextChoices):
    CLINIC_DAY = "clinic_day", _("Clinic day")
    FREE_CLINIC = "free_clinic", _("Free clinic (义诊)")
    HEALTH_BUS = "health_bus", _("Health-bus visit")


ACTIVITY_RULES = values.Rules(
    kind=values.Choice(ActivityKind),
    held_on=HEALTH_DAY,
    organiser=values.Text(100),
    people_served=values.Whole(0, 100_000),
    note=values.Text(200),
)


class Activity(models.Model):
    """A health activity at a place (健康活动): a clinic day (坐诊日), a free clinic (义诊) or
    a health-bus visit, with the people it served."""

    region = models.ForeignKey(
        Region, verbose_name=_("place"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind of activity"), max_length=12, choices=ActivityKind.choices)
    held_on = models.DateField(_("held on"))
    organiser = models.CharField(_("organised by"), max_length=100)
    people_served = models.PositiveIntegerField(_("people served"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("logged at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = ACTIVITY_RULES

    class Meta:
        verbose_name = _("health activity")
        verbose_name_plural = _("health activities")
        constraints = ACTIVITY_RULES.checks("health_activity")
        indexes = [models.Index(fields=["region", "held_on"], name="health_activity_place_day")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} @ {self.held_on:%Y-%m-%d}"
