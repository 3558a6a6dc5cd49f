"""Who answers for each household (结对帮扶): units, helpers and their pairings, with history."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bangfu.core import values
from bangfu.core.models import Region
from bangfu.core.scoping import RegionalQuerySet
from bangfu.registry.models import Household


class UnitKind(models.TextChoices):
    GOVERNMENT = "government", _("Government department")
    STATE_ENTERPRISE = "state_enterprise", _("State-owned enterprise")
    PRIVATE_ENTERPRISE = "private_enterprise", _("Private enterprise")
    HOSPITAL = "hospital", _("Hospital")
    SCHOOL = "school", _("School")
    SOCIAL = "social", _("Social organisation")


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Provincial (省直)")
    CITY = "city", _("Municipal (市直)")
    COUNTY = "county", _("County (县直)")
    TOWNSHIP = "township", _("Township (乡镇)")
    VILLAGE = "village", _("Village (村级)")


UNIT_RULES = values.Rules(
    name=values.Text(100),
    kind=values.Choice(UnitKind),
    level=values.Choice(UnitLevel),
    credit_code=values.Text(18),
)


class Unit(models.Model):
    """A unit that sends helpers or pairs with households itself (帮扶单位)."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    level = models.CharField(_("level"), max_length=10, choices=UnitLevel.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("place"), on_delete=models.PROTECT, related_name="+"
    )
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, db_index=True
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = UNIT_RULES

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~Q(credit_code=""), name="one_unit_per_code"
            ),
            *UNIT_RULES.checks("unit"),
        ]

    def __str__(self) -> str:
        return self.name


# Days of the programme's work (pairings, leaving a post): from before the 2014 registration,
# for records carried over, to today.
WORK_DAY = values.Day(datetime.date(2000, 1, 1))
HELPER_RULES = values.Rules(
    name=values.Text(50), position=values.Text(60), phone=values.Phone(), left_on=WORK_DAY
)


class Helper(models.Model):
    """A cadre or staff member who helps households (帮扶干部 / 帮扶责任人); a login is optional."""

    name = models.CharField(_("name"), max_length=50)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT)
    position = models.CharField(_("position"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    # Optional, as sheets name helpers by phone or ID number: sealed like members' numbers,
    # with a keyed hash for look-up.
    id_number_sealed = models.TextField(_("ID number"), blank=True)
    id_number_hash = models.CharField(max_length=64, blank=True, db_index=True)
    party_member = models.BooleanField(_("party member"), default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="helper",
    )
    # Where the helper works: the place scoping reads (a unit's helpers work where it is).
    region = models.ForeignKey(
        Region, verbose_name=_("place"), on_delete=models.PROTECT, related_name="+"
    )
    left_on = models.DateField(_("left on"), null=True, blank=True)

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = HELPER_RULES

    class Meta:
        verbose_name = _("helper")
        verbose_name_plural = _("helpers")
        constraints = HELPER_RULES.checks("helper")

    def __str__(self) -> str:
        return self.name


PAIRING_RULES = values.Rules(started_on=WORK_DAY, ended_on=WORK_DAY, end_reason=values.Text(200))


class Pairing(models.Model):
    """A helper, or a unit itself (企业结对), paired with a household from a day until a day.

    Never deleted: ending a pairing dates it and gives the reason, so the household page
    lists every helper it had, as the paper handbook does.
    """

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="pairings"
    )
    helper = models.ForeignKey(
        Helper,
        verbose_name=_("helper"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pairings",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pairings",
    )
    is_main = models.BooleanField(_("main helper"), default=False)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=200, blank=True)
    # The household's place, kept here so that scoping and coverage read pairings by index.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = PAIRING_RULES

    class Meta:
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        constraints = [
            *PAIRING_RULES.checks("pairing"),
            models.CheckConstraint(
                condition=Q(helper__isnull=False, unit__isnull=True)
                | Q(helper__isnull=True, unit__isnull=False),
                name="pairing_helper_or_unit",
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(is_main=True, ended_on=None),
                name="one_main_helper_per_household",
            ),
            models.UniqueConstraint(
                fields=["household", "helper"],
                condition=Q(ended_on=None),
                name="helper_paired_once_with_a_household",
            ),
        ]
        indexes = [
            models.Index(
                fields=["region", "household"], condition=Q(ended_on=None), name="pairing_active"
            )
        ]

    def __str__(self) -> str:
        return f"{self.helper or self.unit} ↔ {self.household}"


RESPONSIBILITY_RULES = values.Rules(
    level=values.Text(40), person=values.Text(100), phone=values.Phone(), since=WORK_DAY
)


class Responsibility(models.Model):
    """Who answers for a village's (or a group's) households at one level of its chain of
    responsibility (seed 001's 7+1 责任链). The levels are the policy
    ``pairing.responsibility_levels``; the pair helper, last, comes from the pairings."""

    region = models.ForeignKey(
        Region, verbose_name=_("village or group"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("level"), max_length=40)
    person = models.CharField(_("person or unit"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    since = models.DateField(_("since"))

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = RESPONSIBILITY_RULES

    class Meta:
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        constraints = [
            models.UniqueConstraint(fields=["region", "level"], name="one_person_a_level_a_place"),
            *RESPONSIBILITY_RULES.checks("responsibility"),
        ]

    def __str__(self) -> str:
        return f"{self.level}: {self.person}"
