"""The township plans a project on a 360 px phone, finds it in the library and records its
start once the county has approved it; every page runs under the Content-Security-Policy
(``phone_page``)."""

import os

import pytest
from django.db import close_old_connections
from django.utils import timezone

from bangfu.projects.models import Project
from bangfu.projects.services import project_advance

from .live import between_requests
from .test_sign_in import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_township_plans_a_project_and_starts_it_on_a_phone(
    live_server, world, phone_page, password, county_admin, tmp_path
):
    page = phone_page
    sign_in(page, live_server.url, "township_staff", password)
    page.goto(live_server.url + "/projects/add/")
    page.select_option("#id_region_code", "611103001201")
    page.fill("#id_number", "611103-2026-101")
    page.fill("#id_name", "石桥村道路硬化")
    page.select_option("#id_kind", "1")
    page.fill("#id_responsible_unit", "马王街道办")
    page.fill("#id_fund_1", "800000")
    page.fill("#id_fund_4", "200000")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "石桥村道路硬化" in page.locator("h1").inner_text()
    assert "1,000,000.00" in page.content()
    # Planned: the township cannot approve it, so no step is offered.
    assert page.locator("#id_stage").count() == 0

    close_old_connections()
    project = Project.objects.get(number="611103-2026-101")
    with between_requests():
        project_advance(
            actor=county_admin, project_id=project.pk, stage="approved", day=timezone.localdate()
        )
    page.goto(live_server.url + "/projects/?q=道路")
    page.click("text=611103-2026-101 石桥村道路硬化")
    page.wait_for_load_state()
    page.select_option("#id_stage", "started")
    page.click("form[action$='/step/'] button[type=submit]")
    page.wait_for_load_state()
    assert "开工" in page.locator("section", has_text="步骤").inner_text()
    # Nothing wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    if os.environ.get("BANGFU_SCREENSHOTS"):
        page.screenshot(path=os.environ["BANGFU_SCREENSHOTS"] + "/project.png", full_page=True)
    project.refresh_from_db()
    assert project.stage == "started"
