"""The project library's pages and API: the list and its filters, a project with what the
reader may do, the forms posting to the services, files served within the reader's places.
Today is 2026-11-30."""

import datetime

import pytest
from django.urls import reverse

from bangfu.projects.models import Project, ProjectFile, Stage
from tests.visits.conftest import jpeg

from .conftest import OTHER_VILLAGE, VILLAGE

DAY = datetime.date(2026, 3, 1)


@pytest.fixture
def projects(today, make_project):
    return {
        "road": make_project("XM-1", kind="1", stage=Stage.STARTED, day=DAY, name="石桥村道路"),
        "farm": make_project("XM-2", kind="2", stage=Stage.PLANNED, day=DAY, name="石桥村大棚"),
        "old": make_project("XM-3", kind="2", year=2025, stage=Stage.ACCEPTED, day=DAY),
        "there": make_project(
            "XM-4",
            kind="5",
            region_code=OTHER_VILLAGE,
            stage=Stage.APPROVED,
            day=DAY,
            name="马家寨村水",
        ),
    }


def numbers(response) -> list[str]:
    return [p.number for p in response.context["page"]]


def test_the_library_filters_by_place_year_kind_stage_and_search(projects, signed_in, leader):
    client = signed_in(leader)
    url = reverse("projects:library")
    assert numbers(client.get(url)) == ["XM-1", "XM-2", "XM-4", "XM-3"]
    assert numbers(client.get(url, {"year": "2025"})) == ["XM-3"]
    assert numbers(client.get(url, {"kind": "2", "year": "2026"})) == ["XM-2"]
    assert numbers(client.get(url, {"stage": "started"})) == ["XM-1"]
    assert numbers(client.get(url, {"q": "大棚"})) == ["XM-2"]
    assert numbers(client.get(url, {"place": OTHER_VILLAGE})) == ["XM-4"]
    assert client.get(url, {"stage": "nonsense"}).status_code == 400
    assert client.get(url, {"year": "99999"}).status_code == 400


def test_a_township_sees_its_own_projects_only(projects, signed_in, township_staff):
    client = signed_in(township_staff)
    assert numbers(client.get(reverse("projects:library"))) == ["XM-1", "XM-2", "XM-3"]
    there = reverse("projects:project", args=[projects["there"].pk])
    assert client.get(there).status_code == 404


def test_the_project_page_offers_what_the_reader_may_do(projects, signed_in, county_admin, leader):
    url = reverse("projects:project", args=[projects["road"].pk])
    page = signed_in(county_admin).get(url)
    assert page.status_code == 200
    assert page.context["step_form"] and page.context["output_form"]
    assert [s for s, _label in page.context["may"]["steps"]] == ["completed", "cancelled"]
    assert "100,000.00" in page.content.decode()  # yuan as the ledgers write them
    page = signed_in(leader).get(url)
    assert page.context["step_form"] is None and page.context["file_form"] is None


def test_a_project_is_planned_on_the_form(today, signed_in, township_staff):
    client = signed_in(township_staff)
    data = {
        "region_code": VILLAGE,
        "number": "XM-9",
        "name": "石桥村路灯",
        "kind": "1",
        "year": "2026",
        "responsible_unit": "马王街道办",
        "fund_1": "120000",
        "fund_6": "",
        "beneficiary_villages": [VILLAGE],
    }
    response = client.post(reverse("projects:project_add"), data)
    project = Project.objects.get(number="XM-9")
    assert response.status_code == 302
    assert list(project.planned_funds.values_list("source__value", flat=True)) == ["1"]
    refused = client.post(reverse("projects:project_add"), data | {"fund_1": ""})
    assert refused.status_code == 400
    assert "at least one source" in refused.content.decode() or refused.context["form"].errors


def test_steps_outputs_notes_and_beneficiaries_post_back_to_the_project(
    projects, signed_in, county_admin
):
    client = signed_in(county_admin)
    project = projects["road"]
    back = reverse("projects:project", args=[project.pk])
    posts = [
        ("projects:output_record", {"kind": "2", "quantity": "40"}),
        ("projects:progress_note_record", {"month": "2026-11", "note": "路灯安装"}),
        ("projects:project_advance", {"stage": "completed", "day": "2026-11-30"}),
    ]
    for name, data in posts:
        response = client.post(reverse(name, args=[project.pk]), data)
        assert (response.status_code, response.url) == (302, back), name
    refused = client.post(
        reverse("projects:project_advance", args=[project.pk]),
        {"stage": "accepted", "day": "2026-11-29"},
    )
    assert refused.status_code == 400
    assert "2026-11-30" in refused.content.decode()
    page = client.get(back)
    assert "40 盏" in page.content.decode()
    missing = client.post(
        reverse("projects:beneficiary_add", args=[project.pk]),
        {"household_number": "0000", "mode": "1"},
    )
    assert missing.status_code == 400


def test_files_are_served_within_the_readers_places(
    projects, signed_in, county_admin, other_county_admin, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = signed_in(county_admin)
    project = projects["road"]
    upload = client.post(
        reverse("projects:project_file_add", args=[project.pk]),
        {"name": "", "file": _upload("开工.jpg", jpeg())},
    )
    assert upload.status_code == 302
    record = ProjectFile.objects.get()
    assert record.name == "开工.jpg"
    url = reverse("projects:project_file", args=[record.pk])
    served = client.get(url)
    assert (served.status_code, served["Content-Type"]) == (200, "image/jpeg")
    assert signed_in(other_county_admin).get(url).status_code == 404


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_the_api_lists_reads_and_advances(projects, signed_in, county_admin):
    client = signed_in(county_admin)
    listed = client.get("/api/projects", {"kind": "2"}).json()
    assert [p["number"] for p in listed["items"]] == ["XM-2", "XM-3"]
    project = projects["farm"]
    answer = client.post(
        f"/api/projects/{project.pk}/steps",
        {"stage": "approved", "day": "2026-11-30"},
        content_type="application/json",
    )
    assert answer.status_code == 200
    body = answer.json()
    assert (body["stage"], body["next_stages"]) == ("approved", ["started", "cancelled"])
    assert body["planned_funds"][0]["amount"] == "100000.00"
    refused = client.post(
        f"/api/projects/{project.pk}/outputs",
        {"kind": "1", "quantity": "2"},
        content_type="application/json",
    )
    assert (refused.status_code, refused.json()["code"]) == (400, "not_started")


def test_the_api_plans_a_project_with_each_source_once(today, signed_in, township_staff):
    client = signed_in(township_staff)
    body = {
        "region_code": VILLAGE,
        "number": "XM-20",
        "name": "石桥村文化广场",
        "kind": "4",
        "year": 2026,
        "responsible_unit": "马王街道办",
        "planned_funds": [{"source": "3", "amount": "180000"}],
        "beneficiary_villages": [VILLAGE],
    }
    made = client.post("/api/projects", body, content_type="application/json")
    assert made.status_code == 201
    assert made.json()["stage"] == "planned"
    twice = body | {
        "number": "XM-21",
        "planned_funds": [{"source": "3", "amount": "1"}, {"source": "3", "amount": "2"}],
    }
    refused = client.post("/api/projects", twice, content_type="application/json")
    assert (refused.status_code, refused.json()["field"]) == (400, "planned_funds")


def test_the_project_page_leads_to_its_ledger_and_an_accepted_projects_assets(
    today, make_project, client, county_admin, leader
):
    accepted = make_project("611103-2026-951", stage=Stage.ACCEPTED)
    started = make_project("611103-2026-952", stage=Stage.STARTED)
    register = reverse("projects:asset_register", args=[accepted.pk])
    client.force_login(county_admin)
    page = client.get(reverse("projects:project", args=[accepted.pk])).content.decode()
    assert reverse("projects:project_ledger", args=[accepted.pk]) in page and register in page
    page = client.get(reverse("projects:project", args=[started.pk])).content.decode()
    assert reverse("projects:asset_register", args=[started.pk]) not in page
    client.force_login(leader)  # reads, records nothing
    assert (
        register not in client.get(reverse("projects:project", args=[accepted.pk])).content.decode()
    )
