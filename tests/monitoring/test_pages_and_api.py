"""The pages (a helper's phone at 360 px in the village: the alert, the procedure with the
next step's form) and the API operations."""

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bangfu.monitoring.models import Alert, AlertState, Procedure
from bangfu.registry.models import HouseholdStatus

from .conftest import D, commitment_photo, raise_alert, start_identification, step


def test_the_household_page_shows_its_open_alerts_and_procedure(
    today, signed_in, county_admin, households
):
    alert = raise_alert(county_admin, households[0])
    procedure = start_identification(county_admin, households[1])
    client = signed_in(county_admin)
    page = client.get(reverse("registry:household_detail", args=[households[0].pk]))
    body = page.content.decode()
    assert reverse("monitoring:alert", args=[alert.pk]) in body
    assert reverse("monitoring:screen", args=[households[0].pk]) in body
    other = client.get(reverse("registry:household_detail", args=[households[1].pk]))
    assert reverse("monitoring:procedure", args=[procedure.pk]) in other.content.decode()


def test_the_helpers_home_shows_their_households_alerts_first(
    today, signed_in, helper_wang, county_admin, households
):
    raise_alert(county_admin, households[0], summary="马家寨村排查：家中有重病患者")
    body = signed_in(helper_wang).get(reverse("core:home")).content.decode()
    assert "马家寨村排查：家中有重病患者" in body
    assert body.index('id="my-alerts"') < body.index('id="my-households"')


def test_a_helper_screens_a_household_from_its_page(today, signed_in, helper_wang, households):
    client = signed_in(helper_wang)
    url = reverse("monitoring:screen", args=[households[0].pk])
    assert client.get(url).status_code == 200
    refused = client.post(url, {"summary": "", "raised_on": "2026-11-30"})
    assert refused.status_code == 400
    response = client.post(url, {"summary": "突发车祸，医疗费用高", "raised_on": "2026-11-30"})
    alert = Alert.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("monitoring:alert", args=[alert.pk])
    assert alert.source == "screening"


def test_closing_on_the_alert_page(today, signed_in, helper_wang, county_admin, households):
    alert = raise_alert(county_admin, households[0])
    client = signed_in(helper_wang)
    page = client.get(reverse("monitoring:alert", args=[alert.pk]))
    assert page.status_code == 200 and 'name="outcome"' in page.content.decode()
    url = reverse("monitoring:alert_close", args=[alert.pk])
    bare = client.post(url, {"outcome": "not_at_risk", "closed_on": "2026-11-30", "reason": ""})
    assert bare.status_code == 400
    done = client.post(url, {"outcome": "identifying", "closed_on": "2026-11-30", "reason": ""})
    procedure = Procedure.objects.get()
    assert done["Location"] == reverse("monitoring:procedure", args=[procedure.pk])


def test_the_procedure_page_offers_the_next_step_to_its_level_only(
    today, signed_in, county_admin, helper_wang, inspector, households
):
    procedure = start_identification(county_admin, households[0])
    url = reverse("monitoring:procedure", args=[procedure.pk])
    mine = signed_in(helper_wang).get(url).content.decode()
    assert 'name="image"' in mine  # the application's photo, from the camera
    theirs = signed_in(inspector).get(url).content.decode()
    assert 'name="image"' not in theirs


def test_the_application_with_its_photo_from_the_phone(
    today, signed_in, helper_wang, county_admin, households
):
    procedure = start_identification(county_admin, households[0])
    client = signed_in(helper_wang)
    response = client.post(
        reverse("monitoring:step_record", args=[procedure.pk]),
        {
            "step": "application",
            "outcome": "passed",
            "done_on": "2026-09-24",
            "image": SimpleUploadedFile("c.jpg", commitment_photo(), "image/jpeg"),
        },
    )
    assert response.status_code == 302
    procedure.refresh_from_db()
    assert procedure.next_step == "home_check"
    image = client.get(reverse("monitoring:step_image", args=[procedure.steps.get().pk]))
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"


def test_the_wrong_level_posting_a_step_is_refused(
    today, signed_in, county_admin, diaotai_staff, households
):
    procedure = start_identification(county_admin, households[0])
    step(county_admin, procedure, "application", D(2026, 9, 24))
    step(county_admin, procedure, "home_check", D(2026, 9, 28))
    response = signed_in(diaotai_staff).post(
        reverse("monitoring:step_record", args=[procedure.pk]),
        {"step": "village_review", "outcome": "passed", "done_on": "2026-09-29"},
    )
    assert response.status_code == 403


def test_the_notice_prints_from_the_records(today, signed_in, county_admin, households):
    procedure = start_identification(county_admin, households[0])
    step(county_admin, procedure, "application", D(2026, 9, 24))
    step(county_admin, procedure, "home_check", D(2026, 9, 28), note="住院自付4.2万元")
    client = signed_in(county_admin)
    url = reverse("monitoring:notice", args=[procedure.pk])
    assert client.get(url).status_code == 404  # no notice before the village's review
    step(county_admin, procedure, "village_review", D(2026, 9, 29), notice_from=D(2026, 9, 30))
    body = client.get(url).content.decode()
    assert "曾佳轩" in body and "2026-09-30" in body and "2026-10-04" in body
    assert "住院自付4.2万元" in body
    assert "611103197001010" not in body  # no ID number on the wall
    assert reverse("monitoring:notice_pdf", args=[procedure.pk]) in body


def test_the_notice_as_a_pdf_says_what_the_page_says(today, signed_in, county_admin, households):
    from tests.reports.test_handbook import page_texts

    procedure = start_identification(county_admin, households[0])
    step(county_admin, procedure, "application", D(2026, 9, 24))
    step(county_admin, procedure, "home_check", D(2026, 9, 28), note="住院自付4.2万元")
    client = signed_in(county_admin)
    url = reverse("monitoring:notice_pdf", args=[procedure.pk])
    assert client.get(url).status_code == 404  # no notice before the village's review
    step(county_admin, procedure, "village_review", D(2026, 9, 29), notice_from=D(2026, 9, 30))
    procedure_page = client.get(reverse("monitoring:procedure", args=[procedure.pk]))
    assert url in procedure_page.content.decode()
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="notice-{households[0].number}.pdf"' in response["Content-Disposition"]
    pages = page_texts(response.content)
    text = "".join(pages).replace(" ", "")
    assert len(pages) == 1
    assert "曾佳轩" in text and "2026-09-30" in text and "2026-10-04" in text
    assert "住院自付4.2万元" in text and "611103197001010" not in text


def test_lists_page_and_filter(today, signed_in, county_admin, households):
    raise_alert(county_admin, households[0], raised_on=D(2026, 11, 2))
    start_identification(county_admin, households[1], on=D(2026, 9, 24))
    client = signed_in(county_admin)
    assert client.get(reverse("monitoring:alerts"), {"overdue": "1"}).status_code == 200
    assert client.get(reverse("monitoring:alerts"), {"state": "nope"}).status_code == 400
    late = client.get(reverse("monitoring:late")).content.decode()
    assert households[1].number in late and "申请" in late


def test_api_from_screening_to_decision(
    today, client, county_admin, helper_wang, village_team, diaotai_staff, households
):
    client.force_login(county_admin)
    raised = client.post(
        f"/api/households/{households[0].pk}/alerts",
        {"summary": "因灾房屋受损", "raised_on": "2026-09-24"},
        content_type="application/json",
    )
    assert raised.status_code == 201, raised.content
    alert = raised.json()
    assert (alert["state"], alert["due_on"], alert["township_code"]) == (
        "open",
        "2026-10-01",
        "611103002000",
    )
    listed = client.get("/api/monitoring/alerts", {"overdue": "1"}).json()
    assert [a["id"] for a in listed["items"]] == [alert["id"]]
    closed = client.post(
        f"/api/monitoring/alerts/{alert['id']}/close",
        {"outcome": "identifying", "closed_on": "2026-09-24"},
        content_type="application/json",
    ).json()
    procedure_id = closed["procedure_id"]
    photo = client.post(
        f"/api/monitoring/procedures/{procedure_id}/application",
        {"image": io.BytesIO(commitment_photo()), "done_on": "2026-09-24"},
    )
    assert photo.status_code == 200, photo.content
    for who, body in [
        (helper_wang, {"step": "home_check", "done_on": "2026-09-28"}),
        (village_team, {"step": "village_review", "done_on": "2026-09-29"}),
        (diaotai_staff, {"step": "township_review", "done_on": "2026-10-08"}),
        (
            county_admin,
            {
                "step": "county_decision",
                "done_on": "2026-10-09",
                "monitoring_type": "2",
                "risk_types": ["4"],
            },
        ),
    ]:
        client.force_login(who)
        answer = client.post(
            f"/api/monitoring/procedures/{procedure_id}/steps",
            body,
            content_type="application/json",
        )
        assert answer.status_code == 200, answer.content
    result = answer.json()
    assert (result["state"], result["monitoring_type"], result["risk_types"]) == (
        "passed",
        "2",
        ["4"],
    )
    households[0].refresh_from_db()
    assert households[0].status == HouseholdStatus.MONITORED


@pytest.mark.parametrize(
    "body",
    [
        {"step": "county_decision"},
        {"step": "home_check", "outcome": "refused"},
        {"step": "home_check", "done_on": "2020-01-01"},
    ],
)
def test_api_refusals_name_the_field(today, client, county_admin, households, body):
    procedure = start_identification(county_admin, households[0])
    step(county_admin, procedure, "application", D(2026, 9, 24))
    client.force_login(county_admin)
    answer = client.post(
        f"/api/monitoring/procedures/{procedure.pk}/steps", body, content_type="application/json"
    )
    assert answer.status_code == 400
    assert answer.json()["field"] in ("step", "reason", "done_on")
    assert Alert.objects.get().state == AlertState.IDENTIFYING


def test_a_step_already_recorded_by_someone_else_is_refused_in_words(
    today, signed_in, county_admin, households
):
    """Two people open the same form: the second sends the step the first recorded."""
    procedure = start_identification(county_admin, households[0])
    step(county_admin, procedure, "application", D(2026, 9, 24))
    response = signed_in(county_admin).post(
        reverse("monitoring:step_record", args=[procedure.pk]),
        {"step": "application", "outcome": "passed", "done_on": "2026-09-24"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "须按顺序办理" in body


def test_the_helpers_alert_and_procedure_pages_are_kept_on_the_phone(
    today, client, county_admin, helper_wang, households
):
    procedure = start_identification(county_admin, households[0], on=D(2026, 11, 27))
    step(helper_wang, procedure, "application", D(2026, 11, 27))
    alert = raise_alert(county_admin, households[1], raised_on=D(2026, 11, 27))
    client.force_login(helper_wang)
    page = client.get(reverse("monitoring:procedure", args=[procedure.pk]))
    assert page["Bangfu-Offline"] == "keep"
    body = page.content.decode()
    assert 'id="phone-step"' in body and "monitoring/phone_form.js" in body
    assert 'data-worker="/monitoring/sw.js"' in body and 'data-queue="bangfu-steps"' in body
    kept = reverse("monitoring:alert", args=[alert.pk])
    assert kept in body  # the helper's other pages are kept with it
    alert_page = client.get(kept)
    assert alert_page["Bangfu-Offline"] == "keep"
    # The closing too is queued on the phone, then sent to the API with its id.
    body = alert_page.content.decode()
    assert (
        'id="phone-close"' in body and f'data-api="/api/monitoring/alerts/{alert.pk}/close"' in body
    )
    assert 'id="close-form"' in body and "monitoring/phone_form.js" in body
    assert client.get("/monitoring/sw.js").status_code == 200
    client.force_login(county_admin)  # an office's view is not kept
    office = client.get(reverse("monitoring:procedure", args=[procedure.pk]))
    assert "Bangfu-Offline" not in office and 'id="phone-step"' not in office.content.decode()
    office_alert = client.get(kept).content.decode()
    assert 'id="close-form"' in office_alert and 'id="phone-close"' not in office_alert


def test_a_closing_sent_twice_from_the_phone_closes_once_and_a_late_one_is_refused(
    today, client, county_admin, helper_wang, households
):
    alert = raise_alert(county_admin, households[0], raised_on=D(2026, 11, 27))
    client.force_login(helper_wang)
    body = {"outcome": "identifying", "closed_on": "2026-11-28", "client_id": str(uuid.UUID(int=9))}
    url = f"/api/monitoring/alerts/{alert.pk}/close"
    answers = [client.post(url, body, content_type="application/json") for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200], answers[1].content
    assert answers[0].json() == answers[1].json()
    assert answers[1].json()["state"] == "identifying"
    assert Procedure.objects.count() == 1
    # Another alert closed at the office while the phone waited for a network.
    late = raise_alert(county_admin, households[1], raised_on=D(2026, 11, 27))
    client.force_login(county_admin)
    client.post(
        f"/api/monitoring/alerts/{late.pk}/close",
        {"outcome": "not_at_risk", "closed_on": "2026-11-28", "reason": "核实无风险"},
        content_type="application/json",
    )
    client.force_login(helper_wang)
    refused = client.post(
        f"/api/monitoring/alerts/{late.pk}/close",
        {**body, "client_id": str(uuid.UUID(int=10))},
        content_type="application/json",
    )
    assert refused.status_code == 400 and refused.json()["code"] == "alert_closed"
    assert "2026-11-28" in refused.json()["message"]
