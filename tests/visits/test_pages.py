"""The visit pages and API: a helper's month, the phone page, paper entry, corrections,
compliance for a place, the flags for inspectors, the fixed days of a month."""

import datetime
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bangfu.visits.models import Problem, Visit

from .conftest import at, jpeg, log

D = datetime.date


def test_a_helper_sees_their_households_and_the_phone_page(helper_wang, households, signed_in):
    log(helper_wang, households[0], timezone.now())
    client = signed_in(helper_wang)
    mine = client.get("/visits/mine/").content.decode()
    assert households[0].number in mine and "1 / 4" not in mine
    assert f'href="/visits/capture/?household={households[1].pk}"' in mine
    capture = client.get(f"/visits/capture/?household={households[0].pk}").content.decode()
    assert f'data-household="{households[2].pk}"' in capture
    assert f'data-chosen="{households[0].pk}"' in capture and "送信心" in capture
    assert "/static/visits/capture" in capture
    worker = client.get("/visits/sw.js")
    assert worker["Content-Type"] == "text/javascript" and b"bangfu-capture-v1" in worker.content


def test_the_api_records_a_visit_once_and_takes_its_photos(helper_wang, households, signed_in):
    client = signed_in(helper_wang)
    body = {
        "client_id": str(uuid.uuid4()),
        "household_id": households[0].pk,
        "visited_at": timezone.now().isoformat(),
        "kind": "home",
        "services": ["2"],
        "problems": ["屋顶漏雨"],
        "goods_value": "88.50",
        "latitude": 34.25,
        "longitude": 108.7,
    }
    first = client.post("/api/visits", body, content_type="application/json")
    again = client.post("/api/visits", body, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["created"] is True and again.json()["created"] is False
    assert first.json()["id"] == again.json()["id"] and first.json()["distance_m"] == 0
    assert Visit.objects.count() == 1 and Problem.objects.count() == 1
    photo = {"photo_id": str(uuid.uuid4())}
    url = f"/api/visits/{body['client_id']}/photos"
    sent = client.post(url, {**photo, "photo": SimpleUploadedFile("a.jpg", jpeg())})
    resent = client.post(url, {**photo, "photo": SimpleUploadedFile("a.jpg", jpeg())})
    assert (sent.status_code, resent.status_code) == (201, 200)
    refused = client.post(
        "/api/visits",
        {**body, "client_id": str(uuid.uuid4()), "services": ["77"]},
        content_type="application/json",
    )
    assert refused.status_code == 400 and refused.json()["field"] == "services"
    visit = Visit.objects.get()
    page = client.get(f"/visits/{visit.pk}/").content.decode()
    assert (
        "送物资" in page and "88.50" in page and f"/visits/photos/{visit.photos.get().pk}/" in page
    )
    assert client.get(f"/visits/photos/{visit.photos.get().pk}/")["Content-Type"] == "image/jpeg"


def test_staff_enter_a_paper_record_and_correct_it(county_admin, wang, households, signed_in):
    client = signed_in(county_admin)
    form = client.get(f"/visits/households/{households[0].pk}/new/").content.decode()
    assert "王哲铭" in form
    response = client.post(
        f"/visits/households/{households[0].pk}/new/",
        {
            "helper": wang.pk,
            "visited_at": "2026-10-15T09:30",
            "kind": "home",
            "services": ["4", "8"],
            "notes": "测血压，讲解医保政策",
            "goods_value": "0",
            "money_value": "300",
            "jobs_found": "0",
            "problems": "药费负担重\n",
        },
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.recorded_by == county_admin and visit.helper == wang
    household_page = client.get(f"/households/{households[0].pk}/").content.decode()
    assert "药费负担重" in household_page and "测血压" in household_page
    edit = client.post(
        f"/visits/{visit.pk}/edit/",
        {
            "visited_at": "2026-10-15T15:00",
            "kind": "phone",
            "goods_value": "0",
            "money_value": "300",
            "jobs_found": "0",
        },
    )
    assert edit.status_code == 302
    visit.refresh_from_db()
    assert visit.kind == "phone" and timezone.localtime(visit.visited_at).hour == 15
    problem = visit.problems.get()
    solve = client.post(
        f"/visits/problems/{problem.pk}/solve/",
        {"solved_on": "2026-10-20", "solution": "纳入慢病报销", "household": households[0].pk},
    )
    assert solve.status_code == 302
    assert Problem.objects.get().solved_on == D(2026, 10, 20)
    refused = client.post(f"/visits/{visit.pk}/delete/", {"reason": "录错"}, follow=True)
    assert Visit.objects.count() == 1 and "已解决" in refused.content.decode()


def test_compliance_for_a_place_and_a_month(
    thursdays, county_admin, helper_wang, households, signed_in
):
    for day in (8, 15, 22, 29):
        log(helper_wang, households[0], at(D(2026, 10, day)))
    log(helper_wang, households[1], at(D(2026, 10, 9)), jobs_found=2)
    client = signed_in(county_admin)
    page = client.get("/visits/compliance/?place=611103002000&month=2026-10").content.decode()
    assert "33%" in page  # 1 of 3 paired households met the minimum of 4 (a past month)
    assert "马家寨村" in page and households[1].number in page and households[0].number not in page
    download = client.get("/visits/compliance/?place=611103002000&month=2026-10&format=xlsx")
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    api = client.get("/api/compliance/visits?place=611103002201&month=2026-10").json()
    assert (api["households"], api["compliant"], api["visits"], api["jobs_found"]) == (3, 1, 5, 2)
    assert (api["fixed_days"], api["fixed_days_met"]) == (12, 4)
    month = client.get(
        f"/visits/helpers/{households[0].pairings.get().helper_id}/month/?month=2026-10"
    ).content.decode()
    assert month.count('class="fixed"') == 4


def test_fixed_days_page_shows_moved_days(thursdays, county_admin, signed_in):
    page = (
        signed_in(county_admin)
        .get("/visits/places/611103002201/fixed-days/?month=2026-10")
        .content.decode()
    )
    assert "2026-10-08" in page and "国庆节" in page and "2026-10-01" not in page.split("国庆节")[1]


def test_inspectors_see_flags_and_helpers_do_not(inspector, helper_wang, households, signed_in):
    far = log(helper_wang, households[0], timezone.now(), latitude=34.3, longitude=108.7)
    page = signed_in(inspector).get("/visits/flags/").content.decode()
    assert households[0].number in page and "500" in page
    assert signed_in(helper_wang).get("/visits/flags/").status_code == 403
    assert signed_in(helper_wang).get(f"/api/visits/{far.pk}/flags").status_code == 403
