"""A small check to report on: a snapshot of 沣西新城 and differences of 马家寨村 (one in its
group) and 康西村 in each state, made as rows (the comparison and the workflow write the real
ones)."""

import datetime

from django.utils import timezone

from bangfu.checks.models import (
    Difference,
    DifferenceClass,
    DifferenceKind,
    DifferenceState,
    Snapshot,
    SnapshotHousehold,
)

COUNTY, TOWNSHIP = "611103000000", "611103002000"
VILLAGE, GROUP, OTHER_VILLAGE = "611103002201", "611103002201001", "611103002202"
MONTH = datetime.date(2026, 1, 1)


def snapshot(actor, month=MONTH, compared=True) -> Snapshot:
    return Snapshot.objects.create(
        region_id=COUNTY,
        month=month,
        file_name="国家系统导出.xlsx",
        imported_by=actor,
        compared_at=timezone.now() if compared else None,
    )


def difference(shot, region, number, field_name, found_on, **more) -> Difference:
    values = {
        "region_id": region,
        "snapshot": shot,
        "household_number": number,
        "field": more.pop("field", "name"),
        "field_name": field_name,
        "kind": DifferenceKind.VALUE,
        "system_value": "甲",
        "handbook_value": "乙",
        "found_on": found_on,
        **more,
    }
    return Difference.objects.create(**values)


def check_world(actor) -> dict:
    """马家寨村 in January 2026: four found (one in its group), one fixed, one closed by hand
    with a reason, one found in December still open; 康西村: one found and open. The
    snapshot holds three households of 马家寨村 (two with an open difference) and one of
    康西村."""
    shot = snapshot(actor)
    day = datetime.date
    rows = {
        "open_name": difference(
            shot, VILLAGE, "6111030022010001", "姓名", day(2026, 1, 5),
            classification=DifferenceClass.SYSTEM_WRONG,
        ),
        "fixed": difference(
            shot, VILLAGE, "6111030022010002", "人均纯收入", day(2026, 1, 5),
            field="per_capita_income", classification=DifferenceClass.HANDBOOK_WRONG,
            state=DifferenceState.FIXED, closed_on=day(2026, 1, 20),
        ),
        "closed": difference(
            shot, VILLAGE, "6111030022010003", "与户主关系", day(2026, 1, 6),
            field="relation", classification=DifferenceClass.ACCEPTED,
            state=DifferenceState.CLOSED, closed_on=day(2026, 1, 21),
            close_reason="民政数据滞后一个月，下月自动更新",
        ),
        "group": difference(
            shot, GROUP, "6111030022010011", "姓名", day(2026, 1, 7),
            classification=DifferenceClass.HOME_CHECK,
        ),
        "december": difference(shot, VILLAGE, "6111030022010001", "致贫原因", day(2025, 12, 20),
                               field="main_cause"),
        "other": difference(shot, OTHER_VILLAGE, "6111030022020001", "姓名", day(2026, 1, 8)),
    }  # fmt: skip
    SnapshotHousehold.objects.bulk_create(
        [
            SnapshotHousehold(snapshot=shot, number=number, region_code=code)
            for number, code in [
                ("6111030022010001", VILLAGE),
                ("6111030022010002", VILLAGE),
                ("6111030022010004", VILLAGE),
                ("6111030022010011", GROUP),
                ("6111030022020001", OTHER_VILLAGE),
            ]
        ]
    )
    return {"snapshot": shot, **rows}


A_VILLAGE = {"code": VILLAGE}
MISSING_VILLAGE = {"code": "619999999999"}
REPORT_FORM = {"note": "入侵"}
REPORT_JSON = {"village_code": VILLAGE, "month": "2026-01", "note": "入侵"}


def report_page_probes(probe) -> dict:
    """The self-check reports' routes for the scoping walk's PAGE_PROBES."""
    return {
        "checks:village_reports": probe(),
        "checks:village_report": probe(
            lambda w: A_VILLAGE, MISSING_VILLAGE, ("get", "post"), REPORT_FORM
        ),
    }


def report_api_probes(probe) -> dict:
    """The self-check reports' operations for the walk's API_PROBES."""
    return {
        "self_check_reports_list": probe(),
        "self_check_report_read": probe(lambda w: A_VILLAGE, MISSING_VILLAGE),
        # Another county's village named in the body: 404, nothing submitted.
        "self_check_report_submit": probe(methods=("post",), data=REPORT_JSON),
    }


def reports_state():
    """What the walk compares before and after another county's requests."""
    from bangfu.checks.models import SelfCheckReport

    return list(SelfCheckReport.objects.values_list("pk", "region_id", "month", "note"))


def report_aims(world, aim) -> dict:
    """For each self-check report operation, a valid request aimed at county A's village:
    a submission of a month with no report yet (a report submitted before by the fuzz for
    that month is taken away first: one a village a month)."""
    from bangfu.checks.models import SelfCheckReport
    from bangfu.core.params import add_months

    def submit(n):
        month = add_months(datetime.date(2015, 1, 1), n % 120)
        SelfCheckReport.objects.filter(region_id=VILLAGE, month=month).delete()
        return aim({}, {}, {**REPORT_JSON, "month": f"{month:%Y-%m}", "note": "已逐户核对"})

    return {
        "self_check_reports_list": lambda n: aim({}, {"place": TOWNSHIP, "month": "2026-01"}, None),
        "self_check_report_read": lambda n: aim(A_VILLAGE, {"month": "2026-01"}, None),
        "self_check_report_submit": submit,
    }
