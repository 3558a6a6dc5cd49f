"""A county administrator opens the dashboard on a phone, finds the county's townships listed
at once, drills down to a village and downloads its handbooks; the PDF's first page, drawn
as a picture, is not blank. A leader signs in and lands on their figures and flags. Charts,
tooltips and the job page's updates all work under the Content-Security-Policy."""

import re
import subprocess
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest
from django.utils import timezone
from PIL import Image

from bangfu.reports import tasks as reports_tasks
from bangfu.reports.models import HandbookJob
from bangfu.reports.tasks import write_handbook
from tests.reports.test_indicators import district  # noqa: F401 — fixtures
from tests.visits.conftest import households, log, thursdays, unit, wang  # noqa: F401

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
    # Waited for by the selector engine: a string for wait_for_function is evaluated with
    # eval() when it must poll, which the policy refuses.
    texts.nth(before).wait_for(state="attached")
    assert "未脱贫" in texts.all_text_contents()
    # Every status is named whole in the legend under the ring (labels beside it were cut).
    names = page.locator("#chart-status svg text").all_text_contents()
    assert {"未脱贫", "已脱贫（不再享受政策）", "监测对象"} <= set(names)
    assert not [name for name in names if name.endswith("…")]
    # The county's townships are listed, and charted, without a click on the county.
    table = page.locator("table").first  # the teams' table by place follows it
    assert table.get_by_role("link", name="马王街道", exact=True).is_visible()
    assert table.get_by_role("link", name="沣西新城", exact=True).count() == 0
    assert "钓台街道" in page.locator("#chart-compliance svg text").all_text_contents()
    for place in ("钓台街道", "马家寨村"):
        with page.expect_navigation():
            page.locator("table").first.get_by_role("link", name=place, exact=True).click()
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


def test_a_leader_signs_in_and_lands_on_figures_and_flags(
    live_server,
    district,  # noqa: F811
    helper_wang,
    phone_page,
    password,
):
    """A home visit logged this month far from its household raises a flag; the leader's
    first screen, on a phone, is what needs them (the flag among it) and their figures; the
    flag opens, read-only; the navigation offers no helper's pages."""
    far = log(helper_wang, district[0], timezone.now(), latitude=34.3, longitude=108.7)
    page = phone_page
    sign_in(page, live_server.url, "leader", password)
    assert urlparse(page.url).path == "/"
    needs = page.locator("#needs-you")
    assert needs.is_visible() and needs.get_by_role("link", name="存疑走访").is_visible()
    assert needs.locator(".count").all_text_contents()[1] == "1"
    assert page.locator("#my-figures .tile").first.is_visible()
    assert "在岗帮扶干部" in page.locator("#my-figures").inner_text()
    nav = page.locator("nav.nav")
    assert nav.get_by_role("link", name="数据看板").is_visible()
    assert nav.get_by_role("link", name="我的帮扶户").count() == 0
    assert nav.get_by_role("link", name="记录走访").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    with page.expect_navigation():
        needs.get_by_role("link", name="存疑走访").click()
    assert urlparse(page.url).path == "/visits/flags/"
    with page.expect_navigation():
        page.locator(f"a[href='/visits/{far.pk}/']").click()
    assert page.locator("main").get_by_text("500").first.is_visible()
    assert page.get_by_role("button", name="删除").count() == 0
