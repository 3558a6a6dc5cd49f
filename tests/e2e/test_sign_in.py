from urllib.parse import urlparse

import pytest
from django.utils import translation

from bangfu.core.policies import spec_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, base_url, username, password):
    page.goto(base_url + "/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def test_a_county_admin_signs_in_on_a_phone_and_sees_chinese(
    live_server, world, phone_page, password
):
    hosts = set()
    phone_page.on("request", lambda request: hosts.add(urlparse(request.url).netloc))
    sign_in(phone_page, live_server.url, "county_admin", password)

    assert urlparse(phone_page.url).path == "/"
    assert phone_page.get_attribute("html", "lang") == "zh-hans"
    assert phone_page.get_by_text("沣西新城").is_visible()
    with translation.override("zh-hans"):
        sign_out = translation.gettext("Sign out")
    assert sign_out == "退出"
    assert phone_page.get_by_role("button", name=sign_out).is_visible()
    # Nothing wider than the phone, and nothing fetched from anywhere but the app itself.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    assert hosts == {urlparse(live_server.url).netloc}


def test_wrong_passwords_lock_the_account_in_the_browser(live_server, world, phone_page):
    limit = spec_for("auth.lockout_failures").default
    for _ in range(limit - 1):
        sign_in(phone_page, live_server.url, "helper_wang", "wrong-password")
        assert phone_page.locator(".errors").is_visible()
    response_codes = []
    phone_page.on("response", lambda response: response_codes.append(response.status))
    sign_in(phone_page, live_server.url, "helper_wang", "wrong-password")
    assert 429 in response_codes
    assert phone_page.get_by_role("heading", name="账号已锁定").is_visible()
