"""An inspector on a 360 px phone records a finding (督查问题) at 石桥村 with a photo taken by
the phone's camera; the township's staff member, at the office, submits its rectification
with a note of what was done; the inspector, back on the phone, verifies and closes it
(销号), and the finding's page shows it closed. Every page runs under the
Content-Security-Policy (``phone_page`` and ``office`` fail the test on any refusal)."""

import re

import pytest
from django.db import close_old_connections
from django.urls import reverse
from django.utils import translation

from bangfu.supervision.models import Finding, FindingState
from bangfu.supervision.selectors.findings import STATE_NAMES
from tests.supervision.conftest import VILLAGE
from tests.visits.conftest import jpeg

from .test_sign_in import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_inspector_records_a_finding_the_township_rectifies_and_the_inspector_closes_it(
    live_server,
    settings,
    tmp_path,
    world,
    inspector,
    township_staff,
    phone_page,
    office,
    password,
):
    settings.MEDIA_ROOT = tmp_path / "media"
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(jpeg(3, size=(1200, 900)))

    sign_in(phone_page, live_server.url, "inspector", password)
    phone_page.goto(live_server.url + reverse("supervision:finding_add"))
    assert phone_page.locator("#id_photo").get_attribute("capture") == "environment"
    phone_page.select_option("#id_region_code", VILLAGE)
    phone_page.select_option("#id_category", "1")
    phone_page.fill("#id_description", "抽查3户，2户本月未见走访记录")
    phone_page.fill("#id_responsible_person", "钱干事")
    phone_page.set_input_files("#id_photo", str(photo))
    phone_page.click("#finding-form button[type=submit]")
    # Saved on the phone, sent with its photo, then the finding's page (supervision/phone.js).
    phone_page.wait_for_url(re.compile(r"/supervision/findings/\d+/$"))
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    close_old_connections()
    finding = Finding.objects.get()
    assert (finding.region_id, finding.recorded_by_id) == (VILLAGE, inspector.pk)
    image = phone_page.locator("#finding img")
    phone_page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    assert image.evaluate("(img) => img.naturalWidth") == 1200  # the photo as stored

    township = office(live_server.url, "township_staff", password)
    township.goto(live_server.url + reverse("supervision:finding", args=[finding.pk]))
    township.fill("#submit_note", "已补走访2户，更新帮扶手册")
    township.click("#submit button[type=submit]")
    township.wait_for_load_state()
    assert township.get_by_text("已补走访2户，更新帮扶手册").is_visible()
    close_old_connections()
    finding.refresh_from_db()
    assert finding.state == FindingState.SUBMITTED

    phone_page.goto(live_server.url + reverse("supervision:finding", args=[finding.pk]))
    phone_page.fill("#close_note", "实地核实，已整改到位")
    phone_page.click("#close button[type=submit]")
    phone_page.wait_for_load_state()
    with translation.override("zh-hans"):
        closed = str(STATE_NAMES[FindingState.CLOSED])  # 已销号
    assert phone_page.locator("#finding-state").inner_text() == closed
    assert phone_page.locator("#close").count() == 0
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    close_old_connections()
    finding.refresh_from_db()
    assert finding.state == FindingState.CLOSED
    assert list(finding.steps.values_list("action", "recorded_by__username")) == [
        ("submit", "township_staff"),
        ("close", "inspector"),
    ]
