"""The demo district's household surveys (群众满意度调查), recorded through the services as the
inspector would:

- the county's standard questionnaire, made by the county;
- last month and this month: the households each month's open inspection rounds of the
  county sampled (the rounds' demo draws them first), surveyed by phone, a few at home; a
  month with no round (or only closed ones) surveys some of the county's paired households
  on their own;
- most households know their main helper's name and count the home visits logged for them;
  about one in twenty-five is not satisfied (3 of 5), so satisfaction is about 96%;
- two contradictions planted on purpose, which become findings: a household visited at home
  three times or more in the month says it was never visited, and one says it does not know
  its helper's name.
"""

import datetime
import random
from dataclasses import dataclass

from bangfu.core.params import add_months
from bangfu.core.regions import RegionLevel, code_range
from bangfu.pairing.models import Pairing
from bangfu.registry.models import Household
from bangfu.supervision.models import InspectionRound, Purpose, RoundState
from bangfu.supervision.selectors.rounds import sampled
from bangfu.supervision.services import questionnaire_create, survey_record
from bangfu.visits.models import VisitMonth

COUNTY = "611103000000"
WITHOUT_A_ROUND = 24  # households surveyed in a month that has no open round
WORK_DONE = ["送米面油", "讲解防返贫政策", "帮忙联系务工", "协调危房改造", "请农技员指导种植"]


@dataclass(frozen=True)
class Filled:
    surveys: int
    findings: int


def _to_survey(month: datetime.date, rng: random.Random):
    """(round or None, households) of the month: each open round's sample, or a draw of the
    county's paired households when the month has no open round."""
    lo, hi = code_range(COUNTY, RegionLevel.COUNTY)
    rounds = InspectionRound.objects.filter(
        region_id__gte=lo, region_id__lt=hi, month=month, state=RoundState.OPEN
    ).order_by("pk")
    chosen = [
        (inspection, [item.household for item in sampled(inspection, "household")])
        for inspection in rounds
    ]
    if any(households for _round, households in chosen):
        return chosen
    paired = list(
        Household.objects.filter(
            region_id__gte=lo,
            region_id__lt=hi,
            closed_on=None,
            pk__in=Pairing.objects.filter(ended_on=None, is_main=True).values("household_id"),
        ).order_by("pk")
    )
    return [(None, rng.sample(paired, min(WITHOUT_A_ROUND, len(paired))))]


def _helper_name(household: Household) -> str:
    pairing = (
        Pairing.objects.filter(household=household, ended_on=None, helper__isnull=False)
        .select_related("helper")
        .order_by("-is_main", "pk")
        .first()
    )
    return pairing.helper.name if pairing and pairing.helper else ""


def _home_visits(household: Household, month: datetime.date) -> int:
    return (
        VisitMonth.objects.filter(household=household, month=month)
        .values_list("home_visits", flat=True)
        .first()
        or 0
    )


def fill(*, actor, today: datetime.date, seed: int, inspector_login) -> Filled:
    """The county's questionnaire (made by ``actor``, the county) and the inspector's surveys
    of last month and this month."""
    rng = random.Random(f"surveys-{seed}")
    questionnaire = questionnaire_create(
        actor=actor,
        region_code=COUNTY,
        name="沣西新城群众满意度调查问卷",
        standard=True,
    )
    asked = {question.purpose: question.pk for question in questionnaire.questions.all()}
    this_month = today.replace(day=1)
    surveys = findings = 0
    planted = {"never_visited": False, "unknown_helper": False}
    for month in (add_months(this_month, -1), this_month):
        last_day = today.day if month == this_month else 28
        for inspection, households in _to_survey(month, rng):
            for household in households:
                day = month.replace(day=rng.randint(1, last_day))
                visits = _home_visits(household, month)
                answers = {
                    asked[Purpose.KNOWS_HELPER]: "是",
                    asked[Purpose.HELPER_NAME]: _helper_name(household),
                    asked[Purpose.VISITS]: visits,
                    asked[Purpose.WORK_DONE]: rng.choice(WORK_DONE),
                    asked[Purpose.SATISFACTION]: 3 if surveys % 25 == 7 else rng.choice([4, 5, 5]),
                }
                if visits >= 3 and not planted["never_visited"]:
                    answers[asked[Purpose.VISITS]] = 0  # 农户称本月入户 0 次
                    planted["never_visited"] = True
                elif not planted["unknown_helper"]:
                    answers[asked[Purpose.KNOWS_HELPER]] = "否"
                    answers[asked[Purpose.HELPER_NAME]] = ""
                    planted["unknown_helper"] = True
                survey = survey_record(
                    actor=inspector_login,
                    household_id=household.pk,
                    method="home" if surveys % 6 == 0 else "phone",
                    surveyed_on=day,
                    respondent="户主",
                    answers=answers,
                    round_id=inspection.pk if inspection else None,
                )
                surveys += 1
                findings += survey.findings.count()
    return Filled(surveys, findings)
