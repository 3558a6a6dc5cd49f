"""A township's staff member on a 360 px phone records a payment (拨付/报账) on a project
with a photo of the voucher taken by the phone's camera, and sees it on the project's
ledger: the payment, the balance and disbursement rate moved, the photo served. The county
office's dashboard, open at the same time, shows the disbursement rate (支出进度) moved
from 0 to a quarter on its next read. Every page runs under the Content-Security-Policy
(``phone_page`` and ``office`` fail the test on any refusal)."""

import datetime

import pytest
from django.db import close_old_connections
from django.urls import reverse

from bangfu.projects.models import LedgerEntry, Stage
from bangfu.projects.services import allocation_record
from tests.projects.conftest import (
    make_project,  # noqa: F401 — a fixture
    on_day,  # noqa: F401 — a fixture
    today,  # noqa: F401 — a fixture
)
from tests.visits.conftest import jpeg

from .test_sign_in import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_township_staff_records_a_payment_with_the_voucher_photo(
    live_server,
    settings,
    tmp_path,
    today,  # noqa: F811
    make_project,  # noqa: F811
    county_admin,
    township_staff,
    phone_page,
    office,
    password,
):
    settings.MEDIA_ROOT = tmp_path / "media"
    project = make_project("XM-2026-018", stage=Stage.STARTED)
    allocation_record(
        actor=county_admin,
        project_id=project.pk,
        source="1",
        amount="80000",
        day=datetime.date(2026, 4, 1),
    )
    voucher = tmp_path / "voucher.jpg"
    voucher.write_bytes(jpeg(5, size=(1200, 900)))

    county = office(live_server.url, "county_admin", password)
    assert disbursement_rate(county, live_server.url) == "0.0%"

    sign_in(phone_page, live_server.url, "township_staff", password)
    phone_page.goto(live_server.url + reverse("projects:project_ledger", args=[project.pk]))
    assert phone_page.get_by_text("80,000.00").first.is_visible()
    # The township pays; the allocation is the county's: only the payment is offered.
    assert phone_page.locator("input[name=kind]").count() == 1
    assert phone_page.locator("#id_voucher_image").get_attribute("capture") == "environment"
    phone_page.select_option("#id_source", "1")
    phone_page.fill("#id_amount", "20000")
    phone_page.fill("#id_day", "2026-11-28")
    phone_page.fill("#id_voucher", "付2026-0188")
    phone_page.set_input_files("#id_voucher_image", str(voucher))
    phone_page.click("#record-entry button[type=submit]")
    phone_page.wait_for_load_state()

    assert phone_page.get_by_text("付2026-0188").is_visible()
    assert phone_page.get_by_text("60,000.00").first.is_visible()  # the balance
    assert phone_page.get_by_text("25.0%").first.is_visible()  # 支出进度
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    close_old_connections()
    entry = LedgerEntry.objects.get(kind="payment")
    assert (entry.amount, entry.recorded_by_id) == (20000, township_staff.pk)
    assert entry.voucher_image
    photo = phone_page.locator(f"img[src='{reverse('projects:voucher_image', args=[entry.pk])}']")
    photo.scroll_into_view_if_needed()
    phone_page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=photo.element_handle()
    )
    assert photo.evaluate("(img) => img.naturalWidth") == 1200  # the photo as stored
    assert disbursement_rate(county, live_server.url) == "25.0%"


def disbursement_rate(page, base_url: str) -> str:
    """The dashboard's 支出进度 tile for the county's year, as the county office reads it."""
    page.goto(base_url + reverse("reports:dashboard") + "?month=2026-11")
    return page.locator("details.tile", has_text="支出进度").locator(".figure").inner_text()
