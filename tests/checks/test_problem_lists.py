"""Problem data lists from above (问题数据清单) through the exchange pipeline: columns found
by their names or synonyms, the field matched to the national columns (traditional and
full-width written alike) or kept as written, row errors naming row, column and reason, all
or nothing, a household held elsewhere refused with the words of an unknown one; committed,
one list and one open difference of kind PROBLEM a row (repeated rows once), audited."""

# ruff: noqa: F811 (the fixtures imported from difference_world)

import datetime

import pytest

from bangfu.checks.models import Difference, DifferenceKind, DifferenceState, ProblemList
from bangfu.checks.services import received_on_of
from bangfu.core.models import AuditEntry, JobState
from bangfu.exchange.models import ImportKind
from tests.exchange.corpus import xlsx
from tests.health.test_import import problems, run
from tests.registry.conftest import id_number
from tests.teams.conftest import on_day  # noqa: F401 (a fixture)

from .difference_world import (  # noqa: F401 (fixtures)
    TODAY,
    checks_today,
    majiazhai,
    register,
    shiqiao,
)

HEADER = ["序号", "戶編號", "身份证号码", "问题指标", "疑点描述"]  # traditional 户编号
MA = id_number("19650312", "001")


@pytest.fixture
def other_county_household(other_county_admin):
    return register(other_county_admin, "6101180012010001", "610118001201", "韩东", "031")


def test_a_list_becomes_one_open_difference_a_row(
    checks_today, county_admin, majiazhai, shiqiao, tmp_path
):
    rows = [
        [1, majiazhai.number, MA, "联系电话", "联系电话与系统不一致"],
        [2, shiqiao.number, None, "帮扶措施落实", "收入低于监测线未纳入监测"],
        [3, majiazhai.number, None, "家庭人口", "人口数与成员数不符"],  # names no column
        [4, majiazhai.number, MA, "聯系電話", "联系电话与系统不一致"],  # the row 1 again
        [5, majiazhai.number, None, "", "户主变更未更新"],
    ]
    path = xlsx(tmp_path / "省级问题数据清单2026年11月15日.xlsx", [HEADER, *rows])
    job = run(county_admin, path, ImportKind.PROBLEM_LIST, commit=False)
    assert job.state == JobState.CHECKED, problems(job)
    assert job.summary["differences"] == {"new": 4, "repeated": 1}
    assert not ProblemList.objects.exists() and not Difference.objects.exists()
    job = run(county_admin, path, ImportKind.PROBLEM_LIST, commit=True)
    assert job.state == JobState.DONE, problems(job)
    listed = ProblemList.objects.get()
    assert (listed.region_id, listed.file_name) == ("611103000000", path.name)
    assert listed.received_on == datetime.date(2026, 11, 15)
    found = {
        (d.household_number, d.member_name, d.field, d.field_name, d.problem)
        for d in listed.items.all()
    }
    assert found == {
        (majiazhai.number, "马建国", "phone", "联系电话", "联系电话与系统不一致"),
        (shiqiao.number, "", "household", "帮扶措施落实", "收入低于监测线未纳入监测"),
        (majiazhai.number, "", "household", "家庭人口", "人口数与成员数不符"),
        (majiazhai.number, "", "household", "户信息", "户主变更未更新"),
    }
    for d in listed.items.all():
        assert d.kind == DifferenceKind.PROBLEM and d.state == DifferenceState.OPEN
        assert d.found_on == listed.received_on and d.snapshot_id is None
        assert d.region_id == d.household.region_id
    entry = AuditEntry.objects.get(action="problem_list.import")
    assert entry.region_code == "611103000000" and entry.after["differences"] == 4


def test_bad_rows_are_named_and_nothing_is_imported(
    checks_today, county_admin, majiazhai, other_county_household, tmp_path
):
    rows = [
        [1, majiazhai.number, None, "联系电话", "电话错误"],
        [2, "6111039999999999", None, "联系电话", "户不存在"],
        [3, other_county_household.number, None, "联系电话", "他县之户"],
        [4, majiazhai.number, id_number("19800101", "051"), "姓名", "成员不在此户"],
        [5, majiazhai.number, None, "联系电话", ""],
        [6, majiazhai.number, None, "字" * 61, "字段名过长"],
        [7, majiazhai.number, None, "联系电话", "问" * 501],
    ]
    path = xlsx(tmp_path / "问题清单.xlsx", [HEADER, *rows])
    job = run(county_admin, path, ImportKind.PROBLEM_LIST, commit=True)
    assert job.state == JobState.REFUSED
    found = {(row, column): reason for row, column, _value, reason in problems(job)}
    assert set(found) == {
        (3, "戶編號"),
        (4, "戶編號"),
        (5, "身份证号码"),
        (6, "疑点描述"),
        (7, "问题指标"),
        (8, "疑点描述"),
    }
    # A household held elsewhere is refused with the words of one on no record.
    assert found[(3, "戶編號")].replace("6111039999999999", "N") == found[(4, "戶編號")].replace(
        other_county_household.number, "N"
    )
    assert not ProblemList.objects.exists() and not Difference.objects.exists()
    assert not AuditEntry.objects.filter(action="problem_list.import").exists()


def test_a_sheet_without_the_needed_columns_is_refused(checks_today, county_admin, tmp_path):
    path = xlsx(tmp_path / "问题清单.xlsx", [["户编号", "备注"], ["6111030022010001", "x"]])
    job = run(county_admin, path, ImportKind.PROBLEM_LIST, commit=False)
    assert job.state == JobState.REFUSED
    assert any("问题描述" in reason for *_rest, reason in problems(job))


def test_only_the_county_imports_a_list(checks_today, township_staff, tmp_path):
    from bangfu.core.errors import NotPermitted
    from bangfu.exchange import services

    path = xlsx(tmp_path / "问题清单.xlsx", [HEADER])
    with pytest.raises(NotPermitted), path.open("rb") as handle:
        services.import_upload(
            actor=township_staff,
            file_name=path.name,
            chunks=iter(handle),
            kind=ImportKind.PROBLEM_LIST,
        )


@pytest.mark.parametrize(
    "name, day",
    [
        ("问题数据清单20261115.xlsx", datetime.date(2026, 11, 15)),
        ("问题数据清单2026-3-5.xlsx", datetime.date(2026, 3, 5)),
        ("2026.03.05 省办下发.xls", datetime.date(2026, 3, 5)),
        ("问题清单2026年3月15日.xlsx", datetime.date(2026, 3, 15)),
        ("问题数据清单.xlsx", TODAY),  # no day: the day it is imported
        ("问题数据清单20271115.xlsx", TODAY),  # not yet come: not the day
        ("问题数据清单20260231.xlsx", TODAY),  # no such day
        ("问题数据清单202611150.xlsx", TODAY),
    ],
)
def test_the_day_received_is_read_from_the_file_name(checks_today, name, day):
    assert received_on_of(name) == day


def test_the_blank_sheet_names_the_columns_and_the_job_page_counts(
    checks_today, client, county_admin, majiazhai, tmp_path
):
    client.force_login(county_admin)
    blank = client.get("/excel/template.xlsx?kind=problems")
    assert blank.status_code == 200
    rows = [[majiazhai.number, "", "联系电话", "电话与系统不一致"]] * 2
    path = xlsx(tmp_path / "问题清单.xlsx", [["户编号", "证件号码", "问题字段", "问题描述"], *rows])
    job = run(county_admin, path, ImportKind.PROBLEM_LIST, commit=False)
    page = client.get(f"/excel/imports/{job.pk}/").content.decode()
    assert "导入此问题清单" in page and "重复行" in page
