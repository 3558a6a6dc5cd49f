"""Self-check reports (自查报告): when they are due, their figures, submission, the
township's list of late and missing reports, the files, and the home page's reminders."""

import datetime
import io

import docx
import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from bangfu.checks.due import due_in_month
from bangfu.checks.models import DifferenceClass, SelfCheckReport
from bangfu.checks.selectors import reports as selectors
from bangfu.checks.services import report_due_on, self_check_report_submit
from bangfu.core.errors import DomainError, NotPermitted, OutOfScope
from bangfu.core.models import AuditEntry
from bangfu.core.services import policy_set
from tests.checks.reports_world import MONTH, OTHER_VILLAGE, TOWNSHIP, VILLAGE, check_world
from tests.factories import UserFactory

day = datetime.date


@pytest.fixture
def work_team(world):
    return UserFactory(
        username="work_team_majiazhai", full_name="马村干", places=[VILLAGE], roles=["work_team"]
    )


@pytest.fixture
def township(world):
    """The staff of 钓台街道, the township of 马家寨村 and 康西村."""
    return UserFactory(
        username="township_diaotai", full_name="钓干事", places=[TOWNSHIP], roles=["township_staff"]
    )


@pytest.fixture
def checked(county_admin):
    return check_world(county_admin)


# ---------------------------------------------------------------------------------------------
# When a report is due


@pytest.mark.parametrize(
    ("month", "before", "due"),
    [
        # 2025-01-31 is in the Spring Festival holiday; Sunday the 26th is a make-up day.
        (day(2025, 1, 1), 0, day(2025, 1, 27)),
        (day(2025, 1, 1), 1, day(2025, 1, 26)),
        (day(2025, 1, 1), 2, day(2025, 1, 24)),
        # 2026-02-28, a Saturday, is a make-up working day after the Spring Festival.
        (day(2026, 2, 1), 0, day(2026, 2, 28)),
        (day(2026, 2, 1), 2, day(2026, 2, 26)),
        # 2025-05-31, a Saturday, is in the Dragon Boat Festival holiday.
        (day(2025, 5, 1), 0, day(2025, 5, 30)),
        # 2024-03-31 is a Sunday.
        (day(2024, 3, 1), 0, day(2024, 3, 29)),
        (day(2024, 3, 1), 2, day(2024, 3, 27)),
    ],
)
def test_due_on_the_last_working_day_moved_back_by_the_rule(county_admin, month, before, due):
    if before:
        policy_set(
            actor=county_admin,
            region_code=VILLAGE,
            key="checks.report_due",
            value=before,
            valid_from=day(2024, 1, 1),
        )
    assert report_due_on(VILLAGE, month) == due
    assert report_due_on(VILLAGE, day(month.year, month.month, 15)) == due  # any day of it
    assert report_due_on(OTHER_VILLAGE, month) == due_in_month(month, 0).day  # not set there


def test_the_rule_in_force_on_the_months_first_day_holds(county_admin):
    policy_set(
        actor=county_admin,
        region_code=TOWNSHIP,
        key="checks.report_due",
        value=2,
        valid_from=day(2026, 2, 2),
    )
    assert report_due_on(VILLAGE, day(2026, 2, 1)) == day(2026, 2, 28)
    assert report_due_on(VILLAGE, day(2026, 3, 1)) == day(2026, 3, 27)  # 31st Tue → 27th Fri


def test_a_year_the_calendar_does_not_cover_counts_weekdays():
    found = due_in_month(day(2099, 1, 1), 0)
    assert found.day == day(2099, 1, 30) and not found.in_working_days  # 31st is a Saturday


# ---------------------------------------------------------------------------------------------
# A village's month


def test_a_villages_month_found_fixed_closed_open(checked, county_admin):
    figures = selectors.village_figures(
        county_admin, selectors.village_for(county_admin, VILLAGE), MONTH, day(2026, 1, 31)
    )
    assert figures.totals == {"found": 4, "fixed": 1, "closed": 1, "open": 3}
    classes = dict(figures.by_class())
    assert classes[str(DifferenceClass.HOME_CHECK.label)] == {
        "found": 1,
        "fixed": 0,
        "closed": 0,
        "open": 1,
    }
    assert dict(figures.by_field())["姓名"] == {"found": 2, "fixed": 0, "closed": 0, "open": 2}
    # 0001 and 0011 have open differences; 0002 (fixed), 0003 (handbook side: none here) and
    # 0004 match: compared 4 (the snapshot's), matching 2.
    assert (figures.compared, figures.matching) == (4, 2)
    # Judged on the 10th nothing was fixed or closed yet: the four and December's open.
    early = selectors.village_figures(
        county_admin, selectors.village_for(county_admin, VILLAGE), MONTH, day(2026, 1, 10)
    )
    assert early.totals == {"found": 4, "fixed": 0, "closed": 0, "open": 5}


# ---------------------------------------------------------------------------------------------
# Submitting


def test_the_work_team_submits_once_with_the_figures_frozen(checked, work_team, on_day):
    on_day(day(2026, 1, 28))
    report = self_check_report_submit(
        actor=work_team, region_code=VILLAGE, month=day(2026, 1, 9), note="已逐户核对"
    )
    assert (report.month, report.due_on, report.submitted_on) == (
        MONTH,
        day(2026, 1, 30),
        day(2026, 1, 28),
    )
    frozen = selectors.CheckFigures.from_json(report.figures)
    assert frozen.totals == {"found": 4, "fixed": 1, "closed": 1, "open": 3}
    entry = AuditEntry.objects.get(action="self_check_report.submit")
    assert entry.region_code == VILLAGE and entry.after["note"] == "已逐户核对"
    with pytest.raises(DomainError) as again:
        self_check_report_submit(actor=work_team, region_code=VILLAGE, month=MONTH, note="")
    assert again.value.code == "already_submitted" and "下月报告" in str(again.value.message)
    assert SelfCheckReport.objects.count() == 1


def test_submission_is_refused_outside_the_rules(
    checked, work_team, township, helper_wang, other_county_admin, on_day
):
    on_day(day(2026, 1, 28))
    with pytest.raises(NotPermitted):
        self_check_report_submit(actor=helper_wang, region_code=VILLAGE, month=MONTH, note="")
    with pytest.raises(OutOfScope):  # another village than the work team's
        self_check_report_submit(actor=work_team, region_code=OTHER_VILLAGE, month=MONTH, note="")
    with pytest.raises(OutOfScope):
        self_check_report_submit(
            actor=other_county_admin, region_code=VILLAGE, month=MONTH, note=""
        )
    with pytest.raises(DomainError) as not_village:
        self_check_report_submit(actor=township, region_code=TOWNSHIP, month=MONTH, note="")
    assert not_village.value.code == "not_a_village"
    with pytest.raises(DomainError) as future:
        self_check_report_submit(
            actor=work_team, region_code=VILLAGE, month=day(2026, 2, 1), note=""
        )
    assert future.value.code == "bad_month"
    with pytest.raises(DomainError) as long:
        self_check_report_submit(
            actor=work_team, region_code=VILLAGE, month=MONTH, note="长" * 2001
        )
    assert long.value.field == "note"
    assert SelfCheckReport.objects.count() == 0
    # The township submits for one of its villages.
    self_check_report_submit(actor=township, region_code=VILLAGE, month=MONTH, note="")


# ---------------------------------------------------------------------------------------------
# The township's list


def test_the_township_sees_late_and_missing_reports(checked, work_team, township, on_day):
    on_day(day(2026, 2, 3))  # after 2026-01-30, the day due
    self_check_report_submit(actor=work_team, region_code=VILLAGE, month=MONTH, note="")
    found = selectors.village_reports(township, None, MONTH)
    states = {row.village.code: row.state for row in found.rows}
    assert states == {VILLAGE: selectors.LATE, OTHER_VILLAGE: selectors.MISSING}
    assert found.total.totals["found"] == 5
    assert (found.total.compared, found.total.matching) == (5, 2)
    on_day(day(2026, 2, 10))
    february = selectors.village_reports(township, None, day(2026, 2, 1))
    assert {row.state for row in february.rows} == {selectors.PENDING}


def test_a_report_by_the_day_due_is_on_time(checked, work_team, township, on_day):
    on_day(day(2026, 1, 30))
    self_check_report_submit(actor=work_team, region_code=VILLAGE, month=MONTH, note="")
    rows = selectors.village_reports(township, None, MONTH).rows
    assert [row.state for row in rows] == [selectors.ON_TIME, selectors.PENDING]


def test_the_list_page_and_its_download(checked, work_team, township, on_day, client):
    on_day(day(2026, 2, 3))
    self_check_report_submit(actor=work_team, region_code=VILLAGE, month=MONTH, note="")
    client.force_login(township)
    page = client.get(reverse("checks:village_reports"), {"month": "2026-01"})
    body = page.content.decode()
    assert page.status_code == 200 and "马家寨村" in body and "康西村" in body
    sheet = client.get(reverse("checks:village_reports"), {"month": "2026-01", "format": "xlsx"})
    rows = _sheet_rows(sheet, 0)
    assert rows[1][1] == "马家寨村" and rows[1][3] == "迟报" and rows[2][3] == "未报"
    client.force_login(work_team)  # the village does not receive reports
    assert client.get(reverse("checks:village_reports")).status_code == 403


# ---------------------------------------------------------------------------------------------
# The report's files


def _sheet_rows(response, index):
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    return book.get_sheet_by_index(index).to_python()


def test_the_report_as_word_and_excel_holds_the_figures(checked, work_team, client, on_day):
    on_day(day(2026, 2, 3))
    client.force_login(work_team)
    url = reverse("checks:village_report", args=[VILLAGE])
    document = client.get(url, {"month": "2026-01", "format": "docx"})
    assert document.status_code == 200
    words = docx.Document(io.BytesIO(document.content))
    text = "\n".join(p.text for p in words.paragraphs)
    assert "马家寨村" in text and "4" in text
    cells = [cell.text for table in words.tables for row in table.rows for cell in row.cells]
    assert "民政数据滞后一个月，下月自动更新" in cells  # the reason it was closed by hand
    assert "6111030022010011" in cells  # the group's open difference
    sheet = client.get(url, {"month": "2026-01", "format": "xlsx"})
    by_class = _sheet_rows(sheet, 1)
    assert ["需入户核实", 1, 0, 0, 1] in [[r[0], *map(int, r[1:])] for r in by_class[1:]]


def test_the_village_page_submits_and_shows_the_report(checked, work_team, client, on_day):
    on_day(day(2026, 1, 29))
    client.force_login(work_team)
    url = reverse("checks:village_report", args=[VILLAGE])
    assert client.get(url, {"month": "2026-01"}).status_code == 200
    sent = client.post(f"{url}?month=2026-01", {"note": "已逐户核对"})
    assert sent.status_code == 302
    report = SelfCheckReport.objects.get()
    assert report.submitted_by == work_team and report.note == "已逐户核对"
    again = client.post(f"{url}?month=2026-01", {"note": ""})
    assert again.status_code == 400 and SelfCheckReport.objects.count() == 1
    # A township's code is no village's report.
    assert client.get(reverse("checks:village_report", args=[TOWNSHIP])).status_code == 404


# ---------------------------------------------------------------------------------------------
# Reminders on the home page


def test_the_work_team_is_reminded_before_the_day_due(checked, work_team, client, on_day):
    client.force_login(work_team)
    on_day(day(2026, 1, 20))  # more than 5 days before the 30th: December's only, missing
    assert selectors.report_due_home(work_team) == {
        "items": [
            {"code": VILLAGE, "name": "马家寨村", "month": day(2025, 12, 1),
             "due_on": day(2025, 12, 31), "overdue": True}
        ]
    }  # fmt: skip
    on_day(day(2025, 12, 31))
    assert selectors.report_due_home(work_team)["items"][-1]["due_on"] == day(2025, 12, 31)
    on_day(day(2026, 1, 26))
    page = client.get(reverse("core:home")).content.decode()
    assert "check-report-due" in page and "2026-01-30" in page
    self_check_report_submit(actor=work_team, region_code=VILLAGE, month=MONTH, note="")
    assert "2026-01-30" not in client.get(reverse("core:home")).content.decode()


def test_the_township_is_told_of_late_and_missing_reports(
    checked, work_team, township, client, on_day
):
    on_day(day(2026, 2, 3))
    self_check_report_submit(actor=work_team, region_code=VILLAGE, month=MONTH, note="")
    client.force_login(township)
    assert "check-reports-late" in client.get(reverse("core:home")).content.decode()
    panel = selectors.reports_late_home(township)
    assert panel == {"months": [{"month": MONTH, "late": 1, "missing": 1}]}
