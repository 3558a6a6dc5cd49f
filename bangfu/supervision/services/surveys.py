"""Writes of questionnaires and household surveys (群众满意度调查).

A place's questionnaire (调查问卷) is made by those who manage the evaluation
(MANAGE_EVALUATION), with the standard questions or its own; a question once answered keeps
its words (a changed question is a new one, the old one retired). An inspector (INSPECT)
records a household's survey, by phone or at home, within a round's sample or on its own:
each answer is cleaned by its question's kind, and in the same transaction the answers that
contradict the records become findings (``source="survey"``, audited
``finding.from_survey``): fewer home visits counted than logged, or a helper the household
does not know (``supervision.contradictions``).
"""

import datetime
import unicodedata
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.core import audit, values
from bangfu.core.capabilities import Capability, require
from bangfu.core.codes import HELPER_UNKNOWN, RECORDS_FALSE
from bangfu.core.errors import DomainError, OutOfScope
from bangfu.core.models import Code, Region
from bangfu.core.params import possible_id
from bangfu.core.policies import policy_for
from bangfu.core.regions import code_range
from bangfu.core.selectors import visible_place
from bangfu.core.services import retried_on_conflict
from bangfu.monitoring.models import Counting
from bangfu.pairing.models import Pairing
from bangfu.registry.models import Household
from bangfu.registry.services import household_locked
from bangfu.visits.models import VisitMonth

from .. import contradictions
from ..deadlines import rectification_deadline
from ..models import (
    Answer,
    AnswerKind,
    Finding,
    FindingSource,
    InspectionRound,
    Method,
    Purpose,
    Question,
    Questionnaire,
    RoundState,
    Survey,
)
from ..selectors.rounds import sampled
from ..selectors.surveys import questionnaire_in_use
from .sent import recorded_once

# The kind of answer each checked purpose needs (the contradiction rules read it so).
PURPOSE_KIND = {
    Purpose.KNOWS_HELPER: AnswerKind.YES_NO,
    Purpose.HELPER_NAME: AnswerKind.TEXT,
    Purpose.VISITS: AnswerKind.NUMBER,
    Purpose.WORK_DONE: AnswerKind.TEXT,
    Purpose.SATISFACTION: AnswerKind.SATISFACTION,
}
SURVEY_METHODS = (Method.PHONE, Method.HOME)
YES = {"是", "yes", "y", "1", "true", "知道", "有"}
NO = {"否", "no", "n", "0", "false", "不知道", "没有"}
NUMBER_ANSWER = values.Whole(0, 99)
SATISFACTION_ANSWER = values.Whole(1, 5)
TEXT_ANSWER = values.Text(500, lines=True)


@dataclass(frozen=True)
class QuestionInput:
    text: str
    kind: str
    purpose: str = Purpose.OTHER


# The standard questionnaire (群众满意度调查): what seed 004's satisfaction check asks.
STANDARD_QUESTIONS = (
    QuestionInput("是否知道帮扶干部姓名", AnswerKind.YES_NO, Purpose.KNOWS_HELPER),
    QuestionInput("帮扶干部叫什么名字", AnswerKind.TEXT, Purpose.HELPER_NAME),
    QuestionInput("本月帮扶干部入户几次", AnswerKind.NUMBER, Purpose.VISITS),
    QuestionInput("帮扶干部为您做了什么", AnswerKind.TEXT, Purpose.WORK_DONE),
    QuestionInput("您对帮扶工作满意吗（1–5 分）", AnswerKind.SATISFACTION, Purpose.SATISFACTION),
)


def answer_field(question: Question) -> str:
    """The field a refusal of one answer names, and the form's field of that question: by
    what it is checked against (``answer_satisfaction``: once in a questionnaire), or by its
    id for the other questions (``answer_12``)."""
    if question.purpose == Purpose.OTHER:
        return f"answer_{question.pk}"
    return f"answer_{question.purpose}"


# -- questionnaires ---------------------------------------------------------------------------


def _state(questionnaire: Questionnaire) -> dict[str, Any]:
    state = audit.snapshot(questionnaire, ["region", "name", "retired"])
    state["questions"] = [
        audit.snapshot(question, ["position", "text", "kind", "purpose", "retired"])
        for question in questionnaire.questions.order_by("position", "pk")
    ]
    return state


def _place(actor, region_code: str) -> Region:
    region = visible_place(actor, str(region_code or "").strip())
    if region is None:
        raise DomainError(
            _("Choose a place among your places (its code)."), code="bad_place", field="region_code"
        )
    return region


def _questionnaire(actor, questionnaire_id: int) -> Questionnaire:
    """The questionnaire within the actor's places, its row locked, not retired."""
    questionnaire = (
        Questionnaire.objects.visible_to(actor)
        .select_for_update()
        .filter(pk=questionnaire_id)
        .first()
    )
    if questionnaire is None:
        raise OutOfScope()
    if questionnaire.retired:
        raise DomainError(
            _("Questionnaire %(name)s is retired; make a new one.") % {"name": questionnaire.name},
            code="questionnaire_retired",
        )
    return questionnaire


def _question_values(questionnaire: Questionnaire, given: QuestionInput, *, exclude=None):
    """A question's words, kind and purpose, checked: a checked purpose needs its kind, and is
    asked once in a questionnaire."""
    text = values.clean(Question, "text", given.text)
    kind = values.clean(Question, "kind", given.kind)
    purpose = values.clean(Question, "purpose", given.purpose or Purpose.OTHER)
    needed = PURPOSE_KIND.get(purpose)
    if needed and kind != needed:
        raise DomainError(
            _("A question checked against “%(purpose)s” is answered as: %(kind)s.")
            % {"purpose": Purpose(purpose).label, "kind": AnswerKind(needed).label},
            code="kind_of_purpose",
            field="kind",
        )
    if purpose != Purpose.OTHER:
        same = (
            questionnaire.questions.filter(purpose=purpose, retired=False)
            .exclude(pk=getattr(exclude, "pk", None))
            .first()
        )
        if same is not None:
            raise DomainError(
                _(
                    "The questionnaire already asks “%(question)s” for “%(purpose)s”; retire that "
                    "question first, or check this one against nothing."
                )
                % {"question": same.text, "purpose": Purpose(purpose).label},
                code="purpose_taken",
                field="purpose",
            )
    return text, kind, purpose


def _add_question(questionnaire: Questionnaire, given: QuestionInput, position: Any) -> Question:
    text, kind, purpose = _question_values(questionnaire, given)
    if position in (None, ""):
        last = questionnaire.questions.aggregate(last=Max("position"))["last"] or 0
        position = last + 1
    return Question.objects.create(
        questionnaire=questionnaire,
        region_id=questionnaire.region_id,
        position=values.clean(Question, "position", position),
        text=text,
        kind=kind,
        purpose=purpose,
    )


@transaction.atomic
def questionnaire_create(
    *,
    actor,
    region_code: str,
    name: str,
    questions: list[QuestionInput] | None = None,
    standard: bool = False,
) -> Questionnaire:
    """Make a place's questionnaire: the standard questions (``standard``), then ``questions``.
    It is the one in use at the place and under it from now on (the latest not retired)."""
    require(actor, Capability.MANAGE_EVALUATION)
    region = _place(actor, region_code)
    questionnaire = Questionnaire.objects.create(
        region=region,
        name=values.clean(Questionnaire, "name", name),
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    for given in [*(STANDARD_QUESTIONS if standard else ()), *(questions or ())]:
        _add_question(questionnaire, given, None)
    audit.record(
        actor=actor,
        action="questionnaire.create",
        obj=questionnaire,
        region_code=region.code,
        after=_state(questionnaire),
    )
    return questionnaire


@transaction.atomic
def questionnaire_retire(*, actor, questionnaire_id: int) -> Questionnaire:
    """Retire a questionnaire: no survey uses it from now on (those made with it keep it)."""
    require(actor, Capability.MANAGE_EVALUATION)
    questionnaire = _questionnaire(actor, questionnaire_id)
    before = _state(questionnaire)
    questionnaire.retired = True
    questionnaire.save(update_fields=["retired"])
    audit.record(
        actor=actor,
        action="questionnaire.retire",
        obj=questionnaire,
        region_code=questionnaire.region_id,
        before=before,
        after=_state(questionnaire),
    )
    return questionnaire


@transaction.atomic
def question_add(
    *,
    actor,
    questionnaire_id: int,
    text: str,
    kind: str,
    purpose: str = Purpose.OTHER,
    position: int | str | None = None,
) -> Question:
    """Add a question (last, unless a position is given)."""
    require(actor, Capability.MANAGE_EVALUATION)
    questionnaire = _questionnaire(actor, questionnaire_id)
    question = _add_question(questionnaire, QuestionInput(text, kind, purpose), position)
    audit.record(
        actor=actor,
        action="question.add",
        obj=question,
        region_code=question.region_id,
        after=audit.snapshot(question),
    )
    return question


def _question(actor, question_id: int) -> Question:
    question = (
        Question.objects.visible_to(actor)
        .select_related("questionnaire")
        .filter(pk=question_id)
        .first()
    )
    if question is None:
        raise OutOfScope()
    _questionnaire(actor, question.questionnaire_id)  # locked, and not retired
    return question


@transaction.atomic
def question_update(
    *, actor, question_id: int, text: str, kind: str, purpose: str, position: int | str
) -> Question:
    """Change a question not yet answered; once answered its words stay as they were asked."""
    require(actor, Capability.MANAGE_EVALUATION)
    question = _question(actor, question_id)
    if Answer.objects.filter(question=question).exists():
        raise DomainError(
            _(
                "“%(question)s” has been answered, so its words stay as they were asked: retire "
                "it and add the new question."
            )
            % {"question": question.text},
            code="question_answered",
        )
    if question.retired:
        raise DomainError(
            _("“%(question)s” is retired.") % {"question": question.text},
            code="question_retired",
        )
    before = audit.snapshot(question)
    question.text, question.kind, question.purpose = _question_values(
        question.questionnaire, QuestionInput(text, kind, purpose), exclude=question
    )
    question.position = values.clean(Question, "position", position)
    question.save()
    audit.record(
        actor=actor,
        action="question.update",
        obj=question,
        region_code=question.region_id,
        before=before,
        after=audit.snapshot(question),
    )
    return question


@transaction.atomic
def question_retire(*, actor, question_id: int) -> Question:
    """Stop asking a question; its answers stay with the surveys that gave them."""
    require(actor, Capability.MANAGE_EVALUATION)
    question = _question(actor, question_id)
    before = audit.snapshot(question)
    question.retired = True
    question.save(update_fields=["retired"])
    audit.record(
        actor=actor,
        action="question.retire",
        obj=question,
        region_code=question.region_id,
        before=before,
        after=audit.snapshot(question),
    )
    return question


# -- answers ----------------------------------------------------------------------------------


def clean_answer(question: Question, raw: Any) -> str:
    """An answer as stored, by the question's kind: 1 or 0 for yes or no (是/否, yes/no, 1/0),
    digits for a number (0–99) or a satisfaction (1–5), words (at most 500) otherwise; ""
    for no answer. A refusal names the question."""
    field = answer_field(question)
    label = f"「{question.text}」"
    if isinstance(raw, bool):
        raw = "1" if raw else "0"
    if question.kind == AnswerKind.TEXT:
        return TEXT_ANSWER.clean(raw, label=label, field=field)
    text = "" if raw is None else unicodedata.normalize("NFKC", str(raw)).strip().lower()
    if not text:
        return ""
    if question.kind == AnswerKind.YES_NO:
        if text in YES:
            return "1"
        if text in NO:
            return "0"
        raise DomainError(
            _("%(question)s: answer 是 or 否.") % {"question": label},
            code="bad_answer",
            field=field,
        )
    rule = SATISFACTION_ANSWER if question.kind == AnswerKind.SATISFACTION else NUMBER_ANSWER
    return str(rule.clean(text, label=label, field=field))


def answers_by_question(pairs: Iterable[tuple[Any, Any]]) -> dict[Any, Any]:
    """Answers given as (question id, answer) pairs (the API's list), as ``survey_record``
    takes them; a question answered twice is refused rather than one answer kept."""
    answers: dict[Any, Any] = {}
    for question_id, value in pairs:
        if question_id in answers:
            raise DomainError(
                _("Answer each question once; question %(id)s is answered twice.")
                % {"id": str(question_id)[:20]},
                code="answered_twice",
                field="answers",
            )
        answers[question_id] = value
    return answers


def _answers(questionnaire: Questionnaire, given: Mapping[Any, Any]) -> dict[Question, str]:
    """The answers given, by question of the questionnaire (not retired), each cleaned; those
    left empty are not answers. At least one is needed."""
    if not isinstance(given, Mapping):
        raise DomainError(_("Give the answers by question."), code="bad_answers", field="answers")
    questions = {q.pk: q for q in questionnaire.questions.filter(retired=False)}
    answers: dict[Question, str] = {}
    for key, raw in given.items():
        question = questions.get(possible_id(key) or 0)
        if question is None:
            raise DomainError(
                _("Question %(id)s is not asked by this household's questionnaire.")
                % {"id": str(key)[:20]},
                code="bad_question",
                field="answers",
            )
        value = clean_answer(question, raw)
        if value:
            answers[question] = values.clean(Answer, "value", value, field=answer_field(question))
    if not answers:
        raise DomainError(_("Record at least one answer."), code="no_answers", field="answers")
    return answers


# -- surveys ----------------------------------------------------------------------------------


def _round(actor, round_id: int, household: Household) -> InspectionRound:
    """The open round the household is surveyed in: its place holds the household, whose
    household is in its current sample."""
    inspection = (
        InspectionRound.objects.visible_to(actor)
        .select_related("region")
        .filter(pk=round_id)
        .first()
    )
    if inspection is None:
        raise DomainError(
            _("Choose an inspection round of your places."), code="bad_round", field="round_id"
        )
    if inspection.state != RoundState.OPEN:
        raise DomainError(
            _("Round %(round)s is closed; surveys are recorded in an open round.")
            % {"round": str(inspection)},
            code="round_closed",
            field="round_id",
        )
    lo, hi = code_range(inspection.region_id, inspection.region.level)
    if not lo <= household.region_id < hi:
        raise DomainError(
            _("Household %(number)s lies outside %(place)s, the place of round %(round)s.")
            % {
                "number": household.number,
                "place": inspection.region.name,
                "round": str(inspection),
            },
            code="not_in_round",
            field="round_id",
        )
    if not sampled(inspection, "household").filter(household=household).exists():
        raise DomainError(
            _("Household %(number)s is not in the sample of round %(round)s.")
            % {"number": household.number, "round": str(inspection)},
            code="not_sampled",
            field="round_id",
        )
    earlier = (
        Survey.objects.filter(round=inspection, household=household)
        .select_related("recorded_by")
        .first()
    )
    if earlier is not None:
        raise DomainError(
            _(
                "Household %(number)s was surveyed in round %(round)s on %(day)s by %(who)s; a "
                "household is surveyed once a round."
            )
            % {
                "number": household.number,
                "round": str(inspection),
                "day": earlier.surveyed_on.isoformat(),
                "who": earlier.recorded_by.full_name or earlier.recorded_by.username,
            },
            code="surveyed_already",
            field="household_id",
        )
    return inspection


def _by_kind(answers: dict[Question, str], purpose: str) -> str | None:
    return next((value for q, value in answers.items() if q.purpose == purpose), None)


def _finding(actor, survey: Survey, household: Household, category: str, description: str):
    """A finding the survey's answers raise, the household's main helper responsible."""
    pairings = list(
        Pairing.objects.filter(household=household, ended_on=None)
        .select_related("helper__unit", "unit")
        .order_by("-is_main", "started_on", "pk")
    )
    main = pairings[0] if pairings else None
    helper = main.helper if main else None
    due = rectification_deadline(household.region_id, survey.surveyed_on)
    finding = Finding.objects.create(
        round=survey.round,
        region_id=household.region_id,
        category=Code.objects.get(kind="finding_category", value=category),
        source=FindingSource.SURVEY,
        survey=survey,
        household=household,
        helper=helper,
        unit=helper.unit if helper else (main.unit if main else None),
        description=values.clean(Finding, "description", description),
        responsible_person=helper.name if helper else "",
        found_on=survey.surveyed_on,
        deadline=due.day,
        days_counted=Counting.WORKING if due.in_working_days else Counting.CALENDAR,
        recorded_at=survey.recorded_at,
        recorded_by=actor,
    )
    state = audit.snapshot(finding)
    state["category"] = category
    audit.record(
        actor=actor,
        action="finding.from_survey",
        obj=finding,
        region_code=finding.region_id,
        after=state,
    )
    return finding


def _contradictions(actor, survey: Survey, household: Household, answers: dict[Question, str]):
    """The findings the answers raise, each naming both sides."""
    findings = []
    said = _by_kind(answers, Purpose.VISITS)
    if said is not None:
        logged = (
            VisitMonth.objects.filter(household=household, month=survey.surveyed_on.replace(day=1))
            .values_list("home_visits", flat=True)
            .first()
            or 0
        )
        gap = policy_for(household.region_id, "supervision.visit_gap", survey.surveyed_on)
        if contradictions.visits_contradicted(int(said), logged, gap):
            findings.append(
                _finding(
                    actor,
                    survey,
                    household,
                    RECORDS_FALSE,
                    _(
                        "The household says it was visited at home %(said)s times this month; "
                        "%(logged)s home visits are logged."
                    )
                    % {"said": said, "logged": logged},
                )
            )
    knows = _by_kind(answers, Purpose.KNOWS_HELPER)
    given = _by_kind(answers, Purpose.HELPER_NAME) or ""
    names = list(
        Pairing.objects.filter(household=household, ended_on=None, helper__isnull=False)
        .order_by("-is_main", "started_on", "pk")
        .values_list("helper__name", flat=True)
    )
    if contradictions.helper_unknown(None if knows is None else knows == "1", given, names):
        helpers = "、".join(names)
        description = (
            _("The household does not know its helper's name; its helpers: %(names)s.")
            % {"names": helpers}
            if knows == "0"
            else _("The household names its helper “%(given)s”; its helpers: %(names)s.")
            % {"given": given, "names": helpers}
        )
        findings.append(_finding(actor, survey, household, HELPER_UNKNOWN, description))
    return findings


@retried_on_conflict
@transaction.atomic
def survey_record(
    *,
    actor,
    household_id: int,
    method: str,
    surveyed_on: datetime.date | str,
    respondent: str = "",
    answers: Mapping[Any, Any],
    round_id: int | None = None,
    client_id: uuid.UUID | None = None,
    sent_digest: str = "",
) -> Survey:
    """Record a household's survey (by phone or at home) with the questionnaire in use at its
    place, within an open round whose sample holds it (once a round) or on its own; the
    answers that contradict the records become findings in the same transaction. A phone's
    survey comes through ``survey_sent`` with its id."""
    require(actor, Capability.INSPECT)
    household = household_locked(
        actor,
        household_id,
        lambda household: (
            _("Household %(number)s was merged into %(into)s; survey it there.")
            % {"number": household.number, "into": household.merged_into}
        ),
    )
    method = values.clean(Survey, "method", method)
    if method not in SURVEY_METHODS:
        raise DomainError(
            _("A household is surveyed by phone or at home."), code="bad_method", field="method"
        )
    surveyed_on = values.clean(Survey, "surveyed_on", surveyed_on)
    respondent = values.clean(Survey, "respondent", respondent)
    inspection = _round(actor, round_id, household) if round_id is not None else None
    questionnaire = questionnaire_in_use(household.region_id)
    if questionnaire is None:
        raise DomainError(
            _("No questionnaire is in use at this household's place; make one first."),
            code="no_questionnaire",
        )
    cleaned = _answers(questionnaire, answers)
    survey = Survey.objects.create(
        household=household,
        region_id=household.region_id,
        round=inspection,
        questionnaire=questionnaire,
        method=method,
        surveyed_on=surveyed_on,
        respondent=respondent,
        recorded_at=timezone.now(),
        recorded_by=actor,
        client_id=client_id,
        sent_digest=sent_digest,
    )
    Answer.objects.bulk_create(
        Answer(survey=survey, question=question, region_id=household.region_id, value=value)
        for question, value in cleaned.items()
    )
    after = audit.snapshot(survey)
    after["answers"] = {str(question.pk): value for question, value in cleaned.items()}
    audit.record(
        actor=actor, action="survey.record", obj=survey, region_code=survey.region_id, after=after
    )
    _contradictions(actor, survey, household, cleaned)
    return survey


def survey_sent(
    *,
    actor,
    client_id: uuid.UUID,
    household_id: int,
    method: str,
    surveyed_on: datetime.date | str,
    respondent: str = "",
    answers: Mapping[Any, Any],
    round_id: int | None = None,
) -> tuple[Survey, bool]:
    """A survey recorded on an inspector's phone, perhaps offline, with the id the phone made
    for it: (survey, True), or (the survey this id recorded before, False) when it is sent
    again — so that a queue sent twice records once, with one audit entry. The same id with
    other answers or another household is refused."""
    details: dict[str, Any] = {
        "household_id": household_id,
        "method": method,
        "surveyed_on": surveyed_on,
        "respondent": respondent,
        "answers": answers,
        "round_id": round_id,
    }
    return recorded_once(
        Survey,
        actor=actor,
        client_id=client_id,
        sent=details,
        record=lambda made: survey_record(
            actor=actor, client_id=client_id, sent_digest=made, **details
        ),
        taken=_("This survey's id was used by someone else; reload the page and record it again."),
    )


def surveys_follow_household(household_id: int, region_code: str) -> None:
    """A household moved (the registry's audited move, in its transaction): its surveys and
    their answers are read at its new place."""
    surveys = Survey.objects.filter(household_id=household_id)
    Answer.objects.filter(survey__in=surveys).update(region_id=region_code)
    surveys.update(region_id=region_code)
