"""Imports and exports of spreadsheets, as jobs that run outside the request."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bangfu.core.models import Job


class HeaderSynonym(models.Model):
    """Another name a sheet uses for one of our columns (表头同义词), added by an administrator."""

    column = models.CharField(_("column"), max_length=40)
    synonym = models.CharField(_("name in the sheet"), max_length=100, unique=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("header synonym")
        verbose_name_plural = _("header synonyms")
        ordering = ["column", "synonym"]

    def __str__(self) -> str:
        return f"{self.synonym} → {self.column}"


class ImportKind(models.TextChoices):
    HOUSEHOLDS = "households", _("Households and members")
    PAIRINGS = "pairings", _("Pairings of helpers and households")
    TEAMS = "teams", _("Resident work teams and their members")
    # The health bureau's sheets (卫健局), keyed by ID number (``keyed``).
    CONTRACTS = "contracts", _("Family-doctor contracts (health bureau)")
    CHECKUPS = "checkups", _("Health check-ups (health bureau)")
    FOLLOW_UPS = "follow_ups", _("Follow-ups of illnesses (health bureau)")
    # Departments' data for the early-warning rules (部门数据, ``exchange.monitoring``).
    MEDICAL_COSTS = "med_costs", _("Medical costs per person and year (medical insurance)")
    ASSISTANCE = (
        "assistance",
        _("Minimum living allowance and extreme-poverty support (civil affairs)"),
    )
    OUT_OF_SCHOOL = "no_school", _("Pupils out of school (education)")
    DISABILITY = "disability", _("New disability certificates (disabled persons' federation)")
    UNSAFE_HOUSING = "housing", _("Housing classed unsafe (housing and construction)")
    JOB_LOSS = "job_loss", _("Jobs lost (human resources and social security)")
    # Not about members: disasters by place and day (灾情), a roster (``exchange.disasters``).
    DISASTERS = "disasters", _("Disasters by place and day (emergency management, agriculture)")
    # The national system's own export, kept as a dated snapshot for the monthly check
    # (``exchange.snapshots``, ``checks``), never written into the registry.
    NATIONAL = (
        "national",
        _("National system export (households and members), for the monthly check"),
    )
    # A problem data list from above (问题数据清单), into the monthly check's differences
    # (``exchange.problem_lists``, a roster).
    PROBLEM_LIST = "problems", _("Problem data list from above (for the monthly check)")
    # The county's project library and its finance sheet (项目库、资金台账), keyed by
    # project number (``exchange.projects``).
    PROJECTS = "projects", _("Project library (county)")
    FUNDS = "funds", _("Funds allocated and paid (county finance sheet)")


class ImportJob(Job):
    """An uploaded sheet: checked first (preview), then committed on request."""

    kind = models.CharField(
        _("what the sheet holds"),
        max_length=10,
        choices=ImportKind.choices,
        default=ImportKind.HOUSEHOLDS,
    )
    file_name = models.CharField(_("file"), max_length=200)
    summary = models.JSONField(default=dict)
    # What the person chose on upload beside the file: a snapshot's county and month
    # (``{"region_code": "611103000000", "month": "2026-10-01"}``).
    options = models.JSONField(default=dict, blank=True)
    committed = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.file_name


class ImportProblem(models.Model):
    """One error of an import, located in the file (sheet, row, column, value, reason)."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="problems")
    sheet = models.CharField(max_length=100)
    row = models.PositiveIntegerField()
    column = models.CharField(max_length=200)
    value = models.CharField(max_length=200)
    reason = models.TextField()

    class Meta:
        ordering = ["sheet", "row", "pk"]

    def __str__(self) -> str:
        return f"{self.sheet}!{self.row} {self.column}: {self.reason}"


class ExportJob(Job):
    """A list written to .xlsx in the background, with the filters it was asked with."""

    list_name = models.CharField(max_length=40)
    filters = models.JSONField(default=dict)
    full_ids = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.list_name
