import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bangfu.core import values
from bangfu.core.models import Code, Region
from bangfu.core.scoping import RegionalQuerySet


class HouseholdStatus(models.TextChoices):
    """Where a household stands (脱贫状态), since 2021 including monitoring (监测)."""

    NOT_OUT = "not_out", _("Not yet out of poverty")
    OUT_WITH_POLICY = "out_with_policy", _("Out of poverty (still receiving policy)")
    OUT_WITHOUT_POLICY = "out_without_policy", _("Out of poverty (no longer receiving policy)")
    RELAPSED = "relapsed", _("Relapsed into poverty")
    MONITORED = "monitored", _("Monitored household")
    RISK_CLEARED = "risk_cleared", _("Risk cleared")


class DangerGrade(models.TextChoices):
    """Dangerous-housing grade (危房等级)."""

    NONE = "", _("Not dangerous")
    A = "A", _("Grade A")
    B = "B", _("Grade B")
    C = "C", _("Grade C")
    D = "D", _("Grade D")


class Toilet(models.TextChoices):
    NONE = "none", _("None")
    DRY = "dry", _("Dry latrine")
    SANITARY = "sanitary", _("Sanitary toilet")


def code_field(kind: str, label, **options):
    return models.ForeignKey(
        Code,
        verbose_name=label,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": kind},
        **options,
    )


# The household fields a form or import sets as they are (no code look-up, no sealing).
HOUSEHOLD_DETAILS = (
    "address",
    "phone",
    "bank_name",
    "planned_exit_year",
    "land_area_mu",
    "housing_area",
    "housing_structure",
    "danger_grade",
    "water_difficulty",
    "water_safe",
    "has_power",
    "toilet",
    "road_distance_km",
    "latitude",
    "longitude",
)

# A member's fields as a form or an import gives them (beside the name and the ID number).
MEMBER_DETAILS = (
    "sex",
    "birth_date",
    "relation",
    "ethnicity",
    "education",
    "schooling",
    "health",
    "disability",
    "labour",
    "work_status",
    "dibao",
    "medical_insurance",
    "pension_insurance",
)


# Bounds generous for any rural household, and within their columns' digits.
HOUSEHOLD_RULES = values.Rules(
    number=values.Text(30),
    address=values.Text(200),
    phone=values.Phone(),
    bank_name=values.Text(60),
    status=values.Choice(HouseholdStatus),
    year_identified=values.Year(1980),
    planned_exit_year=values.Year(2014, ahead=10),
    land_area_mu=values.Number(Decimal(0), Decimal("99999.99")),
    housing_area=values.Number(Decimal(0), Decimal("9999.99")),
    housing_structure=values.Text(40),
    danger_grade=values.Choice(DangerGrade),
    water_difficulty=values.Flag(),
    water_safe=values.Flag(),
    has_power=values.Flag(),
    toilet=values.Choice(Toilet),
    road_distance_km=values.Number(Decimal(0), Decimal("999.99")),
    latitude=values.Number(Decimal(-90), Decimal(90), places=6),
    longitude=values.Number(Decimal(-180), Decimal(180), places=6),
)


# Sealed, so no column rule: digits, as long as any bank's account numbers.
BANK_ACCOUNT = values.Digits(32)


class Household(models.Model):
    """A registered poor or monitored household (建档立卡户 / 监测对象), as on the national form."""

    number = models.CharField(_("household number"), max_length=30, unique=True)
    region = models.ForeignKey(
        Region, verbose_name=_("village or group"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    bank_name = models.CharField(_("bank"), max_length=60, blank=True)
    bank_account_sealed = models.TextField(_("bank account"), blank=True)
    attribute = code_field("household_attribute", _("household attribute"))
    standard = code_field("identification_standard", _("identification standard"))
    main_cause = code_field("poverty_cause", _("main poverty cause"))
    other_causes = models.ManyToManyField(
        Code, verbose_name=_("other poverty causes"), related_name="+", blank=True
    )
    year_identified = models.PositiveSmallIntegerField(_("year identified"))
    planned_exit_year = models.PositiveSmallIntegerField(
        _("planned exit year"), null=True, blank=True
    )
    # The latest entry of the status history, kept here so that lists filter on it by index;
    # only household services write it, in the same transaction as the history entry.
    status = models.CharField(
        _("status"), max_length=24, choices=HouseholdStatus.choices, db_index=True
    )
    monitoring_type = code_field("monitoring_type", _("monitoring type"), null=True, blank=True)
    land_area_mu = models.DecimalField(
        _("cultivated land (mu)"), max_digits=8, decimal_places=2, default=Decimal(0)
    )
    housing_area = models.DecimalField(
        _("housing area (m²)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    housing_structure = models.CharField(_("housing structure"), max_length=40, blank=True)
    danger_grade = models.CharField(
        _("dangerous-housing grade"), max_length=1, choices=DangerGrade.choices, blank=True
    )
    water_difficulty = models.BooleanField(_("difficulty getting water"), default=False)
    water_safe = models.BooleanField(_("safe drinking water"), default=True)
    has_power = models.BooleanField(_("connected to power"), default=True)
    toilet = models.CharField(_("toilet"), max_length=10, choices=Toilet.choices, blank=True)
    road_distance_km = models.DecimalField(
        _("distance to a hardened road (km)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # A household merged into another (合户) stays on record, closed, pointing at where its
    # members went; lists leave closed households out.
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = HOUSEHOLD_RULES

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = HOUSEHOLD_RULES.checks("household")
        # Lists read open households in place order (村, then 户编号) under a range of place
        # codes; these partial indexes serve the range, the order and the count on their own,
        # so a province-wide page costs the same as a village's (bench/registry_list.py).
        indexes = [
            models.Index(
                fields=[*prefix, "region", "number"],
                condition=models.Q(closed_on=None),
                name=f"household_open_{name}",
            )
            for name, prefix in [
                ("by_place", []),
                ("by_status", ["status"]),
                ("by_cause", ["main_cause"]),
            ]
        ]

    def __str__(self) -> str:
        return self.number


class Sex(models.TextChoices):
    MALE = "1", _("Male")
    FEMALE = "2", _("Female")


MEMBER_RULES = values.Rules(
    name=values.Text(50),
    sex=values.Choice(Sex),
    birth_date=values.Day(),
    disability=values.Text(20),
    work_status=values.Text(40),
    left_on=values.Day(),
    left_reason=values.Text(200),
)


class Member(models.Model):
    """A person in a household (家庭成员). The ID number is stored sealed, with a look-up hash."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members")
    name = models.CharField(_("name"), max_length=50, db_index=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    id_number_sealed = models.TextField(_("ID number"))
    id_number_hash = models.CharField(max_length=64, unique=True)
    relation = code_field("relation", _("relation to the head"))
    is_head = models.BooleanField(_("head of household"), default=False)
    ethnicity = code_field("ethnicity", _("ethnicity"))
    education = code_field("education", _("education"), null=True, blank=True)
    schooling = code_field("schooling", _("schooling"), null=True, blank=True)
    health = code_field("health", _("health"))
    disability = models.CharField(_("disability (grade)"), max_length=20, blank=True)
    labour = code_field("labour", _("labour ability"))
    work_status = models.CharField(_("work status"), max_length=40, blank=True)
    dibao = models.BooleanField(_("receives minimum living allowance (低保)"), default=False)
    medical_insurance = models.BooleanField(_("medical insurance"), default=True)
    pension_insurance = models.BooleanField(_("pension insurance"), default=False)
    # A person who died or left for a household outside the registry stays on record here.
    left_on = models.DateField(_("left on"), null=True, blank=True)
    left_reason = models.CharField(_("why they left"), max_length=200, blank=True)

    scope_field = "household__region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = MEMBER_RULES

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        # A name search (姓名包含) can seek in no index, but it can scan this narrow one
        # instead of the whole member table (bench/registry_list.py).
        indexes = [
            models.Index(
                fields=["name", "household"],
                condition=models.Q(left_on=None),
                name="member_current_name",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(is_head=True),
                name="one_head_per_household",
            ),
            *MEMBER_RULES.checks("member"),
        ]

    def __str__(self) -> str:
        return self.name


# A dated step of a household's life: from the earliest registrations to today, never ahead.
CHANGE_DAY = values.Day(datetime.date(1980, 1, 1))
REASON = values.Text(300)
STATUS_CHANGE_RULES = values.Rules(
    status=values.Choice(HouseholdStatus), effective_on=CHANGE_DAY, reason=REASON
)


class StatusChange(models.Model):
    """One dated step in a household's history (状态变更); never edited, never deleted."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="history")
    status = models.CharField(_("status"), max_length=24, choices=HouseholdStatus.choices)
    monitoring_type = code_field("monitoring_type", _("monitoring type"), null=True, blank=True)
    risk_types = models.ManyToManyField(
        Code, verbose_name=_("risk types"), related_name="+", blank=True
    )
    effective_on = models.DateField(_("effective on"))
    reason = models.CharField(_("reason"), max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    scope_field = "household__region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = STATUS_CHANGE_RULES

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status history")
        ordering = ["effective_on", "id"]
        constraints = STATUS_CHANGE_RULES.checks("status_change")

    def __str__(self) -> str:
        return f"{self.household_id} {self.status} {self.effective_on}"


# A year's income by source, in yuan: far above any rural household, within the columns.
INCOME_AMOUNT = values.Number(Decimal(0), Decimal("99999999.99"))
INCOME_RULES = values.Rules(
    year=values.Year(2000),
    wages=INCOME_AMOUNT,
    business=INCOME_AMOUNT,
    transfers=INCOME_AMOUNT,
    property_income=INCOME_AMOUNT,
    costs=INCOME_AMOUNT,
)


class AnnualIncome(models.Model):
    """A household's income for one year by source (家庭收入), as the national form asks.

    Net and per-capita net income are computed from these, never typed; the household's size
    is taken from its members when the year is recorded, so a later birth or departure does not
    rewrite past per-capita figures.
    """

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="incomes")
    year = models.PositiveSmallIntegerField(_("year"))
    wages = models.DecimalField(_("wages (工资性收入)"), max_digits=12, decimal_places=2)
    business = models.DecimalField(
        _("family business (家庭经营性收入)"), max_digits=12, decimal_places=2
    )
    transfers = models.DecimalField(_("transfers (转移性收入)"), max_digits=12, decimal_places=2)
    property_income = models.DecimalField(
        _("property (财产性收入)"), max_digits=12, decimal_places=2
    )
    costs = models.DecimalField(
        _("production costs (生产经营性支出)"), max_digits=12, decimal_places=2
    )
    household_size = models.PositiveSmallIntegerField(_("household size"))

    scope_field = "household__region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = INCOME_RULES

    class Meta:
        verbose_name = _("annual income")
        verbose_name_plural = _("annual incomes")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="one_income_per_year"),
            *INCOME_RULES.checks("income"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year}"

    @property
    def net(self) -> Decimal:
        return self.wages + self.business + self.transfers + self.property_income - self.costs

    @property
    def per_capita_net(self) -> Decimal:
        return (self.net / self.household_size).quantize(Decimal("0.01"))


# ``AnnualIncome.net`` in SQL over a table alias (``{a}``), for the set-based queries that
# read incomes (monitoring's rules, the monthly check): the one sum, written once.
NET_INCOME_SQL = "({a}.wages + {a}.business + {a}.transfers + {a}.property_income - {a}.costs)"


MEMBER_MOVE_RULES = values.Rules(effective_on=CHANGE_DAY, reason=REASON)


class MemberMove(models.Model):
    """A person leaving one household for another (迁移, 分户, 合户); never edited or deleted."""

    class Kind(models.TextChoices):
        MOVE = "move", _("Moved")
        SPLIT = "split", _("Split off into a new household")
        MERGE = "merge", _("Households merged")

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="moves")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    from_household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    to_household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    effective_on = models.DateField(_("effective on"))
    reason = models.CharField(_("reason"), max_length=300)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    scope_field = "from_household__region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = MEMBER_MOVE_RULES

    class Meta:
        verbose_name = _("member move")
        verbose_name_plural = _("member moves")
        ordering = ["effective_on", "id"]
        constraints = MEMBER_MOVE_RULES.checks("member_move")

    def __str__(self) -> str:
        return f"{self.member_id}: {self.from_household_id} → {self.to_household_id}"
