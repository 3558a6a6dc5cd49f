"""A team member checks in on a 360 px phone with the network cut; the check-in reaches the
server exactly once when the network is back, sending it again records nothing more, and
the member's month calendar shows the day in the village. The member then asks for the
rest of the day off, the team leader approves it on their phone, and the calendar shows the
day as leave with the check-in still on it. Online and offline the pages run
under the Content-Security-Policy (``phone_page`` fails the test on any refusal)."""

import re

import pytest
from django.db import close_old_connections
from django.utils import timezone

from bangfu.teams.models import CheckIn, LeaveState
from bangfu.teams.services import LeaveInput, leave_request
from tests.teams.attendance import member_with_login
from tests.teams.conftest import (  # noqa: F401 — fixtures
    RESIDENCE,
    leader,
    sending_unit,
    team,
    team_leader_login,
)

from .live import between_requests
from .test_sign_in import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

READ_QUEUE = """() => new Promise((resolve) => {
  const opening = indexedDB.open("bangfu-check-ins", 1);
  opening.onsuccess = () => {
    const reading = opening.result.transaction("queue").objectStore("queue").getAll();
    reading.onsuccess = () => resolve(reading.result);
  };
})"""
PUT_BACK = """(item) => new Promise((resolve) => {
  const opening = indexedDB.open("bangfu-check-ins", 1);
  opening.onsuccess = () => {
    const tx = opening.result.transaction("queue", "readwrite");
    tx.objectStore("queue").put(item);
    tx.oncomplete = () => resolve();
  };
})"""


def check_ins():
    close_old_connections()
    return list(CheckIn.objects.values_list("member__name", "distance_m"))


def test_a_check_in_made_offline_arrives_once_and_shows_in_the_month(
    live_server,
    county_admin,
    team,  # noqa: F811 — the fixture imported above
    sending_unit,  # noqa: F811
    leader,  # noqa: F811
    phone_page,
    password,
):
    member, login = member_with_login(county_admin, team, sending_unit)
    page = phone_page
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation(
        {"latitude": float(RESIDENCE[0]), "longitude": float(RESIDENCE[1]), "accuracy": 15}
    )
    sign_in(page, live_server.url, "team_member_li", password)
    online = page.goto(live_server.url + "/teams/check-in/")
    assert "no-store" in online.headers["cache-control"]
    assert page.inner_text("#term h2") == "马家寨村驻村工作队"
    page.wait_for_selector('#offline-state[data-offline-ready="true"]', state="attached")
    assert page.locator("#offline-state").is_hidden()
    month_url = f"/teams/members/{member.pk}/month/"
    assert page.evaluate("caches.match('/teams/check-in/').then((hit) => !!hit)")
    assert page.evaluate(f"caches.match('{month_url}').then((hit) => !!hit)")

    page.context.set_offline(True)
    offline = page.reload()  # served by the service worker from its cache
    assert offline.from_service_worker
    assert offline.headers["content-security-policy"] == online.headers["content-security-policy"]
    assert "离线" in page.inner_text("#offline-state")
    assert re.fullmatch(r"\d\d-\d\d \d\d:\d\d", page.inner_text("#offline-state time"))
    page.wait_for_selector("#position-state:has-text('已定位')")
    page.click("#check-in-form button[type=submit]")
    page.wait_for_selector("#check-in-done:not([hidden])")
    page.wait_for_selector("#queue li")
    assert page.locator("#queue li").count() == 1
    assert page.inner_text("#done-message") == "已保存在本机，有网络时自动上传。"
    page.wait_for_selector("#offline-state [data-waiting]:has-text('1')")
    assert check_ins() == []
    queued = page.evaluate(READ_QUEUE)

    page.context.set_offline(False)  # the page hears "online" and sends its queue
    page.wait_for_selector("#queue li", state="detached")
    assert check_ins() == [("李队员", 0)]
    page.wait_for_selector("#done-message:has-text('打卡已记录')")
    assert page.inner_text("[data-today-count]") == "1"

    # Sent again (an answer lost, a double send): the server answers with what it has.
    page.evaluate(PUT_BACK, queued[0])
    with page.expect_response("**/api/check-ins") as answer:
        page.evaluate("window.dispatchEvent(new Event('online'))")
    assert answer.value.status == 200  # not 201; the body is never read (no-store)
    page.wait_for_selector("#queue li", state="detached")
    assert check_ins() == [("李队员", 0)]

    # The month calendar: today in the village, with the check-in's time.
    page.goto(live_server.url + month_url)
    today = timezone.localdate()
    cell = page.locator(f'[data-day="{today:%Y-%m-%d}"]')
    assert cell.get_attribute("data-status") == "in_village"
    made = timezone.localtime(CheckIn.objects.get().checked_at)
    assert f"{made:%H:%M}" in cell.inner_text()
    assert page.inner_text("#month-totals [data-counted]") == "1"

    # The rest of the day off: the member asks, the team leader approves on their phone.
    with between_requests():
        leave = leave_request(
            actor=login,
            leave=LeaveInput(kind="2", first_day=today, last_day=today, reason="下午去县医院"),
        )
    page.context.clear_cookies()
    sign_in(page, live_server.url, "team_leader", password)
    page.goto(live_server.url + "/teams/leave/waiting/")
    card = page.locator("section.card", has_text="李队员")
    assert card.get_by_text("下午去县医院").is_visible()
    with page.expect_navigation():
        card.get_by_role("button", name="提交审批意见").click()
    assert page.get_by_text("已批准。").is_visible()
    close_old_connections()
    leave.refresh_from_db()
    assert leave.state == LeaveState.APPROVED

    # The member's calendar shows both: today is leave (leave over a check-in), and the
    # check-in is still there under it.
    page.context.clear_cookies()
    sign_in(page, live_server.url, "team_member_li", password)
    page.goto(live_server.url + month_url)
    cell = page.locator(f'[data-day="{today:%Y-%m-%d}"]')
    assert cell.get_attribute("data-status") == "leave"
    assert f"{made:%H:%M}" in cell.inner_text()
    assert "下午去县医院" in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
