"""The visit pages and API: a helper's month, the phone page, paper entry, corrections,
compliance for a place, the flags for inspectors, the fixed days of a month."""

import datetime
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bangfu.pairing import services as pairing
from bangfu.registry.services import household_register
from bangfu.visits.models import Problem, Visit
from tests.registry.conftest import first_status, household_input, id_number, member_input

from .conftest import VILLAGE, at, jpeg, log

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
    assert worker["Content-Type"] == "text/javascript" and b"bangfu-offline-v2" in worker.content


def _after(page: str, first: str, then: str) -> bool:
    return first in page and then in page and page.index(first) < page.index(then)


def test_households_are_named_as_the_helper_knows_them(helper_wang, households, signed_in):
    """The head's name and the village first, the number after it (small)."""
    log(helper_wang, households[0], timezone.now(), latitude=34.25, longitude=108.7)
    client = signed_in(helper_wang)
    mine = client.get("/visits/mine/").content.decode()
    for household, head in zip(households, ("曾佳轩家", "马建国家", "李秀英家"), strict=True):
        assert _after(
            mine, f'<strong>{head}</strong> <span class="muted">· 马家寨村', household.number
        )
    assert f'<small class="number">{households[0].number}</small>' in mine
    capture = client.get("/visits/capture/").content.decode()
    assert f'data-label="曾佳轩家 · 马家寨村" data-number="{households[0].number}"' in capture
    assert _after(
        capture, "<strong>李秀英家</strong>", f'<small class="number">{households[2].number}'
    )
    helper = households[0].pairings.get().helper
    month = client.get(f"/visits/helpers/{helper.pk}/month/").content.decode()
    assert _after(
        month, "<strong>曾佳轩家</strong>", f'<small class="number">{households[0].number}'
    )


def test_naming_costs_the_same_for_three_households_or_five(
    county_admin, helper_wang, households, wang, signed_in
):
    client = signed_in(helper_wang)

    def queries(url):
        with CaptureQueriesContext(connection) as run:
            assert client.get(url).status_code == 200
        return len(run)

    urls = ["/visits/mine/", "/visits/capture/", f"/visits/helpers/{wang.pk}/month/"]
    for household in households:
        log(helper_wang, household, timezone.now())
    before = [queries(url) for url in urls]
    for serial in ("004", "005"):  # five: the default cap of a helper
        household = household_register(
            actor=county_admin,
            household=household_input(number=f"6111030022010{serial}", region_code=VILLAGE),
            members=[member_input(name="张" + serial, id_number=id_number("19700101", serial))],
            status=first_status(),
        )
        pairing.pairing_start(
            actor=county_admin,
            household_id=household.pk,
            helper_id=wang.pk,
            started_on=D(2026, 1, 1),
        )
        log(helper_wang, household, timezone.now())
    assert [queries(url) for url in urls] == before
    assert "张005家" in client.get("/visits/mine/").content.decode()


def test_a_helper_opens_their_own_month_and_only_theirs(
    county_admin, helper_wang, households, wang, unit, signed_in
):
    """A helper's record carries their unit's place (the county here), above the village their
    login holds: the place scope alone answered 404 to the helper's own "my month" link."""
    client = signed_in(helper_wang)
    mine = client.get("/visits/mine/").content.decode()
    link = f"/visits/helpers/{wang.pk}/month/"
    assert f'href="{link}"' in mine
    own = client.get(link)
    assert own.status_code == 200 and own["Bangfu-Offline"] == "keep"
    assert 'id="offline-state"' in own.content.decode()
    other = pairing.helper_create(actor=county_admin, name="李娜", unit_id=unit.pk)
    assert client.get(f"/visits/helpers/{other.pk}/month/").status_code == 404
    # Others still need the place scope; the office's view of a helper is not kept offline.
    office = signed_in(county_admin).get(link)
    assert office.status_code == 200 and "Bangfu-Offline" not in office
    assert 'id="offline-state"' not in office.content.decode()


def test_the_helpers_pages_say_how_old_they_are_and_are_kept_offline(helper_wang, wang, signed_in):
    client = signed_in(helper_wang)
    for url in ("/visits/mine/", "/visits/capture/", f"/visits/helpers/{wang.pk}/month/"):
        response = client.get(url)
        page = response.content.decode()
        assert response["Bangfu-Offline"] == "keep" and "no-store" in response["Cache-Control"]
        state = page[page.index('id="offline-state"') :]
        assert 'data-copy="live"' in state.split(">")[0] and "hidden" in state.split(">")[0]
        # With them the helper's follow-up page, whose worker (scope /health/) is registered
        # too, so that it opens offline (no household yet: no acknowledgement page).
        keep = (
            f'data-keep="/visits/mine/ /visits/capture/ /visits/helpers/{wang.pk}/month/'
            ' /health/follow-ups/new/"'
        )
        assert keep in state.split(">")[0]
        assert 'data-workers="/health/sw.js"' in state.split(">")[0]
        assert "离线" in state and "数据截至" in state and "本机待上传走访" in state
        assert "/static/visits/offline.js" in page and "/static/visits/queue.js" in page


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
