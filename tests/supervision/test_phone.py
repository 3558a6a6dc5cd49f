"""An inspector's phone in the village: a survey or a finding sent with the id the phone made
is recorded once however often it comes (one record, one audit entry), the same id with other
details is refused with a message, a finding's photos follow it once each; and the pages the
phone keeps for working offline (the round's households to survey, their survey pages, the
finding form) are marked so, for the round's inspectors only."""

import uuid

import pytest
from django.urls import reverse

from bangfu.core.errors import DomainError
from bangfu.core.models import AuditEntry
from bangfu.supervision.models import Evidence, Finding, Survey
from bangfu.supervision.selectors.phone import phone_pages
from bangfu.supervision.services import finding_photo_sent, finding_sent, survey_sent
from bangfu.visits.offline import KEEP_OFFLINE
from tests.supervision.conftest import COUNTY, MONTH, TODAY, VILLAGE
from tests.supervision.surveys_world import by_purpose, round_with_sample, standard_questionnaire
from tests.visits.conftest import households, jpeg, unit, wang  # noqa: F401 (fixtures)

SURVEY_ID = uuid.UUID("5f0c6b9e-0000-4000-8000-000000000101")
FINDING_ID = uuid.UUID("5f0c6b9e-0000-4000-8000-000000000102")
PHOTO_ID = uuid.UUID("5f0c6b9e-0000-4000-8000-000000000103")
FINDING = {"region_code": VILLAGE, "category": "1", "description": "抽查3户，2户未见走访记录"}


@pytest.fixture
def questionnaire(today, inspector):
    return standard_questionnaire(inspector)


@pytest.fixture
def inspection(today, inspector, households):  # noqa: F811
    """This month's open round of the county, its sample the three households, the
    inspector of its group."""
    made = round_with_sample(inspector, COUNTY, MONTH, households)
    made.inspectors.add(inspector)
    return made


def sent_survey(actor, household, questionnaire, *, round_id=None, **answers):
    return survey_sent(
        actor=actor,
        client_id=SURVEY_ID,
        household_id=household.pk,
        method="home",
        surveyed_on=TODAY,
        respondent="户主",
        answers=by_purpose(questionnaire, **answers),
        round_id=round_id,
    )


def entries(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


def test_a_survey_sent_twice_is_recorded_once(inspector, households, questionnaire, inspection):  # noqa: F811
    first, created = sent_survey(
        inspector, households[0], questionnaire, round_id=inspection.pk, satisfaction=5
    )
    again, created_again = sent_survey(
        inspector, households[0], questionnaire, round_id=inspection.pk, satisfaction=5
    )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Survey.objects.filter(client_id=SURVEY_ID).count() == 1
    assert entries("survey.record") == 1


def test_the_same_survey_id_with_other_answers_is_refused(
    inspector,
    households,  # noqa: F811
    questionnaire,
):
    sent_survey(inspector, households[0], questionnaire, satisfaction=5)
    with pytest.raises(DomainError) as refused:
        sent_survey(inspector, households[0], questionnaire, satisfaction=2)
    assert refused.value.code == "client_id_reused" and refused.value.field == "client_id"
    assert "不同内容" in str(refused.value.message)  # the phone shows it as it is
    with pytest.raises(DomainError):  # another household under the same id
        sent_survey(inspector, households[1], questionnaire, satisfaction=5)
    assert Survey.objects.count() == 1
    assert entries("survey.record") == 1


def test_a_survey_id_of_someone_else_is_refused(
    inspector,
    county_admin,
    households,  # noqa: F811
    questionnaire,
):
    sent_survey(inspector, households[0], questionnaire, satisfaction=5)
    with pytest.raises(DomainError) as refused:
        sent_survey(county_admin, households[0], questionnaire, satisfaction=5)
    assert refused.value.code == "client_id_taken"
    assert Survey.objects.count() == 1


def test_a_refused_survey_keeps_its_id_free(inspector, households, questionnaire):  # noqa: F811
    with pytest.raises(DomainError):
        sent_survey(inspector, households[0], questionnaire, satisfaction=9)
    _survey, created = sent_survey(inspector, households[0], questionnaire, satisfaction=5)
    assert created


def test_a_finding_and_its_photo_sent_twice_are_recorded_once(today, inspector, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    first, created = finding_sent(actor=inspector, client_id=FINDING_ID, **FINDING)
    again, created_again = finding_sent(actor=inspector, client_id=FINDING_ID, **FINDING)
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert Finding.objects.count() == 1
    assert entries("finding.record") == 1

    photo = {
        "actor": inspector,
        "finding_client_id": FINDING_ID,
        "photo_client_id": PHOTO_ID,
        "content": jpeg(),
        "name": "现场.jpg",
    }
    kept, photo_created = finding_photo_sent(**photo)
    kept_again, photo_created_again = finding_photo_sent(**photo)
    assert (photo_created, photo_created_again, kept_again.pk) == (True, False, kept.pk)
    assert Evidence.objects.filter(finding=first).count() == 1
    assert entries("finding.evidence_add") == 1


def test_the_same_finding_id_with_other_details_is_refused(today, inspector):
    finding_sent(actor=inspector, client_id=FINDING_ID, **FINDING)
    with pytest.raises(DomainError) as refused:
        finding_sent(
            actor=inspector, client_id=FINDING_ID, **(FINDING | {"description": "另一件事"})
        )
    assert refused.value.code == "client_id_reused"
    assert Finding.objects.count() == 1
    assert entries("finding.record") == 1


def test_a_photo_of_a_finding_not_recorded_is_missing(today, inspector):
    from bangfu.core.errors import OutOfScope

    with pytest.raises(OutOfScope):
        finding_photo_sent(
            actor=inspector,
            finding_client_id=FINDING_ID,
            photo_client_id=PHOTO_ID,
            content=jpeg(),
            name="现场.jpg",
        )


def test_the_api_answers_a_repeat_with_the_first(
    signed_in,
    inspector,
    households,  # noqa: F811
    questionnaire,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    client = signed_in(inspector)
    ids = {q.purpose: q.pk for q in questionnaire.questions.all()}
    body = {
        "client_id": str(SURVEY_ID),
        "household_id": households[2].pk,
        "method": "home",
        "surveyed_on": str(TODAY),
        "answers": [{"question_id": ids["satisfaction"], "value": "5"}],
    }
    api = "/api/supervision/surveys"
    made = client.post(api, body, content_type="application/json")
    again = client.post(api, body, content_type="application/json")
    assert (made.status_code, again.status_code) == (201, 200)
    assert made.json()["id"] == again.json()["id"]
    other = body | {"answers": [{"question_id": ids["satisfaction"], "value": "3"}]}
    refused = client.post(api, other, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "client_id_reused"

    finding = FINDING | {"client_id": str(FINDING_ID)}
    api = "/api/supervision/findings"
    made = client.post(api, finding, content_type="application/json")
    again = client.post(api, finding, content_type="application/json")
    assert (made.status_code, again.status_code) == (201, 200)
    photo = {"photo_id": str(PHOTO_ID), "photo": jpeg()}
    photos = f"{api}/{FINDING_ID}/photos"
    sent = client.post(photos, {**photo, "photo": _file()})
    sent_again = client.post(photos, {**photo, "photo": _file()})
    assert (sent.status_code, sent_again.status_code) == (201, 200)
    assert Evidence.objects.count() == 1


def _file():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("现场.jpg", jpeg(), content_type="image/jpeg")


def test_the_inspectors_pages_are_kept_on_the_phone(
    signed_in,
    inspector,
    county_admin,
    households,  # noqa: F811
    questionnaire,
    inspection,
):
    sent_survey(inspector, households[0], questionnaire, round_id=inspection.pk, satisfaction=5)
    round_page = reverse("supervision:round_surveys", args=[inspection.pk])
    to_survey = [
        f"{reverse('supervision:survey_household', args=[h.pk])}?round={inspection.pk}"
        for h in households[1:]
    ]
    assert phone_pages(inspector) == [
        round_page,
        *to_survey,  # the household surveyed already is not kept
        reverse("supervision:finding_add"),
    ]
    assert phone_pages(county_admin) == [reverse("supervision:finding_add")]

    client = signed_in(inspector)
    listed = client.get(round_page)
    assert listed[KEEP_OFFLINE] == "keep"
    assert listed.context["offline"]["worker"] == "/supervision/sw.js"
    assert [row["survey"] is not None for row in listed.context["rows"]] == [True, False, False]
    page = client.get(to_survey[0])
    assert page[KEEP_OFFLINE] == "keep"
    assert 'data-copy="live"' in page.content.decode()
    assert client.get(reverse("supervision:finding_add"))[KEEP_OFFLINE] == "keep"
    worker = client.get("/supervision/sw.js")
    assert worker.status_code == 200 and b"supervision" in worker.content

    # The county's administrator is not of the round's group: the list is theirs to read,
    # not their phone's to keep.
    office = signed_in(county_admin).get(round_page)
    assert office.status_code == 200 and KEEP_OFFLINE not in office
