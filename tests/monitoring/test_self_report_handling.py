"""The township's answer to a self-report (农户自主申报) after calling back: an alert raised about
a household of the report's village, or the report closed as not at risk; refused for a
household elsewhere, a report already handled, and anyone outside the report's places; the
receipt number finds the report within the reader's places only."""

import uuid

import pytest
from django.urls import reverse

from bangfu.core.errors import DomainError, NotPermitted, OutOfScope
from bangfu.core.models import AuditEntry
from bangfu.monitoring import selectors, services
from bangfu.monitoring.models import AlertSource, AlertState, SelfReportState
from bangfu.monitoring.services import ReportAlertInput, ReportClosingInput
from bangfu.registry.services import household_register
from tests.registry.conftest import first_status, household_input, id_number, member_input

from .conftest import TODAY, D, start_identification, step

KANGXI = "611103002202"  # 康西村: the same township, another village


@pytest.fixture
def report(today, world):
    return services.self_report_submit(
        actor=None,
        report=services.SelfReportInput(
            name="马秀兰",
            phone="13912345678",
            village="611103002201",
            what_happened="丈夫突发脑梗住院，家里没有收入了。",
        ),
        address="10.0.0.1",
    )


def raise_from(actor, report, household, **fields):
    return services.self_report_raise_alert(
        actor=actor,
        report_id=report.pk,
        alert=ReportAlertInput(
            household_id=household.pk,
            summary=fields.pop("summary", "回访属实：住院花费12万元"),
            **fields,
        ),
    )


def test_an_alert_is_raised_from_the_report_about_the_household(
    report, diaotai_staff, households, helper_wang
):
    handled = raise_from(diaotai_staff, report, households[1], raised_on=D(2026, 11, 30))
    assert (handled.state, handled.handled_on, handled.handled_by) == (
        SelfReportState.ALERT_RAISED,
        TODAY,
        diaotai_staff,
    )
    alert = handled.alert
    assert (alert.household, alert.source, alert.state) == (
        households[1],
        AlertSource.SELF_REPORT,
        AlertState.OPEN,
    )
    assert alert.summary == "回访属实：住院花费12万元" and alert.helper.user == helper_wang
    assert alert.township_id == "611103002000" and alert.raised_by == diaotai_staff
    entry = AuditEntry.objects.get(action="self_report.raise_alert")
    assert entry.region_code == "611103002201" and entry.after["alert"] == alert.pk
    assert "马秀兰" not in str(entry.after) and "13912345678" not in str(entry.after)
    assert AuditEntry.objects.filter(action="alert.raise", object_id=str(alert.pk)).exists()


def test_the_report_is_closed_as_not_at_risk_with_the_reason(report, county_admin):
    handled = services.self_report_close(
        actor=county_admin,
        report_id=report.pk,
        closing=ReportClosingInput(reason="回访：已由低保兜底，无返贫风险"),
    )
    assert (handled.state, handled.close_reason, handled.alert) == (
        SelfReportState.NOT_AT_RISK,
        "回访：已由低保兜底，无返贫风险",
        None,
    )
    assert AuditEntry.objects.get(action="self_report.close").before["state"] == "open"
    with pytest.raises(DomainError) as refused:
        services.self_report_close(
            actor=county_admin,
            report_id=report.pk,
            closing=ReportClosingInput(reason="again"),
        )
    assert refused.value.code == "self_report_handled"


def test_closing_needs_a_reason_and_a_day_not_before_the_report(report, county_admin):
    for closing, code in (
        (ReportClosingInput(reason="  "), "no_reason"),
        (ReportClosingInput(reason="无风险", closed_on=D(2026, 11, 29)), "too_early"),
    ):
        with pytest.raises(DomainError) as refused:
            services.self_report_close(actor=county_admin, report_id=report.pk, closing=closing)
        assert refused.value.code == code
    report.refresh_from_db()
    assert report.state == SelfReportState.OPEN


def test_a_household_outside_the_report_village_is_refused(report, diaotai_staff, county_admin):
    elsewhere = household_register(
        actor=county_admin,
        household=household_input(number="6111030022020001", region_code=KANGXI),
        members=[member_input(name="康西村户主", id_number=id_number("19700101", "902"))],
        status=first_status(),
    )
    with pytest.raises(DomainError) as refused:
        raise_from(diaotai_staff, report, elsewhere)
    assert refused.value.code == "household_not_of_village" and "马家寨村" in refused.value.message
    for impossible in (0, -1, 2**63, 10**30):  # no record has such an id
        with pytest.raises(DomainError):
            services.self_report_raise_alert(
                actor=diaotai_staff,
                report_id=report.pk,
                alert=ReportAlertInput(household_id=impossible, summary="x"),
            )
    report.refresh_from_db()
    assert report.state == SelfReportState.OPEN and not report.alert


def test_a_report_already_handled_is_refused(report, diaotai_staff, households):
    raise_from(diaotai_staff, report, households[0])
    with pytest.raises(DomainError) as refused:
        raise_from(diaotai_staff, report, households[1])
    assert refused.value.code == "self_report_handled"
    assert households[1].alerts.count() == 0


def test_another_township_sees_nothing_and_a_helper_may_not_handle(
    report, township_staff, helper_wang, other_county_admin, households
):
    for outsider in (township_staff, other_county_admin):
        assert not selectors.self_reports(outsider).exists()
        assert selectors.self_report_by_receipt(outsider, report.receipt) is None
        with pytest.raises(OutOfScope):
            raise_from(outsider, report, households[0])
    with pytest.raises(NotPermitted):  # a pair helper does not answer self-reports
        raise_from(helper_wang, report, households[0])
    report.refresh_from_db()
    assert report.state == SelfReportState.OPEN


def test_the_receipt_number_finds_the_report_as_the_caller_says_it(report, diaotai_staff):
    digits = report.receipt.replace("-", "")
    for said in (report.receipt, digits, " ".join(digits)):
        assert selectors.self_report_by_receipt(diaotai_staff, said) == report
    assert selectors.self_report_by_receipt(diaotai_staff, "00000-" + digits[5:]) is None
    assert selectors.self_report_by_receipt(diaotai_staff, "12") is None
    assert list(selectors.self_reports(diaotai_staff, receipt=report.receipt)) == [report]


def test_the_township_finds_the_household_by_head_or_number_and_raises_on_the_page(
    report, diaotai_staff, households, client
):
    client.force_login(diaotai_staff)
    page = reverse("monitoring:self_report_detail", args=[report.pk])
    body = client.get(page, {"q": "马建国"}).content.decode()
    assert "马建国" in body and "曾佳轩" not in body
    body = client.get(page, {"q": households[2].number[:15]}).content.decode()
    assert "李秀英" in body
    listed = client.get(reverse("monitoring:self_reports"), {"receipt": report.receipt})
    assert report.receipt in listed.content.decode()
    response = client.post(
        reverse("monitoring:self_report_alert", args=[report.pk]),
        {"household_id": households[1].pk, "summary": "回访属实", "raised_on": "2026-11-30"},
    )
    report.refresh_from_db()
    assert response.status_code == 302 and response.url.endswith(f"/alerts/{report.alert_id}/")
    refused = client.post(
        reverse("monitoring:self_report_close", args=[report.pk]),
        {"reason": "x", "closed_on": "2026-11-30"},
    )
    assert refused.status_code == 403  # handled: no form is offered any more


def test_the_api_finds_by_receipt_raises_and_closes(report, diaotai_staff, households, client):
    client.force_login(diaotai_staff)
    listed = client.get("/api/monitoring/self-reports", {"receipt": report.receipt}).json()
    assert [r["id"] for r in listed["items"]] == [report.pk]
    raised = client.post(
        f"/api/monitoring/self-reports/{report.pk}/alert",
        {"household_id": households[0].pk, "summary": "回访属实", "raised_on": "2026-11-30"},
        content_type="application/json",
    )
    assert raised.status_code == 201, raised.content
    assert raised.json()["state"] == "alert_raised" and raised.json()["alert_id"]
    again = client.post(
        f"/api/monitoring/self-reports/{report.pk}/close",
        {"reason": "无风险"},
        content_type="application/json",
    )
    assert again.status_code == 400 and again.json()["code"] == "self_report_handled"


def test_a_home_check_sent_twice_from_the_phone_is_recorded_once(
    today, client, county_admin, helper_wang, households
):
    procedure = start_identification(county_admin, households[0], on=D(2026, 11, 27))
    step(helper_wang, procedure, "application", D(2026, 11, 27))
    client.force_login(helper_wang)
    body = {"step": "home_check", "done_on": "2026-11-28", "client_id": str(uuid.UUID(int=7))}
    for _ in range(2):
        answer = client.post(
            f"/api/monitoring/procedures/{procedure.pk}/steps",
            body,
            content_type="application/json",
        )
        assert answer.status_code == 200, answer.content
        assert answer.json()["next_step"] == "village_review"
    assert procedure.steps.filter(step="home_check").count() == 1
    client.force_login(county_admin)  # the id is the helper's: another's send is refused
    taken = client.post(
        f"/api/monitoring/procedures/{procedure.pk}/steps", body, content_type="application/json"
    )
    assert taken.status_code == 400 and taken.json()["code"] == "client_id_taken"
