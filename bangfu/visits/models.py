"""Visits (走访/入户): what helpers did at their households, the follow-ups, and the monthly
roll-ups that compliance figures read."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bangfu.core import values
from bangfu.core.models import Code, Region
from bangfu.core.scoping import RegionalQuerySet
from bangfu.pairing.models import Helper
from bangfu.registry.models import Household


class VisitKind(models.TextChoices):
    HOME = "home", _("Home visit")
    PHONE = "phone", _("Phone call")
    ONLINE = "online", _("Online")


def money_field(label):
    return models.DecimalField(label, max_digits=12, decimal_places=2, default=Decimal(0))


# Goods or money given on one visit, in yuan: any real gift fits, within the column.
AMOUNT = values.Number(Decimal(0), Decimal("9999999.99"))
POSITION_RULES = {
    "latitude": values.Number(Decimal(-90), Decimal(90), places=6),
    "longitude": values.Number(Decimal(-180), Decimal(180), places=6),
}
# Visits are logged from the 2014 registration on; a phone's clock may run minutes fast.
VISIT_RULES = values.Rules(
    visited_at=values.Moment(datetime.date(2014, 1, 1), slack=datetime.timedelta(minutes=10)),
    kind=values.Choice(VisitKind),
    notes=values.Text(2000, lines=True),
    goods_value=AMOUNT,
    money_value=AMOUNT,
    jobs_found=values.Whole(0, 100),
    accuracy_m=values.Whole(0, 100_000),
    **POSITION_RULES,
)


class Visit(models.Model):
    """One contact of a helper with a household, as the helper logged it (走访记录)."""

    # Made on the phone before the first send: a retry or a double send finds this visit
    # instead of making a second one.
    client_id = models.UUIDField(_("visit id made on the phone"), unique=True)
    helper = models.ForeignKey(
        Helper, verbose_name=_("helper"), on_delete=models.PROTECT, related_name="visits"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="visits"
    )
    # The household's place, kept here so that scoping and place figures read visits by index.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    visited_at = models.DateTimeField(_("visited at"))
    kind = models.CharField(_("kind"), max_length=10, choices=VisitKind.choices)
    services = models.ManyToManyField(
        Code, verbose_name=_("what was done (十送)"), related_name="+", blank=True
    )
    notes = models.TextField(_("what was done, in words"), blank=True)
    goods_value = money_field(_("goods given (yuan)"))
    money_value = money_field(_("money given (yuan)"))
    jobs_found = models.PositiveSmallIntegerField(_("jobs found (people)"), default=0)
    # Where the phone was when the visit was saved, and how far that is from the household.
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    accuracy_m = models.PositiveIntegerField(null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("distance from the household (m)"), null=True)
    recorded_at = models.DateTimeField(_("logged at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = VISIT_RULES

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = VISIT_RULES.checks("visit")
        indexes = [
            models.Index(fields=["household", "visited_at"]),
            models.Index(fields=["helper", "visited_at"]),
            models.Index(fields=["region", "visited_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.helper} → {self.household} @ {self.visited_at:%Y-%m-%d}"


PROBLEM_RULES = values.Rules(
    description=values.Text(300),
    found_on=values.Day(datetime.date(2014, 1, 1)),
    solved_on=values.Day(datetime.date(2014, 1, 1)),
    solution=values.Text(300),
)


class Problem(models.Model):
    """A difficulty found on a visit, followed up until it is solved (问题台账/跟进事项)."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="problems"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    visit = models.ForeignKey(
        Visit, verbose_name=_("found on visit"), on_delete=models.PROTECT, related_name="problems"
    )
    description = models.CharField(_("problem"), max_length=300)
    found_on = models.DateField(_("found on"))
    solved_on = models.DateField(_("solved on"), null=True, blank=True)
    solved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("solved by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    solution = models.CharField(_("how it was solved"), max_length=300, blank=True)

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = PROBLEM_RULES

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        constraints = PROBLEM_RULES.checks("problem")
        indexes = [
            models.Index(fields=["household"], condition=Q(solved_on=None), name="problem_open")
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def is_open(self) -> bool:
        return self.solved_on is None


PHOTO_RULES = values.Rules(**POSITION_RULES)


class VisitPhoto(models.Model):
    """A photo taken on a visit: resized on upload, with the time and place its camera wrote."""

    client_id = models.UUIDField(unique=True)  # made on the phone, as for visits
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to="visits/%Y/%m/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    taken_at = models.DateTimeField(_("taken at"), null=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True)
    # A 64-bit difference hash: the same picture, resized or recompressed, keeps (nearly) it.
    phash = models.CharField(max_length=16, db_index=True)

    value_rules = PHOTO_RULES

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")
        constraints = PHOTO_RULES.checks("visit_photo")

    def __str__(self) -> str:
        return self.image.name


class FlagKind(models.TextChoices):
    FAR = "far", _("Far from the household")
    PHOTO_REUSED = "photo_reused", _("Photo used before")
    TOO_FAST = "too_fast", _("Two places too quickly")
    LATE = "late", _("Logged long after")
    NO_POSITION = "no_position", _("No position")


class VisitFlag(models.Model):
    """A sign for inspectors that a visit may not be what it claims (存疑). Never a refusal:
    the visit stands, and the flag says why it was raised."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="flags")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("flag"), max_length=20, choices=FlagKind.choices)
    # The figures behind the flag (metres, km/h, days…), worded when shown, in the reader's
    # language.
    facts = models.JSONField(default=dict)
    other_visit = models.ForeignKey(Visit, on_delete=models.CASCADE, null=True, related_name="+")

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit flag")
        verbose_name_plural = _("visit flags")

    def __str__(self) -> str:
        return f"{self.kind}: {self.visit_id}"


class VisitMonth(models.Model):
    """One household's month of visits (月度走访汇总), kept current by the visit services and
    rebuilt from the visits by ``manage.py rebuild_rollups``. A month with nothing in it has
    no row."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    month = models.DateField()  # the first day of the month
    visits = models.PositiveIntegerField(default=0)
    home_visits = models.PositiveIntegerField(default=0)
    fixed_days_met = models.PositiveSmallIntegerField(default=0)
    last_visit_at = models.DateTimeField(null=True)
    problems_found = models.PositiveIntegerField(default=0)
    problems_solved = models.PositiveIntegerField(default=0)
    jobs_found = models.PositiveIntegerField(default=0)
    goods_value = money_field(_("goods given (yuan)"))
    money_value = money_field(_("money given (yuan)"))

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["household", "month"], name="one_rollup_a_month")
        ]
        indexes = [models.Index(fields=["month", "region"])]

    def __str__(self) -> str:
        return f"{self.household_id} {self.month:%Y-%m}"


class ReminderSent(models.Model):
    """A reminder sent to a helper (提醒), so that one day's reminders go out once."""

    helper = models.ForeignKey(Helper, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    channel = models.CharField(max_length=20)
    households = models.PositiveIntegerField()
    message = models.TextField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["helper", "day"], name="one_reminder_a_helper_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.helper_id} {self.day}"
