"""A helper logs a visit on a phone with the network cut; it reaches the server exactly once
when the network is back, and sending it again does not record it twice. Online and offline
the page runs under the Content-Security-Policy."""

import re

import pytest
from django.db import close_old_connections
from playwright.sync_api import expect

from bangfu.visits.models import Problem, Visit
from tests.visits.conftest import households, unit, wang  # noqa: F401 — fixtures

from .test_sign_in import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


READ_QUEUE = """() => new Promise((resolve) => {
  const opening = indexedDB.open("bangfu-visits", 1);
  opening.onsuccess = () => {
    const reading = opening.result.transaction("queue").objectStore("queue").getAll();
    reading.onsuccess = () => resolve(reading.result);
  };
})"""
PUT_BACK = """(item) => new Promise((resolve) => {
  const opening = indexedDB.open("bangfu-visits", 1);
  opening.onsuccess = () => {
    const tx = opening.result.transaction("queue", "readwrite");
    tx.objectStore("queue").put(item);
    tx.oncomplete = () => resolve();
  };
})"""


def visits():
    close_old_connections()
    return list(Visit.objects.values_list("household_id", "notes"))


def log_visit(page, household, notes):
    page.click(f'[data-household="{household.pk}"]')
    page.check('#step-visit input[name=services][value="2"]')
    page.fill("#notes", notes)
    page.fill("#problems", "屋顶漏雨")
    page.click("#step-visit button[type=submit]")
    page.wait_for_selector("#step-done:not([hidden])")


def test_a_visit_logged_offline_arrives_once(
    live_server,
    helper_wang,
    households,  # noqa: F811 — the fixture imported above
    phone_page,
    password,
):
    page = phone_page
    sign_in(page, live_server.url, "helper_wang", password)
    online = page.goto(live_server.url + "/visits/capture/")
    assert "no-store" in online.headers["cache-control"]
    page.wait_for_selector('#offline-state[data-offline-ready="true"]', state="attached")
    assert page.locator("#offline-state").is_hidden()  # a fresh page, with a network
    # The Cache API keeps the page although the browser's HTTP cache may not (no-store).
    assert page.evaluate("caches.match('/visits/capture/').then((hit) => !!hit)")

    page.context.set_offline(True)
    offline = page.reload()  # served by the service worker from its cache
    assert offline.from_service_worker
    # The cached copy keeps its policy: the page works offline under the same rules
    # (phone_page fails the test on any refusal).
    assert offline.headers["content-security-policy"] == online.headers["content-security-policy"]
    assert page.locator(f'[data-household="{households[0].pk}"]').is_visible()
    # The saved copy's counts are not shown as if fresh: offline, as of when it was made.
    assert page.locator("#offline-state").is_visible()
    assert "离线" in page.inner_text("#offline-state")
    assert re.fullmatch(r"\d\d-\d\d \d\d:\d\d", page.inner_text("#offline-state time"))
    log_visit(page, households[0], "送米面油，讲解防返贫政策")
    page.wait_for_selector("#queue li")
    assert page.locator("#queue li").count() == 1
    assert page.inner_text("#done-message") == "已保存在本机，有网络时自动上传。"
    page.wait_for_function(
        "document.querySelector('#offline-state [data-waiting]').textContent === '1'"
    )
    assert visits() == []
    queued = page.evaluate(READ_QUEUE)

    page.context.set_offline(False)  # the page hears "online" and sends its queue
    page.wait_for_selector("#queue li", state="detached")
    assert visits() == [(households[0].pk, "送米面油，讲解防返贫政策")]
    assert Problem.objects.get().description == "屋顶漏雨"

    # The phone sends the same visit again (its answer was lost, or it was sent twice): the
    # server answers with the visit it has, and the queue empties without a second visit.
    page.evaluate(PUT_BACK, queued[0])
    with page.expect_response("**/api/visits") as answer:
        page.evaluate("window.dispatchEvent(new Event('online'))")
    # 200, not 201: the visit it already had. (The page never reads a receipt's body, and a
    # no-store body nobody reads never finishes loading: Playwright would wait for it forever.)
    assert answer.value.status == 200
    page.wait_for_selector("#queue li", state="detached")
    assert visits() == [(households[0].pk, "送米面油，讲解防返贫政策")]


def sign_out(page):
    page.click("form[action$='/logout/'] button")
    page.wait_for_load_state()


def test_a_visit_waiting_on_a_shared_phone_is_sent_only_under_its_own_login(
    live_server,
    helper_wang,
    households,  # noqa: F811 — the fixture imported above
    county_admin,
    unit,  # noqa: F811
    phone_page,
    password,
):
    """Two helpers share a phone: what one left waiting is never sent under the other's
    name; it waits, saying why, until its own login is back."""
    import uuid

    from bangfu.pairing.services import helper_create, pairing_start
    from tests.factories import UserFactory

    li = UserFactory(username="helper_li", places=["611103002201"], roles=["pair_helper"])
    helper_li = helper_create(actor=county_admin, name="李帮扶", unit_id=unit.pk, user_id=li.pk)
    pairing_start(
        actor=county_admin,
        household_id=households[0].pk,
        helper_id=helper_li.pk,
        started_on=households[0].pairings.get().started_on,
    )
    page = phone_page
    sign_in(page, live_server.url, "helper_li", password)
    page.goto(live_server.url + "/visits/capture/")
    # What 王哲铭 saved on this phone before signing out, with no network to send it.
    waiting = {
        "client_id": str(uuid.uuid4()),
        "owner": helper_wang.pk,
        "label": "曾佳轩家",
        "number": households[0].number,
        "household_id": households[0].pk,
        "visited_at": "2026-11-26T02:00:00.000Z",
        "kind": "home",
        "services": [],
        "notes": "王哲铭离线记录",
        "problems": [],
        "goods_value": "0",
        "money_value": "0",
        "jobs_found": 0,
        "latitude": 34.25,
        "longitude": 108.7,
        "accuracy_m": 20,
        "photos": [],
        "visit_sent": False,
        "refused": "",
    }
    page.evaluate(PUT_BACK, waiting)
    # 李帮扶 logs a visit of their own: the send that records it passes over 王哲铭's.
    log_visit(page, households[0], "李帮扶在线记录")
    # A locator's own wait, not wait_for_function: polling a predicate evals in the page,
    # which the Content-Security-Policy refuses (and the fixture reports). The card first:
    # the list holds one item also before 李帮扶's is drawn into it.
    page.wait_for_selector("#done-message:has-text('走访已记录')")
    expect(page.locator("#queue li")).to_have_count(1)
    assert visits() == [(households[0].pk, "李帮扶在线记录")]
    assert "另一个账号" in page.inner_text("#queue li")
    sign_out(page)

    sign_in(page, live_server.url, "helper_wang", password)
    page.goto(live_server.url + "/visits/capture/")
    # The list may not be drawn yet when the page has loaded (IndexedDB answers later), so
    # its emptiness proves nothing: wait for the server to have the visit.
    for _tick in range(100):
        close_old_connections()
        if Visit.objects.filter(notes="王哲铭离线记录").exists():
            break
        page.wait_for_timeout(100)
    page.wait_for_selector("#queue li", state="detached")
    assert Visit.objects.get(notes="王哲铭离线记录").recorded_by == helper_wang
