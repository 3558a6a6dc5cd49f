"""The household plan (一户一策): each household's measures (帮扶措施), chosen from the national
measure list, and the effect (帮扶成效) recorded for each year.

Every record carries its household's place (``region``), a copy that moves with the household
in the registry's transaction (``services.plans_follow_household``), as visits do.
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
from bangfu.pairing.models import Helper
from bangfu.registry.models import Household, code_field

# Plans run from the 2014 registration on and may be set some years ahead.
PLAN_DAY = values.Day(datetime.date(2014, 1, 1), ahead=366 * 5)


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    UNDER_WAY = "under_way", _("Under way")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


OPEN_STATUSES = (MeasureStatus.PLANNED, MeasureStatus.UNDER_WAY)

MEASURE_RULES = values.Rules(
    content=values.Text(500, lines=True),
    # Yuan: a measure's money (a loan, a subsidy, a wage) fits well within the column.
    amount=values.Number(Decimal(0), Decimal("99999999.99")),
    responsible_name=values.Text(50),
    starts_on=PLAN_DAY,
    due_on=PLAN_DAY,
    status=values.Choice(MeasureStatus),
)


class Measure(models.Model):
    """One measure of a household's plan (帮扶措施): of a kind from the national list, what it
    is, its money, who answers for it, when it starts and is due, and how far it is.

    The person answering for it (责任人) is usually the household's pair helper, chosen from
    the helpers; a measure carried by a bureau or an enterprise (a loan officer, a factory's
    foreman) names its person in words instead, since they are no helper in the system."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="measures"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    kind = code_field("plan_measure", _("kind of measure"))
    content = models.TextField(_("what the measure is"))
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    responsible_helper = models.ForeignKey(
        Helper,
        verbose_name=_("responsible helper"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    responsible_name = models.CharField(_("responsible person"), max_length=50, blank=True)
    starts_on = models.DateField(_("starts on"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=10, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = MEASURE_RULES

    class Meta:
        verbose_name = _("plan measure")
        verbose_name_plural = _("plan measures")
        constraints = [
            *MEASURE_RULES.checks("measure"),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("starts_on")), name="measure_due_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["household", "due_on"]),
            models.Index(fields=["region", "due_on"], name="measure_place_due"),
        ]

    def __str__(self) -> str:
        return self.content[:40]

    @property
    def responsible(self) -> str:
        return self.responsible_helper.name if self.responsible_helper else self.responsible_name

    def is_overdue(self, today: datetime.date) -> bool:
        """Past its due day and neither done nor dropped."""
        return self.status in OPEN_STATUSES and self.due_on < today


EFFECT_RULES = values.Rules(
    year=values.Year(2014),
    summary=values.Text(1000, lines=True),
)


class Effect(models.Model):
    """What a household's plan achieved in a year (帮扶成效), in words. Its figures (income,
    per-capita net) are the registry's annual income of that year and the year before, read
    beside it, never copied here."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="effects"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    summary = models.TextField(_("effect of the plan"))
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = EFFECT_RULES

    class Meta:
        verbose_name = _("plan effect")
        verbose_name_plural = _("plan effects")
        constraints = [
            *EFFECT_RULES.checks("effect"),
            models.UniqueConstraint(fields=["household", "year"], name="one_effect_a_year"),
        ]
        indexes = [models.Index(fields=["region", "year"], name="effect_place_year")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year}"


class AcknowledgementKind(models.TextChoices):
    SIGNATURE = "signature", _("Signature drawn on the phone")
    PAPER = "paper", _("Photo of the signed paper")


ACKNOWLEDGEMENT_RULES = values.Rules(
    signed_by=values.Text(50),
    kind=values.Choice(AcknowledgementKind),
)


class Acknowledgement(models.Model):
    """The household's acknowledgement of its plan (户主签字确认), captured on the helper's
    phone: a signature drawn on the screen, or a photo of the signed paper, stored as visit
    photos are (checked, resized, metadata dropped), with who signed and who took it when."""

    # Made on the phone, as for visits: a second send of the same signature finds the first.
    client_id = models.UUIDField(unique=True)
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="plan_acknowledgements",
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("how it was signed"), max_length=10, choices=AcknowledgementKind)
    signed_by = models.CharField(_("signed by"), max_length=50)
    image = models.FileField(upload_to="plans/%Y/%m/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    recorded_at = models.DateTimeField(_("signed at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = ACKNOWLEDGEMENT_RULES

    class Meta:
        verbose_name = _("plan acknowledgement")
        verbose_name_plural = _("plan acknowledgements")
        constraints = ACKNOWLEDGEMENT_RULES.checks("acknowledgement")
        indexes = [models.Index(fields=["household", "recorded_at"])]

    def __str__(self) -> str:
        return f"{self.household_id} {self.signed_by}"
