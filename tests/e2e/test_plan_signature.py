"""A helper on a 360 px phone has the household sign its plan on the screen (户主签字确认):
the finger's strokes on the canvas are sent as a PNG and kept; the village's handbook PDF
then prints the measure and the signature, whose area on the rendered page holds ink."""

import datetime
from pathlib import Path

import pytest

from bangfu.plans.models import Acknowledgement
from bangfu.reports.services import handbook_request, handbook_write
from tests.plans.conftest import add
from tests.plans.pdf import signature_area_darkest
from tests.reports.test_handbook import page_texts
from tests.visits.conftest import households, unit, wang  # noqa: F401 — fixtures

from .test_sign_in import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def draw(page, selector: str) -> None:
    """A scrawl across the canvas with a finger (pointer events, as a touch screen sends)."""
    box = page.locator(selector).bounding_box()
    x, y, width, height = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + width * 0.1, y + height * 0.7)
    page.mouse.down()
    for step in range(1, 21):
        page.mouse.move(
            x + width * (0.1 + 0.04 * step), y + height * (0.3 if step % 2 else 0.7), steps=3
        )
    page.mouse.up()


def test_a_helper_records_the_households_signature_and_the_handbook_prints_it(
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
    add(
        helper_wang,
        household,
        content="发展养殖：购进仔猪5头",
        starts_on=datetime.date(2026, 3, 1),
        due_on=datetime.date(2026, 12, 31),
        responsible_helper_id=wang.pk,
    )
    page = phone_page
    sign_in(page, live_server.url, "helper_wang", password)
    page.goto(live_server.url + f"/plans/households/{household.pk}/acknowledge/")
    assert "购进仔猪5头" in page.inner_text("main")
    assert page.input_value("#id_signed_by") == "曾佳轩"  # the head signs
    canvas = page.locator("#signature")
    assert canvas.is_visible()
    assert canvas.bounding_box()["width"] <= 360  # fits the phone
    assert not page.locator("#id_image").is_visible()  # the camera is for paper only
    draw(page, "#signature")
    page.click("#acknowledge button[type=submit]")
    page.wait_for_url(f"**/plans/households/{household.pk}/")
    assert "户主签字确认已保存" in page.inner_text("body")
    assert page.locator("img.signature").evaluate("(img) => img.complete && img.naturalWidth") > 0

    record = Acknowledgement.objects.get()
    assert (record.kind, record.signed_by, record.recorded_by) == (
        "signature",
        "曾佳轩",
        helper_wang,
    )
    job = handbook_request(
        actor=county_admin, region_code=household.region_id, full_ids=False, language="zh-hans"
    )
    pdf = Path(handbook_write(job_id=job.pk).path).read_bytes()
    assert "购进仔猪5头" in "".join(page_texts(pdf))
    assert signature_area_darkest(pdf, tmp_path) < 100  # the strokes printed
