"""The findings' pages and API for each named person: the list and its filters (and .xlsx), a
finding recorded from a household's link with a photo, each person offered the forms of what
they may do next, the evidence served within the reader's places, the rates page, and the
same workflow through the API."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from bangfu.supervision.models import Finding, FindingState
from tests.visits.conftest import jpeg

from .conftest import OTHER_VILLAGE, VILLAGE
from .test_findings import household, record, through  # noqa: F401 (a fixture)


def test_the_list_filters_and_downloads(today, inspector, township_staff, leader, signed_in):
    here = record(inspector, description="石桥村走访不实")
    record(inspector, region_code=OTHER_VILLAGE, category="6", description="马家寨村作风问题")
    client = signed_in(township_staff)
    page = client.get(reverse("supervision:findings")).content.decode()
    assert "石桥村" in page and "马家寨村" not in page  # the township's places only
    client = signed_in(leader)
    page = client.get(reverse("supervision:findings"), {"category": "6"}).content.decode()
    assert "马家寨村" in page and f"/supervision/findings/{here.pk}/" not in page
    assert "Record a finding" not in page and 'href="/supervision/findings/add/"' not in page
    sheet = client.get(reverse("supervision:findings"), {"format": "xlsx", "state": "assigned"})
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(sheet.streaming_content)))
    rows = book.get_sheet_by_index(0).to_python()
    assert len(rows) == 3
    assert client.get(reverse("supervision:findings"), {"state": "nonsense"}).status_code == 400
    assert client.get(reverse("supervision:findings"), {"month": "2026-13"}).status_code == 400


def test_an_inspector_records_a_finding_from_a_households_link(
    today,
    inspector,
    household,  # noqa: F811
    signed_in,
    settings,
    tmp_path,  # noqa: F811
):
    settings.MEDIA_ROOT = tmp_path
    client = signed_in(inspector)
    form = client.get(reverse("supervision:finding_add"), {"household": household.pk})
    page = form.content.decode()
    assert 'capture="environment"' in page and 'accept="image/*"' in page
    assert f'value="{household.pk}"' in page  # the household, chosen by the link
    response = client.post(
        reverse("supervision:finding_add"),
        {
            "concerns": "household",
            "record_id": household.pk,
            "category": "1",
            "description": "未按规定走访",
            "found_on": "2026-11-30",
            "photo": SimpleUploadedFile("现场.jpg", jpeg(1), "image/jpeg"),
        },
    )
    finding = Finding.objects.get()
    assert response.status_code == 302
    assert (finding.household_id, finding.region_id) == (household.pk, VILLAGE)
    detail = client.get(response["Location"]).content.decode()
    (photo,) = finding.evidence.all()
    assert reverse("supervision:evidence_file", args=[photo.pk]) in detail
    served = client.get(reverse("supervision:evidence_file", args=[photo.pk]))
    assert served["Content-Type"] == "image/jpeg"
    refused = client.post(
        reverse("supervision:finding_add"),
        {"category": "1", "description": "无地点", "found_on": "2026-11-30"},
    )
    assert refused.status_code == 400 and Finding.objects.count() == 1


def test_each_person_is_offered_what_they_may_do_next(
    today, inspector, township_staff, county_admin, leader, signed_in
):
    finding = record(inspector)
    url = reverse("supervision:finding", args=[finding.pk])

    def forms(user) -> set[str]:
        page = signed_in(user).get(url).content.decode()
        return {name for name in ("start", "submit", "close", "return") if f'id="{name}"' in page}

    assert forms(township_staff) == {"start", "submit"}
    assert forms(inspector) == set()
    assert forms(leader) == set()
    client = signed_in(township_staff)
    client.post(reverse("supervision:rectification_start", args=[finding.pk]), {"note": ""})
    response = client.post(
        reverse("supervision:rectification_submit", args=[finding.pk]),
        {"note": "已补走访", "photo": SimpleUploadedFile("整改.jpg", jpeg(2), "image/jpeg")},
    )
    assert response.status_code == 302
    assert forms(township_staff) == set()
    assert forms(inspector) == {"close", "return"}
    # A wrong step is refused on the form, not a server error.
    client = signed_in(township_staff)
    again = client.post(
        reverse("supervision:rectification_submit", args=[finding.pk]), {"note": "再交"}
    )
    assert again.status_code == 400
    client = signed_in(inspector)
    refused = client.post(
        reverse("supervision:rectification_return", args=[finding.pk]), {"reason": ""}
    )
    assert refused.status_code == 400
    client.post(reverse("supervision:rectification_close", args=[finding.pk]), {"note": "属实"})
    finding.refresh_from_db()
    assert finding.state == FindingState.CLOSED
    assert 'id="finding-state"' in client.get(url).content.decode()


def test_the_submitter_is_told_another_must_verify(today, inspector, county_admin, signed_in):
    finding = through(record(inspector), submitter=county_admin)
    page = signed_in(county_admin).get(reverse("supervision:finding", args=[finding.pk]))
    assert 'id="close"' not in page.content.decode()
    assert 'class="notice"' in page.content.decode()
    response = signed_in(county_admin).post(
        reverse("supervision:rectification_close", args=[finding.pk]), {"note": ""}
    )
    assert response.status_code == 400


def test_the_rates_page(today, inspector, signed_in):
    record(inspector)
    page = signed_in(inspector).get(
        reverse("supervision:rectification_rates"), {"from": "2026-11", "to": "2026-12"}
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="by-unit"' in body and "马王街道" in body


@pytest.mark.parametrize(
    "username", ["county_admin", "township_staff", "inspector", "leader", "helper_wang"]
)
def test_the_pages_answer_each_named_person(username, today, inspector, client):
    from bangfu.accounts.models import User

    finding = record(inspector)
    client.force_login(User.objects.get(username=username))
    assert client.get(reverse("supervision:findings")).status_code == 200
    assert client.get(reverse("supervision:rectification_rates")).status_code == 200
    detail = client.get(reverse("supervision:finding", args=[finding.pk])).status_code
    assert detail == (404 if username == "helper_wang" else 200)  # 石桥村 is not hers
    add = client.get(reverse("supervision:finding_add")).status_code
    assert add == (200 if username in ("county_admin", "inspector") else 403)


def test_the_workflow_through_the_api(today, inspector, township_staff, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(inspector)
    created = client.post(
        "/api/supervision/findings/with-photos",
        {
            "region_code": VILLAGE,
            "category": "2",
            "description": "记录不实",
            "photos": [SimpleUploadedFile("a.jpg", jpeg(1)), SimpleUploadedFile("b.jpg", jpeg(2))],
        },
    )
    assert created.status_code == 201, created.content
    finding = created.json()
    assert (finding["state"], len(finding["evidence"]), finding["deadline"]) == (
        "assigned",
        2,
        "2026-12-21",
    )
    path = f"/api/supervision/findings/{finding['id']}"
    client.force_login(township_staff)
    assert client.get(path).json()["may"] == ["start", "submit"]
    started = client.post(f"{path}/start", {"note": ""}, content_type="application/json")
    assert started.json()["state"] == "in_progress"
    submitted = client.post(
        f"{path}/submit", {"note": "已整改", "photos": SimpleUploadedFile("c.jpg", jpeg(3))}
    )
    assert submitted.json()["state"] == "submitted"
    refused = client.post(f"{path}/close", {}, content_type="application/json")
    assert refused.status_code == 403
    client.force_login(inspector)
    wrong = client.post(f"{path}/start", {}, content_type="application/json")
    assert wrong.status_code == 403
    closed = client.post(f"{path}/close", {"note": "核实"}, content_type="application/json")
    assert closed.json()["state"] == "closed" and closed.json()["closed_on"] == "2026-11-30"
    again = client.post(f"{path}/return", {"reason": "再查"}, content_type="application/json")
    assert again.status_code == 400 and again.json()["code"] == "bad_state"
    listed = client.get("/api/supervision/findings", {"state": "closed"}).json()
    assert [row["id"] for row in listed["items"]] == [finding["id"]]
    assert client.get("/api/supervision/findings/overdue").json()["items"] == []
    rates = client.get("/api/supervision/findings/rates", {"from_month": "2026-12"}).json()
    assert rates["period_start"] == "2026-12-01"
    json_recorded = client.post(
        "/api/supervision/findings",
        {"region_code": VILLAGE, "category": "9", "description": "其他问题"},
        content_type="application/json",
    )
    assert json_recorded.status_code == 201
