"""Supervision (督查考评): "一月一督查，一月一小结，一月一考评" (seed 002).

Each month an inspection round (``InspectionRound``, 督查) of a place, by an inspection group,
with a sample drawn by the system from a recorded seed (``SampleDraw``, ``SampleItem``); what
it finds (``Finding``, 问题) is rectified (整改) step by step (``RectificationStep``) with its
evidence (``Evidence``) until an inspector other than the one who submitted it closes it
(销号). Households of the sample are surveyed (``Survey``, ``Answer``) with the county's
questionnaire (``Questionnaire``, ``Question``); answers that contradict the records become
findings. Each month is scored (考评) by a scheme (``ScoringScheme``, ``SchemeItem``) of items
computed from the records or scored by people (``ItemScore``); a published month's scores are
kept as they were (``ScoreSheet``, ``Score``). Bulletins (``Bulletin``, 简报/通报) say it.
The households' monthly hygiene ranking (卫生评比) is a scheme of the household level.

Every record carries the place it is about (``region``): the round's place, the sampled or
surveyed record's place, the finding's place, the place a scheme or a month's scores are of.
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
from bangfu.monitoring.models import Counting
from bangfu.pairing.models import Helper, Unit
from bangfu.projects.models import AttachmentKind, Project
from bangfu.registry.models import Household, code_field
from bangfu.teams.models import Team
from bangfu.visits.models import Visit

# Supervision in bangfu starts with the records it checks: none before the 2014 registration.
SUPERVISION_DAY = values.Day(datetime.date(2014, 1, 1))
# A month is its first day; a round or a scheme may be planned for the months ahead.
MONTH = values.Day(datetime.date(2014, 1, 1), ahead=400)
NOTE = values.Text(2000, lines=True)
REASON = values.Text(500, lines=True)
FILE_NAME = values.Text(200)
SAMPLE_SIZE = values.Whole(0, 10000)
# Points of an item or a score: a scheme adds up to 100 in practice; 999.99 is the column.
POINTS = values.Number(Decimal("0.00"), Decimal("999.99"))


class Method(models.TextChoices):
    """How an inspection finds things out (督查方式)."""

    ON_SITE = "on_site", _("On-site check")
    DOCUMENTS = "documents", _("Document review")
    PHONE = "phone", _("Phone survey")
    HOME = "home", _("Home visit")


class RoundState(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


ROUND_RULES = values.Rules(
    month=MONTH,
    title=values.Text(100),
    # The methods' values, in Method's order, joined by commas.
    methods=values.Text(60),
    households_wanted=SAMPLE_SIZE,
    helpers_wanted=SAMPLE_SIZE,
    units_wanted=SAMPLE_SIZE,
    teams_wanted=SAMPLE_SIZE,
    notes=NOTE,
    state=values.Choice(RoundState),
)


class InspectionRound(models.Model):
    """A month's inspection of a place (月度督查): the inspection group (督查组, people with the
    inspector's capability), the methods, how many households, helpers, units and teams to
    sample, and whether the sample is drawn township by township (分层抽样)."""

    region = models.ForeignKey(
        Region, verbose_name=_("place"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"))  # its first day
    title = models.CharField(_("title"), max_length=100)
    methods = models.CharField(_("methods"), max_length=60)
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("inspection group"), related_name="+"
    )
    households_wanted = models.PositiveIntegerField(_("households to sample"), default=0)
    helpers_wanted = models.PositiveIntegerField(_("helpers to sample"), default=0)
    units_wanted = models.PositiveIntegerField(_("units to sample"), default=0)
    teams_wanted = models.PositiveIntegerField(_("teams to sample"), default=0)
    stratified = models.BooleanField(_("drawn township by township"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=RoundState, default="open")
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = ROUND_RULES

    class Meta:
        verbose_name = _("inspection round")
        verbose_name_plural = _("inspection rounds")
        ordering = ["-month", "region", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="round_month_first_day"),
            *ROUND_RULES.checks("inspection_round"),
        ]
        indexes = [models.Index(fields=["region", "month"], name="round_place_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.title}"


DRAW_RULES = values.Rules(reason=REASON)


class SampleDraw(models.Model):
    """One draw of a round's sample (抽样), from ``seed``: the same seed over the same records
    draws the same sample, so anyone can check it. The latest draw is the round's sample; a
    redraw (number 2 and on) needs a reason and is audited, so a sample cannot be re-rolled
    quietly. The records drawn from are those in place when the draw was made (``drawn_at``)."""

    round = models.ForeignKey(InspectionRound, on_delete=models.PROTECT, related_name="draws")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(_("draw"))
    seed = models.BigIntegerField(_("seed"))
    reason = models.TextField(_("reason for the redraw"), blank=True)
    drawn_at = models.DateTimeField(_("drawn at"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = DRAW_RULES

    class Meta:
        verbose_name = _("sample draw")
        verbose_name_plural = _("sample draws")
        ordering = ["round", "number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="sample_draw_once"),
            models.CheckConstraint(
                condition=Q(number=1) | ~Q(reason=""), name="sample_redraw_has_reason"
            ),
            *DRAW_RULES.checks("sample_draw"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id} #{self.number}"


class SampleKind(models.TextChoices):
    HOUSEHOLD = "household", _("Household")
    HELPER = "helper", _("Helper")
    UNIT = "unit", _("Unit")
    TEAM = "team", _("Work team")


class SampleItem(models.Model):
    """A record a draw picked, in the order drawn; ``region`` is the record's place (the
    household's village, the helper's or unit's place, the team's village)."""

    draw = models.ForeignKey(SampleDraw, on_delete=models.PROTECT, related_name="items")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=SampleKind)
    position = models.PositiveIntegerField()
    household = models.ForeignKey(Household, null=True, on_delete=models.PROTECT, related_name="+")
    helper = models.ForeignKey(Helper, null=True, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, null=True, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, null=True, on_delete=models.PROTECT, related_name="+")

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()

    class Meta:
        verbose_name = _("sampled record")
        verbose_name_plural = _("sampled records")
        ordering = ["draw", "kind", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["draw", "kind", "position"], name="sample_item_position_once"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="household", household__isnull=False, helper=None, unit=None, team=None)
                    | Q(kind="helper", helper__isnull=False, household=None, unit=None, team=None)
                    | Q(kind="unit", unit__isnull=False, household=None, helper=None, team=None)
                    | Q(kind="team", team__isnull=False, household=None, helper=None, unit=None)
                ),
                name="sample_item_names_its_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.draw_id} {self.kind} {self.position}"


class FindingSource(models.TextChoices):
    INSPECTION = "inspection", _("Inspection")
    SURVEY = "survey", _("Household survey")


class FindingState(models.TextChoices):
    """Rectification (整改): 已交办 → 整改中 → 已提交 → 已销号, or 已退回 (with a reason) and
    back to work."""

    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    CLOSED = "closed", _("Rectified and closed")


OPEN_FINDING_STATES = (
    FindingState.ASSIGNED,
    FindingState.IN_PROGRESS,
    FindingState.SUBMITTED,
    FindingState.RETURNED,
)

FINDING_RULES = values.Rules(
    description=NOTE,
    responsible_person=values.Text(50),
    found_on=SUPERVISION_DAY,
    source=values.Choice(FindingSource),
    state=values.Choice(FindingState),
    days_counted=values.Choice(Counting),
)


class Finding(models.Model):
    """A problem found (督查发现的问题): its category (``finding_category``), the record it
    concerns (a household, helper, team, project or visit, or none: a place's work), what was
    found, the unit and person responsible, and the deadline for its rectification
    (``supervision.rectify_days`` from the day found). ``source`` says whether an inspector
    recorded it or a survey's answers contradicted the records (then ``survey`` is set)."""

    round = models.ForeignKey(
        InspectionRound, null=True, blank=True, on_delete=models.PROTECT, related_name="findings"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("place"), on_delete=models.PROTECT, related_name="+"
    )
    category = code_field("finding_category", _("category"))
    source = models.CharField(_("source"), max_length=10, choices=FindingSource)
    survey = models.ForeignKey(
        "Survey", null=True, blank=True, on_delete=models.PROTECT, related_name="findings"
    )
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    helper = models.ForeignKey(
        Helper, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("what was found"))
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible_person = models.CharField(_("responsible person"), max_length=50, blank=True)
    found_on = models.DateField(_("found on"))
    deadline = models.DateField(_("deadline"))
    days_counted = models.CharField(_("days counted"), max_length=10, choices=Counting.choices)
    state = models.CharField(
        _("state"), max_length=12, choices=FindingState, default=FindingState.ASSIGNED
    )
    # The day it was closed (销号); on time when not after ``deadline``.
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The id an inspector's phone made for it (recorded on the spot, offline too) and a digest
    # of what was sent with it: sent again, the first record answers; the same id with other
    # details is refused (``services.sent``).
    client_id = models.UUIDField(null=True, blank=True, unique=True)
    sent_digest = models.CharField(max_length=64, blank=True, default="")

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = FINDING_RULES

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["-found_on", "-pk"]
        constraints = [
            *FINDING_RULES.checks("finding"),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("found_on")), name="finding_deadline_after"
            ),
            models.CheckConstraint(
                condition=Q(state="closed", closed_on__isnull=False)
                | (~Q(state="closed") & Q(closed_on=None)),
                name="finding_closed_has_day",
            ),
            models.CheckConstraint(
                condition=~Q(source="survey") | Q(survey__isnull=False),
                name="finding_from_survey_names_it",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "found_on"], name="finding_place_found"),
            models.Index(fields=["region", "state", "deadline"], name="finding_place_open"),
        ]

    def __str__(self) -> str:
        return f"{self.found_on} {self.description[:30]}"


class StepAction(models.TextChoices):
    """What a step of a rectification did (整改记录)."""

    START = "start", _("Started the rectification")
    SUBMIT = "submit", _("Submitted the rectification")
    CLOSE = "close", _("Verified and closed")
    RETURN = "return", _("Returned")


STEP_RULES = values.Rules(note=NOTE, action=values.Choice(StepAction))


class RectificationStep(models.Model):
    """One step of a finding's rectification: who did what when, with the unit's account of
    what it did (submit) or the inspector's reason (return, close). Never edited."""

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="steps")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=10, choices=StepAction)
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = STEP_RULES

    class Meta:
        verbose_name = _("rectification step")
        verbose_name_plural = _("rectification steps")
        ordering = ["finding", "recorded_at", "pk"]
        constraints = [
            *STEP_RULES.checks("rectification_step"),
            models.CheckConstraint(
                condition=~Q(action__in=["return", "submit"]) | ~Q(note=""),
                name="rectification_step_says_why",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.finding_id} {self.action}"


EVIDENCE_RULES = values.Rules(name=FILE_NAME, kind=values.Choice(AttachmentKind))


class Evidence(models.Model):
    """A photo (through ``visits.photos.prepare``) or a PDF of a finding (佐证材料): the
    inspector's, when it is found, or the unit's with a step of its rectification."""

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="evidence")
    step = models.ForeignKey(
        RectificationStep, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind of file"), max_length=10, choices=AttachmentKind)
    name = models.CharField(_("file name"), max_length=200)
    file = models.FileField(upload_to="supervision/%Y/%m/")
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # A photo sent from the phone after its finding, with the id the phone made for it.
    client_id = models.UUIDField(null=True, blank=True, unique=True)

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = EVIDENCE_RULES

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = EVIDENCE_RULES.checks("evidence")

    def __str__(self) -> str:
        return self.name


QUESTIONNAIRE_RULES = values.Rules(name=values.Text(100))


class Questionnaire(models.Model):
    """A place's household survey (群众满意度调查问卷): questions in order; the one in use at a
    place is the latest not retired at or above it."""

    region = models.ForeignKey(
        Region, verbose_name=_("place"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    retired = models.BooleanField(_("retired"), default=False)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = QUESTIONNAIRE_RULES

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["region", "-pk"]
        constraints = QUESTIONNAIRE_RULES.checks("questionnaire")

    def __str__(self) -> str:
        return self.name


class AnswerKind(models.TextChoices):
    YES_NO = "yes_no", _("Yes or no")
    NUMBER = "number", _("A number")
    TEXT = "text", _("Words")
    SATISFACTION = "satisfaction", _("Satisfaction, 1 to 5")


class Purpose(models.TextChoices):
    """What an answer is checked against (the records it may contradict), if anything."""

    KNOWS_HELPER = "knows_helper", _("Knows the helper's name (yes or no)")
    HELPER_NAME = "helper_name", _("The helper's name, as the household gives it")
    VISITS = "visits", _("Home visits this month, as the household counts them")
    WORK_DONE = "work_done", _("What the helper did")
    SATISFACTION = "satisfaction", _("Satisfaction")
    OTHER = "other", _("Other")


QUESTION_RULES = values.Rules(
    text=values.Text(200),
    kind=values.Choice(AnswerKind),
    purpose=values.Choice(Purpose),
    position=values.Whole(1, 100),
)


class Question(models.Model):
    """A question of a questionnaire. Once answered its words stay as they were asked: a
    changed question is a new one, and the old one is retired."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="questions"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("question"), max_length=200)
    kind = models.CharField(_("kind of answer"), max_length=12, choices=AnswerKind)
    purpose = models.CharField(_("checked against"), max_length=12, choices=Purpose)
    retired = models.BooleanField(_("retired"), default=False)

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = QUESTION_RULES

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["questionnaire", "position", "pk"]
        constraints = QUESTION_RULES.checks("question")

    def __str__(self) -> str:
        return self.text


SURVEY_RULES = values.Rules(
    surveyed_on=SUPERVISION_DAY,
    method=values.Choice(Method),
    respondent=values.Text(50),
)


class Survey(models.Model):
    """A household surveyed (入户或电话调查) with a questionnaire, by phone or at home, within a
    round (its sample) or on its own."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey(
        InspectionRound, null=True, blank=True, on_delete=models.PROTECT, related_name="surveys"
    )
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("method"), max_length=10, choices=Method)
    surveyed_on = models.DateField(_("surveyed on"))
    respondent = models.CharField(_("who answered"), max_length=50, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # As ``Finding.client_id`` and ``sent_digest``: a survey recorded on a phone, offline too.
    client_id = models.UUIDField(null=True, blank=True, unique=True)
    sent_digest = models.CharField(max_length=64, blank=True, default="")

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = SURVEY_RULES

    class Meta:
        verbose_name = _("household survey")
        verbose_name_plural = _("household surveys")
        ordering = ["-surveyed_on", "-pk"]
        constraints = [
            *SURVEY_RULES.checks("survey"),
            models.CheckConstraint(
                condition=Q(method__in=["phone", "home"]), name="survey_by_phone_or_home"
            ),
        ]
        indexes = [models.Index(fields=["region", "surveyed_on"], name="survey_place_day")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.surveyed_on}"


# A satisfaction answer (1–5) of at least this is "satisfied" (满意): the one definition of
# the satisfaction rate, wherever it is counted.
SATISFIED_FROM = 4

ANSWER_RULES = values.Rules(value=values.Text(500, lines=True))


class Answer(models.Model):
    """An answer as given, in the question's kind: 1 or 0 for yes or no, digits for a number
    or a satisfaction of 1 to 5, words otherwise."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    value = models.TextField(_("answer"), blank=True)

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = ANSWER_RULES

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["survey", "question"], name="answer_once"),
            *ANSWER_RULES.checks("answer"),
        ]

    def __str__(self) -> str:
        return self.value[:30]


class ScoreLevel(models.TextChoices):
    """Who a scheme scores."""

    UNIT = "unit", _("Assisting units")
    TEAM = "team", _("Work teams")
    TOWNSHIP = "township", _("Townships")
    HELPER = "helper", _("Pair helpers")
    HOUSEHOLD = "household", _("Households (hygiene)")


class ItemSource(models.TextChoices):
    """Where an item's value comes from: a share computed from the records (0–100%, the item
    earns that share of its weight), or points given by a person with a reason."""

    VISIT_COMPLIANCE = "visit_compliance", _("Visit compliance")
    PAIRING_COVERAGE = "pairing_coverage", _("Pairing coverage")
    RESIDENCE_COMPLIANCE = "residence_compliance", _("Residence compliance")
    RECTIFIED_ON_TIME = "rectified_on_time", _("Rectified on time")
    CHECK_REPORTS_ON_TIME = "check_reports_on_time", _("Data-check reports on time")
    SATISFACTION = "satisfaction", _("Household satisfaction")
    SCORED = "scored", _("Scored by a person")


SCHEME_RULES = values.Rules(
    name=values.Text(100), level=values.Choice(ScoreLevel), valid_from=MONTH
)


class ScoringScheme(models.Model):
    """A place's scoring scheme of a level (考评方案) from a month on: the scheme in force for
    a month at a place is the one of the nearest place at or above it with the latest
    ``valid_from`` not after the month. A scheme whose months are published is not changed: a
    change is a new scheme from a later month, so published months keep what they were."""

    region = models.ForeignKey(
        Region, verbose_name=_("place"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("who is scored"), max_length=10, choices=ScoreLevel)
    name = models.CharField(_("name"), max_length=100)
    valid_from = models.DateField(_("in force from"))  # a month's first day
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = SCHEME_RULES

    class Meta:
        verbose_name = _("scoring scheme")
        verbose_name_plural = _("scoring schemes")
        ordering = ["region", "level", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "level", "valid_from"], name="one_scheme_a_month"
            ),
            models.CheckConstraint(condition=Q(valid_from__day=1), name="scheme_from_first_day"),
            *SCHEME_RULES.checks("scoring_scheme"),
        ]

    def __str__(self) -> str:
        return self.name


SCHEME_ITEM_RULES = values.Rules(
    name=values.Text(60),
    source=values.Choice(ItemSource),
    weight=POINTS,
    position=values.Whole(1, 100),
)


class SchemeItem(models.Model):
    """An item of a scheme (考评指标) and its weight: the points it is worth."""

    scheme = models.ForeignKey(ScoringScheme, on_delete=models.PROTECT, related_name="items")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("item"), max_length=60)
    source = models.CharField(_("from"), max_length=24, choices=ItemSource)
    weight = models.DecimalField(_("points"), max_digits=5, decimal_places=2)

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = SCHEME_ITEM_RULES

    class Meta:
        verbose_name = _("scheme item")
        verbose_name_plural = _("scheme items")
        ordering = ["scheme", "position", "pk"]
        constraints = SCHEME_ITEM_RULES.checks("scheme_item")

    def __str__(self) -> str:
        return self.name


# Who an item score or a score is of, besides a township (then only ``region``).
SUBJECTS = ("unit", "team", "helper", "household")

ITEM_SCORE_RULES = values.Rules(month=MONTH, points=POINTS, reason=REASON)


class ItemScore(models.Model):
    """Points a person gave one scored item for one unit, team, township, helper or
    household in a month, with the reason (inspectors; village staff for hygiene).
    ``region`` is the place of who is scored (the township itself for a township)."""

    item = models.ForeignKey(SchemeItem, on_delete=models.PROTECT, related_name="scores")
    month = models.DateField(_("month"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    helper = models.ForeignKey(
        Helper, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=2)
    reason = models.TextField(_("reason"))
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = ITEM_SCORE_RULES

    class Meta:
        verbose_name = _("item score")
        verbose_name_plural = _("item scores")
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="item_score_month_first_day"),
            models.CheckConstraint(condition=~Q(reason=""), name="item_score_has_reason"),
            # One score of an item per month and subject; a township is its ``region``.
            # (SQLite knows no NULLS NOT DISTINCT: one partial index per kind of subject.)
            *(
                models.UniqueConstraint(
                    fields=["item", "month", subject],
                    condition=Q(**{f"{subject}__isnull": False}),
                    name=f"item_score_once_{subject}",
                )
                for subject in SUBJECTS
            ),
            models.UniqueConstraint(
                fields=["item", "month", "region"],
                condition=Q(**{f"{subject}": None for subject in SUBJECTS}),
                name="item_score_once_township",
            ),
            models.CheckConstraint(
                condition=Q(unit=None, team=None, helper=None)
                | Q(unit=None, team=None, household=None)
                | Q(unit=None, helper=None, household=None)
                | Q(team=None, helper=None, household=None),
                name="item_score_one_subject",
            ),
            *ITEM_SCORE_RULES.checks("item_score"),
        ]
        indexes = [models.Index(fields=["region", "month"], name="item_score_place_month")]

    def __str__(self) -> str:
        return f"{self.item_id} {self.month:%Y-%m} {self.points}"


class SheetState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class ScoreSheet(models.Model):
    """A place's month of scores of one level, published (月度考评结果): the scheme it was
    scored by and, in ``Score`` rows, every score with its breakdown as published. Unpublished
    months are computed when read; a published month is read from here and never again
    computed, whatever the scheme or the records become."""

    region = models.ForeignKey(
        Region, verbose_name=_("place"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("who is scored"), max_length=10, choices=ScoreLevel)
    month = models.DateField(_("month"))
    scheme = models.ForeignKey(ScoringScheme, on_delete=models.PROTECT, related_name="sheets")
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()

    class Meta:
        verbose_name = _("published scores")
        verbose_name_plural = _("published scores")
        ordering = ["-month", "region", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "level", "month"], name="scores_published_once"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="score_sheet_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.level} {self.month:%Y-%m}"


class Score(models.Model):
    """One published score: who (a unit, team, township, helper or household), the total,
    the rank within the sheet, and ``breakdown``: each item's name, source, weight, value
    (a share in percent, or the points given and their reason) and points earned."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.PROTECT, related_name="scores")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    helper = models.ForeignKey(
        Helper, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    total = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    rank = models.PositiveIntegerField(_("rank"))
    breakdown = models.JSONField(default=list)

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["sheet", "rank", "pk"]
        indexes = [models.Index(fields=["sheet", "rank"], name="score_sheet_rank")]

    def __str__(self) -> str:
        return f"{self.sheet_id} {self.rank} {self.total}"


class BulletinState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


BULLETIN_RULES = values.Rules(
    month=MONTH,
    title=values.Text(100),
    summary=values.Text(4000, lines=True),
    good_practice=values.Text(4000, lines=True),
    state=values.Choice(BulletinState),
)


class Bulletin(models.Model):
    """A month's bulletin of a place (简报/通报), numbered within the place's year (第3期):
    the key figures with their definitions, the best and the last by score, the findings and
    where their rectification stands, and good practice. A draft is edited; publishing keeps
    its words and figures (``figures``) and its .docx and PDF as they were, for good; a
    correction is a new bulletin that ``corrects`` the old one."""

    region = models.ForeignKey(
        Region, verbose_name=_("place"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"))
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=100)
    summary = models.TextField(_("summary"), blank=True)
    good_practice = models.TextField(_("good practice"), blank=True)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=BulletinState, default=BulletinState.DRAFT
    )
    # What the published bulletin said, figure by figure: filled when it is published.
    figures = models.JSONField(default=dict, blank=True)
    docx = models.FileField(upload_to="bulletins/%Y/", blank=True)
    pdf = models.FileField(upload_to="bulletins/%Y/", blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()
    value_rules = BULLETIN_RULES

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "number"], name="bulletin_number_in_year"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="bulletin_month_first_day"),
            models.CheckConstraint(
                condition=Q(state="draft", published_at=None)
                | Q(state="published", published_at__isnull=False),
                name="bulletin_published_has_time",
            ),
            *BULLETIN_RULES.checks("bulletin"),
        ]

    def __str__(self) -> str:
        return f"{self.year} #{self.number} {self.title}"


class SupervisionMonth(models.Model):
    """Supervision's figures of a place in a month (督查考评月度汇总), covering everything at or
    under the place, as the place roll-ups of ``reports`` do: kept from the audit log by
    ``reports.rollups`` with the own figures ``supervision.rollups`` counts, never edited.

    Counts are whole numbers and maps of them, so that adding a place's rows to those above
    and taking them away again stays exact: rounds of the month, households of their current
    samples, findings found in the month by category, findings whose deadline is in the
    month closed on time, closed late and still open by deadline day, satisfaction answers
    of the month's surveys and those satisfied, and the month's published scores by level
    (how many, and their total in hundredths of a point)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    inspections = models.PositiveIntegerField(default=0)
    households_sampled = models.PositiveIntegerField(default=0)
    findings = models.JSONField(default=dict)  # category value → findings found
    closed_on_time = models.PositiveIntegerField(default=0)
    closed_late = models.PositiveIntegerField(default=0)
    open_due = models.JSONField(default=dict)  # deadline (ISO day) → findings still open
    surveyed = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    scores = models.JSONField(default=dict)  # level → {"n": scores, "total": hundredths}

    scope_field = "region_id"
    objects = RegionalQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "month"], name="supervision_month_once"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.month:%Y-%m}"
