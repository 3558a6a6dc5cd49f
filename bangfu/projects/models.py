"""Projects and funds (项目与资金): the county's project library (项目库) of the eight kinds
("2+8"), each project's funds ledger (资金台账), the assets projects create (扶贫项目资产), the
donations and consumption assistance (社会捐赠、消费帮扶) a place receives, and each village's
collective income (村集体经济收入).

A household's own income projects (到户项目) are not kept here: they are the income measures
of its plan (``plans.Measure``, 一户一策), entered once there; this app counts them.

Every record carries the place it is about (``region``): the project's place for the project
and what hangs on it (steps, outputs, files, notes, ledger entries), the asset's village, the
recipient's or seller's place, the village of a collective income.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from bangfu.core import values
from bangfu.core.models import Region
from bangfu.core.scoping import RegionalQuerySet
from bangfu.registry.models import Household, code_field

# Project libraries were kept from the 2014 registration on; a project may be planned for the
# years ahead of the library's (三年滚动项目库).
PROJECT_YEAR = values.Year(2014, ahead=3)
PROJECT_DAY = values.Day(datetime.date(2014, 1, 1))
# Yuan: a county's largest project (a road, a relocation site) stays well under a billion.
YUAN = values.Number(Decimal("0.01"), Decimal("999999999.99"))
QUANTITY = values.Number(Decimal("0.01"), Decimal("99999999.99"))
FILE_NAME = values.Text(200)


class Stage(models.TextChoices):
    """A project's life cycle: 计划 → 批复 → 开工 → 完工 → 验收, or 取消 (with a reason)."""

    PLANNED = "planned", _("Planned")
    APPROVED = "approved", _("Approved")
    STARTED = "started", _("Started")
    COMPLETED = "completed", _("Completed")
    ACCEPTED = "accepted", _("Accepted")
    CANCELLED = "cancelled", _("Cancelled")


PROJECT_RULES = values.Rules(
    number=values.Text(40),
    name=values.Text(200),
    year=PROJECT_YEAR,
    responsible_unit=values.Text(100),
    description=values.Text(2000, lines=True),
    stage=values.Choice(Stage),
)


class Project(models.Model):
    """A project of the county's library (项目库): its kind (one of the eight), its place (a
    village, a township or the county), its year, the unit responsible, and where it is in its
    life cycle. Its number (项目编号) is unique within its county, the key the finance
    sheets use."""

    region = models.ForeignKey(
        Region, verbose_name=_("place"), on_delete=models.PROTECT, related_name="+"
    )
    # The county of ``region`` (itself for a county project): project numbers are the county's.
    county = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("project number"), max_length=40)
    name = models.CharField(_("project name"), max_length=200)
    kind = code_field("project_kind", _("kind of project"))
    year = models.PositiveSmallIntegerField(_("year"))
    responsible_unit = models.CharField(_("responsible unit"), max_length=100)
    description = models.TextField(_("what the project does"), blank=True)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage, default=Stage.PLANNED)
    # The day of the step that brought it to ``stage`` (the steps keep every day).
    stage_on = models.DateField(_("since"))
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = PROJECT_RULES

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["county", "number"], name="project_number_in_county"),
            *PROJECT_RULES.checks("project"),
        ]
        indexes = [
            models.Index(fields=["region", "year"], name="project_place_year"),
            models.Index(fields=["county", "year", "stage"], name="project_county_year_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


STEP_RULES = values.Rules(day=PROJECT_DAY, reason=values.Text(500, lines=True))


class ProjectStep(models.Model):
    """One step of a project's life cycle (批复, 开工, 完工, 验收, 取消): the stage it reached,
    on which day, by whom, and for a cancellation why. Never edited: the history of a project."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="steps")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(_("stage"), max_length=10, choices=Stage)
    day = models.DateField(_("day"))
    reason = models.TextField(_("reason"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = STEP_RULES

    class Meta:
        verbose_name = _("project step")
        verbose_name_plural = _("project steps")
        ordering = ["project", "day", "pk"]
        constraints = [
            *STEP_RULES.checks("project_step"),
            models.CheckConstraint(
                condition=~Q(stage="cancelled") | ~Q(reason=""), name="project_cancel_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.stage} {self.day}"


PLANNED_FUND_RULES = values.Rules(amount=YUAN)


class PlannedFund(models.Model):
    """What a project plans to spend from one source of funds (计划投资, by 资金来源)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="planned_funds")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    source = code_field("fund_source", _("source of funds"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = PLANNED_FUND_RULES

    class Meta:
        verbose_name = _("planned funds")
        verbose_name_plural = _("planned funds")
        constraints = [
            models.UniqueConstraint(fields=["project", "source"], name="planned_fund_once"),
            *PLANNED_FUND_RULES.checks("planned_fund"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.source_id} {self.amount}"


class BeneficiaryVillage(models.Model):
    """A village a project benefits (受益村), which may lie outside the project's own place
    (a township's road through three villages)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="beneficiary_villages"
    )
    village = models.ForeignKey(
        Region, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()

    class Meta:
        verbose_name = _("beneficiary village")
        verbose_name_plural = _("beneficiary villages")
        constraints = [
            models.UniqueConstraint(fields=["project", "village"], name="beneficiary_village_once")
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.village_id}"


class BeneficiaryHousehold(models.Model):
    """A registered household a project benefits, and how (联农带农: 务工, 分红, 土地流转…).
    ``region`` is the household's place (moved with it), so the village sees which projects
    reach its households; the project's figures count these rows."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="beneficiary_households"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    mode = code_field("benefit_mode", _("how it benefits"))

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()

    class Meta:
        verbose_name = _("beneficiary household")
        verbose_name_plural = _("beneficiary households")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "household"], name="beneficiary_household_once"
            )
        ]
        indexes = [models.Index(fields=["household"], name="beneficiary_household")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.household_id}"


OUTPUT_RULES = values.Rules(quantity=QUANTITY)


class Output(models.Model):
    """What a project produced of one kind of output (产出: 12.5 公里 of road, 40 盏 of street
    lamps), in the unit of the kind's code (``Code.unit``). One row a kind; recording the kind
    again replaces the quantity (audited before and after)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="outputs")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    kind = code_field("output_kind", _("kind of output"))
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = OUTPUT_RULES

    class Meta:
        verbose_name = _("project output")
        verbose_name_plural = _("project outputs")
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="project_output_once"),
            *OUTPUT_RULES.checks("project_output"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.kind_id} {self.quantity}"


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    DOCUMENT = "document", _("Document (PDF)")


ATTACHMENT_RULES = values.Rules(name=FILE_NAME, kind=values.Choice(AttachmentKind))


class ProjectFile(models.Model):
    """A photo (through ``visits.photos.prepare``) or a PDF document of a project: the
    approval, the acceptance record, the site before and after."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="files")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind of file"), max_length=10, choices=AttachmentKind)
    name = models.CharField(_("file name"), max_length=200)
    file = models.FileField(upload_to="projects/%Y/%m/")
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = ATTACHMENT_RULES

    class Meta:
        verbose_name = _("project file")
        verbose_name_plural = _("project files")
        constraints = ATTACHMENT_RULES.checks("project_file")

    def __str__(self) -> str:
        return self.name


PROGRESS_RULES = values.Rules(month=PROJECT_DAY, note=values.Text(2000, lines=True))


class ProgressNote(models.Model):
    """A project's progress in a month (月度进展), in words; one a month, rewritten in place
    (audited before and after)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="progress_notes")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))  # its first day
    note = models.TextField(_("progress"))
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = PROGRESS_RULES

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["project", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="progress_note_a_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="progress_note_first_day"),
            *PROGRESS_RULES.checks("progress_note"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.month:%Y-%m}"


class EntryKind(models.TextChoices):
    """下达 (funds allocated to the project) and 拨付/报账 (funds paid out of it)."""

    ALLOCATION = "allocation", _("Allocation")
    PAYMENT = "payment", _("Payment")


LEDGER_RULES = values.Rules(
    kind=values.Choice(EntryKind),
    # A reversing entry carries the negative of the entry it reverses: the rule bounds both.
    amount=values.Number(Decimal("-999999999.99"), Decimal("999999999.99")),
    day=values.Day(datetime.date(2014, 1, 1)),
    voucher=values.Text(50),
    note=values.Text(500, lines=True),
)


class LedgerEntry(models.Model):
    """One entry of a project's funds ledger (资金台账): an allocation (下达) or a payment
    (拨付/报账) from one source, with its day, voucher number (凭证号) and a photo of the
    voucher. Entries are never edited or deleted: a mistake is put right by a reversing entry
    (冲销: the same kind, source and project, the negative amount, naming the entry it
    reverses), so the ledger always adds up to what was recorded."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="ledger")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("entry"), max_length=10, choices=EntryKind)
    source = code_field("fund_source", _("source of funds"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    day = models.DateField(_("day"))
    voucher = models.CharField(_("voucher number"), max_length=50, blank=True)
    note = models.TextField(_("note"), blank=True)
    voucher_image = models.FileField(upload_to="projects/vouchers/%Y/%m/", blank=True)
    # Reversed once at most (``ledger_reversed_once``): a partial unique index rather than
    # a one-to-one's, since nearly every entry has none and SQLite's planner, counting the
    # empty values in its statistics, would scan the ledger to find a reversal.
    reverses = models.ForeignKey(
        "self",
        verbose_name=_("reverses"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversals",
        db_index=False,
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = LEDGER_RULES

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["project", "day", "pk"]
        constraints = [
            *LEDGER_RULES.checks("ledger_entry"),
            models.UniqueConstraint(
                fields=["reverses"],
                condition=Q(reverses__isnull=False),
                name="ledger_reversed_once",
            ),
            # An entry of its own is positive; only a reversal is negative.
            models.CheckConstraint(
                condition=Q(reverses__isnull=True, amount__gt=0)
                | Q(reverses__isnull=False, amount__lt=0),
                name="ledger_entry_sign",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "day"], name="ledger_place_day"),
            models.Index(fields=["project", "source", "kind"], name="ledger_project_source"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.kind} {self.amount}"


class OwnerKind(models.TextChoices):
    COLLECTIVE = "collective", _("Village collective")
    HOUSEHOLD = "household", _("Household")


ASSET_RULES = values.Rules(
    name=values.Text(200),
    quantity=QUANTITY,
    unit=values.Text(20),
    value=YUAN,
    owner=values.Choice(OwnerKind),
    maintainer=values.Text(100),
    registered_on=PROJECT_DAY,
)


class Asset(models.Model):
    """An asset an accepted project created (扶贫项目资产): its kind (公益性, 经营性, 到户类),
    quantity and value, who owns it (the village collective, or a household), and who
    maintains it (管护主体). ``region`` is the village it stands in."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="assets")
    region = models.ForeignKey(
        Region, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    kind = code_field("asset_kind", _("kind of asset"))
    name = models.CharField(_("asset"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=20)
    value = models.DecimalField(_("value (yuan)"), max_digits=12, decimal_places=2)
    owner = models.CharField(_("owned by"), max_length=10, choices=OwnerKind)
    owner_household = models.ForeignKey(
        Household,
        verbose_name=_("owning household"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    maintainer = models.CharField(_("maintained by"), max_length=100)
    registered_on = models.DateField(_("registered on"))
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = ASSET_RULES

    class Meta:
        verbose_name = _("project asset")
        verbose_name_plural = _("project assets")
        constraints = [
            *ASSET_RULES.checks("asset"),
            models.CheckConstraint(
                condition=Q(owner="household", owner_household__isnull=False)
                | Q(owner="collective", owner_household__isnull=True),
                name="asset_owner_household",
            ),
        ]
        indexes = [models.Index(fields=["region", "registered_on"], name="asset_place_day")]

    def __str__(self) -> str:
        return self.name


class PartyKind(models.TextChoices):
    """Who gives or buys: a unit (机关事业单位), an enterprise, a person."""

    UNIT = "unit", _("Unit")
    ENTERPRISE = "enterprise", _("Enterprise")
    PERSON = "person", _("Person")


class RecipientKind(models.TextChoices):
    HOUSEHOLD = "household", _("Household")
    VILLAGE = "village", _("Village")
    SCHOOL = "school", _("School")
    STUDENT = "student", _("Student")


DONATION_RULES = values.Rules(
    donor_kind=values.Choice(PartyKind),
    donor=values.Text(100),
    day=PROJECT_DAY,
    cash=values.Number(Decimal(0), Decimal("999999999.99")),
    goods=values.Text(200),
    goods_value=values.Number(Decimal(0), Decimal("999999999.99")),
    recipient_kind=values.Choice(RecipientKind),
    recipient=values.Text(100),
)


class Donation(models.Model):
    """A donation (社会捐赠): who gave (a unit, an enterprise, a person), cash and goods
    valued in yuan, and who received — a registered household, a village, or a school or
    student named in words. ``region`` is the recipient's place (the household's, the
    village, or the place the school or student is in)."""

    region = models.ForeignKey(
        Region, verbose_name=_("place"), on_delete=models.PROTECT, related_name="+"
    )
    donor_kind = models.CharField(_("donor is"), max_length=10, choices=PartyKind)
    donor = models.CharField(_("donor"), max_length=100)
    day = models.DateField(_("day"))
    cash = models.DecimalField(_("cash (yuan)"), max_digits=12, decimal_places=2, default=0)
    goods = models.CharField(_("goods"), max_length=200, blank=True)
    goods_value = models.DecimalField(
        _("goods valued at (yuan)"), max_digits=12, decimal_places=2, default=0
    )
    recipient_kind = models.CharField(_("recipient is"), max_length=10, choices=RecipientKind)
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recipient = models.CharField(_("school or student"), max_length=100, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = DONATION_RULES

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-day", "pk"]
        constraints = [
            *DONATION_RULES.checks("donation"),
            models.CheckConstraint(
                condition=Q(cash__gt=0) | Q(goods_value__gt=0), name="donation_has_value"
            ),
            models.CheckConstraint(
                condition=Q(recipient_kind="household", household__isnull=False)
                | (~Q(recipient_kind="household") & Q(household__isnull=True)),
                name="donation_household_recipient",
            ),
        ]
        indexes = [models.Index(fields=["region", "day"], name="donation_place_day")]

    def __str__(self) -> str:
        return f"{self.donor} {self.day}"


AGREEMENT_RULES = values.Rules(
    buyer_kind=values.Choice(PartyKind),
    buyer=values.Text(100),
    products=values.Text(200),
    signed_on=PROJECT_DAY,
    valid_until=values.Day(datetime.date(2014, 1, 1), ahead=366 * 5),
    amount=values.Number(Decimal(0), Decimal("999999999.99")),
)


class PurchaseAgreement(models.Model):
    """A purchase agreement of consumption assistance (消费帮扶购销协议): a buyer (a unit's
    canteen, an enterprise, a person) agrees to buy a village's or a household's products up
    to an amount in yuan, until a day. ``region`` is the seller's place."""

    region = models.ForeignKey(
        Region, verbose_name=_("seller's place"), on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("selling household"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    buyer_kind = models.CharField(_("buyer is"), max_length=10, choices=PartyKind)
    buyer = models.CharField(_("buyer"), max_length=100)
    products = models.CharField(_("products"), max_length=200)
    signed_on = models.DateField(_("signed on"))
    valid_until = models.DateField(_("valid until"))
    amount = models.DecimalField(
        _("agreed amount (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = AGREEMENT_RULES

    class Meta:
        verbose_name = _("purchase agreement")
        verbose_name_plural = _("purchase agreements")
        constraints = [
            *AGREEMENT_RULES.checks("purchase_agreement"),
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("signed_on")), name="agreement_valid_after_signed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.buyer} {self.products}"


SALE_RULES = values.Rules(
    buyer_kind=values.Choice(PartyKind),
    buyer=values.Text(100),
    product=values.Text(100),
    quantity=QUANTITY,
    unit=values.Text(20),
    amount=YUAN,
    day=PROJECT_DAY,
)


class Sale(models.Model):
    """A sale of consumption assistance (消费帮扶): who bought which village's or household's
    product, how much and for how many yuan, on which day, under an agreement or not.
    ``region`` is the seller's place."""

    region = models.ForeignKey(
        Region, verbose_name=_("seller's place"), on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("selling household"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    agreement = models.ForeignKey(
        PurchaseAgreement,
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sales",
    )
    buyer_kind = models.CharField(_("buyer is"), max_length=10, choices=PartyKind)
    buyer = models.CharField(_("buyer"), max_length=100)
    product = models.CharField(_("product"), max_length=100)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=20)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    day = models.DateField(_("day"))
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = SALE_RULES

    class Meta:
        verbose_name = _("consumption assistance sale")
        verbose_name_plural = _("consumption assistance sales")
        ordering = ["-day", "pk"]
        constraints = SALE_RULES.checks("sale")
        indexes = [models.Index(fields=["region", "day"], name="sale_place_day")]

    def __str__(self) -> str:
        return f"{self.buyer} {self.product} {self.day}"


COLLECTIVE_INCOME_RULES = values.Rules(
    year=values.Year(2014),
    amount=values.Number(Decimal("-999999999.99"), Decimal("999999999.99")),
)


class CollectiveIncome(models.Model):
    """A village's collective income of a year from one source (村集体经济收入: 经营收入,
    发包及上交收入, 投资收益, 补助收入, 其他收入). One row a village, year and source; recording
    it again replaces the amount (audited before and after). A loss is negative."""

    region = models.ForeignKey(
        Region, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    source = code_field("collective_income_source", _("source of income"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = COLLECTIVE_INCOME_RULES

    class Meta:
        verbose_name = _("village collective income")
        verbose_name_plural = _("village collective incomes")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "source"], name="collective_income_once"
            ),
            *COLLECTIVE_INCOME_RULES.checks("collective_income"),
        ]
        indexes = [models.Index(fields=["year", "region"], name="collective_income_year")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year} {self.source_id}"
