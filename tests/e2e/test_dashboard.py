"""A leader opens the dashboard on a phone, drills down to a village and downloads its
handbooks; the PDF's first page, drawn as a picture, is not blank."""

import re
import subprocess

import pytest
from PIL import Image

from tests.reports.test_indicators import district  # noqa: F401 — fixtures
from tests.visits.conftest import households, thursdays, unit, wang  # noqa: F401

from .test_sign_in import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_drill_down_to_a_village_and_print_its_handbooks(
    live_server,
    district,  # noqa: F811
    phone_page,
    password,
    tmp_path,
):
    page = phone_page
    sign_in(page, live_server.url, "county_admin", password)
    page.goto(live_server.url + "/reports/?month=2026-10")
    page.wait_for_selector("#chart-status svg")  # ECharts drew, from the app's own copy
    for place in ("沣西新城", "钓台街道", "马家寨村"):
        with page.expect_navigation():
            page.locator("table").get_by_role("link", name=place, exact=True).click()
    assert page.locator("h1").inner_text().startswith("数据看板 · 马家寨村")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    with page.expect_navigation():
        page.get_by_role("link", name="本村帮扶手册（PDF）").click()
    with page.expect_navigation():  # the job runs in the background; its page offers the file
        page.get_by_role("button", name="生成PDF").click()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("^下载")).click()
    pdf = tmp_path / "handbook.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    picture = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    darkest, _lightest = picture.getextrema()
    assert darkest < 128  # something is printed on the page
