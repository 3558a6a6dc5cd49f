"""Self-check reports (自查报告) over the API: a place's villages' reports of a month (on
time, late, missing, with their figures), one village's month, and a report submitted."""

import datetime
from typing import Any

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from bangfu.core import params
from bangfu.core.capabilities import Capability, require
from bangfu.core.schemas import documented
from bangfu.core.selectors import region_for

from .. import services
from ..models import SelfCheckReport
from ..selectors import reports as selectors

router = Router(tags=["checks"])


class SelfCheckReportIn(Schema):
    # Stated, not enforced here: a place or month that cannot be read is the service's
    # refusal (400), not pydantic's.
    village_code: str = Field(
        description="the village's 12-digit code", json_schema_extra={"maxLength": 12}
    )
    month: str = Field(
        description="the month reported on, 2026-11", json_schema_extra={"maxLength": 7}
    )
    note: str = documented(SelfCheckReport, "note")


class ReportsIn(Schema):
    place: str = ""
    month: str = ""


class MonthIn(Schema):
    month: str = ""


class SelfCheckReportOut(Schema):
    id: int
    village_code: str
    month: datetime.date
    due_on: datetime.date
    submitted_on: datetime.date | None
    state: str
    note: str
    figures: dict[str, Any]


class VillageOut(Schema):
    village_code: str
    village: str
    month: datetime.date
    due_on: datetime.date
    state: str
    report_id: int | None
    submitted_on: datetime.date | None
    found: int
    fixed: int
    closed: int
    open: int
    households_compared: int
    households_matching: int


def _report(report: SelfCheckReport) -> dict:
    return {
        "id": report.pk,
        "village_code": report.region_id,
        "month": report.month,
        "due_on": report.due_on,
        "submitted_on": report.submitted_on,
        "state": selectors.report_state(report, report.due_on),
        "note": report.note,
        "figures": report.figures,
    }


def _village(row: selectors.VillageRow, month: datetime.date) -> dict:
    return {
        "village_code": row.village.code,
        "village": row.village.name,
        "month": month,
        "due_on": row.due_on,
        "state": row.state,
        "report_id": row.report.pk if row.report else None,
        "submitted_on": row.report.submitted_on if row.report else None,
        **row.figures.totals,
        "households_compared": row.figures.compared,
        "households_matching": row.figures.matching,
    }


@router.get("/checks/reports", response=list[VillageOut], operation_id="self_check_reports_list")
@paginate(params.Pages, page_size=50)
def self_check_reports_list(request, filters: Query[ReportsIn]):
    """The villages' self-check reports of a month (``month``, this month by default) under
    a place (``place``, all the caller's places by default), in place order: each village's
    day due, state (on_time, late, missing, pending) and the month's differences found,
    fixed, closed by hand and open. For those who receive the reports."""
    require(request.auth, Capability.RECEIVE_CHECK_REPORTS)
    code = params.place(filters.place)
    within = region_for(request.auth, code) if code else None
    month = params.month(filters.month)
    found = selectors.village_reports(request.auth, within, month)
    return [_village(row, found.month) for row in found.rows]


@router.get(
    "/checks/villages/{code}/report", response=VillageOut, operation_id="self_check_report_read"
)
def self_check_report_read(request, code: str, filters: Query[MonthIn]):
    """One village's month (``month``): its report's state and figures as they stand."""
    village = selectors.village_for(request.auth, code)
    found = selectors.village_month(request.auth, village, params.month(filters.month))
    row = selectors.VillageRow(village, found.due_on, found.report, found.state, found.figures)
    return _village(row, found.month)


@router.post(
    "/checks/reports", response={201: SelfCheckReportOut}, operation_id="self_check_report_submit"
)
def self_check_report_submit(request, payload: SelfCheckReportIn):
    """Submit a village's self-check report of a month to its township; the month's figures
    as they stand are kept in it. One a village a month."""
    report = services.self_check_report_submit(
        actor=request.auth,
        region_code=payload.village_code,
        month=params.month(payload.month),
        note=payload.note,
    )
    return Status(201, _report(report))
