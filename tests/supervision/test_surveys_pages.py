"""The pages and API of household surveys: the list (filters, .xlsx), recording a survey from
a round's sample or the household's page, a survey with its findings, the questionnaires,
the satisfaction by place; each named person gets what their places and role allow."""

import datetime

import pytest
from django.urls import reverse

from bangfu.supervision.models import Finding, Survey
from tests.supervision.conftest import COUNTY, MONTH
from tests.supervision.surveys_world import round_with_sample, standard_questionnaire
from tests.supervision.test_surveys import survey
from tests.visits.conftest import at, households, log, unit, wang  # noqa: F401 (fixtures)

TOWNSHIP = "611103002000"  # 钓台街道, over 马家寨村 where the households live


@pytest.fixture
def surveyed(today, inspector, households, helper_wang):  # noqa: F811
    """The standard questionnaire; households[0] says it was never visited while four home
    visits are logged, households[1] is satisfied and knows its helper."""
    questionnaire = standard_questionnaire(inspector)
    for day in (5, 12, 19, 26):
        log(helper_wang, households[0], at(datetime.date(2026, 11, day)))
    never = survey(inspector, households[0], questionnaire, visits=0, satisfaction=2)
    fine = survey(
        inspector,
        households[1],
        questionnaire,
        knows_helper="是",
        helper_name="王哲铭",
        satisfaction=5,
    )
    return {"questionnaire": questionnaire, "never": never, "fine": fine}


PEOPLE = ["county_admin", "township_staff", "helper_wang", "inspector", "leader"]


@pytest.mark.parametrize("person", [*PEOPLE, "other_county_admin"])
def test_every_list_page_answers_each_named_person(surveyed, signed_in, person, request):
    client = signed_in(request.getfixturevalue(person))
    for name in ("surveys", "satisfaction", "questionnaires"):
        assert client.get(reverse(f"supervision:{name}")).status_code == 200
    listed = client.get(reverse("supervision:surveys"))
    mine = person not in ("township_staff", "other_county_admin")  # 马王街道 is not 钓台街道
    assert (len(listed.context["rows"]) == 2) is mine
    page = client.get(reverse("supervision:survey", args=[surveyed["never"].pk]))
    assert page.status_code == (200 if mine else 404)


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("county_admin", 200),
        ("inspector", 200),
        ("township_staff", 403),
        ("helper_wang", 403),
        ("leader", 403),
        ("other_county_admin", 404),  # may survey, but not there
    ],
)
def test_who_may_open_the_survey_form(surveyed, signed_in, households, person, status, request):  # noqa: F811
    client = signed_in(request.getfixturevalue(person))
    url = reverse("supervision:survey_household", args=[households[2].pk])
    assert client.get(url).status_code == status


def test_the_survey_page_names_the_finding(surveyed, signed_in, inspector):
    page = signed_in(inspector).get(reverse("supervision:survey", args=[surveyed["never"].pk]))
    text = page.content.decode()
    (finding,) = page.context["findings"]
    assert finding.category.value == "2"  # 记录不实, naming both figures
    assert finding.description in text and "0" in finding.description and "4" in finding.description
    assert "王哲铭" in text  # the responsible person


def test_a_survey_recorded_through_the_form(surveyed, signed_in, inspector, households):  # noqa: F811
    client = signed_in(inspector)
    questionnaire = surveyed["questionnaire"]
    questions = {q.purpose: f"answer_{q.purpose}" for q in questionnaire.questions.all()}
    url = reverse("supervision:survey_household", args=[households[2].pk])
    form = client.get(url)
    assert form.context["form"].initial["method"] == "phone"
    data = {
        "method": "phone",
        "surveyed_on": "2026-11-30",
        "respondent": "李秀英",
        questions["knows_helper"]: "0",
        questions["satisfaction"]: "4",
    }
    refused = client.post(url, data | {questions["visits"]: "一百"})
    assert refused.status_code == 400
    assert refused.context["form"].errors[questions["visits"]]
    done = client.post(url, data)
    made = Survey.objects.get(household=households[2])
    assert done.url == reverse("supervision:survey", args=[made.pk])
    assert Finding.objects.get(survey=made).category.value == "7"


def test_from_a_rounds_sample_and_by_number(surveyed, signed_in, inspector, households):  # noqa: F811
    inspection = round_with_sample(inspector, COUNTY, MONTH, households[2:])
    client = signed_in(inspector)
    url = reverse("supervision:survey_record")
    form = reverse("supervision:survey_household", args=[households[2].pk])
    from_sample = client.get(url, {"round": inspection.pk, "household": households[2].pk})
    assert from_sample.url == f"{form}?round={inspection.pk}"
    picked = client.get(url, {"number": households[2].number, "round": inspection.pk})
    assert picked.url == f"{form}?round={inspection.pk}"
    assert client.get(url, {"number": "0000"}).status_code == 400
    assert client.get(form, {"round": "x1"}).status_code == 400
    answer = {"method": "home", "surveyed_on": "2026-11-30", "answer_satisfaction": "5"}
    client.post(f"{form}?round={inspection.pk}", answer)
    assert Survey.objects.get(household=households[2]).round == inspection
    assert client.get(f"{form}?round={inspection.pk}").context["earlier"] is not None
    assert client.post(f"{form}?round={inspection.pk}", answer).status_code == 400
    outside = reverse("supervision:survey_household", args=[households[1].pk])
    assert client.get(f"{outside}?round={inspection.pk}").context["in_sample"] is False


def test_the_list_filters_and_downloads(surveyed, signed_in, leader):
    client = signed_in(leader)
    url = reverse("supervision:surveys")
    assert len(client.get(url, {"method": "home"}).context["rows"]) == 0
    assert len(client.get(url, {"month": "2026-11", "method": "phone"}).context["rows"]) == 2
    assert len(client.get(url, {"month": "2026-10"}).context["rows"]) == 0
    assert client.get(url, {"method": "信鸽"}).status_code == 400
    assert client.get(url, {"round": "abc"}).status_code == 400
    sheet = client.get(url, {"format": "xlsx"})
    assert sheet.status_code == 200
    assert sheet["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_satisfaction_page_counts_against_the_rule(surveyed, signed_in, leader):
    page = signed_in(leader).get(reverse("supervision:satisfaction"), {"month": "2026-11"})
    (county, row), *_ = page.context["tops"]
    assert county.code == COUNTY
    assert (row.surveyed, row.satisfied, row.minimum, row.meets) == (2, 1, 95, False)
    below = {region.code: row for region, row in page.context["below"]}
    assert below[TOWNSHIP].surveyed == 2 and below["611103001000"].surveyed == 0
    drilled = signed_in(leader).get(reverse("supervision:satisfaction"), {"place": TOWNSHIP})
    assert [region.code for region, _row in drilled.context["below"]][:1] == ["611103002201"]


def test_the_household_page_lists_its_surveys(surveyed, signed_in, inspector, households):  # noqa: F811
    page = signed_in(inspector).get(reverse("registry:household_detail", args=[households[0].pk]))
    text = page.content.decode()
    assert reverse("supervision:survey", args=[surveyed["never"].pk]) in text
    assert reverse("supervision:survey_household", args=[households[0].pk]) in text


def test_questionnaires_through_the_pages(today, signed_in, inspector, leader):
    client = signed_in(inspector)
    made = client.post(
        reverse("supervision:questionnaire_add"),
        {"region_code": COUNTY, "name": "沣西新城问卷", "standard": "on"},
    )
    page = client.get(made.url)
    record = page.context["questionnaire"]
    assert len(page.context["questions"]) == 5
    taken = client.post(
        reverse("supervision:question_add", args=[record.pk]),
        {"text": "帮扶干部这个月来了几趟", "kind": "number", "purpose": "visits"},
    )
    assert taken.status_code == 400 and taken.context["form"].errors["purpose"]
    client.post(
        reverse("supervision:question_add", args=[record.pk]),
        {"text": "您还有什么困难", "kind": "text", "purpose": "other"},
    )
    last = client.get(made.url).context["questions"][-1]
    client.post(
        reverse("supervision:question_edit", args=[last.pk]),
        {"text": "您家还有什么困难", "kind": "text", "purpose": "other", "position": "6"},
    )
    client.post(reverse("supervision:question_retire", args=[last.pk]))
    last.refresh_from_db()
    assert (last.text, last.retired) == ("您家还有什么困难", True)
    client.post(reverse("supervision:questionnaire_retire", args=[record.pk]))
    record.refresh_from_db()
    assert record.retired
    assert signed_in(leader).get(reverse("supervision:questionnaire_add")).status_code == 403


def test_the_api(surveyed, signed_in, inspector, households):  # noqa: F811
    client = signed_in(inspector)
    questionnaire = surveyed["questionnaire"]
    ids = {q.purpose: q.pk for q in questionnaire.questions.all()}
    listed = client.get("/api/supervision/questionnaires").json()
    assert [row["id"] for row in listed["items"]] == [questionnaire.pk]
    got = client.get(f"/api/supervision/questionnaires/{questionnaire.pk}").json()
    assert [q["answered"] for q in got["questions"]] == [True, True, True, False, True]
    body = {
        "household_id": households[2].pk,
        "method": "home",
        "surveyed_on": "2026-11-30",
        "respondent": "李秀英",
        "answers": [
            {"question_id": ids["helper_name"], "value": "张三"},
            {"question_id": ids["satisfaction"], "value": "5"},
        ],
    }
    made = client.post("/api/supervision/surveys", body, content_type="application/json")
    assert made.status_code == 201
    assert [f["category"] for f in made.json()["findings"]] == ["7"]
    twice = body | {
        "answers": body["answers"] + [{"question_id": ids["satisfaction"], "value": "4"}]
    }
    refused = client.post("/api/supervision/surveys", twice, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["field"] == "answers"
    rows = client.get("/api/supervision/surveys", {"month": "2026-11"}).json()["items"]
    assert len(rows) == 3
    rate = client.get("/api/supervision/surveys/satisfaction", {"month": "2026-11"}).json()
    assert rate["places"][0]["surveyed"] == 3 and rate["places"][0]["satisfied"] == 2
    one = client.get(f"/api/supervision/surveys/{made.json()['id']}").json()
    assert {a["purpose"]: a["value"] for a in one["answers"]} == {
        "helper_name": "张三",
        "satisfaction": "5",
    }
    added = client.post(
        f"/api/supervision/questionnaires/{questionnaire.pk}/questions",
        {"text": "您还有什么困难", "kind": "text"},
        content_type="application/json",
    )
    assert added.status_code == 201
    new = added.json()["questions"][-1]
    changed = client.post(
        f"/api/supervision/questionnaires/questions/{new['id']}",
        {"text": "您家还有什么困难", "kind": "text", "purpose": "other", "position": 6},
        content_type="application/json",
    )
    assert changed.json()["questions"][-1]["text"] == "您家还有什么困难"
    answered = client.post(
        f"/api/supervision/questionnaires/questions/{ids['satisfaction']}",
        {"text": "满意吗", "kind": "satisfaction", "purpose": "satisfaction", "position": 5},
        content_type="application/json",
    )
    assert answered.status_code == 400 and answered.json()["code"] == "question_answered"
    made = client.post(
        "/api/supervision/questionnaires",
        {"region_code": COUNTY, "name": "问卷", "standard": True},
        content_type="application/json",
    )
    assert made.status_code == 201 and len(made.json()["questions"]) == 5
