"""The county's project sheets through the exchange pipeline: the project library (项目库)
and the finance sheet (资金台账: 下达, 拨付), keyed by project number; row errors named by
row, column and reason; all or nothing; the ledger's rule over the sheet and the entries on
file together; what the exports write imports again, unchanged."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from bangfu.core.models import AuditEntry, Code, JobState
from bangfu.exchange import services
from bangfu.exchange.models import ImportKind
from bangfu.exchange.sheets import rows as sheet_rows
from bangfu.exchange.sheets import sheet_names
from bangfu.projects.models import LedgerEntry, PlannedFund, Project, Stage
from tests.exchange.corpus import xlsx

from .conftest import COUNTY, OTHER_VILLAGE, TOWNSHIP, VILLAGE

D = datetime.date
Y = Decimal
APRIL = D(2026, 4, 1)

LIBRARY_HEADER = [
    "项目编号",
    "项目名称",
    "项目类型",
    "县（市、区）",
    "乡镇",
    "村",
    "年度",
    "实施单位",
    "中央财政（元）",
    "县级财政资金",
]
FUNDS_HEADER = ["项目编号", "项目名称", "类型", "资金来源", "金额", "日期", "凭证号", "备注"]


def run(actor, path, kind, *, commit):
    with path.open("rb") as handle:
        job = services.import_upload(
            actor=actor, file_name=path.name, chunks=iter(handle), kind=kind
        )
    job = services.import_check(job_id=job.pk)
    if commit and job.state == JobState.CHECKED:
        job = services.import_commit(job_id=job.pk)
    return job


def problems(job):
    return [(p.row, p.column, p.reason) for p in job.problems.order_by("row", "pk")]


def entry(project, kind, source, amount, day=APRIL, voucher="", actor=None, **more):
    return LedgerEntry.objects.create(
        project=project,
        region=project.region,
        kind=kind,
        source=Code.objects.get(kind="fund_source", value=source),
        amount=Y(amount),
        day=day,
        voucher=voucher,
        recorded_at=timezone.now(),
        recorded_by=actor or project.recorded_by,
        **more,
    )


def test_a_library_sheet_adds_projects_by_place_names_with_their_planned_funds(
    county_admin, today, tmp_path
):
    path = xlsx(
        tmp_path / "项目库.xlsx",
        [
            LIBRARY_HEADER,
            [
                "XM-2026-101",
                "石桥村道路硬化",
                "基建",
                "沣西新城",
                "马王街道",
                "石桥村",
                2026,
                "区交通局",
                "1,200,000",
                300000,
            ],
            [
                "XM-2026-102",
                "马王街道冷库",
                "2",
                "",
                "马王街道",
                "",
                "2026年",
                "马王街道办",
                None,
                "80000.5",
            ],
        ],
    )
    job = run(county_admin, path, ImportKind.PROJECTS, commit=False)
    assert job.state == JobState.CHECKED, problems(job)
    assert job.summary["records"] == {"new": 2, "changed": 0, "unchanged": 0}
    assert not Project.objects.exists()  # the preview writes nothing
    job = run(county_admin, path, ImportKind.PROJECTS, commit=True)
    assert job.state == JobState.DONE, problems(job)
    road = Project.objects.get(number="XM-2026-101")
    assert (road.region_id, road.county_id, road.kind.label, road.stage) == (
        VILLAGE,
        COUNTY,
        "基建",
        Stage.PLANNED,
    )
    assert road.steps.get().day == D(2026, 11, 30)
    planned = dict(PlannedFund.objects.filter(project=road).values_list("source__value", "amount"))
    assert planned == {"1": Y("1200000"), "4": Y("300000")}
    store = Project.objects.get(number="XM-2026-102")
    assert store.region_id == TOWNSHIP
    assert store.planned_funds.get().amount == Y("80000.50")
    audited = AuditEntry.objects.filter(action="project.import").order_by("seq")
    assert [(a.object_type, a.region_code) for a in audited] == [
        ("projects.project", VILLAGE),
        ("projects.project", TOWNSHIP),
    ]


def test_library_row_errors_are_named_and_nothing_is_written(
    county_admin, township_staff, make_project, today, tmp_path
):
    make_project("XM-2026-001", region_code=OTHER_VILLAGE, stage=Stage.STARTED)
    path = xlsx(
        tmp_path / "项目库.xlsx",
        [
            LIBRARY_HEADER,
            [
                "XM-2026-201",
                "好项目",
                "产业",
                "",
                "马王街道",
                "石桥村",
                2026,
                "农业农村局",
                1000,
                None,
            ],
            [
                "XM-2026-202",
                "类型不对",
                "扶贫",
                "",
                "马王街道",
                "石桥村",
                2026,
                "农业农村局",
                None,
                None,
            ],
            ["XM-2026-203", "没有地方", "产业", "", "", "", 2026, "农业农村局", None, None],
            [
                "XM-2026-204",
                "不在辖区",
                "产业",
                "",
                "钓台街道",
                "马家寨村",
                2026,
                "农业农村局",
                None,
                None,
            ],
            [
                "XM-2026-205",
                "年份太远",
                "产业",
                "",
                "马王街道",
                "石桥村",
                2031,
                "农业农村局",
                None,
                None,
            ],
            [
                "XM-2026-206",
                "金额为负",
                "产业",
                "",
                "马王街道",
                "石桥村",
                2026,
                "农业农村局",
                -5,
                None,
            ],
            [
                "XM-2026-201",
                "重复",
                "产业",
                "",
                "马王街道",
                "马王村",
                2026,
                "农业农村局",
                None,
                None,
            ],
            [
                "XM-2026-001",
                "别处的号",
                "产业",
                "",
                "马王街道",
                "石桥村",
                2026,
                "农业农村局",
                None,
                None,
            ],
        ],
    )
    job = run(township_staff, path, ImportKind.PROJECTS, commit=True)
    assert job.state == JobState.REFUSED
    found = problems(job)
    assert [(row, column) for row, column, _reason in found] == [
        (3, "项目类型"),
        (4, "行政区划代码"),
        (5, "村"),
        (6, "年度"),
        (7, "中央财政（元）"),
        (8, "项目编号"),
        (9, "项目编号"),
    ]
    reasons = {row: reason for row, _column, reason in found}
    assert "not in the list" in reasons[3] or "不在" in reasons[3]
    assert "马家寨村" in reasons[5]
    assert "Row 2" in reasons[8] or "第" in reasons[8]
    assert not Project.objects.filter(number__startswith="XM-2026-2").exists()


def test_a_project_on_file_is_unchanged_changed_while_planned_or_refused_once_started(
    county_admin, make_project, today, tmp_path
):
    make_project("XM-1", stage=Stage.PLANNED, name="石桥村项目", planned={"1": Y(1000)})
    make_project("XM-2", stage=Stage.STARTED, name="开工项目", planned={"1": Y(1000)})
    make_project("XM-3", stage=Stage.STARTED, name="原样", planned={"1": Y(1000)})
    header = ["项目编号", "项目名称", "项目类型", "行政区划代码", "年度", "责任单位", "中央财政"]
    same = ["产业", VILLAGE, 2026, "区农业农村局", 1000]
    changed = ["XM-1", "石桥村新项目", "产业", VILLAGE, 2026, "区农业农村局", 1500]
    path = xlsx(
        tmp_path / "项目库.xlsx",
        [header, changed, ["XM-2", "开工项目改名", *same], ["XM-3", "原样", *same]],
    )
    job = run(county_admin, path, ImportKind.PROJECTS, commit=True)
    [(row, column, reason)] = problems(job)
    assert (row, column) == (3, "项目编号")
    assert "XM-2" in reason
    path = xlsx(tmp_path / "项目库2.xlsx", [header, changed, ["XM-3", "原样", *same]])
    job = run(county_admin, path, ImportKind.PROJECTS, commit=True)
    assert job.state == JobState.DONE, problems(job)
    assert job.summary["records"] == {"new": 0, "changed": 1, "unchanged": 1}
    first = Project.objects.get(number="XM-1")
    assert first.name == "石桥村新项目"
    assert first.planned_funds.get().amount == Y(1500)
    [audited] = AuditEntry.objects.filter(action="project.import")
    assert audited.before["name"] == "石桥村项目"


def test_a_finance_sheet_adds_allocations_and_payments_audited_once_a_project(
    county_admin, make_project, today, tmp_path
):
    road = make_project("XM-1", stage=Stage.STARTED)
    store = make_project("XM-2", stage=Stage.APPROVED, region_code=OTHER_VILLAGE)
    entry(road, "allocation", "1", 1000)
    path = xlsx(
        tmp_path / "资金.xlsx",
        [
            FUNDS_HEADER,
            ["XM-1", "", "拨付", "中央财政", "800", "2026-05-01", "记-001", "一期"],
            ["XM-2", "", "下达", "4", 50000, D(2026, 5, 2), "", ""],
            ["XM-2", "", "报账", "县级财政", "20,000.00元", "2026年6月1日", "记-002", ""],
            ["XM-1", "", "拨付", "中央财政", 200, "2026-05-03", "记-003", ""],
        ],
    )
    job = run(county_admin, path, ImportKind.FUNDS, commit=True)
    assert job.state == JobState.DONE, problems(job)
    assert job.summary["records"] == {"new": 4, "changed": 0, "unchanged": 0}
    assert sorted(
        LedgerEntry.objects.filter(recorded_by=county_admin).values_list(
            "project__number", "kind", "source__value", "amount"
        )
    ) == [
        ("XM-1", "allocation", "1", Y(1000)),
        ("XM-1", "payment", "1", Y(200)),
        ("XM-1", "payment", "1", Y(800)),
        ("XM-2", "allocation", "4", Y(50000)),
        ("XM-2", "payment", "4", Y(20000)),
    ]
    assert LedgerEntry.objects.get(voucher="记-001").region_id == VILLAGE
    audited = AuditEntry.objects.filter(action="ledger.import").order_by("seq")
    assert [(a.object_id, a.region_code, a.after["entries"]) for a in audited] == [
        (str(road.pk), VILLAGE, "2"),
        (str(store.pk), OTHER_VILLAGE, "2"),
    ]


def test_payments_beyond_allocations_across_sheet_and_ledger_are_refused_at_the_row(
    county_admin, make_project, today, tmp_path
):
    road = make_project("XM-1", stage=Stage.STARTED)
    entry(road, "allocation", "1", 1000)
    entry(road, "payment", "1", 600)
    path = xlsx(
        tmp_path / "资金.xlsx",
        [
            FUNDS_HEADER,
            ["XM-1", "", "拨付", "1", 300, "2026-05-01", "", ""],  # 900 of 1,000: fine so far
            ["XM-1", "", "拨付", "1", 300, "2026-05-02", "", ""],  # 1,200 of 1,100
            ["XM-1", "", "下达", "1", 100, "2026-05-03", "", ""],
            ["XM-1", "", "拨付", "2", 10, "2026-05-03", "", ""],  # nothing from 省级财政
        ],
    )
    job = run(county_admin, path, ImportKind.FUNDS, commit=True)
    assert job.state == JobState.REFUSED
    found = problems(job)
    assert [(row, column) for row, column, _reason in found] == [(3, "金额"), (5, "金额")]
    assert "1,200.00" in found[0][2] and "1,100.00" in found[0][2] and "100.00" in found[0][2]
    assert "XM-1" in found[0][2] and "中央财政" in found[0][2]
    assert LedgerEntry.objects.count() == 2  # all or nothing
    assert not AuditEntry.objects.filter(action="ledger.import").exists()


def test_finance_row_errors_are_named(county_admin, township_staff, make_project, today, tmp_path):
    make_project("XM-1", stage=Stage.STARTED)
    make_project("XM-P", stage=Stage.PLANNED)
    make_project("XM-C", stage=Stage.CANCELLED)
    rows = [
        ["XM-9", "", "拨付", "1", 1, "2026-05-01", "", ""],  # no such project
        ["XM-P", "", "拨付", "1", 1, "2026-05-01", "", ""],  # planned
        ["XM-C", "", "拨付", "1", 1, "2026-05-01", "", ""],  # cancelled
        ["XM-1", "", "冲销", "1", 1, "2026-05-01", "", ""],  # not a kind
        ["XM-1", "", "拨付", "外资", 1, "2026-05-01", "", ""],  # not a source
        ["XM-1", "", "拨付", "1", -100, "2026-05-01", "", ""],  # a reversal
        ["XM-1", "", "拨付", "1", "一百", "2026-05-01", "", ""],  # not a number
        ["XM-1", "", "拨付", "1", 1, "2026-12-25", "", ""],  # after today
        ["XM-1", "", "下达", "1", 1, "2026-05-01", "", ""],  # township: no allocations
        ["XM-1", "", "下达", "1", 1, "2026-05-01", "", ""],  # the row above again
    ]
    path = xlsx(tmp_path / "资金.xlsx", [FUNDS_HEADER, *rows])
    job = run(township_staff, path, ImportKind.FUNDS, commit=False)
    found = problems(job)
    assert [(row, column) for row, column, _reason in found] == [
        (2, "项目编号"),
        (3, "项目编号"),
        (4, "项目编号"),
        (5, "类型"),
        (6, "资金来源"),
        (7, "金额"),
        (8, "金额"),
        (9, "日期"),
        (10, "类型"),
        (11, "项目编号"),
    ]
    reasons = {row: reason for row, _column, reason in found}
    assert "reversing entry" in reasons[7] or "冲销" in reasons[7]
    assert "XM-P" in reasons[3]
    assert not LedgerEntry.objects.exists()


def test_the_exports_import_again_unchanged(county_admin, make_project, today, tmp_path, client):
    road = make_project("XM-1", stage=Stage.STARTED, planned={"1": Y(1000), "4": Y(250.5)})
    make_project("XM-2", stage=Stage.PLANNED, region_code=TOWNSHIP)
    allocated = entry(road, "allocation", "1", 1000, voucher="记-1")
    paid = entry(road, "payment", "1", 400, voucher="记-2")
    entry(road, "payment", "1", -400, reverses=paid, day=D(2026, 4, 2))
    client.force_login(county_admin)
    library = client.get(reverse("projects:library_export"), {"place": COUNTY, "year": "2026"})
    assert library.status_code == 200
    path = tmp_path / "项目库.xlsx"
    path.write_bytes(b"".join(library.streaming_content))
    job = run(county_admin, path, ImportKind.PROJECTS, commit=True)
    assert job.state == JobState.DONE, problems(job)
    assert job.summary["records"] == {"new": 0, "changed": 0, "unchanged": 2}
    ledger = client.get(reverse("projects:ledger_export"), {"place": COUNTY, "source": "1"})
    path = tmp_path / "台账.xlsx"
    path.write_bytes(b"".join(ledger.streaming_content))
    exported = [row.values for row in sheet_rows(path, sheet_names(path)[0])]
    assert len(exported) == 4 and allocated.voucher in exported[1]
    job = run(county_admin, path, ImportKind.FUNDS, commit=True)
    assert job.state == JobState.DONE, problems(job)
    assert job.summary["records"] == {"new": 0, "changed": 0, "unchanged": 3}
    assert LedgerEntry.objects.count() == 3


@pytest.mark.parametrize("name", ["projects:library_export", "projects:ledger_export"])
def test_the_exports_keep_to_the_readers_places(name, other_county_admin, make_project, client):
    make_project("XM-1", stage=Stage.STARTED)
    client.force_login(other_county_admin)
    response = client.get(reverse(name))
    content = b"".join(response.streaming_content)
    assert response.status_code == 200 and b"XM-1" not in content


@pytest.mark.parametrize(
    ("kind", "headers"),
    [
        (
            ImportKind.PROJECTS,
            ["项目编号", "项目名称", "项目类型", "行政区划代码", "中央财政（元）"],
        ),
        (ImportKind.FUNDS, ["项目编号", "类型", "资金来源", "金额（元）", "日期", "凭证号"]),
    ],
)
def test_each_sheet_has_its_blank_template(kind, headers, county_admin, client, tmp_path):
    client.force_login(county_admin)
    response = client.get(reverse("exchange:import_template"), {"kind": kind})
    assert response.status_code == 200
    path = tmp_path / "template.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    header = next(sheet_rows(path, sheet_names(path)[0])).values
    assert all(name in [h.lstrip("*") for h in header] for name in headers), header
