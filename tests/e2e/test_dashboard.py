"""A leader opens the dashboard on a phone, drills down to a village and downloads its
handbooks; the PDF's first page, drawn as a picture, is not blank. Charts, tooltips and the
job page's updates all work under the Content-Security-Policy."""

import re
import subprocess
from types import SimpleNamespace

import pytest
from PIL import Image

from bangfu.reports import tasks as reports_tasks
from bangfu.reports.models import HandbookJob
from bangfu.reports.tasks import write_handbook
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
    monkeypatch,
):
    page = phone_page
    sign_in(page, live_server.url, "county_admin", password)
    page.goto(live_server.url + "/reports/?month=2026-10")
    page.wait_for_selector("#chart-status svg")  # ECharts drew, from the app's own copy
    # A tooltip is drawn inside the chart's SVG, under the policy (HTML ones would be refused).
    texts = page.locator("#chart-status svg text")
    before = texts.count()
    page.evaluate(
        """echarts.getInstanceByDom(document.getElementById("chart-status"))
             .dispatchAction({type: "showTip", seriesIndex: 0, dataIndex: 0})"""
    )
    page.wait_for_function(f"document.querySelectorAll('#chart-status svg text').length > {before}")
    assert "未脱贫" in texts.all_text_contents()
    for place in ("沣西新城", "钓台街道", "马家寨村"):
        with page.expect_navigation():
            page.locator("table").get_by_role("link", name=place, exact=True).click()
    assert page.locator("h1").inner_text().startswith("数据看板 · 马家寨村")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    with page.expect_navigation():
        page.get_by_role("link", name="本村帮扶手册（PDF）").click()
    # The job waits for the worker; its page asks again (htmx, every 2 s) until it is done.
    monkeypatch.setattr(reports_tasks, "write_handbook", SimpleNamespace(enqueue=lambda pk: None))
    with page.expect_navigation():
        page.get_by_role("button", name="生成PDF").click()
    assert page.locator("#job").get_by_text("等待开始").is_visible()
    write_handbook.call(HandbookJob.objects.get().pk)
    page.wait_for_selector("#job >> text=已完成")  # swapped in by htmx, not reloaded
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
