"""The monthly check of the handbook against the national system (账实相符、账账相符).

The handbook (帮扶手册) is printed from bangfu's records, so the check compares the records
with a dated copy of the national information system's export (``Snapshot``), never writing
that copy into the registry. Each disagreement is a ``Difference``, with both values and the
household's place; problem lists sent from above (问题数据清单) join the same workflow. Each
village reports its month's check to its township (``SelfCheckReport``, 自查报告).

Every record carries the place it is about (``region``): the household's village or group,
or for a household only the national system holds, the place the export gives.
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
from bangfu.registry.models import Household, Member

# The national system's exports worth checking began with the 2014 registration.
CHECK_DAY = values.Day(datetime.date(2014, 1, 1))
# Years as the national forms give them (识别年度, 收入年度…): bounded by the column, not by
# today, since an export is read as it is.
FORM_YEAR = values.Whole(1900, 2100)
CODE = values.Text(20)  # a code list's value; several are joined by commas in a Text(200)

SNAPSHOT_RULES = values.Rules(month=CHECK_DAY, file_name=values.Text(200))

# What the snapshot's rows may hold: the parser reads a cell that breaks one of these as
# unreadable (kept empty, listed), and the store refuses a row that breaks one.
SNAPSHOT_HOUSEHOLD_RULES = values.Rules(
    number=values.Text(30),
    place_written=values.Text(200),
    attribute=CODE,
    standard=CODE,
    main_cause=CODE,
    other_causes=values.Text(200),
    year_identified=FORM_YEAR,
    planned_exit_year=FORM_YEAR,
    status=values.Text(24),
    monitoring_type=CODE,
    risk_types=values.Text(200),
    address=values.Text(200),
    phone=values.Text(20),
    bank_name=values.Text(60),
    land_area_mu=values.Number(Decimal(0), Decimal("99999.99")),
    housing_area=values.Number(Decimal(0), Decimal("9999.99")),
    housing_structure=values.Text(40),
    danger_grade=values.Text(1),
    toilet=values.Text(10),
    road_distance_km=values.Number(Decimal(0), Decimal("999.99")),
    per_capita_income=values.Number(Decimal("-9999999999.99"), Decimal("9999999999.99")),
    income_year=FORM_YEAR,
)
SNAPSHOT_MEMBER_RULES = values.Rules(
    household_number=values.Text(30),
    id_number_masked=values.Text(18),
    name=values.Text(50),
    sex=values.Text(1),
    birth_date=values.Day(ahead=None),
    relation=CODE,
    ethnicity=CODE,
    education=CODE,
    schooling=CODE,
    health=CODE,
    disability=values.Text(20),
    labour=CODE,
    work_status=values.Text(40),
)


class Snapshot(models.Model):
    """One month's export of a county's households and members from the national system
    (国家系统导出), kept as it was read: the other side of the month's comparison."""

    region = models.ForeignKey(
        Region, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"))  # its first day
    file_name = models.CharField(_("file"), max_length=200)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    households = models.PositiveIntegerField(_("households"), default=0)
    members = models.PositiveIntegerField(_("members"), default=0)
    compared_at = models.DateTimeField(_("compared at"), null=True, blank=True)

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = SNAPSHOT_RULES

    class Meta:
        verbose_name = _("national system snapshot")
        verbose_name_plural = _("national system snapshots")
        ordering = ["-month", "region"]
        constraints = [
            models.UniqueConstraint(fields=["region", "month"], name="one_snapshot_a_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="snapshot_month_first_day"),
            *SNAPSHOT_RULES.checks("snapshot"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.month:%Y-%m}"


class SnapshotHousehold(models.Model):
    """A household as the national system's export gives it: its own columns, cleaned the
    way the exchange pipeline cleans an import (``exchange.columns``), in the registry's
    terms — codes as the code list's values, several codes sorted and joined by commas."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="+")
    number = models.CharField(max_length=30)
    # The village's or group's code as resolved from the export's code or names (a row
    # whose place is none of the county's is not kept); ``place_written`` is the place as
    # the export writes it (its code, or its names), to show.
    region_code = models.CharField(max_length=15, blank=True)
    place_written = models.CharField(max_length=200, blank=True)
    attribute = models.CharField(max_length=20, blank=True)
    standard = models.CharField(max_length=20, blank=True)
    main_cause = models.CharField(max_length=20, blank=True)
    other_causes = models.CharField(max_length=200, blank=True)
    year_identified = models.PositiveSmallIntegerField(null=True)
    planned_exit_year = models.PositiveSmallIntegerField(null=True)
    status = models.CharField(max_length=24, blank=True)
    monitoring_type = models.CharField(max_length=20, blank=True)
    risk_types = models.CharField(max_length=200, blank=True)
    address = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    bank_name = models.CharField(max_length=60, blank=True)
    land_area_mu = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    housing_area = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    housing_structure = models.CharField(max_length=40, blank=True)
    danger_grade = models.CharField(max_length=1, blank=True)
    water_difficulty = models.BooleanField(null=True)
    water_safe = models.BooleanField(null=True)
    has_power = models.BooleanField(null=True)
    toilet = models.CharField(max_length=10, blank=True)
    road_distance_km = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    # 人均纯收入 of ``income_year``, as the national form gives it.
    per_capita_income = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    income_year = models.PositiveSmallIntegerField(null=True)
    # The columns whose cells could not be read (their keys): not compared, listed on
    # the import instead, so a damaged cell is never taken for a difference.
    unreadable = models.JSONField(default=list, blank=True)

    value_rules = SNAPSHOT_HOUSEHOLD_RULES

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "number"], name="snapshot_household_once"),
            *SNAPSHOT_HOUSEHOLD_RULES.checks("snapshot_household"),
        ]

    def __str__(self) -> str:
        return self.number


class SnapshotMember(models.Model):
    """A member as the national system's export gives it, keyed by the keyed hash of the ID
    number (as the registry keys its members); the number itself is not kept, only its
    masked form to show (``core.idnumbers``)."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="+")
    household_number = models.CharField(max_length=30)
    id_number_hash = models.CharField(max_length=64)
    id_number_masked = models.CharField(max_length=18, blank=True)
    name = models.CharField(max_length=50, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    birth_date = models.DateField(null=True)
    relation = models.CharField(max_length=20, blank=True)
    ethnicity = models.CharField(max_length=20, blank=True)
    education = models.CharField(max_length=20, blank=True)
    schooling = models.CharField(max_length=20, blank=True)
    health = models.CharField(max_length=20, blank=True)
    disability = models.CharField(max_length=20, blank=True)
    labour = models.CharField(max_length=20, blank=True)
    work_status = models.CharField(max_length=40, blank=True)
    dibao = models.BooleanField(null=True)
    medical_insurance = models.BooleanField(null=True)
    pension_insurance = models.BooleanField(null=True)
    unreadable = models.JSONField(default=list, blank=True)

    value_rules = SNAPSHOT_MEMBER_RULES

    class Meta:
        constraints = [
            # The hash first: a key rotation finds a person's rows by it (core.rotation).
            models.UniqueConstraint(
                fields=["id_number_hash", "snapshot"], name="snapshot_member_once"
            ),
            *SNAPSHOT_MEMBER_RULES.checks("snapshot_member"),
        ]
        indexes = [
            models.Index(fields=["snapshot", "household_number"], name="snapshot_member_household")
        ]

    def __str__(self) -> str:
        return self.name


class DifferenceKind(models.TextChoices):
    VALUE = "value", _("Values differ")
    ONLY_SYSTEM = "only_system", _("Only in the national system")
    ONLY_HANDBOOK = "only_handbook", _("Only in the handbook")
    PROBLEM = "problem", _("Problem listed from above")


class DifferenceClass(models.TextChoices):
    """Which side is wrong, once someone has looked (差异分类)."""

    UNCLASSIFIED = "", _("Not yet classified")
    SYSTEM_WRONG = "system", _("System entry wrong")
    HANDBOOK_WRONG = "handbook", _("Handbook wrong")
    HOME_CHECK = "home_check", _("Needs a home check")
    ACCEPTED = "accepted", _("Accepted (e.g. a known lag)")


class DifferenceState(models.TextChoices):
    OPEN = "open", _("Open")
    FIXED = "fixed", _("Fixed: the two now agree")
    CLOSED = "closed", _("Closed by hand")


DIFFERENCE_RULES = values.Rules(
    household_number=values.Text(30),
    member_name=values.Text(50),
    field=values.Text(40),
    field_name=values.Text(60),
    kind=values.Choice(DifferenceKind),
    system_value=values.Text(300),
    handbook_value=values.Text(300),
    problem=values.Text(500, lines=True),
    found_on=CHECK_DAY,
    classification=values.Choice(DifferenceClass),
    state=values.Choice(DifferenceState),
    closed_on=CHECK_DAY,
    close_reason=values.Text(300, lines=True),
)


PROBLEM_LIST_RULES = values.Rules(
    file_name=values.Text(200), sent_by=values.Text(100), received_on=CHECK_DAY
)


class ProblemList(models.Model):
    """A problem data list (问题数据清单) sent to the county from above, as imported."""

    region = models.ForeignKey(
        Region, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(_("file"), max_length=200)
    sent_by = models.CharField(_("sent by"), max_length=100, blank=True)
    received_on = models.DateField(_("received on"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = PROBLEM_LIST_RULES

    class Meta:
        verbose_name = _("problem data list")
        verbose_name_plural = _("problem data lists")
        ordering = ["-received_on", "-pk"]
        constraints = PROBLEM_LIST_RULES.checks("problem_list")

    def __str__(self) -> str:
        return self.file_name


class Difference(models.Model):
    """One disagreement between the records (the handbook) and the national system, or one
    problem listed from above: a household's or member's field with both values, assigned to
    the household's village, classified, and closed when the two agree (by the next snapshot
    for a system error, by a registry edit for a handbook error) or by hand with a reason."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.PROTECT, related_name="differences", null=True, blank=True
    )
    problem_list = models.ForeignKey(
        ProblemList, on_delete=models.PROTECT, related_name="items", null=True, blank=True
    )
    # None when the household is only in the national system.
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    household_number = models.CharField(_("household number"), max_length=30)
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # The member's key on both sides (the keyed hash of the ID number); empty for a
    # household's own field.
    id_number_hash = models.CharField(max_length=64, blank=True)
    member_name = models.CharField(_("member"), max_length=50, blank=True)
    # The column's key (``exchange.columns``), "household" or "member" for one present on
    # one side only; ``field_name`` is the name the national form gives it.
    field = models.CharField(_("field"), max_length=40)
    field_name = models.CharField(_("field"), max_length=60)
    kind = models.CharField(_("kind"), max_length=16, choices=DifferenceKind.choices)
    system_value = models.CharField(_("national system"), max_length=300, blank=True)
    handbook_value = models.CharField(_("handbook"), max_length=300, blank=True)
    problem = models.CharField(_("problem"), max_length=500, blank=True)
    found_on = models.DateField(_("found on"))
    classification = models.CharField(
        _("classification"), max_length=12, choices=DifferenceClass.choices, blank=True
    )
    classified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    classified_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=8, choices=DifferenceState.choices, default=DifferenceState.OPEN
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    # The snapshot that showed the two agree, for one closed by the system.
    closed_by_snapshot = models.ForeignKey(
        Snapshot, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    close_reason = models.CharField(_("reason"), max_length=300, blank=True)

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = DIFFERENCE_RULES

    class Meta:
        verbose_name = _("difference")
        verbose_name_plural = _("differences")
        ordering = ["region", "household_number", "member_name", "field"]
        indexes = [
            models.Index(fields=["region", "state", "found_on"], name="difference_place_state"),
            models.Index(fields=["household", "state"], name="difference_household_state"),
            # A key rotation finds a person's differences by it (core.rotation).
            models.Index(fields=["id_number_hash"], name="difference_person"),
        ]
        constraints = [
            *DIFFERENCE_RULES.checks("difference"),
            models.CheckConstraint(
                condition=Q(snapshot__isnull=False) | Q(problem_list__isnull=False),
                name="difference_has_a_source",
            ),
            # A difference closed by hand says why; one the system closed names nothing.
            models.CheckConstraint(
                condition=~Q(state=DifferenceState.CLOSED) | ~Q(close_reason=""),
                name="difference_closed_by_hand_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_number} {self.field_name}"


REPORT_RULES = values.Rules(month=CHECK_DAY, due_on=CHECK_DAY, note=values.Text(2000, lines=True))


class SelfCheckReport(models.Model):
    """A village's written report of its month's check (自查报告) to its township: what was
    found, fixed and left open, with the reasons; the figures frozen when it is submitted."""

    region = models.ForeignKey(
        Region, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"))  # its first day
    due_on = models.DateField(_("due on"))
    note = models.TextField(_("note"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    # What the report said when it was submitted: found, fixed and open, by class.
    figures = models.JSONField(default=dict, blank=True)

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = REPORT_RULES

    class Meta:
        verbose_name = _("self-check report")
        verbose_name_plural = _("self-check reports")
        ordering = ["-month", "region"]
        constraints = [
            models.UniqueConstraint(fields=["region", "month"], name="one_report_a_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="report_month_first_day"),
            *REPORT_RULES.checks("self_check_report"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.month:%Y-%m}"
