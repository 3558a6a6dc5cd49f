from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .regions import GROUP_CODE_LENGTH, RegionLevel
from .scoping import RegionalQuerySet


class Region(models.Model):
    """A place (行政区划): province, city, county, township, village or village group."""

    code = models.CharField(_("division code"), max_length=GROUP_CODE_LENGTH, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    scope_field = "code"
    objects = RegionalQuerySet.as_manager()

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Policy(models.Model):
    """A rule value set on a place from a date; inherited by every place under it (政策参数)."""

    region = models.ForeignKey(Region, verbose_name=_("place"), on_delete=models.PROTECT)
    key = models.CharField(_("rule"), max_length=64)
    value = models.JSONField(_("value"))
    valid_from = models.DateField(_("valid from"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("set by"),
    )
    set_at = models.DateTimeField(_("set at"))

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "key", "valid_from"],
                name="policy_one_value_per_place_key_date",
            )
        ]
        indexes = [models.Index(fields=["key", "region", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.key}@{self.region_id} from {self.valid_from}"


class AuditEntry(models.Model):
    """One write, as the service that made it saw it: who, when, what, before → after.

    ``seq`` is assigned by the audit service under a lock, without gaps, and each entry's
    ``hash`` covers its content and the previous entry's hash, so an edited, deleted or
    inserted entry breaks the chain (see ``core.audit.verify_chain``).
    """

    seq = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    region_code = models.CharField(max_length=GROUP_CODE_LENGTH, blank=True, db_index=True)
    before = models.JSONField(null=True)
    after = models.JSONField(null=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    scope_field = "region_code"
    objects = RegionalQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditHead(models.Model):
    """The chain's head: locked by every append so that entries are chained one at a time."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    def __str__(self) -> str:
        return f"audit head #{self.last_seq}"


class Code(models.Model):
    """One entry of a code list (代码表) used by the national forms: a poverty cause, a relation…

    Lists are data, seeded by the app that uses them and edited by the administrator of the
    top place. An entry in use is never deleted, only retired: old records keep their code,
    new records can no longer choose it.
    """

    kind = models.CharField(_("list"), max_length=40)
    value = models.CharField(_("code"), max_length=20)
    label = models.CharField(_("label"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    retired = models.BooleanField(_("retired"), default=False)

    class Meta:
        verbose_name = _("code")
        verbose_name_plural = _("code lists")
        ordering = ["kind", "sort_order", "value"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="code_value_unique_in_list")
        ]

    def __str__(self) -> str:
        return self.label


class JobState(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    CHECKED = "checked", _("Checked: see the preview")
    REFUSED = "refused", _("Has errors: nothing was imported")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Job(models.Model):
    """Work on a file that runs in the background (an import, an export, a village's
    handbooks), with its progress. A job belongs to the person who started it; nobody else
    sees it (its file may hold their places' data)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    phase = models.CharField(max_length=20, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    path = models.CharField(max_length=300)  # under var/, where the file is kept
    # The asker's, as their page was in: what the job says (its messages, its file's
    # headings) is said in it, though it runs in a worker with no request.
    language = models.CharField(max_length=10)

    class Meta:
        abstract = True
        ordering = ["-created_at"]
