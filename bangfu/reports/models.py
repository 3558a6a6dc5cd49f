"""Place roll-ups (地区汇总): the dashboard's figures per place, so that a page costs in
proportion to the places it shows, not to their households.

Each row covers everything at or under its place. They are derived data, never edited: kept
up to date from the audit log by ``reports.rollups`` (every write is audited with its place,
so the log says which places changed since the rows were made).
"""

from decimal import Decimal

from django.db import models

from bangfu.core.models import Job, Region
from bangfu.core.scoping import RegionalQuerySet


class PlaceStock(models.Model):
    """Figures of the place as it stands: open households by status, cause, attribute and
    monitoring type, pairing coverage, helpers, and paired households by the place whose
    visit rules apply to them (JSON maps: value → households).

    ``helpers`` is the one figure that is not the sum of the places under it: a helper
    serving households in two villages counts once in each and once in the township above
    both. It is the number of the place's ``PlaceHelper`` rows."""

    region = models.OneToOneField(
        Region, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    households = models.PositiveIntegerField(default=0)
    by_status = models.JSONField(default=dict)
    by_cause = models.JSONField(default=dict)  # code id → households
    by_attribute = models.JSONField(default=dict)
    by_monitoring_type = models.JSONField(default=dict)
    needing = models.PositiveIntegerField(default=0)  # households that need a helper
    covered = models.PositiveIntegerField(default=0)  # … and have one now
    helpers = models.PositiveIntegerField(default=0)  # helpers paired now with households here
    scheduled = models.JSONField(default=dict)  # rule place → paired households
    # Resident work teams, as maps that the day judged is read against (in post on a day:
    # start ≤ day ≤ end): "start|end" (ISO days, end empty while open) → teams; rule place of
    # the residence rules → role code → "start|end" → members; due day → open meeting tasks.
    teams_by_term = models.JSONField(default=dict)
    members_by_term = models.JSONField(default=dict)
    open_tasks = models.JSONField(default=dict)
    # Health (健康帮扶), as timelines the day judged is read against: a map of day (ISO; ""
    # before any day) → members coming in (+) or going out (−), the count on a day being the
    # sum of the keys up to it. Members in the registry (out on the day they left or their
    # household closed), by the rule place of the check-up rules and work status; members
    # with a valid family-doctor contract; each year's members checked up (in on their first
    # check-up of the year); members with an illness (in on its diagnosis); and the illnesses
    # of members in the registry now by the day their follow-up is due.
    health_present = models.JSONField(default=dict)
    health_signed = models.JSONField(default=dict)
    health_checked = models.JSONField(default=dict)  # year → rule place → status → timeline
    health_ill = models.JSONField(default=dict)
    follow_ups_open = models.JSONField(default=dict)  # due day → illnesses
    # Household plans (一户一策): open households with a measure that is not dropped; such
    # measures by kind (code id → measures); measures open by due day.
    planned_households = models.PositiveIntegerField(default=0)
    measures_by_kind = models.JSONField(default=dict)
    open_measures = models.JSONField(default=dict)
    # Monitoring (防止返贫监测), as it stands: monitored households able to work ("able"), of
    # them with a developmental measure ("developing"), tracked households with no member
    # able to work ("social_security"), open alerts by due day ("alerts_open": ISO day → n).
    # See ``monitoring.rollups``.
    monitoring = models.JSONField(default=dict)
    # The monthly check (账实相符): villages by the rule place of the day due, open
    # differences as timelines by classification and field, households compared and
    # matching fully. See ``checks.rollups``.
    checks = models.JSONField(default=dict)
    # Projects and funds (项目资金): projects by year, kind and stage; funds planned, allocated
    # and paid by year, kind and source (fen); outputs; households benefiting; households
    # able to work and those with an income project by year; villages and their collective
    # income against the targets. See ``projects.rollups``.
    projects = models.JSONField(default=dict)

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.region_id}: {self.households}"


class PlaceMonth(models.Model):
    """Visit figures of the place in one month: the month roll-ups of its households added
    up, visits by day of the month, and, for paired households, how many had how many home
    visits and fixed days met, by the place whose visit rules apply to them (JSON maps)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    visits = models.PositiveIntegerField(default=0)
    home_visits = models.PositiveIntegerField(default=0)
    problems_found = models.PositiveIntegerField(default=0)
    problems_solved = models.PositiveIntegerField(default=0)
    jobs_found = models.PositiveIntegerField(default=0)
    goods_value = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal(0))
    money_value = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal(0))
    by_day = models.JSONField(default=dict)  # day of month → visits
    home_visits_of_scheduled = models.JSONField(default=dict)  # rule place → {home visits: n}
    fixed_days_met = models.JSONField(default=dict)  # rule place → fixed days met
    # Resident work teams: the members judged in the month (in post from its first day) by
    # the rule place of their residence rules, by which days count (v in the village, o
    # official business, l leave: "v", "vo", "vl", "vol"), by days counted → members; a
    # member whose term ends before the month's last day is keyed "days|day of the end".
    residence = models.JSONField(default=dict)
    leave_days = models.PositiveIntegerField(default=0)  # days of approved leave
    meetings = models.PositiveIntegerField(default=0)  # team meetings held
    # Health: follow-ups held, follow-ups falling due (an illness's first on its diagnosis,
    # then each follow-up's next due day), and health activities: kind → {"n", "served"}.
    follow_ups_done = models.PositiveIntegerField(default=0)
    follow_ups_due = models.PositiveIntegerField(default=0)
    activities = models.JSONField(default=dict)
    # Monitoring in the month: alerts raised by source and by rule, verified and on time,
    # procedures passed by kind, households identified by type and risk type, days from the
    # first alert to the decision (``monitoring.rollups``).
    monitoring = models.JSONField(default=dict)
    # The monthly check: differences found, fixed and closed by hand by classification and
    # field, self-check reports of the month on time and late (``checks.rollups``).
    checks = models.JSONField(default=dict)
    # Projects and funds: donations and consumption-assistance sales of the month
    # (``projects.rollups``).
    projects = models.JSONField(default=dict)

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "month"], name="place_month_once"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.month:%Y-%m}"


class PlaceHelper(models.Model):
    """A helper paired now with open households at or under a place, and with how many of
    them (pairings): a helper serving households in two villages has a row at each, and one
    at the township above both. These rows add up like the others (a place's are its own
    pairings plus its children's), so a write changes the rows of its helpers only, whatever
    the size of the province; a place's count of them is ``PlaceStock.helpers``."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    helper = models.ForeignKey("pairing.Helper", on_delete=models.CASCADE, related_name="+")
    pairings = models.PositiveIntegerField()

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "helper"], name="place_helper_once"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id}: helper {self.helper_id} ({self.pairings})"


class RollupHead(models.Model):
    """How far the place roll-ups have read the audit log."""

    last_seq = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"place roll-ups at audit #{self.last_seq}"


class HandbookJob(Job):
    """A village's (or group's) handbooks, made into one PDF by the background worker: a
    large village takes minutes to lay out."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    full_ids = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"handbooks of {self.region_id}"
