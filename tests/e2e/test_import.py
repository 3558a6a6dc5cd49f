"""A township cadre imports a household sheet on a phone: errors first, then the preview,
then the import, all in Chinese."""

import pytest

from tests.exchange.corpus import HEADER, SON_ID, family, xlsx

from .test_sign_in import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def upload(page, base_url, path):
    page.goto(base_url + "/excel/imports/")
    page.set_input_files("#id_file", str(path))
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def test_errors_then_preview_then_import_on_a_phone(
    live_server, world, phone_page, password, tmp_path
):
    sign_in(phone_page, live_server.url, "county_admin", password)
    rows = family()
    rows[2][9] = SON_ID[:15] + "000"
    upload(phone_page, live_server.url, xlsx(tmp_path / "有错.xlsx", [HEADER, *rows]))
    assert phone_page.get_by_text("有错误：未导入任何数据").is_visible()
    error_row = phone_page.locator("tbody tr", has_text="证件号码")
    assert error_row.locator("td").nth(1).inner_text() == "4"
    assert "末三位是 000" in error_row.inner_text()
    assert phone_page.get_by_role("link", name="下载带错误说明列的文件").is_visible()

    upload(phone_page, live_server.url, xlsx(tmp_path / "改好.xlsx", [HEADER, *family()]))
    assert phone_page.get_by_text("已校验：请查看预览").is_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    phone_page.screenshot(path=str(tmp_path / "preview.png"), full_page=True)
    phone_page.get_by_role("button", name="导入这些农户").click()
    phone_page.wait_for_load_state()
    assert phone_page.get_by_text("已完成").is_visible()
    phone_page.goto(live_server.url + "/households/?number=6111030022010101")
    row = phone_page.locator("tbody tr", has_text="6111030022010101")
    assert row.get_by_role("link", name="马建国").is_visible()  # the head names the household
    assert "马家寨村" in row.inner_text()
