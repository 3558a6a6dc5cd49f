"""Monitoring end to end (防止返贫动态监测): on a 360 px phone a villager sends a self-report
(农户自主申报, no sign-in); the township finds it by its receipt number and raises an alert
about the household; the household's helper, on a phone, sees it first on their home, closes
it at the household with an identification started, records the application with the photo
of the signed commitment and — with the network cut — the home check (入户核实), which waits on
the phone and reaches the server once when the network is back; the village's work team
reviews and posts the notice (公示), the township reviews after the notice, the county
decides with a type and risk types; the household page then shows the household monitored,
its risk code red until its plan holds a developmental measure (the rule of assistance). The
server's day is frozen (``on_day``): the notice ends before the township's day. Every page
runs under the Content-Security-Policy (a refusal fails)."""

import datetime

import pytest
from django.db import close_old_connections
from django.urls import reverse

from bangfu.core.models import AuditEntry
from bangfu.monitoring.models import Alert, AlertSource, SelfReport, Step
from bangfu.registry.models import HouseholdStatus
from tests.monitoring.conftest import (  # noqa: F401 — fixtures
    commitment_photo,
    diaotai_staff,
    raise_alert,
    village_team,
)
from tests.teams.conftest import on_day  # noqa: F401 — a fixture
from tests.visits.conftest import households, unit, wang  # noqa: F401 — fixtures

from .test_sign_in import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REVIEWED = datetime.date(2026, 11, 16)  # a Monday: report, alert, checks, village review
NOTICE_OVER = datetime.date(2026, 11, 26)  # the notice ran 11-16…11-20


def record_step(page, base_url, procedure_id):
    page.goto(base_url + reverse("monitoring:procedure", args=[procedure_id]))
    with page.expect_navigation():
        page.click("#step-form button[type=submit]")


def test_a_self_report_becomes_an_alert_verified_at_home_and_decided(
    live_server,
    settings,
    tmp_path,
    on_day,  # noqa: F811
    county_admin,
    helper_wang,
    diaotai_staff,  # noqa: F811
    village_team,  # noqa: F811
    households,  # noqa: F811
    wang,  # noqa: F811
    phone_page,
    office,
    password,
):
    settings.MEDIA_ROOT = tmp_path / "media"
    on_day(REVIEWED)
    base = live_server.url
    household = households[1]  # 马建国's, in 马家寨村
    page = phone_page

    # A villager reports on the phone; the answer shows the receipt number only.
    page.goto(base + reverse("monitoring:self_report"))
    page.fill("#id_name", "马建国")
    page.fill("#id_phone", "13912345678")
    page.select_option("#id_village", "611103002201")
    page.fill("#id_what_happened", "儿子车祸受伤住院，花了八万多，家里没有收入了。")
    page.click("main button[type=submit]")
    receipt = page.inner_text("strong.receipt")
    assert "车祸" not in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # The township finds it by the receipt and raises an alert about the household.
    township = office(base, "diaotai_staff", password)
    township.goto(base + reverse("monitoring:self_reports") + f"?receipt={receipt}")
    township.click(f"a:has-text('{receipt}')")
    township.fill("input[name=q]", "马建国")
    with township.expect_navigation():
        township.click("form.filters button[type=submit]")
    township.check(f"#report-alert input[name=household_id][value='{household.pk}']")
    township.fill("#id_summary", "回访属实：儿子车祸住院，自付8万余元")
    with township.expect_navigation():
        township.click("#report-alert button[type=submit]")
    # The records are read only while no request runs: the live server shares the test's
    # one database connection (SQLite in memory).
    alert_id = int(township.url.rstrip("/").rsplit("/", 1)[1])
    alert_page = reverse("monitoring:alert", args=[alert_id])
    assert township.url.endswith(alert_page)

    # The helper's home shows the alert first; at the household the helper closes it with
    # an identification started and records the application with the commitment's photo.
    sign_in(page, base, "helper_wang", password)
    first = page.locator("main section.card").first
    assert first.get_attribute("id") == "my-alerts"
    with page.expect_navigation():
        first.locator(f"a[href='{alert_page}']").click()
    page.check("input[name=outcome][value=identifying]")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.wait_for_selector("#id_image", state="attached")
    photo = tmp_path / "commitment.jpg"
    photo.write_bytes(commitment_photo())
    page.set_input_files("#id_image", str(photo))
    with page.expect_navigation():
        page.click("#step-form button[type=submit]")
    procedure_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    procedure_page = reverse("monitoring:procedure", args=[procedure_id])
    page.wait_for_selector("#phone-step #id_note")  # the home check is awaited

    # The home check, with the network cut: kept on the phone, then sent once.
    page.wait_for_selector('#offline-state[data-offline-ready="true"]', state="attached")
    close_old_connections()
    report = SelfReport.objects.get(receipt=receipt)
    alert = Alert.objects.get(pk=report.alert_id)
    assert (alert.household_id, alert.source) == (household.pk, AlertSource.SELF_REPORT)
    assert alert.procedure_id == procedure_id
    page.context.set_offline(True)
    offline = page.reload()
    assert offline.from_service_worker
    page.wait_for_selector("#offline-state:not([hidden])")
    page.fill("#id_note", "入户核实：住院自付8.2万元，家中无其他劳动力")
    page.click("#step-form button[type=submit]")
    page.wait_for_selector("#done-message[data-outcome=queued]")
    page.wait_for_selector("#queue li")
    page.wait_for_selector("#offline-state [data-waiting]:has-text('1')")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    close_old_connections()
    assert not Step.objects.filter(step="home_check").exists()
    page.context.set_offline(False)
    page.wait_for_selector("#done-message[data-outcome=recorded]")
    page.wait_for_selector("#queue li", state="detached")
    close_old_connections()
    home_check = Step.objects.get(step="home_check")
    assert home_check.client_id and home_check.done_by_id == helper_wang.pk
    assert home_check.note.startswith("入户核实")

    # The village reviews and posts the notice; the township reviews after it; the county
    # decides with a type and risk types.
    village = office(base, "majiazhai_team", password)
    record_step(village, base, procedure_id)
    assert village.locator(f"a[href$='{procedure_id}/notice.pdf']").count() == 1
    on_day(NOTICE_OVER)
    record_step(township, base, procedure_id)
    county = office(base, "county_admin", password)
    county.goto(base + procedure_page)
    county.select_option("#id_monitoring_type", "3")
    county.check("input[name=risk_types][value='1']")
    with county.expect_navigation():
        county.click("#step-form button[type=submit]")

    # The household is monitored; its risk code is red until its plan holds a developmental
    # measure, as the rule of assistance asks of a household able to work.
    county.goto(base + reverse("registry:household_detail", args=[household.pk]))
    assert county.locator(".risk-code.risk-red").first.is_visible()
    close_old_connections()
    household.refresh_from_db()
    assert household.status == HouseholdStatus.MONITORED
    assert household.monitoring_type.value == "3"
    assert Step.objects.filter(procedure_id=procedure_id).count() == 5


def test_an_alert_closed_offline_at_the_household_is_sent_once(
    live_server,
    on_day,  # noqa: F811
    county_admin,
    helper_wang,
    households,  # noqa: F811
    wang,  # noqa: F811
    phone_page,
    password,
):
    """The helper closes an alert not at risk with the network cut: the closing waits on the
    phone, then reaches the server once when the network is back."""
    on_day(REVIEWED)
    base = live_server.url
    alert = raise_alert(county_admin, households[0], raised_on=REVIEWED)
    page = phone_page
    sign_in(page, base, "helper_wang", password)
    page.goto(base + reverse("monitoring:alert", args=[alert.pk]))
    page.wait_for_selector('#offline-state[data-offline-ready="true"]', state="attached")
    page.context.set_offline(True)
    assert page.reload().from_service_worker
    page.check("input[name=outcome][value=not_at_risk]")
    page.fill("#id_reason", "入户核实：已获大病保险报销，自付不足2000元")
    page.click("#close-form button[type=submit]")
    page.wait_for_selector("#done-message[data-outcome=queued]")
    page.wait_for_selector("#offline-state [data-waiting]:has-text('1')")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    close_old_connections()
    assert Alert.objects.get(pk=alert.pk).state == "open"
    page.context.set_offline(False)
    page.wait_for_selector("#done-message[data-outcome=recorded]")
    page.wait_for_selector("#queue li", state="detached")
    close_old_connections()
    closed = Alert.objects.get(pk=alert.pk)
    assert (closed.state, closed.closed_by_id, closed.procedure_id) == (
        "not_at_risk",
        helper_wang.pk,
        None,
    )
    assert closed.closed_client_id and closed.close_reason.startswith("入户核实")
    assert AuditEntry.objects.filter(action="alert.close").count() == 1
