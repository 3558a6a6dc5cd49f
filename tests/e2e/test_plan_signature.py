"""A pair helper on a 360 px phone, with the network cut, records a follow-up (随访) of a
household member and has the household sign its plan on the screen (户主签字确认): both
wait on the phone (离线, 待上传), each with an id the phone made, and reach the server once
when the network is back — sending one again records nothing more. The household's
handbook PDF then prints the measure and the signature, whose area on the page that
pdftoppm renders holds ink. Online and offline the pages run under the
Content-Security-Policy (``phone_page`` fails the test on any refusal)."""

import datetime

import pytest
from django.db import close_old_connections
from django.urls import reverse
from django.utils import timezone

from bangfu.health.models import FollowUp
from bangfu.health.services import ConditionInput, condition_record
from bangfu.plans.models import Acknowledgement
from tests.plans.conftest import add
from tests.plans.pdf import signature_area_darkest
from tests.reports.test_handbook import page_texts
from tests.visits.conftest import households, unit, wang  # noqa: F401 — fixtures

from .test_sign_in import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

READ_QUEUE = """(name) => new Promise((resolve) => {
  const opening = indexedDB.open(name, 1);
  opening.onsuccess = () => {
    const reading = opening.result.transaction("queue").objectStore("queue").getAll();
    reading.onsuccess = () => resolve(reading.result);
  };
})"""
PUT_BACK = """([name, item]) => new Promise((resolve) => {
  const opening = indexedDB.open(name, 1);
  opening.onsuccess = () => {
    const tx = opening.result.transaction("queue", "readwrite");
    tx.objectStore("queue").put(item);
    tx.oncomplete = () => resolve();
  };
})"""


def draw(page, selector: str) -> None:
    """A scrawl across the canvas with a finger (pointer events, as a touch screen sends)."""
    page.locator(selector).scroll_into_view_if_needed()
    box = page.locator(selector).bounding_box()
    x, y, width, height = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + width * 0.1, y + height * 0.7)
    page.mouse.down()
    for step in range(1, 21):
        page.mouse.move(
            x + width * (0.1 + 0.04 * step), y + height * (0.3 if step % 2 else 0.7), steps=3
        )
    page.mouse.up()


def recorded():
    close_old_connections()
    return (
        list(FollowUp.objects.values_list("condition__member__name", "kind", "recorded_by")),
        list(Acknowledgement.objects.values_list("signed_by", "kind", "recorded_by")),
    )


def test_a_helper_records_a_follow_up_and_a_signature_offline_and_the_handbook_prints_it(
    live_server,
    settings,
    tmp_path,
    county_admin,
    helper_wang,
    households,  # noqa: F811 — the fixture imported above
    wang,  # noqa: F811
    phone_page,
    password,
):
    settings.MEDIA_ROOT = tmp_path / "media"
    household = households[0]
    today = timezone.localdate()  # the server's day, which the phone's form is given
    add(
        helper_wang,
        household,
        content="发展养殖：购进仔猪5头",
        starts_on=datetime.date(2026, 3, 1),
        due_on=datetime.date(2026, 12, 31),
        responsible_helper_id=wang.pk,
    )
    head = household.members.get()
    illness = condition_record(
        actor=county_admin,
        member_id=head.pk,
        condition=ConditionInput(
            illness="1", kind="chronic", diagnosed_on=datetime.date(2024, 1, 1)
        ),
    )
    page = phone_page
    sign_in(page, live_server.url, "helper_wang", password)

    # The household page leads to the phone page; opened online, it keeps itself and the
    # households' acknowledgement pages, and registers the workers of /visits/ and /plans/.
    page.goto(live_server.url + reverse("registry:household_detail", args=[household.pk]))
    page.click(f"#health a[href$='?household={household.pk}']")
    page.wait_for_url("**/health/follow-ups/new/?household=*")
    page.wait_for_selector('#offline-state[data-offline-ready="true"]', state="attached")
    acknowledge = f"/plans/households/{household.pk}/acknowledge/"
    assert page.evaluate(f"caches.match('{acknowledge}').then((hit) => !!hit)")

    # No network: the browser's offline switch, and the API's requests refused as well. Once
    # in CI the follow-up still reached the server while the switch alone was on (not
    # reproduced since); a phone without a network sends nothing, and the test is about what
    # the pages do then.
    page.context.route("**/api/**", lambda route: route.abort("internetdisconnected"))
    page.context.set_offline(True)
    offline = page.reload()  # served by the service worker from its cache
    assert offline.from_service_worker
    assert "离线" in page.inner_text("#offline-state")
    assert page.input_value("#condition") == str(illness.pk)  # ?household= chose it
    assert page.input_value("#by") == "王哲铭"
    page.fill("#held_on", today.isoformat())
    page.check("input[name=kind][value=phone]")
    page.fill("#findings", "血压平稳，按时服药")
    page.fill("#next_due", (today + datetime.timedelta(days=90)).isoformat())
    page.click("#follow-up-form button[type=submit]")
    page.wait_for_selector("#follow-up-done:not([hidden])")
    page.wait_for_selector("#queue li")
    assert page.inner_text("#done-message") == "已保存在本机，有网络时自动上传。"
    assert "等待上传" in page.inner_text("#queue li")
    page.wait_for_selector("#offline-state [data-waiting]:has-text('1')")

    # The acknowledgement page opens offline too (the worker of /plans/ serves its copy).
    signing = page.goto(live_server.url + acknowledge)
    assert signing.from_service_worker
    assert "离线" in page.inner_text("#offline-state")
    assert "购进仔猪5头" in page.inner_text("main")
    assert page.input_value("#id_signed_by") == "曾佳轩"  # the head signs
    canvas = page.locator("#signature")
    assert canvas.is_visible() and canvas.bounding_box()["width"] <= 360  # fits the phone
    assert not page.locator("#id_image").is_visible()  # the camera is for paper only
    draw(page, "#signature")
    page.click("#acknowledge button[type=submit]")
    page.wait_for_selector("#queue li")
    assert page.inner_text("#done-message") == "已保存在本机，有网络时自动上传。"
    page.wait_for_selector("#offline-state [data-waiting]:has-text('1')")
    assert recorded() == ([], [])
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # The network is back: the page hears "online" and sends the signature ...
    page.context.unroute("**/api/**")
    page.context.set_offline(False)
    page.wait_for_selector("#queue li", state="detached")
    page.wait_for_selector("#done-message:has-text('户主签字确认已记录')")
    # ... and the follow-up page sends the follow-up when it opens.
    page.goto(live_server.url + "/health/follow-ups/new/")
    page.wait_for_selector("#queue-status:has-text('已上传')")
    page.wait_for_selector("#queue li", state="detached")
    assert recorded() == (
        [("曾佳轩", "phone", helper_wang.pk)],
        [("曾佳轩", "signature", helper_wang.pk)],
    )
    follow_up = FollowUp.objects.get()
    assert follow_up.client_id is not None and follow_up.held_on == today

    # Sent again (an answer lost, a double send): the server answers with what it has.
    queued = {"client_id": str(follow_up.client_id), "owner": helper_wang.pk, "label": "曾佳轩",
              "made_at": timezone.now().isoformat(), "condition_id": illness.pk,
              "held_on": today.isoformat(), "by": "王哲铭", "kind": "phone",
              "findings": "", "next_due": None, "refused": ""}  # fmt: skip
    page.evaluate(PUT_BACK, ["bangfu-follow-ups", queued])
    with page.expect_response(f"**/api/health/conditions/{illness.pk}/follow-ups") as answer:
        page.evaluate("window.dispatchEvent(new Event('online'))")
    assert answer.value.status == 200  # not 201; the body is never read (no-store)
    page.wait_for_selector("#queue li", state="detached")
    assert FollowUp.objects.count() == 1

    # The plan shows the signature; the household's handbook prints the measure and it.
    page.goto(live_server.url + f"/plans/households/{household.pk}/")
    assert page.locator("img.signature").evaluate("(img) => img.complete && img.naturalWidth") > 0
    # Through the browser's own sign-in (the server's one database connection is shared
    # with the live server's thread: no second client in this one).
    pdf = page.request.get(
        live_server.url + reverse("reports:handbook_household", args=[household.pk])
    )
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    content = pdf.body()
    assert "购进仔猪5头" in "".join(page_texts(content))
    assert signature_area_darkest(content, tmp_path) < 100  # pdftoppm's page: the strokes
