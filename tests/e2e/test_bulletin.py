"""The county's supervision office, on a 360 px phone, drafts and publishes November's bulletin
(督查通报) of 沣西新城, with findings, surveys and the townships' published scores in the
records; the published PDF downloads (read in the page: Chromium never finishes a
``no-store`` body the page does not read), poppler draws its first page with ink on it, and
its key figures — findings, rectified on time, satisfaction… — are the dashboard's for the
same place and month. Every page runs under the Content-Security-Policy (``phone_page``
fails the test on any refusal)."""

import base64
import datetime
import subprocess

import pytest
from django.db import close_old_connections
from django.urls import reverse

from bangfu.registry.services import household_register
from bangfu.reports.indicators import INDICATORS
from bangfu.supervision.models import Bulletin, BulletinState
from bangfu.supervision.selectors.figures import KEYS
from tests.registry.conftest import first_status, household_input, member_input
from tests.reports.test_handbook import tool
from tests.supervision.bulletins_world import (
    closed_finding,
    drawn_sample,
    first_page_darkest,
    planned_round,
    published_scores,
    recorded_finding,
    recorded_survey,
)
from tests.teams.conftest import on_day  # noqa: F401 — a fixture

from .test_sign_in import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

D = datetime.date
COUNTY, MONTH = "611103000000", D(2026, 11, 1)
# The PDF's bytes, read by the page itself, as base64.
READ_PDF = """async (url) => {
  const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
}"""


def supervised_november(county_admin) -> None:
    """A round of the county sampling the household; three findings of 马家寨村 (one closed on
    time, one open past its deadline, one due in December); two surveys (5 and 3 of 5);
    the townships' scores published."""
    household = household_register(
        actor=county_admin,
        household=household_input(),
        members=[member_input()],
        status=first_status(),
    )
    inspection = planned_round(county_admin, COUNTY, MONTH)
    drawn_sample(county_admin, inspection, [household])
    on_time = recorded_finding(county_admin, household.region_id, D(2026, 11, 2))
    recorded_finding(county_admin, household.region_id, D(2026, 11, 3), category="2")
    recorded_finding(county_admin, household.region_id, D(2026, 11, 25))
    closed_finding(county_admin, on_time, D(2026, 11, 20))
    recorded_survey(county_admin, household, D(2026, 11, 5), 5)
    recorded_survey(county_admin, household, D(2026, 11, 6), 3)
    published_scores(
        county_admin, COUNTY, MONTH, [("611103002000", "92.50"), ("611103001000", "80.00")]
    )


def dashboard_figures(page, base_url) -> dict[str, str]:
    """The supervision tiles of the county's November dashboard, as shown."""
    page.goto(f"{base_url}{reverse('reports:dashboard')}?place={COUNTY}&month=2026-11")
    shown = {}
    for key in KEYS:
        tile = page.locator("details.tile").filter(
            has=page.locator("summary span.muted", has_text=str(INDICATORS[key].name))
        )
        shown[key] = tile.first.locator("span.figure").inner_text().strip()
    return shown


def test_the_county_publishes_the_months_bulletin_and_its_figures_are_the_dashboards(
    live_server,
    settings,
    tmp_path,
    on_day,  # noqa: F811
    world,
    county_admin,
    phone_page,
    password,
):
    settings.MEDIA_ROOT = tmp_path / "media"
    on_day(D(2026, 11, 30))
    supervised_november(county_admin)

    sign_in(phone_page, live_server.url, "county_admin", password)
    dashboard = dashboard_figures(phone_page, live_server.url)
    assert dashboard["findings_found"] == "3" and dashboard["rectified_on_time"] == "50.0%"

    phone_page.goto(live_server.url + reverse("supervision:bulletins"))
    phone_page.click(f"a[href='{reverse('supervision:bulletin_create')}']")
    phone_page.select_option("#id_region_code", COUNTY)
    phone_page.fill("#id_month", "2026-11")
    phone_page.click("main form button[type=submit]")
    phone_page.wait_for_load_state()
    phone_page.click("form[action$='/publish/'] button[type=submit]")
    phone_page.wait_for_load_state()

    close_old_connections()
    bulletin = Bulletin.objects.get()
    assert bulletin.state == BulletinState.PUBLISHED and bulletin.month == MONTH
    # The published bulletin's figures, as its page shows them, are the dashboard's.
    on_page = {
        key: phone_page.locator(f"tr[data-figure={key}] .figure").inner_text().strip()
        for key in KEYS
    }
    assert on_page == dashboard
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360

    # The PDF downloads as it was kept, prints with ink, and says the same figures.
    link = phone_page.locator("#bulletin-pdf").get_attribute("href")
    assert link == reverse("supervision:bulletin_pdf", args=[bulletin.pk])
    pdf = base64.b64decode(phone_page.evaluate(READ_PDF, live_server.url + link))
    assert pdf.startswith(b"%PDF-") and pdf == bulletin.pdf.read()
    assert first_page_darkest(pdf, tmp_path) < 128
    source = tmp_path / "bulletin.pdf"
    text = subprocess.run(
        [tool("pdftotext"), str(source), "-"], capture_output=True, check=True
    ).stdout.decode()
    for key in ("findings_found", "rectified_on_time", "findings_overdue", "satisfaction_rate"):
        assert dashboard[key] in text, key
