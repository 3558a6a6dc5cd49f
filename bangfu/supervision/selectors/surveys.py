"""Reads of questionnaires, household surveys and the satisfaction rate (群众满意度).

The satisfaction rate has one definition, here: of the surveys of a month whose satisfaction
question was answered, the share answering at least ``models.SATISFIED_FROM`` (4 of 5),
against ``supervision.satisfaction_min`` (95%) at the place. ``satisfaction_counts`` gives
the two figures for any set of households (the scores read it for a unit's, a team's or a
helper's households)."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from bangfu.core.capabilities import Capability
from bangfu.core.models import Region
from bangfu.core.params import add_months
from bangfu.core.policies import policy_for
from bangfu.core.regions import ancestor_codes, code_range
from bangfu.core.scoping import get_visible_or_404
from bangfu.core.selectors import children_of, region_for, top_places
from bangfu.registry.models import Household
from bangfu.registry.selectors import HouseholdName, household_names

from ..models import (
    SATISFIED_FROM,
    Answer,
    AnswerKind,
    InspectionRound,
    Purpose,
    Question,
    Questionnaire,
    Survey,
)
from .rounds import sampled

SATISFACTION_MIN = "supervision.satisfaction_min"


# -- questionnaires ---------------------------------------------------------------------------


def questionnaire_in_use(region_code: str) -> Questionnaire | None:
    """The questionnaire a household of ``region_code`` is surveyed with: the latest not
    retired at its place or any place above it."""
    return (
        Questionnaire.objects.filter(region_id__in=ancestor_codes(region_code), retired=False)
        .order_by("-recorded_at", "-pk")
        .first()
    )


def questionnaires_of(user, *, within: Region | None = None) -> QuerySet[Questionnaire]:
    """The questionnaires of the reader's places (or of one), those in use first, newest first."""
    return (
        Questionnaire.objects.visible_to(user, within)
        .select_related("region")
        .order_by("retired", "-recorded_at", "-pk")
    )


def questionnaire_for(user, questionnaire_id: int) -> Questionnaire:
    return get_visible_or_404(
        Questionnaire.objects.select_related("region"), user, pk=questionnaire_id
    )


def question_for(user, question_id: int) -> Question:
    return get_visible_or_404(
        Question.objects.select_related("questionnaire"), user, pk=question_id
    )


def questions_of(questionnaire: Questionnaire, *, retired: bool = True) -> list[Question]:
    """The questionnaire's questions in order, each with ``answered`` (then its words stay)."""
    questions = questionnaire.questions.order_by("retired", "position", "pk")
    if not retired:
        questions = questions.filter(retired=False)
    answered = set(
        Answer.objects.filter(question__questionnaire=questionnaire)
        .values_list("question_id", flat=True)
        .distinct()
    )
    listed = list(questions)
    for question in listed:
        question.answered = question.pk in answered  # type: ignore[attr-defined]
    return listed


# -- surveys ----------------------------------------------------------------------------------


def _month_q(month: datetime.date, field: str = "surveyed_on") -> Q:
    return Q(**{f"{field}__gte": month, f"{field}__lt": add_months(month, 1)})


def surveys_of(
    user,
    *,
    within: Region | None = None,
    month: datetime.date | None = None,
    round_id: int | None = None,
    method: str = "",
) -> QuerySet[Survey]:
    """The surveys of the reader's places (or of one), newest first, narrowed by month, round
    and method; paged by the caller in the database."""
    surveys = Survey.objects.visible_to(user, within).select_related(
        "household", "region", "round", "recorded_by"
    )
    if month:
        surveys = surveys.filter(_month_q(month))
    if round_id:
        surveys = surveys.filter(round_id=round_id)
    if method:
        surveys = surveys.filter(method=method)
    return surveys.order_by("-surveyed_on", "-pk")


def names_of(surveys: Iterable[Survey]) -> dict[int, HouseholdName]:
    """How to name the households of a page of surveys, by household id (one query)."""
    return household_names([survey.household for survey in surveys])


def answer_shown(answer: Answer) -> str:
    """An answer as a person reads it: 是 or 否 for yes or no, as given otherwise."""
    if answer.question.kind == AnswerKind.YES_NO:
        return str(_("Yes") if answer.value == "1" else _("No"))
    return answer.value


def survey_for(user, survey_id: int) -> Survey:
    return get_visible_or_404(
        Survey.objects.select_related(
            "household", "region", "round", "questionnaire", "recorded_by"
        ),
        user,
        pk=survey_id,
    )


def survey_detail(user, survey_id: int) -> dict[str, Any]:
    """A survey with its answers in the questionnaire's order (each question, the answer as
    shown and as stored) and the findings they raised."""
    survey = survey_for(user, survey_id)
    return {
        "survey": survey,
        "name": household_names([survey.household]).get(survey.household_id),
        "answers": [
            (answer.question, answer_shown(answer), answer.value)
            for answer in survey.answers.select_related("question").order_by(
                "question__position", "pk"
            )
        ],
        "findings": list(survey.findings.select_related("category", "helper").order_by("pk")),
    }


def household_to_survey(user, household_id: int) -> Household:
    return get_visible_or_404(Household.objects.select_related("region"), user, pk=household_id)


def household_by_number(user, number: str) -> Household | None:
    """A household of the reader's places by its number (户编号), to survey it."""
    if not number or len(number) > 30:
        return None
    return Household.objects.visible_to(user).filter(number=number).first()


def round_for(user, round_id: int) -> InspectionRound:
    return get_visible_or_404(InspectionRound.objects.select_related("region"), user, pk=round_id)


def round_choices(user) -> list[tuple[int, str]]:
    """The reader's rounds, newest first, for the list's filter."""
    return [
        (inspection.pk, str(inspection))
        for inspection in InspectionRound.objects.visible_to(user).order_by("-month", "pk")[:60]
    ]


def round_survey(user, inspection: InspectionRound, household: Household) -> Survey | None:
    """The household's survey in the round, if it has one."""
    return Survey.objects.visible_to(user).filter(round=inspection, household=household).first()


def in_sample(inspection: InspectionRound, household: Household) -> bool:
    return sampled(inspection, "household").filter(household=household).exists()


def household_surveys(user, household: Household) -> dict[str, Any]:
    """The household page's section: its surveys, newest first, and whether the reader may
    survey it."""
    return {
        "household": household,
        "may_survey": user.has_capability(Capability.INSPECT),
        "surveys": list(
            Survey.objects.visible_to(user)
            .filter(household=household)
            .select_related("round")
            .order_by("-surveyed_on", "-pk")[:10]
        ),
    }


# -- satisfaction -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Satisfaction:
    """A month's satisfaction at a place: surveys whose satisfaction question was answered,
    those satisfied (``SATISFIED_FROM`` or more), the share, and whether it meets the rule."""

    surveyed: int
    satisfied: int
    minimum: int  # percent, ``supervision.satisfaction_min`` at the place

    @property
    def rate(self) -> float | None:
        return self.satisfied / self.surveyed if self.surveyed else None

    @property
    def meets(self) -> bool:
        return bool(self.surveyed) and self.satisfied * 100 >= self.minimum * self.surveyed

    def __iter__(self):
        """(surveyed, satisfied, rate, meets), as the scores and bulletins take it."""
        return iter((self.surveyed, self.satisfied, self.rate, self.meets))


# Satisfaction answers are stored as one digit, 1 to 5: those that count as satisfied.
SATISFIED = [str(score) for score in range(SATISFIED_FROM, 6)]


def _scores(answers: QuerySet[Answer], month: datetime.date) -> QuerySet[Answer]:
    """The satisfaction answers of the month's surveys."""
    return answers.filter(
        _month_q(month, "survey__surveyed_on"), question__purpose=Purpose.SATISFACTION
    ).exclude(value="")


def satisfaction_counts(
    households: QuerySet[Household] | Iterable[int], month: datetime.date
) -> tuple[int, int]:
    """(surveyed, satisfied) of a month over the surveys of these households (a queryset or
    ids) whose satisfaction question was answered: the scores' satisfaction item."""
    counts = _scores(Answer.objects.filter(survey__household__in=households), month)
    return counts.count(), counts.filter(value__in=SATISFIED).count()


def _minimum(place_code: str, month: datetime.date) -> int:
    return policy_for(place_code, SATISFACTION_MIN, month)


def satisfaction(user, place_code: str, month: datetime.date) -> Satisfaction:
    """A month's satisfaction at a place; ``user`` None reads every survey under it (the
    scores and bulletins, which decide themselves who reads them)."""
    if user is None:
        region = Region.objects.get(code=place_code)
        lo, hi = code_range(region.code, region.level)
        answers = Answer.objects.filter(region_id__gte=lo, region_id__lt=hi)
    else:
        region = region_for(user, place_code)
        answers = Answer.objects.visible_to(user, region)
    scores = _scores(answers, month)
    return Satisfaction(
        scores.count(),
        scores.filter(value__in=SATISFIED).count(),
        _minimum(region.code, month),
    )


def satisfaction_by_place(
    user, place_code: str | None, month: datetime.date
) -> tuple[list[Region], list[tuple[Region, Satisfaction]]]:
    """The places shown (the reader's own, or one chosen) and the places one level down (a
    drill-down, for a single place), each with its month's satisfaction: one read of the
    month's answers, counted place by place."""
    tops = [region_for(user, place_code)] if place_code else list(top_places(user))
    below = list(children_of(user, tops[0])) if len(tops) == 1 else []
    scores = list(
        _scores(
            Answer.objects.visible_to(user, tops[0] if len(tops) == 1 else None), month
        ).values_list("region_id", "value")
    )
    rows = []
    for region in tops + below:
        lo, hi = code_range(region.code, region.level)
        here = [score for code, score in scores if lo <= code < hi]
        rows.append(
            (
                region,
                Satisfaction(
                    len(here),
                    sum(score in SATISFIED for score in here),
                    _minimum(region.code, month),
                ),
            )
        )
    return tops, rows
