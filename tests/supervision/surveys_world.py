"""Questionnaires and household surveys for the tests, the route walk and the fuzz: county A's
standard questionnaire, and a survey of the walk's household by phone (its helper known, very
satisfied)."""

import datetime

from django.utils import timezone

from bangfu.supervision.models import (
    InspectionRound,
    SampleDraw,
    SampleItem,
)
from bangfu.supervision.services import QuestionInput, questionnaire_create, survey_record

COUNTY = "611103000000"
QUESTIONNAIRE_JSON = {"region_code": COUNTY, "name": "群众满意度调查（入侵）", "standard": True}
QUESTION_JSON = {"text": "您家今年收入有没有增加", "kind": "yes_no", "purpose": "other"}


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
    """A spare questionnaire with two questions never answered, then the standard one (the
    latest, so the one in use) and a survey of ``household`` with it."""
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
        answers=by_purpose(
            questionnaire, knows_helper="是", visits=1, work_done="马家寨村送来化肥", satisfaction=5
        ),
    )
    spare_questions = list(spare.questions.order_by("position"))
    return {
        "questionnaire": questionnaire,
        "spare_questionnaire": spare,
        "survey": survey,
        "spare_question": spare_questions[0],
        "retiring_question": spare_questions[1],
    }
