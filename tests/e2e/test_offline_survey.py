"""An inspector on a 360 px phone opens a round's households to survey with a network, goes
where there is none, surveys a household and records a finding with a photo from the phone's
camera; back online, each reaches the server exactly once (the photo with its finding), and
the phone sending them again records nothing more. Online and offline the pages run under
the Content-Security-Policy (``phone_page`` fails the test on any refusal)."""

import re

import pytest
from django.db import close_old_connections
from django.utils import timezone

from bangfu.supervision.models import Evidence, Finding, Survey
from tests.supervision.surveys_world import round_with_sample, standard_questionnaire
from tests.visits.conftest import households, jpeg, unit, wang  # noqa: F401 — fixtures

from .test_sign_in import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

COUNTY = "611103000000"
READ_QUEUE = """() => new Promise((resolve) => {
  const opening = indexedDB.open("bangfu-supervision", 1);
  opening.onsuccess = () => {
    const reading = opening.result.transaction("queue").objectStore("queue").getAll();
    reading.onsuccess = () => resolve(reading.result);
  };
})"""
PUT_BACK = """(item) => new Promise((resolve) => {
  const opening = indexedDB.open("bangfu-supervision", 1);
  opening.onsuccess = () => {
    const tx = opening.result.transaction("queue", "readwrite");
    tx.objectStore("queue").put(item);
    tx.oncomplete = () => resolve();
  };
})"""


def recorded():
    close_old_connections()
    return (
        list(Survey.objects.values_list("household_id", "method", "respondent")),
        list(Finding.objects.values_list("household_id", "description")),
        Evidence.objects.count(),
    )


def test_a_survey_and_a_finding_made_offline_arrive_once(
    live_server,
    settings,
    tmp_path,
    world,
    inspector,
    households,  # noqa: F811 — the fixture imported above
    phone_page,
    password,
):
    settings.MEDIA_ROOT = tmp_path / "media"
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(jpeg(5, size=(1200, 900)))
    standard_questionnaire(inspector)
    month = timezone.localdate().replace(day=1)
    inspection = round_with_sample(inspector, COUNTY, month, households)
    inspection.inspectors.add(inspector)
    page = phone_page

    sign_in(page, live_server.url, "inspector", password)
    online = page.goto(f"{live_server.url}/supervision/rounds/{inspection.pk}/surveys/")
    page.wait_for_selector('#offline-state[data-offline-ready="true"]', state="attached")
    assert page.locator("#offline-state").is_hidden()
    survey_page = f"/supervision/surveys/record/{households[0].pk}/?round={inspection.pk}"
    for kept in (survey_page, "/supervision/findings/add/"):
        assert page.evaluate(f"caches.match('{kept}').then((hit) => !!hit)"), kept

    # In the village, without a network: the list and the household's survey page open.
    page.context.set_offline(True)
    assert page.reload().from_service_worker
    with page.expect_navigation() as opened:
        page.click(f'#round-households a[href="{survey_page}"]')
    answer = opened.value
    assert answer.from_service_worker
    assert answer.headers["content-security-policy"] == online.headers["content-security-policy"]
    assert "离线" in page.inner_text("#offline-state")
    page.check('input[name=method][value="home"]')
    page.fill("#id_respondent", "户主曾佳轩")
    page.check('input[name=answer_knows_helper][value="1"]')
    page.fill("#id_answer_helper_name", "王哲铭")
    page.fill("#id_answer_visits", "2")
    page.check('input[name=answer_satisfaction][value="5"]')
    page.click("#survey-form button[type=submit]")
    page.wait_for_selector("#step-done:not([hidden])")
    assert page.inner_text("#done-message") == "已保存在本机，有网络时自动上传。"
    assert page.locator("#survey-form").is_hidden()
    page.wait_for_selector("#offline-state [data-waiting]:has-text('1')")

    # A finding at the household, with the camera's photo.
    assert page.goto(live_server.url + "/supervision/findings/add/").from_service_worker
    page.select_option("#id_concerns", "household")
    page.fill("#id_record_id", str(households[0].pk))
    page.select_option("#id_category", "1")
    page.fill("#id_description", "户内未见帮扶手册")
    page.set_input_files("#id_photo", str(photo))
    page.click("#finding-form button[type=submit]")
    page.wait_for_selector("#step-done:not([hidden])")
    page.wait_for_selector("#offline-state [data-waiting]:has-text('2')")
    assert page.locator("#queue li").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert recorded() == ([], [], 0)
    queued = page.evaluate(READ_QUEUE)

    # Back online: both are sent, the photo after its finding, and the page shows the finding.
    page.context.set_offline(False)
    page.wait_for_url(re.compile(r"/supervision/findings/\d+/$"))
    assert recorded() == (
        [(households[0].pk, "home", "户主曾佳轩")],
        [(households[0].pk, "户内未见帮扶手册")],
        1,
    )
    image = page.locator("#finding img")
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )

    # The phone sends both again (their answers lost): the server answers with what it has.
    page.goto(live_server.url + "/supervision/findings/add/")
    page.wait_for_selector('#offline-state[data-offline-ready="true"]', state="attached")
    for item in queued:
        page.evaluate(PUT_BACK, {**item, "photos": []})
    with page.expect_response("**/api/supervision/findings") as again:
        page.evaluate("window.dispatchEvent(new Event('online'))")
    assert again.value.status == 200
    page.wait_for_selector("#queue li", state="detached")
    assert recorded()[0:2] == (
        [(households[0].pk, "home", "户主曾佳轩")],
        [(households[0].pk, "户内未见帮扶手册")],
    )
    assert recorded()[2] == 1
