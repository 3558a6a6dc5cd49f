"""A township cadre pairs an unpaired household from the coverage page, on a phone."""

import pytest

from bangfu.pairing import services
from tests.pairing.test_pairing import register

from .test_sign_in import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_pair_from_the_coverage_page_on_a_phone(
    live_server, world, county_admin, phone_page, password, tmp_path
):
    unit = services.unit_create(
        actor=county_admin,
        name="钓台街道办事处",
        kind="government",
        level="township",
        region_code="611103002000",
    )
    services.helper_create(actor=county_admin, name="王哲铭", unit_id=unit.pk)
    services.responsibility_set(
        actor=county_admin, region_code="611103002201", level="包村领导", person="赵主任"
    )
    register(county_admin, "611103002201001", "001")

    sign_in(phone_page, live_server.url, "county_admin", password)
    phone_page.goto(live_server.url + "/pairing/coverage/")
    assert phone_page.get_by_text("需要帮扶的 1 户中，0 户已有帮扶干部。").is_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    with phone_page.expect_navigation():
        phone_page.get_by_role("link", name="结对", exact=True).click()
    phone_page.select_option("#id_helper", label="王哲铭（钓台街道办事处）")
    phone_page.check("#id_is_main")
    with phone_page.expect_navigation():
        phone_page.get_by_role("button", name="结对", exact=True).click()
    assert phone_page.get_by_text("已为此户落实帮扶干部。").is_visible()
    assert phone_page.locator("#helpers").get_by_text("包村领导 赵主任").is_visible()
    assert phone_page.locator("#helpers").get_by_text("王哲铭").is_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    phone_page.screenshot(path=str(tmp_path / "household.png"), full_page=True)
