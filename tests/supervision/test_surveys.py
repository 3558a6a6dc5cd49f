"""Questionnaires and household surveys: answers cleaned by kind, the contradictions planted
on purpose, once a round, the sample, and the satisfaction rate against the rule."""

import datetime

import pytest

from bangfu.core import text
from bangfu.core.audit import AuditEntry
from bangfu.core.errors import DomainError, NotPermitted, OutOfScope
from bangfu.core.services import policy_set
from bangfu.pairing import services as pairing
from bangfu.supervision import contradictions
from bangfu.supervision.models import Finding, Survey
from bangfu.supervision.selectors import satisfaction, satisfaction_counts
from bangfu.supervision.services import (
    QuestionInput,
    question_add,
    question_retire,
    question_update,
    questionnaire_create,
    questionnaire_retire,
    survey_record,
)
from bangfu.supervision.services.surveys import answer_field
from tests.supervision.conftest import COUNTY, MONTH, TODAY
from tests.supervision.surveys_world import by_purpose, round_with_sample, standard_questionnaire
from tests.visits.conftest import at, households, log, unit, wang  # noqa: F401 (fixtures)

D = datetime.date


@pytest.fixture
def questionnaire(today, inspector):
    return standard_questionnaire(inspector)


def survey(actor, household, questionnaire, *, round_id=None, day=TODAY, **answers):
    return survey_record(
        actor=actor,
        household_id=household.pk,
        method="phone",
        surveyed_on=day,
        respondent="户主",
        answers=by_purpose(questionnaire, **answers),
        round_id=round_id,
    )


def home_visits(helper_wang, household, days):
    for day in days:
        log(helper_wang, household, at(D(2026, 11, day)))


# -- the rules, pure --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "logged", "gap", "contradicted"),
    [(0, 4, 2, True), (3, 4, 2, False), (2, 4, 2, True), (5, 4, 2, False), (0, 1, 1, True)],
)
def test_the_visits_rule(said, logged, gap, contradicted):
    assert contradictions.visits_contradicted(said, logged, gap) is contradicted


@pytest.mark.parametrize(
    ("knows", "given", "contradicted"),
    [
        (False, "", True),  # says it does not know
        (True, "张三", True),  # a wrong name
        (None, "张三", True),
        (True, "王哲铭", False),
        (True, "王 哲铭", False),  # a space
        (True, "王哲銘", False),  # traditional
        (True, "王哲铭", False),
        (None, "", False),  # nothing said either way
        (True, "", False),
        (None, "李秀英", False),  # the second helper's name
    ],
)
def test_the_helper_rule(knows, given, contradicted):
    assert contradictions.helper_unknown(knows, given, ["王哲铭", "李秀英"]) is contradicted


def test_a_household_without_a_helper_has_none_to_know():
    assert not contradictions.helper_unknown(False, "张三", [])


def test_names_compare_without_width_spaces_or_traditional_forms():
    assert text.key(" 王　哲銘 ") == text.key("王哲铭")
    assert text.key("ＷＡＮＧ") == "wang"


# -- questionnaires ---------------------------------------------------------------------------


def test_the_standard_questionnaire(questionnaire):
    rows = list(questionnaire.questions.values_list("position", "kind", "purpose"))
    assert rows == [
        (1, "yes_no", "knows_helper"),
        (2, "text", "helper_name"),
        (3, "number", "visits"),
        (4, "text", "work_done"),
        (5, "satisfaction", "satisfaction"),
    ]
    assert AuditEntry.objects.filter(action="questionnaire.create").count() == 1


def test_a_purpose_is_asked_once(questionnaire, inspector):
    with pytest.raises(DomainError) as refused:
        question_add(
            actor=inspector,
            questionnaire_id=questionnaire.pk,
            text="帮扶干部这个月来了几趟",
            kind="number",
            purpose="visits",
        )
    assert refused.value.field == "purpose"
    assert "本月帮扶干部入户几次" in refused.value.message
    extra = question_add(
        actor=inspector, questionnaire_id=questionnaire.pk, text="还有什么困难", kind="text"
    )
    assert extra.position == 6 and extra.purpose == "other"


def test_a_checked_purpose_needs_its_kind(today, inspector):
    with pytest.raises(DomainError) as refused:
        questionnaire_create(
            actor=inspector,
            region_code=COUNTY,
            name="问卷",
            questions=[QuestionInput("满意吗", "text", "satisfaction")],
        )
    assert refused.value.field == "kind"


def test_an_answered_question_keeps_its_words(questionnaire, inspector, households):  # noqa: F811
    survey(inspector, households[0], questionnaire, satisfaction=5)
    asked = questionnaire.questions.get(purpose="satisfaction")
    with pytest.raises(DomainError) as refused:
        question_update(
            actor=inspector,
            question_id=asked.pk,
            text="满意吗",
            kind="satisfaction",
            purpose="satisfaction",
            position=5,
        )
    assert refused.value.code == "question_answered"
    question_retire(actor=inspector, question_id=asked.pk)
    added = question_add(
        actor=inspector,
        questionnaire_id=questionnaire.pk,
        text="您对帮扶干部满意吗",
        kind="satisfaction",
        purpose="satisfaction",
    )
    assert added.position == 6
    unanswered = questionnaire.questions.get(purpose="work_done")
    changed = question_update(
        actor=inspector,
        question_id=unanswered.pk,
        text="帮扶干部帮您办了哪些事",
        kind="text",
        purpose="work_done",
        position=4,
    )
    assert changed.text == "帮扶干部帮您办了哪些事"
    assert AuditEntry.objects.filter(action="question.update").count() == 1


def test_the_questionnaire_in_use_is_the_latest_not_retired_at_or_above(
    questionnaire,
    inspector,
    households,  # noqa: F811
):
    village = questionnaire_create(
        actor=inspector,
        region_code=households[0].region_id,
        name="马家寨村问卷",
        questions=[QuestionInput("满意吗", "satisfaction", "satisfaction")],
    )
    made = survey(inspector, households[0], village, satisfaction=4)
    assert made.questionnaire == village
    questionnaire_retire(actor=inspector, questionnaire_id=village.pk)
    made = survey(inspector, households[1], questionnaire, satisfaction=4)
    assert made.questionnaire == questionnaire
    with pytest.raises(DomainError):
        question_add(actor=inspector, questionnaire_id=village.pk, text="又一问", kind="text")


def test_who_may_make_questionnaires(today, township_staff, other_county_admin, questionnaire):
    with pytest.raises(NotPermitted):
        standard_questionnaire(township_staff)
    with pytest.raises(OutOfScope):
        questionnaire_retire(actor=other_county_admin, questionnaire_id=questionnaire.pk)


# -- answers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("purpose", "raw", "stored"),
    [
        ("knows_helper", "是", "1"),
        ("knows_helper", "否", "0"),
        ("knows_helper", "Yes", "1"),
        ("knows_helper", "no", "0"),
        ("knows_helper", "1", "1"),
        ("knows_helper", 0, "0"),
        ("knows_helper", True, "1"),
        ("visits", "0", "0"),
        ("visits", "９", "9"),
        ("visits", 99, "99"),
        ("satisfaction", "1", "1"),
        ("satisfaction", 5, "5"),
        ("work_done", "  送来化肥  ", "送来化肥"),
    ],
)
def test_answers_are_cleaned_by_kind(questionnaire, inspector, households, purpose, raw, stored):  # noqa: F811
    made = survey(inspector, households[0], questionnaire, **{purpose: raw})
    assert made.answers.get().value == stored


@pytest.mark.parametrize(
    ("purpose", "raw"),
    [
        ("knows_helper", "也许"),
        ("knows_helper", "2"),
        ("visits", "-1"),
        ("visits", "100"),
        ("visits", "三"),
        ("visits", "1.5"),
        ("satisfaction", "0"),
        ("satisfaction", "6"),
        ("satisfaction", "满意"),
        ("work_done", "很" * 501),
        ("work_done", "a\x00b"),
    ],
)
def test_bad_answers_are_refused_naming_the_question(
    questionnaire,
    inspector,
    households,  # noqa: F811
    purpose,
    raw,  # noqa: F811
):
    asked = questionnaire.questions.get(purpose=purpose)
    with pytest.raises(DomainError) as refused:
        survey(inspector, households[0], questionnaire, **{purpose: raw})
    assert refused.value.field == answer_field(asked) == f"answer_{purpose}"
    assert asked.text in refused.value.message
    assert not Survey.objects.exists()


def test_a_survey_needs_an_answer_of_its_questionnaire(questionnaire, inspector, households):  # noqa: F811
    with pytest.raises(DomainError) as refused:
        survey(inspector, households[0], questionnaire, work_done="  ")
    assert refused.value.field == "answers"
    with pytest.raises(DomainError) as refused:
        survey_record(
            actor=inspector,
            household_id=households[0].pk,
            method="phone",
            surveyed_on=TODAY,
            answers={10**9: "1"},
        )
    assert refused.value.field == "answers"


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("method", {"method": "on_site"}),
        ("method", {"method": "信鸽"}),
        ("surveyed_on", {"surveyed_on": "2026-12-25"}),
        ("surveyed_on", {"surveyed_on": "去年"}),
        ("respondent", {"respondent": "户" * 51}),
    ],
)
def test_bad_survey_values_are_refused(questionnaire, inspector, households, field, change):  # noqa: F811
    given = {
        "actor": inspector,
        "household_id": households[0].pk,
        "method": "home",
        "surveyed_on": TODAY,
        "answers": by_purpose(questionnaire, satisfaction=5),
    }
    with pytest.raises(DomainError) as refused:
        survey_record(**(given | change))
    assert refused.value.field == field


def test_who_may_survey(questionnaire, households, township_staff, other_county_admin):  # noqa: F811
    with pytest.raises(NotPermitted):
        survey(township_staff, households[0], questionnaire, satisfaction=5)
    policy_holder = other_county_admin
    with pytest.raises(OutOfScope):
        survey(policy_holder, households[0], questionnaire, satisfaction=5)


def test_without_a_questionnaire_nothing_is_recorded(today, inspector, households):  # noqa: F811
    with pytest.raises(DomainError) as refused:
        survey_record(
            actor=inspector,
            household_id=households[0].pk,
            method="phone",
            surveyed_on=TODAY,
            answers={1: "5"},
        )
    assert refused.value.code == "no_questionnaire"


# -- contradictions ---------------------------------------------------------------------------


def test_never_visited_against_four_logged_is_a_finding(
    questionnaire,
    inspector,
    households,  # noqa: F811
    helper_wang,
    wang,  # noqa: F811
    unit,  # noqa: F811
):
    home_visits(helper_wang, households[0], [5, 12, 19, 26])
    made = survey(inspector, households[0], questionnaire, visits=0, knows_helper="是")
    finding = Finding.objects.get()
    assert finding.survey == made and finding.source == "survey"
    assert finding.category.value == "2"  # 记录不实
    assert "0" in finding.description and "4" in finding.description
    assert finding.household == households[0]
    assert finding.region_id == households[0].region_id
    assert (finding.helper, finding.unit, finding.responsible_person) == (wang, unit, "王哲铭")
    assert finding.found_on == TODAY
    assert finding.deadline > TODAY and finding.days_counted == "working"
    entry = AuditEntry.objects.get(action="finding.from_survey")
    assert entry.region_code == households[0].region_id


def test_three_against_four_with_a_gap_of_two_is_none(
    questionnaire,
    inspector,
    households,  # noqa: F811
    helper_wang,  # noqa: F811
):
    home_visits(helper_wang, households[0], [5, 12, 19, 26])
    survey(inspector, households[0], questionnaire, visits=3)
    assert not Finding.objects.exists()


def test_the_gap_is_the_places_rule(
    questionnaire,
    inspector,
    county_admin,
    households,  # noqa: F811
    helper_wang,  # noqa: F811
):
    policy_set(
        actor=county_admin,
        region_code=COUNTY,
        key="supervision.visit_gap",
        value=1,
        valid_from=D(2026, 1, 1),
    )
    home_visits(helper_wang, households[0], [5, 12, 19, 26])
    survey(inspector, households[0], questionnaire, visits=3)
    assert Finding.objects.get().category.value == "2"


def test_visits_of_another_month_or_by_phone_do_not_count(
    questionnaire,
    inspector,
    households,  # noqa: F811
    helper_wang,  # noqa: F811
):
    for day in (5, 12, 19):
        log(helper_wang, households[0], at(D(2026, 10, day)))
    for day in (6, 13):
        log(helper_wang, households[0], at(D(2026, 11, day)), kind="phone")
    survey(inspector, households[0], questionnaire, visits=0)
    assert not Finding.objects.exists()


def test_an_unknown_helper_is_a_finding(questionnaire, inspector, households):  # noqa: F811
    survey(inspector, households[0], questionnaire, knows_helper="否")
    finding = Finding.objects.get()
    assert finding.category.value == "7"  # 群众不知晓帮扶干部
    assert "王哲铭" in finding.description


def test_a_wrong_name_is_a_finding_naming_both(questionnaire, inspector, households):  # noqa: F811
    survey(inspector, households[0], questionnaire, knows_helper="是", helper_name="张三")
    finding = Finding.objects.get()
    assert finding.category.value == "7"
    assert "张三" in finding.description and "王哲铭" in finding.description


@pytest.mark.parametrize("written", ["王 哲铭", "王哲銘", " 王哲铭 "])
def test_the_right_name_however_written_is_none(questionnaire, inspector, households, written):  # noqa: F811
    survey(inspector, households[0], questionnaire, knows_helper="是", helper_name=written)
    assert not Finding.objects.exists()


def test_both_contradictions_at_once(questionnaire, inspector, households, helper_wang):  # noqa: F811
    home_visits(helper_wang, households[0], [5, 12, 19, 26])
    survey(inspector, households[0], questionnaire, knows_helper="否", visits=0)
    assert sorted(Finding.objects.values_list("category__value", flat=True)) == ["2", "7"]


def test_any_current_helper_is_known(questionnaire, inspector, county_admin, unit, households):  # noqa: F811
    li = pairing.helper_create(actor=county_admin, name="李秀英", unit_id=unit.pk)
    pairing.pairing_start(
        actor=county_admin,
        household_id=households[0].pk,
        helper_id=li.pk,
        is_main=False,
        started_on=D(2026, 3, 1),
    )
    survey(inspector, households[0], questionnaire, helper_name="李秀英")
    assert not Finding.objects.exists()


# -- rounds -----------------------------------------------------------------------------------


def test_once_a_round_naming_the_first(questionnaire, inspector, households):  # noqa: F811
    inspection = round_with_sample(inspector, COUNTY, MONTH, households[:2])
    first = survey(inspector, households[0], questionnaire, round_id=inspection.pk, satisfaction=5)
    assert first.round == inspection
    with pytest.raises(DomainError) as refused:
        survey(inspector, households[0], questionnaire, round_id=inspection.pk, satisfaction=4)
    assert refused.value.code == "surveyed_already"
    assert "2026-11-30" in refused.value.message and "孙督查" in refused.value.message
    survey(inspector, households[0], questionnaire, satisfaction=4)  # outside the round: again
    assert Survey.objects.count() == 2


def test_a_household_not_in_the_sample_is_refused(questionnaire, inspector, households):  # noqa: F811
    inspection = round_with_sample(inspector, COUNTY, MONTH, households[:1])
    with pytest.raises(DomainError) as refused:
        survey(inspector, households[1], questionnaire, round_id=inspection.pk, satisfaction=5)
    assert refused.value.code == "not_sampled" and refused.value.field == "round_id"


def test_a_closed_round_or_another_place_is_refused(questionnaire, inspector, households):  # noqa: F811
    elsewhere = round_with_sample(inspector, "611103001000", MONTH, [])
    with pytest.raises(DomainError) as refused:
        survey(inspector, households[0], questionnaire, round_id=elsewhere.pk, satisfaction=5)
    assert refused.value.code == "not_in_round"
    closed = round_with_sample(inspector, COUNTY, MONTH, households[:1])
    closed.state = "closed"
    closed.save()
    with pytest.raises(DomainError) as refused:
        survey(inspector, households[0], questionnaire, round_id=closed.pk, satisfaction=5)
    assert refused.value.code == "round_closed"
    with pytest.raises(DomainError) as refused:
        survey(inspector, households[0], questionnaire, round_id=10**9, satisfaction=5)
    assert refused.value.code == "bad_round"


# -- satisfaction -----------------------------------------------------------------------------


def twenty_surveys(inspector, households, questionnaire, satisfied: int) -> None:  # noqa: F811
    """20 surveys of the month: ``satisfied`` answer 4 or 5, the rest 3 or less; and one
    survey without a satisfaction answer, which counts for nothing."""
    scores = ([5, 4] * 10)[:satisfied] + ([3, 2, 1] * 7)[: 20 - satisfied]
    for n, score in enumerate(scores):
        survey(
            inspector,
            households[n % 3],
            questionnaire,
            day=D(2026, 11, 1 + n),
            satisfaction=score,
        )
    survey(inspector, households[0], questionnaire, work_done="送来化肥")


def test_nineteen_of_twenty_meets_the_rule(questionnaire, inspector, households):  # noqa: F811
    twenty_surveys(inspector, households, questionnaire, 19)
    surveyed, satisfied, rate, meets = satisfaction(inspector, COUNTY, MONTH)
    assert (surveyed, satisfied, rate, meets) == (20, 19, 0.95, True)
    assert satisfaction(None, COUNTY, MONTH) == satisfaction(inspector, COUNTY, MONTH)
    assert satisfaction_counts([h.pk for h in households], MONTH) == (20, 19)
    assert satisfaction_counts(households[1:2], MONTH) == (7, 6)


def test_eighteen_of_twenty_does_not(questionnaire, inspector, households):  # noqa: F811
    twenty_surveys(inspector, households, questionnaire, 18)
    surveyed, satisfied, rate, meets = satisfaction(inspector, COUNTY, MONTH)
    assert (surveyed, satisfied, rate, meets) == (20, 18, 0.9, False)


def test_other_months_and_no_surveys(questionnaire, inspector, households):  # noqa: F811
    twenty_surveys(inspector, households, questionnaire, 20)
    assert tuple(satisfaction(inspector, COUNTY, D(2026, 10, 1))) == (0, 0, None, False)
    assert tuple(satisfaction(inspector, "611103001000", MONTH))[:2] == (0, 0)
