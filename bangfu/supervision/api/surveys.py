"""Questionnaires and household surveys over the API (群众满意度调查): list and read
questionnaires, make them, add, change and retire their questions; list, read and record
household surveys; the month's satisfaction at a place against the rule."""

import datetime
import uuid

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from bangfu.core import params
from bangfu.core.params import Id
from bangfu.core.schemas import documented
from bangfu.core.selectors import region_for

from ..models import Question, Questionnaire, Survey
from ..selectors import surveys as selectors
from ..services import surveys as services
from ..views.surveys import METHODS, round_param

router = Router(tags=["supervision"])


class QuestionIn(Schema):
    text: str = documented(Question, "text")
    kind: str = documented(Question, "kind")
    purpose: str = documented(Question, "purpose", "other")


class QuestionAddIn(QuestionIn):
    position: int | None = None  # left out: after the last question


class QuestionUpdateIn(QuestionIn):
    position: int = documented(Question, "position")


class QuestionnaireIn(Schema):
    region_code: str
    name: str = documented(Questionnaire, "name")
    standard: bool = False  # with the standard questions first
    questions: list[QuestionIn] = []


class AnswerIn(Schema):
    question_id: Id
    value: str  # 是/否 (yes/no, 1/0), a number 0–99, a satisfaction 1–5, or words


class SurveyIn(Schema):
    household_id: Id
    round_id: Id | None = None
    method: str = documented(Survey, "method")  # phone or home
    surveyed_on: datetime.date = documented(Survey, "surveyed_on")
    respondent: str = documented(Survey, "respondent", "")
    answers: list[AnswerIn]  # each question once
    # Made on the phone (a survey recorded in the village, offline too): sent again, the
    # survey it recorded answers (200); with other answers, refused.
    client_id: uuid.UUID | None = None


class QuestionOut(Schema):
    id: int
    position: int
    text: str
    kind: str
    purpose: str
    retired: bool
    answered: bool


class QuestionnaireRowOut(Schema):
    id: int
    name: str
    place_code: str
    place: str
    retired: bool
    recorded_at: datetime.datetime


class QuestionnaireOut(QuestionnaireRowOut):
    questions: list[QuestionOut]


class SurveyRowOut(Schema):
    id: int
    household_id: int
    household_number: str
    place_code: str
    round_id: int | None
    questionnaire_id: int
    method: str
    surveyed_on: datetime.date
    respondent: str


class AnswerOut(Schema):
    question_id: int
    question: str
    kind: str
    purpose: str
    value: str


class SurveyFindingOut(Schema):
    id: int
    category: str
    category_label: str
    description: str
    state: str
    deadline: datetime.date
    responsible_person: str


class SurveyOut(SurveyRowOut):
    answers: list[AnswerOut]
    findings: list[SurveyFindingOut]


class PlaceSatisfactionOut(Schema):
    place_code: str
    place: str
    surveyed: int
    satisfied: int
    rate: float | None
    minimum: int  # percent: the rule ``supervision.satisfaction_min`` at the place
    meets: bool


class SatisfactionOut(Schema):
    month: str
    places: list[PlaceSatisfactionOut]  # the place (or the caller's places), then those under it


class PlaceFilterIn(Schema):
    place: str = ""


class SurveyFiltersIn(Schema):
    place: str = ""
    month: str = ""
    round: str = ""
    method: str = ""


class SatisfactionFiltersIn(Schema):
    place: str = ""
    month: str = ""


def _questionnaire_row(questionnaire) -> dict:
    return {
        "id": questionnaire.pk,
        "name": questionnaire.name,
        "place_code": questionnaire.region_id,
        "place": questionnaire.region.name,
        "retired": questionnaire.retired,
        "recorded_at": questionnaire.recorded_at,
    }


def _questionnaire(user, questionnaire_id: int) -> dict:
    questionnaire = selectors.questionnaire_for(user, questionnaire_id)
    return _questionnaire_row(questionnaire) | {
        "questions": [
            {
                "id": q.pk,
                "position": q.position,
                "text": q.text,
                "kind": q.kind,
                "purpose": q.purpose,
                "retired": q.retired,
                "answered": q.answered,
            }
            for q in selectors.questions_of(questionnaire)
        ]
    }


def _survey_row(survey) -> dict:
    return {
        "id": survey.pk,
        "household_id": survey.household_id,
        "household_number": survey.household.number,
        "place_code": survey.region_id,
        "round_id": survey.round_id,
        "questionnaire_id": survey.questionnaire_id,
        "method": survey.method,
        "surveyed_on": survey.surveyed_on,
        "respondent": survey.respondent,
    }


def _survey(user, survey_id: int) -> dict:
    detail = selectors.survey_detail(user, survey_id)
    return _survey_row(detail["survey"]) | {
        "answers": [
            {
                "question_id": question.pk,
                "question": question.text,
                "kind": question.kind,
                "purpose": question.purpose,
                "value": value,
            }
            for question, _shown, value in detail["answers"]
        ],
        "findings": [
            {
                "id": f.pk,
                "category": f.category.value,
                "category_label": f.category.label,
                "description": f.description,
                "state": f.state,
                "deadline": f.deadline,
                "responsible_person": f.responsible_person,
            }
            for f in detail["findings"]
        ],
    }


# -- questionnaires ---------------------------------------------------------------------------


@router.get(
    "/supervision/questionnaires",
    response=list[QuestionnaireRowOut],
    operation_id="questionnaire_list",
)
@paginate(params.Pages, page_size=50)
def questionnaire_list(request, filters: Query[PlaceFilterIn]):
    """The questionnaires of the caller's places (or under ``place``), those in use first."""
    code = params.place(filters.place)
    within = region_for(request.auth, code) if code else None
    return params.Mapped(
        selectors.questionnaires_of(request.auth, within=within), _questionnaire_row
    )


@router.get(
    "/supervision/questionnaires/{questionnaire_id}",
    response=QuestionnaireOut,
    operation_id="questionnaire_get",
)
def questionnaire_get(request, questionnaire_id: Id):
    return _questionnaire(request.auth, questionnaire_id)


@router.post(
    "/supervision/questionnaires",
    response={201: QuestionnaireOut},
    operation_id="questionnaire_create",
)
def questionnaire_create(request, payload: QuestionnaireIn):
    """Make a place's questionnaire: the standard questions (``standard``), then ``questions``."""
    questionnaire = services.questionnaire_create(
        actor=request.auth,
        region_code=payload.region_code,
        name=payload.name,
        standard=payload.standard,
        questions=[services.QuestionInput(**q.dict()) for q in payload.questions],
    )
    return Status(201, _questionnaire(request.auth, questionnaire.pk))


@router.post(
    "/supervision/questionnaires/{questionnaire_id}/retire",
    response=QuestionnaireOut,
    operation_id="questionnaire_retire",
)
def questionnaire_retire(request, questionnaire_id: Id):
    questionnaire = selectors.questionnaire_for(request.auth, questionnaire_id)
    services.questionnaire_retire(actor=request.auth, questionnaire_id=questionnaire.pk)
    return _questionnaire(request.auth, questionnaire.pk)


@router.post(
    "/supervision/questionnaires/{questionnaire_id}/questions",
    response={201: QuestionnaireOut},
    operation_id="question_add",
)
def question_add(request, questionnaire_id: Id, payload: QuestionAddIn):
    """Add a question; one checked against the records (not ``other``) is asked once."""
    questionnaire = selectors.questionnaire_for(request.auth, questionnaire_id)
    services.question_add(actor=request.auth, questionnaire_id=questionnaire.pk, **payload.dict())
    return Status(201, _questionnaire(request.auth, questionnaire.pk))


@router.post(
    "/supervision/questionnaires/questions/{question_id}",
    response=QuestionnaireOut,
    operation_id="question_update",
)
def question_update(request, question_id: Id, payload: QuestionUpdateIn):
    """Change a question not yet answered (an answered one is retired and a new one added)."""
    question = selectors.question_for(request.auth, question_id)
    services.question_update(actor=request.auth, question_id=question.pk, **payload.dict())
    return _questionnaire(request.auth, question.questionnaire_id)


@router.post(
    "/supervision/questionnaires/questions/{question_id}/retire",
    response=QuestionnaireOut,
    operation_id="question_retire",
)
def question_retire(request, question_id: Id):
    question = selectors.question_for(request.auth, question_id)
    services.question_retire(actor=request.auth, question_id=question.pk)
    return _questionnaire(request.auth, question.questionnaire_id)


# -- surveys (the satisfaction before ``/surveys/{survey_id}``, which would take its path) ----


@router.get(
    "/supervision/surveys/satisfaction",
    response=SatisfactionOut,
    operation_id="satisfaction_get",
)
def satisfaction_get(request, filters: Query[SatisfactionFiltersIn]):
    """The month's satisfaction at ``place`` (or the caller's places) and the places under it:
    of the surveys whose satisfaction question was answered, those answering 4 or 5 of 5."""
    month = params.month(filters.month)
    _tops, rows = selectors.satisfaction_by_place(
        request.auth, params.place(filters.place) or None, month
    )
    return {
        "month": f"{month:%Y-%m}",
        "places": [
            {
                "place_code": region.code,
                "place": region.name,
                "surveyed": row.surveyed,
                "satisfied": row.satisfied,
                "rate": row.rate,
                "minimum": row.minimum,
                "meets": row.meets,
            }
            for region, row in rows
        ],
    }


@router.get("/supervision/surveys", response=list[SurveyRowOut], operation_id="survey_list")
@paginate(params.Pages, page_size=50)
def survey_list(request, filters: Query[SurveyFiltersIn]):
    """The surveys of the caller's places (or under ``place``), newest first, by month
    (2026-11), round (its id) and method (phone, home)."""
    code = params.place(filters.place)
    round_id = round_param(filters.round)
    surveys = selectors.surveys_of(
        request.auth,
        within=region_for(request.auth, code) if code else None,
        month=params.month(filters.month) if filters.month else None,
        round_id=round_id,
        method=params.choice(filters.method, field="method", choices=METHODS),
    )
    return params.Mapped(surveys, _survey_row)


@router.get("/supervision/surveys/{survey_id}", response=SurveyOut, operation_id="survey_get")
def survey_get(request, survey_id: Id):
    return _survey(request.auth, survey_id)


@router.post(
    "/supervision/surveys",
    response={200: SurveyOut, 201: SurveyOut},
    operation_id="survey_record",
)
def survey_record(request, payload: SurveyIn):
    """Record a household's survey with the questionnaire in use at its place (in a round:
    an open one whose sample holds it, once); answers contradicting the records become
    findings, listed in the answer. With ``client_id`` (a phone's, offline too) it is
    recorded once: sent again, the survey it recorded answers with 200."""
    details = {
        "household_id": payload.household_id,
        "round_id": payload.round_id,
        "method": payload.method,
        "surveyed_on": payload.surveyed_on,
        "respondent": payload.respondent,
        "answers": services.answers_by_question(
            [(answer.question_id, answer.value) for answer in payload.answers]
        ),
    }
    if payload.client_id is None:
        survey, created = services.survey_record(actor=request.auth, **details), True
    else:
        survey, created = services.survey_sent(
            actor=request.auth, client_id=payload.client_id, **details
        )
    return Status(201 if created else 200, _survey(request.auth, survey.pk))
