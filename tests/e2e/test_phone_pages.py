"""A helper on a 360 px phone: households named as the helper knows them, "my households" and
the month opening with the network cut (offline, as of when, how many visits wait), and one
true message after a save. Every page runs under the Content-Security-Policy (phone_page)."""

import datetime
import re

import pytest
from django.db import close_old_connections
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError

from bangfu.pairing import services as pairing
from bangfu.visits.models import Visit
from tests.visits.conftest import households, log, unit, wang  # noqa: F401 — fixtures

from .live import between_requests
from .test_offline_visit import log_visit
from .test_sign_in import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOWN_TIME = r"\d\d-\d\d \d\d:\d\d"


def offline_line(page) -> dict:
    state = page.locator("#offline-state")
    return {
        "visible": state.is_visible(),
        "label": state.locator("strong").inner_text(),
        "waiting": state.locator("[data-waiting]").inner_text(),
        "as_of": state.locator("time").inner_text(),
        "made": state.locator("time").get_attribute("datetime"),
    }


def test_my_households_and_my_month_open_offline_with_the_queue(
    live_server,
    helper_wang,
    households,  # noqa: F811 — the fixture imported above
    wang,  # noqa: F811
    phone_page,
    password,
):
    page = phone_page
    log(helper_wang, households[0], timezone.now() - datetime.timedelta(minutes=5))
    sign_in(page, live_server.url, "helper_wang", password)
    page.goto(live_server.url + "/visits/mine/")
    # Online and fresh: no offline line. The households are named by head and village, the
    # number after them, small.
    page.wait_for_selector('#offline-state[data-offline-ready="true"]', state="attached")
    assert not page.locator("#offline-state").is_visible()
    first = page.locator("#households li").first
    assert first.locator(".household-name strong").inner_text() == "曾佳轩家"
    text = first.inner_text()
    assert text.index("曾佳轩家") < text.index("马家寨村") < text.index(households[0].number)
    number = first.locator(".number")
    assert number.inner_text() == households[0].number
    size = "(node) => parseFloat(getComputedStyle(node).fontSize)"
    assert number.evaluate(size) < first.locator(".household-name strong").evaluate(size)
    # The phone kept the helper's month and capture page with this one.
    for kept in ("/visits/mine/", "/visits/capture/", f"/visits/helpers/{wang.pk}/month/"):
        assert page.evaluate(
            "(key) => caches.keys().then((names) => Promise.all(names.map((n) => "
            "caches.open(n).then((c) => c.match(key))))).then((hits) => hits.some(Boolean))",
            kept,
        ), kept

    page.context.set_offline(True)
    # The capture page, from the phone's copy: a visit waits in the queue.
    page.goto(live_server.url + f"/visits/capture/?household={households[1].pk}")
    assert page.inner_text("#chosen-household") == "马建国家 · 马家寨村"
    assert page.inner_text("#chosen-number") == households[1].number
    # Opened for that household, the page goes straight to what was done.
    page.fill("#notes", "上门了解情况")
    page.click("#step-visit button[type=submit]")
    page.wait_for_selector("#step-done:not([hidden])")
    # The card says what became of the save once the send it tried has ended (with more
    # service workers on the phone, that can come after the card shows).
    page.wait_for_selector("#done-message[data-outcome]")
    assert page.inner_text("#done-message") == "已保存在本机，有网络时自动上传。"
    assert page.locator("#queue li").inner_text().startswith("马建国家 · 马家寨村")

    for path in ("/visits/mine/", f"/visits/helpers/{wang.pk}/month/"):
        response = page.goto(live_server.url + path)
        assert response.from_service_worker, path
        page.wait_for_function(
            "document.querySelector('#offline-state').dataset.counted === 'true'"
        )
        line = offline_line(page)
        assert line["visible"] and line["label"] == "离线" and line["waiting"] == "1", path
        assert re.fullmatch(SHOWN_TIME, line["as_of"]), line
        made = datetime.datetime.fromisoformat(line["made"])
        assert datetime.timedelta(0) <= timezone.now() - made < datetime.timedelta(minutes=5)
        assert "曾佳轩家" in page.inner_text("main"), path
    month = page.inner_text("main")
    assert wang.name in month

    page.context.set_offline(False)
    # The copy says so, and offers the current page; loaded afresh, the line is gone.
    page.wait_for_selector("#offline-state [data-reload]", state="visible")
    page.click("#offline-state [data-reload]")
    page.wait_for_load_state()
    assert not page.locator("#offline-state").is_visible()
    # The queued visit is sent once the capture page runs again with a network. Chromium's
    # offline emulation now and then lets through the send the page tried while offline (the
    # page, gone to the next page, never saw its answer); the resend of that id is then
    # answered 200 with the visit already recorded. Either way there is one visit, below.
    with page.expect_response("**/api/visits") as sent:
        page.goto(live_server.url + "/visits/capture/")
    assert sent.value.status in (201, 200)
    page.wait_for_selector("#queue li", state="detached")
    close_old_connections()
    assert sorted(Visit.objects.values_list("household_id", flat=True)) == [
        households[0].pk,
        households[1].pk,
    ]


def test_after_an_online_save_one_true_message(
    live_server,
    county_admin,
    helper_wang,
    households,  # noqa: F811
    wang,  # noqa: F811
    phone_page,
    password,
):
    page = phone_page
    sign_in(page, live_server.url, "helper_wang", password)
    page.goto(live_server.url + "/visits/capture/")
    button = page.locator(f'[data-household="{households[0].pk}"]')
    assert button.locator("strong").inner_text() == "曾佳轩家"
    log_visit(page, households[0], "送米面油")
    page.wait_for_selector('#done-message[data-outcome="recorded"]')
    assert page.inner_text("#done-message") == "已上传，走访已记录。"
    # Nothing else speaks of it: no "saved on this phone" and no second line at the top.
    assert page.locator("#queue-status").is_hidden()
    assert "已保存在本机" not in page.inner_text("main")
    assert page.locator("#queue li").count() == 0
    close_old_connections()
    assert Visit.objects.get().household_id == households[0].pk

    # The office ends the pairing meanwhile: the next visit is refused, and the card says so
    # with the server's reason; the visit stays on the phone.
    with between_requests():
        pairing.pairing_end(
            actor=county_admin,
            pairing_id=households[1].pairings.get().pk,
            ended_on=datetime.date(2026, 1, 1),
            reason="迁出",
        )
    page.click("[data-again]")
    log_visit(page, households[1], "上门走访")
    page.wait_for_selector('#done-message[data-outcome="refused"]')
    card = page.inner_text("#done-message")
    assert card.startswith("未被接受：") and households[1].number in card
    assert page.locator("#queue-status").is_hidden()
    assert page.locator("#queue li").count() == 1
    assert Visit.objects.count() == 1


def test_signing_out_forgets_the_pages_kept_on_the_phone(
    live_server,
    helper_wang,
    households,  # noqa: F811
    wang,  # noqa: F811
    phone_page,
    password,
):
    """The next person on a shared phone must not open the last one's households offline."""
    page = phone_page
    sign_in(page, live_server.url, "helper_wang", password)
    page.goto(live_server.url + "/visits/mine/")
    page.wait_for_selector('#offline-state[data-offline-ready="true"]', state="attached")
    kept = "caches.keys().then((names) => names.filter((n) => n.startsWith('bangfu-')).length)"
    assert page.evaluate(kept) == 1
    page.click(".who button[type=submit]")
    page.wait_for_selector("#id_username")
    for _attempt in range(50):  # forgetting is asynchronous: up to 5 s
        if page.evaluate(kept) == 0:
            break
        page.wait_for_timeout(100)
    assert page.evaluate(kept) == 0
    page.context.set_offline(True)
    with pytest.raises(PlaywrightError):  # the browser's own "no network" page
        page.goto(live_server.url + "/visits/mine/")
    page.context.set_offline(False)
    page.goto(live_server.url + "/")  # settle on a page of ours before the policy check
    page.wait_for_selector("#id_username")
