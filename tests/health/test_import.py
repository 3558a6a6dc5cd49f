"""The health bureau's sheets (卫健局): contracts, check-ups and follow-ups matched to members
by ID number through the keyed hash; unmatched, outside and repeated rows named without the
whole number; a re-import updates and never duplicates; bad cells named; all or nothing."""

import datetime

import pytest

from bangfu.core.errors import DomainError
from bangfu.core.models import AuditEntry, JobState
from bangfu.exchange import services
from bangfu.exchange.models import ImportKind
from bangfu.health.models import CheckUp, DoctorContract, FollowUp
from bangfu.health.services import CheckUpInput, checkup_record
from tests.exchange.corpus import xlsx
from tests.registry.conftest import id_number

D = datetime.date
MA = id_number("19650312", "901")  # 马建国, 马家寨村
WANG = id_number("19670508", "902")  # 王秀英
HONG = id_number("19920202", "904")  # 马小红
LI = id_number("19600101", "905")  # 李四, 康西村
LIWU = id_number("19880808", "906")  # 李五, left on 2026-06-01
NOBODY = id_number("19700101", "999")

CHECKUP_HEADER = ["序号", "姓名", "公民身份号码", "体检时间", "医疗机构", "体检结果", "主要发现"]
CONTRACT_HEADER = [
    "姓名",
    "身份证号码",
    "签约医生",
    "签约医疗机构",
    "签约服务包",
    "签约时间",
    "到期日期",
]
FOLLOW_UP_HEADER = [
    "姓名",
    "身份证号",
    "病种",
    "随访时间",
    "随访人",
    "随访方式",
    "随访结果",
    "下次随访时间",
]


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
    return [(p.row, p.column, p.value, p.reason) for p in job.problems.order_by("row", "pk")]


def test_check_ups_import_matched_by_id_then_a_reimport_updates_and_never_duplicates(
    county_admin, health, tmp_path
):
    rows = [
        [1, "马建国", MA, "2026-03-01", "钓台街道卫生院", "血压偏高", "高血压、2"],  # on record
        [2, "王秀英", WANG, "2026年5月6日", "钓台街道卫生院", "", "正常"],
        [3, "李四", LI, 20260707, "区人民医院", "空腹血糖偏高", "糖尿病"],
    ]
    path = xlsx(tmp_path / "体检.xlsx", [CHECKUP_HEADER, *rows])
    before = CheckUp.objects.count()
    job = run(county_admin, path, ImportKind.CHECKUPS, commit=False)
    assert job.state == JobState.CHECKED, problems(job)
    assert job.summary["records"] == {"new": 2, "changed": 0, "unchanged": 1}
    assert CheckUp.objects.count() == before  # the preview writes nothing
    job = run(county_admin, path, ImportKind.CHECKUPS, commit=True)
    assert job.state == JobState.DONE, problems(job)
    assert CheckUp.objects.count() == before + 2
    li = CheckUp.objects.get(member__name="李四", held_on=D(2026, 7, 7))
    assert [c.label for c in li.findings.all()] == ["糖尿病"]
    assert li.region_id == "611103002202"
    # Audited with the services' own action, so the health figures see imported records.
    entries = AuditEntry.objects.filter(action="checkup.record", object_id=str(li.pk))
    assert entries.get().after["source"] == "体检.xlsx"
    assert AuditEntry.objects.filter(action="import.commit", object_id=str(job.pk)).exists()

    rows[2][5] = "空腹血糖偏高 建议复查"
    again = run(
        county_admin,
        xlsx(tmp_path / "体检.xlsx", [CHECKUP_HEADER, *rows]),
        ImportKind.CHECKUPS,
        commit=True,
    )
    assert again.state == JobState.DONE, problems(again)
    assert again.summary["records"] == {"new": 0, "changed": 1, "unchanged": 2}
    assert CheckUp.objects.count() == before + 2
    li.refresh_from_db()
    assert li.summary == "空腹血糖偏高 建议复查"
    update = AuditEntry.objects.get(action="checkup.update", object_id=str(li.pk))
    assert update.before["summary"] == "空腹血糖偏高"
    assert update.after["summary"] == "空腹血糖偏高 建议复查"


def test_unmatched_outside_left_and_repeated_rows_are_named_without_the_whole_number(
    county_admin, township_staff, health, tmp_path
):
    rows = [
        [1, "某某", NOBODY, "2026-05-01", "卫生院", "", ""],
        [2, "李五", LIWU, "2026-05-01", "卫生院", "", ""],
        [3, "马小红", HONG, "2026-05-01", "卫生院", "", ""],
        [4, "马小红", HONG, "2026/5/1", "卫生院", "", ""],
        [
            5,
            "王秀英",
            WANG[:17] + ("0" if WANG[17] != "0" else "1"),
            "2026-05-01",
            "卫生院",
            "",
            "",
        ],
    ]
    path = xlsx(tmp_path / "体检.xlsx", [CHECKUP_HEADER, *rows])
    before = CheckUp.objects.count()
    job = run(county_admin, path, ImportKind.CHECKUPS, commit=True)
    assert job.state == JobState.REFUSED
    found = problems(job)
    assert [(row, column) for row, column, _v, _r in found] == [
        (2, "公民身份号码"),
        (3, "公民身份号码"),
        (5, "公民身份号码"),
        (6, "公民身份号码"),
    ]
    reasons = {row: reason for row, _c, _v, reason in found}
    assert "No member of your places" in reasons[2] or "没有" in reasons[2]
    assert "李五" in reasons[3]
    assert "4" in reasons[5]  # the first row that gave the same check-up
    for _row, _column, value, reason in found:
        assert NOBODY not in value + reason and HONG not in value + reason
        assert WANG[:17] not in value + reason
    assert CheckUp.objects.count() == before  # all or nothing
    # A member of another township's places is refused with the same words as nobody.
    outside = run(
        township_staff,
        xlsx(
            tmp_path / "外.xlsx",
            [CHECKUP_HEADER, [1, "马小红", HONG, "2026-05-01", "卫生院", "", ""]],
        ),
        ImportKind.CHECKUPS,
        commit=True,
    )
    nobody = run(
        township_staff,
        xlsx(
            tmp_path / "无.xlsx",
            [CHECKUP_HEADER, [1, "某某", NOBODY, "2026-05-01", "卫生院", "", ""]],
        ),
        ImportKind.CHECKUPS,
        commit=True,
    )
    assert [p[3] for p in problems(outside)] == [p[3] for p in problems(nobody)]
    assert CheckUp.objects.count() == before


def test_bad_cells_are_named_and_nothing_is_half_written(county_admin, health, tmp_path):
    rows = [
        [1, "王秀英", WANG, "2026-06-01", "卫生院", "", ""],  # good, but the file is refused
        [2, "马小红", HONG, "2026-13-01", "卫生院", "", ""],
        [3, "李四", LI, "2026-06-01", "", "", ""],
        [4, "马建国", MA, "2026-06-01", "卫生院", "", "骨折"],
        [5, "马建国", MA, "1960-01-01", "卫生院", "", ""],
        [6, "马小红", HONG, "2026-06-01", "卫" * 101, "", ""],
    ]
    before = CheckUp.objects.count()
    job = run(
        county_admin,
        xlsx(tmp_path / "体检.xlsx", [CHECKUP_HEADER, *rows]),
        ImportKind.CHECKUPS,
        commit=True,
    )
    assert job.state == JobState.REFUSED
    assert [(row, column) for row, column, _v, _r in problems(job)] == [
        (3, "体检时间"),
        (4, "医疗机构"),
        (5, "主要发现"),
        (6, "体检时间"),
        (7, "医疗机构"),
    ]
    assert CheckUp.objects.count() == before


def test_contracts_import_and_a_renewal_is_a_new_contract(county_admin, health, tmp_path):
    rows = [
        [
            "马建国",
            MA,
            "张医生",
            "钓台街道卫生院",
            "慢病管理包",
            "2026-01-01",
            "2026-12-31",
        ],  # on record
        ["马建国", MA, "张医生", "钓台街道卫生院", "2", "2026-11-01", "2027-10-31"],
        ["王秀英", WANG, "李医生", "钓台街道卫生院", "基础包", "2026-02-01", "2027-01-31"],
        ["马小红", HONG, "李医生", "钓台街道卫生院", "豪华包", "2026-02-01", "2027-01-31"],
    ]
    path = xlsx(tmp_path / "签约.xlsx", [CONTRACT_HEADER, *rows])
    job = run(county_admin, path, ImportKind.CONTRACTS, commit=True)
    assert job.state == JobState.REFUSED
    assert [(row, column) for row, column, _v, _r in problems(job)] == [(5, "签约服务包")]
    del rows[3]
    before = DoctorContract.objects.count()
    job = run(
        county_admin,
        xlsx(tmp_path / "签约.xlsx", [CONTRACT_HEADER, *rows]),
        ImportKind.CONTRACTS,
        commit=True,
    )
    assert job.state == JobState.DONE, problems(job)
    assert job.summary["records"] == {"new": 2, "changed": 0, "unchanged": 1}
    assert DoctorContract.objects.count() == before + 2
    assert AuditEntry.objects.filter(action="doctor_contract.sign").count() == 3 + 2
    rows[2][2] = "赵医生"
    job = run(
        county_admin,
        xlsx(tmp_path / "签约.xlsx", [CONTRACT_HEADER, *rows]),
        ImportKind.CONTRACTS,
        commit=True,
    )
    assert job.summary["records"] == {"new": 0, "changed": 1, "unchanged": 2}
    assert (
        DoctorContract.objects.get(member__name="王秀英", signed_on=D(2026, 2, 1)).doctor
        == "赵医生"
    )
    assert DoctorContract.objects.count() == before + 2


def test_follow_ups_name_their_illness_and_an_illness_not_on_record_is_refused(
    county_admin, health, tmp_path
):
    rows = [
        [
            "马建国",
            MA,
            "高血压",
            "2026-08-31",
            "张医生",
            "入户随访",
            "血压控制尚可",
            "2026-10-31",
        ],  # on record
        ["马建国", MA, "1", "2026-11-15", "张医生", "电话", "血压平稳", "2027-02-15"],
        ["王秀英", WANG, "恶性肿瘤", "2026-03-10", "李医生", "门诊", "", ""],
        ["王秀英", WANG, "2型糖尿病", "2026-03-10", "李医生", "门诊", "", ""],  # no such illness
        ["马小红", HONG, "高血压", "2026-03-10", "李医生", "短信", "", ""],  # a way not known
    ]
    path = xlsx(tmp_path / "随访.xlsx", [FOLLOW_UP_HEADER, *rows])
    before = FollowUp.objects.count()
    job = run(county_admin, path, ImportKind.FOLLOW_UPS, commit=True)
    assert job.state == JobState.REFUSED
    found = problems(job)
    assert [(row, column) for row, column, _v, _r in found] == [(5, "病种"), (6, "随访方式")]
    assert "慢病/大病管理" in found[0][3]
    assert FollowUp.objects.count() == before
    job = run(
        county_admin,
        xlsx(tmp_path / "随访.xlsx", [FOLLOW_UP_HEADER, *rows[:3]]),
        ImportKind.FOLLOW_UPS,
        commit=True,
    )
    assert job.state == JobState.DONE, problems(job)
    assert job.summary["records"] == {"new": 2, "changed": 0, "unchanged": 1}
    latest = FollowUp.objects.get(condition=health["hypertension"], held_on=D(2026, 11, 15))
    assert (latest.kind, latest.next_due) == ("phone", D(2027, 2, 15))
    assert AuditEntry.objects.filter(action="follow_up.record", object_id=str(latest.pk)).exists()


def test_the_services_refuse_a_second_record_of_a_natural_key(county_admin, health):
    member = health["health_member"]
    with pytest.raises(DomainError) as refused:
        checkup_record(
            actor=county_admin,
            member_id=member.pk,
            checkup=CheckUpInput(held_on=D(2026, 3, 1), institution="卫生院"),
        )
    assert refused.value.field == "held_on"
    assert "2026-03-01" in refused.value.message


def test_the_upload_page_offers_the_three_sheets(client, county_admin, health, tmp_path):
    client.force_login(county_admin)
    for kind, header, row in (
        (
            ImportKind.CONTRACTS,
            CONTRACT_HEADER,
            ["王秀英", WANG, "李医生", "卫生院", "1", "2026-02-01", "2027-01-31"],
        ),
        (ImportKind.CHECKUPS, CHECKUP_HEADER, [1, "王秀英", WANG, "2026-05-06", "卫生院", "", ""]),
        (
            ImportKind.FOLLOW_UPS,
            FOLLOW_UP_HEADER,
            ["王秀英", WANG, "8", "2026-03-10", "李医生", "门诊", "", ""],
        ),
    ):
        path = xlsx(tmp_path / f"{kind}.xlsx", [header, row])
        with path.open("rb") as handle:
            response = client.post("/excel/imports/", {"kind": kind, "file": handle})
        assert response.status_code == 302, response.content.decode()[:2000]
        page = client.get(response.url)
        assert page.status_code == 200
        text = page.content.decode()
        assert "1" in text and ("Import these records" in text or "导入这些记录" in text)


def test_imported_check_ups_reach_the_place_roll_ups(county_admin, health, tmp_path):
    """The import writes through no service, but audits each record with its place, so the
    dashboard's figures (kept roll-ups) count it as the records do."""
    from bangfu.core.models import Region
    from bangfu.reports import selectors as figures

    november = figures.Period(D(2026, 11, 1), D(2026, 11, 1))
    county = Region.objects.get(code="611103000000")

    def checked() -> tuple[int, int]:
        kept = figures.Figures(county_admin, county, november).values["checked"]
        counted = figures.source_figures(county_admin, county, november)["checked"]
        return kept, counted

    kept, counted = checked()
    assert kept == counted
    path = xlsx(
        tmp_path / "体检.xlsx",
        [CHECKUP_HEADER, [1, "马小红", HONG, "2026-05-06", "钓台街道卫生院", "", "正常"]],
    )
    job = run(county_admin, path, ImportKind.CHECKUPS, commit=True)
    assert job.state == JobState.DONE, problems(job)
    assert checked() == (kept + 1, counted + 1)
