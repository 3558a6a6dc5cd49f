"""Questionnaires and household surveys for the tests, the route walk and the fuzz: county A's
standard questionnaire, and a survey of the walk's household by phone (its helper known, very
satisfied)."""

import datetime
import uuid

from django.utils import timezone

from bangfu.supervision.models import (
    Finding,
    InspectionRound,
    Purpose,
    SampleDraw,
    SampleItem,
)
from bangfu.supervision.services import QuestionInput, questionnaire_create, survey_record

COUNTY = "611103000000"
QUESTIONNAIRE_JSON = {"region_code": COUNTY, "name": "群众满意度调查（入侵）", "standard": True}


def by_purpose(questionnaire, **raw) -> dict[int, object]:
    """Answers keyed by question id, given by purpose: ``by_purpose(q, visits=0)``."""
    ids = {q.purpose: q.pk for q in questionnaire.questions.filter(retired=False)}
    return {ids[purpose]: value for purpose, value in raw.items()}


def standard_questionnaire(actor, region_code: str = COUNTY):
    return questionnaire_create(
        actor=actor, region_code=region_code, name="沣西新城群众满意度调查", standard=True
    )


def round_with_sample(actor, region_code: str, month: datetime.date, households) -> InspectionRound:
    """An open round of a place whose first draw picked ``households`` (the rounds part draws
    them; the tests of surveys only need a sample to be there)."""
    inspection = InspectionRound.objects.create(
        region_id=region_code,
        month=month,
        title=f"{month:%Y年%m月}督查",
        methods="phone,home",
        households_wanted=len(households),
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    draw = SampleDraw.objects.create(
        round=inspection,
        region_id=region_code,
        number=1,
        seed=20261101,
        drawn_at=timezone.now(),
        drawn_by=actor,
    )
    for position, household in enumerate(households, start=1):
        SampleItem.objects.create(
            draw=draw,
            region_id=household.region_id,
            kind="household",
            position=position,
            household=household,
        )
    return inspection


def surveys_world(county_admin, household) -> dict:
    """Three questionnaires of the county: one to retire, a spare one with two questions never
    answered, then the standard one (the latest, so the one in use) with a survey of
    ``household``."""
    retiring = questionnaire_create(actor=county_admin, region_code=COUNTY, name="旧问卷")
    spare = questionnaire_create(
        actor=county_admin,
        region_code=COUNTY,
        name="沣西新城补充问卷",
        questions=[
            QuestionInput("您家今年收入有没有增加", "yes_no"),
            QuestionInput("您还有什么困难", "text"),
        ],
    )
    questionnaire = standard_questionnaire(county_admin)
    survey = survey_record(
        actor=county_admin,
        household_id=household.pk,
        method="phone",
        surveyed_on=datetime.date(2026, 10, 20),
        respondent="马家寨村户主",
        answers=by_purpose(questionnaire, knows_helper="是", visits=1, satisfaction=5),
    )
    spare_questions = list(spare.questions.order_by("position"))
    return {
        "questionnaire": questionnaire,
        "spare_questionnaire": spare,
        "retiring_questionnaire": retiring,
        "survey": survey,
        "spare_question": spare_questions[0],
        "retiring_question": spare_questions[1],
    }


SURVEY_FORM = {
    "method": "phone",
    "surveyed_on": "2026-11-02",
    "respondent": "户主",
    "answer_satisfaction": "5",
}
QUESTION_FORM = {"text": "入侵的问题", "kind": "text", "purpose": "other", "position": "9"}
MISSING_QUESTIONNAIRE = {"questionnaire_id": 10**9}
MISSING_QUESTION = {"question_id": 10**9}


def _questionnaire_of(key):
    return lambda w: {"questionnaire_id": w[key].pk}


def _question_of(key):
    return lambda w: {"question_id": w[key].pk}


def surveys_page_probes(probe) -> dict:
    """The surveys' pages for the walk's PAGE_PROBES (``probe`` is its ``Probe``)."""
    both = ("get", "post")
    return {
        "supervision:surveys": probe(),
        "supervision:survey_record": probe(),
        "supervision:survey_household": probe(
            lambda w: {"household_id": w["household"].pk},
            {"household_id": 10**9},
            both,
            SURVEY_FORM,
        ),
        "supervision:satisfaction": probe(),
        "supervision:survey": probe(lambda w: {"survey_id": w["survey"].pk}, {"survey_id": 10**9}),
        "supervision:questionnaires": probe(),
        "supervision:questionnaire_add": probe(
            methods=both, data={"region_code": COUNTY, "name": "入侵", "standard": "on"}
        ),
        "supervision:questionnaire": probe(
            _questionnaire_of("questionnaire"), MISSING_QUESTIONNAIRE
        ),
        "supervision:question_add": probe(
            _questionnaire_of("spare_questionnaire"), MISSING_QUESTIONNAIRE, both, QUESTION_FORM
        ),
        "supervision:questionnaire_retire": probe(
            _questionnaire_of("retiring_questionnaire"), MISSING_QUESTIONNAIRE, ("post",)
        ),
        "supervision:question_edit": probe(
            _question_of("spare_question"), MISSING_QUESTION, both, QUESTION_FORM
        ),
        "supervision:question_retire": probe(
            _question_of("retiring_question"), MISSING_QUESTION, ("post",)
        ),
    }


QUESTION_JSON = {"text": "入侵的问题", "kind": "text", "purpose": "other"}
SURVEY_JSON = {
    "household_id": 10**9,
    "method": "phone",
    "surveyed_on": "2026-11-02",
    "respondent": "入侵者",
    "answers": [{"question_id": 10**9, "value": "5"}],
}


def surveys_api_probes(probe) -> dict:
    """The surveys' operations for the walk's API_PROBES."""
    post = ("post",)
    return {
        "questionnaire_list": probe(),
        "questionnaire_get": probe(_questionnaire_of("questionnaire"), MISSING_QUESTIONNAIRE),
        "questionnaire_create": probe(methods=post, data=QUESTIONNAIRE_JSON),
        "questionnaire_retire": probe(
            _questionnaire_of("retiring_questionnaire"), MISSING_QUESTIONNAIRE, post
        ),
        "question_add": probe(
            _questionnaire_of("spare_questionnaire"), MISSING_QUESTIONNAIRE, post, QUESTION_JSON
        ),
        "question_update": probe(
            _question_of("spare_question"),
            MISSING_QUESTION,
            post,
            QUESTION_JSON | {"position": 9},
        ),
        "question_retire": probe(_question_of("retiring_question"), MISSING_QUESTION, post),
        "satisfaction_get": probe(),
        "survey_list": probe(),
        "survey_get": probe(lambda w: {"survey_id": w["survey"].pk}, {"survey_id": 10**9}),
        "survey_record": probe(methods=post, data=SURVEY_JSON),
    }


# A township that is no place above the world's household: a questionnaire made there by the
# fuzz leaves the household's questionnaire in use as it was.
BESIDE = "611103001000"


def surveys_aims(world, aim) -> dict:
    """For each surveys operation, a valid request aimed at ``world``'s records."""
    from bangfu.supervision.selectors import questionnaire_in_use

    household = world["household"]
    actor = world["survey"].recorded_by

    def survey_body(n):
        """A survey of the world's household answering a question of its questionnaire in
        use (a fresh standard one if the fuzz retired it, or all its questions)."""
        questionnaire = questionnaire_in_use(household.region_id)
        asked = (
            questionnaire.questions.filter(retired=False).exclude(kind="yes_no").first()
            if questionnaire
            else None
        )
        if asked is None:
            asked = standard_questionnaire(actor).questions.get(purpose=Purpose.SATISFACTION)
        return {
            "client_id": str(uuid.UUID(int=9 * 10**6 + n)),
            "household_id": household.pk,
            "method": "home",
            "surveyed_on": "2026-11-02",
            "respondent": f"户主{n}",
            "answers": [{"question_id": asked.pk, "value": "5"}],
        }

    return {
        "questionnaire_list": lambda n: aim({}, {"place": COUNTY}, None),
        "questionnaire_get": lambda n: aim(_questionnaire_of("questionnaire")(world), {}, None),
        "questionnaire_create": lambda n: aim(
            {}, {}, QUESTIONNAIRE_JSON | {"region_code": BESIDE, "name": f"马王街道问卷{n}"}
        ),
        "questionnaire_retire": lambda n: aim(
            _questionnaire_of("retiring_questionnaire")(world), {}, None
        ),
        "question_add": lambda n: aim(
            _questionnaire_of("spare_questionnaire")(world),
            {},
            QUESTION_JSON | {"text": f"您还有什么困难{n}"},
        ),
        "question_update": lambda n: aim(
            _question_of("spare_question")(world), {}, QUESTION_JSON | {"position": 1}
        ),
        "question_retire": lambda n: aim(_question_of("retiring_question")(world), {}, None),
        "satisfaction_get": lambda n: aim({}, {"place": COUNTY, "month": "2026-10"}, None),
        "survey_list": lambda n: aim({}, {"place": COUNTY, "month": "2026-10"}, None),
        "survey_get": lambda n: aim({"survey_id": world["survey"].pk}, {}, None),
        "survey_record": lambda n: aim({}, {}, survey_body(n)),
    }


def surveys_state() -> tuple:
    """What the walk compares before and after an intruder's requests."""
    from bangfu.supervision.models import Answer, Question, Questionnaire, Survey

    return (
        list(Questionnaire.objects.values_list("pk", "name", "retired")),
        list(Question.objects.values_list("pk", "text", "kind", "purpose", "position", "retired")),
        list(Survey.objects.values_list("pk", "household_id", "round_id")),
        Answer.objects.count(),
        Finding.objects.filter(source="survey").count(),
    )
