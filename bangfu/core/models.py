import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import values
from .regions import GROUP_CODE_LENGTH, RegionLevel
from .scoping import RegionalQuerySet

REGION_RULES = values.Rules(name=values.Text(100))


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
    value_rules = REGION_RULES

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["code"]
        constraints = REGION_RULES.checks("region")

    def __str__(self) -> str:
        return self.name


# A rule may be set to start on a day ahead (next month's new fixed day, say).
POLICY_RULES = values.Rules(
    valid_from=values.Day(datetime.date(2000, 1, 1), ahead=None), note=values.Text(200)
)


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
    value_rules = POLICY_RULES

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "key", "valid_from"],
                name="policy_one_value_per_place_key_date",
            ),
            *POLICY_RULES.checks("policy"),
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
    # The cryptography profile and the audit key (by key id) of the next entry's MAC
    # (``audit.SWITCH``), as the chain says; and the key it began with.
    profile = models.CharField(max_length=8, default="intl")
    key = models.CharField(max_length=8, default="")
    first_key = models.CharField(max_length=8, default="")

    def __str__(self) -> str:
        return f"audit head #{self.last_seq}"


CODE_VALUE = values.Text(20)
CODE_RULES = values.Rules(value=CODE_VALUE, label=values.Text(100), unit=values.Text(20))


class Code(models.Model):
    """One entry of a code list (代码表) used by the national forms: a poverty cause, a relation…

    Lists are data, seeded by the app that uses them and edited by the administrator of the
    top place. An entry in use is never deleted, only retired: old records keep their code,
    new records can no longer choose it.
    """

    kind = models.CharField(_("list"), max_length=40)
    value = models.CharField(_("code"), max_length=20)
    label = models.CharField(_("label"), max_length=100)
    # The unit its quantities are counted in, for the lists of measured things (a project's
    # outputs: 公里, 盏, 座…); blank for the others.
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    retired = models.BooleanField(_("retired"), default=False)

    value_rules = CODE_RULES

    class Meta:
        verbose_name = _("code")
        verbose_name_plural = _("code lists")
        ordering = ["kind", "sort_order", "value"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="code_value_unique_in_list"),
            *CODE_RULES.checks("code"),
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


class DataIssueKind(models.TextChoices):
    CLASH = "clash", _("Already registered outside the places of whoever tried")
    SET_ASIDE = "set_aside", _("A stored value broke a rule and was set aside")


DATA_ISSUE_RULES = values.Rules(resolution=values.Text(300))


class DataIssue(models.Model):
    """Something in the data an administrator must look at and resolve (待核实的数据问题).

    A *clash*: someone tried to register an ID number or household number that a record
    outside their places holds. They are refused without being told where, or that it exists
    (a citizen's presence in the poverty register of another county is not theirs to learn);
    the administrator whose places cover both sees the two places and resolves it. A
    *set-aside* value: a value stored before a rule existed that breaks it, cleared by the
    migration that added the rule so that the record reads again, kept here to re-enter.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=DataIssueKind.choices)
    # Where it arose (the place of the attempt, or of the record) and, for a clash, the
    # place of the record already registered: an administrator must hold both to see it.
    region_code = models.CharField(_("place"), max_length=GROUP_CODE_LENGTH, db_index=True)
    other_region_code = models.CharField(_("other place"), max_length=GROUP_CODE_LENGTH, blank=True)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    field = models.CharField(_("field"), max_length=64)
    # What the administrator needs to act on it: masked numbers, the value set aside…
    detail = models.JSONField(default=dict)
    attempts = models.PositiveIntegerField(default=1)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(_("raised at"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution = models.CharField(_("how it was resolved"), max_length=300, blank=True)

    scope_field = "region_code"
    objects = RegionalQuerySet.as_manager()
    value_rules = DATA_ISSUE_RULES

    class Meta:
        verbose_name = _("data issue")
        verbose_name_plural = _("data issues")
        ordering = ["-raised_at", "-pk"]
        constraints = DATA_ISSUE_RULES.checks("data_issue")
        indexes = [
            models.Index(
                fields=["region_code"], condition=models.Q(resolved_at=None), name="data_issue_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_type}:{self.object_id} {self.field}"


class WorkerBeat(models.Model):
    """A background worker's sign of life (``manage.py worker``), read by ``/healthz``: a
    row a running worker refreshes every few seconds and removes when it stops. Machine
    state, not a record about anyone: it is not audited."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.worker_id} on {self.host} ({self.pid})"
