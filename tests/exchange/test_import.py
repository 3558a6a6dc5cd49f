"""Importing household sheets: every shape of point 1 and 2 of the Excel issue, with the
exact errors expected, and all-or-nothing commits."""

import datetime
from pathlib import Path

import pytest
from django.utils import translation

from bangfu.core.models import AuditEntry, JobState
from bangfu.exchange import services
from bangfu.registry.models import Household, Member

from .corpus import (
    HEAD_ID,
    HEADER,
    OTHER_ID,
    SON_ID,
    WIFE_ID,
    csv_file,
    family,
    xls,
    xlsx,
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def check(actor, path):
    with path.open("rb") as handle:
        job = services.import_upload(actor=actor, file_name=path.name, chunks=iter(handle))
    return services.import_check(job_id=job.pk)


def problems(job):
    return [(p.row, p.column, p.value, p.reason) for p in job.problems.all()]


def masked(value: str) -> str:
    return value[:4] + "*" * (len(value) - 6) + value[-2:]


def imported(actor, path):
    job = check(actor, path)
    assert problems(job) == []
    return services.import_commit(job_id=job.pk)


def test_a_clean_national_sheet_is_previewed_then_written_once(county_admin, tmp_path):
    path = xlsx(tmp_path / "national.xlsx", [HEADER, *family()])
    job = check(county_admin, path)
    assert job.state == JobState.CHECKED
    assert job.summary["households"] == {"new": 1, "changed": 0, "unchanged": 0, "refused": 0}
    assert job.summary["members"] == {"new": 3, "changed": 0, "unchanged": 0}
    assert not Household.objects.filter(number="6111030022010101").exists()

    job = services.import_commit(job_id=job.pk)
    assert job.state == JobState.DONE
    household = Household.objects.get(number="6111030022010101")
    assert household.region_id == "611103002201"
    assert household.history.get().reason == "Imported from national.xlsx"
    members = {m.name: m for m in household.members.select_related("relation")}
    assert members["马建国"].is_head and members["李秀兰"].relation.value == "02"
    assert members["李秀兰"].birth_date == datetime.date(1950, 7, 5)
    assert AuditEntry.objects.filter(action="household.import", object_id=household.pk).exists()

    again = check(county_admin, xlsx(tmp_path / "again.xlsx", [HEADER, *family()]))
    assert again.summary["households"]["unchanged"] == 1
    assert again.summary["members"] == {"new": 0, "changed": 0, "unchanged": 3}


def test_title_rows_a_two_line_merged_header_and_any_column_order(county_admin, tmp_path):
    # 户编号 and 姓名 span both header lines; 家庭成员信息 groups the member columns above.
    order = [9, 8, 0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14]
    top = [HEADER[i] if i in (0, 8, 9) else None for i in order]
    top = [None] * len(order)
    bottom = [None if HEADER[i] in ("户编号",) else HEADER[i] for i in order]
    rows = [[row[i] for i in order] for row in family()]
    path = xlsx(
        tmp_path / "merged.xlsx",
        [top, bottom, *rows],
        above=[["沣西新城建档立卡贫困户信息表"], ["填报单位：钓台街道", None, "日期：2026年11月"]],
        merged=[
            (0, 0, 0, 8, "沣西新城建档立卡贫困户信息表"),
            (2, 2, 3, 2, "户编号"),
            (2, 10, 2, 14, "家庭成员信息"),
        ],
    )
    job = check(county_admin, path)
    assert problems(job) == []
    assert job.summary["members"]["new"] == 3


def test_traditional_full_width_spaces_and_every_date_shape(county_admin, tmp_path):
    header = (
        "戶編號| 鄉（鎮） |行政村|戶屬性|識別標準|主要致貧原因|識別年度|脫貧狀態|姓 名|證件號碼"
    )
    header = [*header.split("|"), "與戶主關係", "民族", "健康狀況", "勞動技能", "出生日期"]
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in "6111030022010102")
    base = [full_width, "钓台街道", " 馬家寨村 ", "一般貧困戶", 1.0, "1", "2016", "未脫貧"]
    rows = [
        base + ["張偉", HEAD_ID.replace("1", "１"), "戶主", "漢族", "3", 3.0, "1950.3.12"],
        base + ["李秀兰", f" {WIFE_ID} ", "02", "01", "健康", "普通勞動力", "1950/7/5"],
        base + ["馬小軍", SON_ID, 3, 1, 1.0, "2", 29221],  # the serial of 1980-01-01
    ]
    job = check(county_admin, xlsx(tmp_path / "ugly.xlsx", [header, *rows]))
    assert problems(job) == []
    services.import_commit(job_id=job.pk)
    household = Household.objects.get(number="6111030022010102")
    names = sorted(household.members.values_list("name", flat=True))
    assert names == ["張偉", "李秀兰", "馬小軍"]  # people's names are never converted
    assert household.members.get(name="馬小軍").relation.value == "03"


def test_csv_in_utf8_and_in_gbk_and_xls(county_admin, tmp_path):
    for path in (
        csv_file(tmp_path / "utf8.csv", [HEADER, *family("6111030022010103")]),
        csv_file(tmp_path / "gbk.csv", [HEADER, *family("6111030022010103")], "gbk"),
        xls(tmp_path / "old.xls", [HEADER, *family("6111030022010103")]),
    ):
        job = check(county_admin, path)
        assert problems(job) == [], path.name
        assert job.summary["households"]["new"] == 1


DAMAGED = (
    "Excel stored this ID number as a number and kept only its first 15 digits; the rest are "
    "lost. Format the column as text (设置单元格格式 → 文本) and enter the numbers again, or "
    "export them again as text."
)


def test_id_numbers_damaged_by_excel_are_refused_never_guessed(county_admin, tmp_path):
    rows = family()
    rows[0][9] = float(HEAD_ID[:17] + "0")  # stored as a number
    rows[1][9] = "6.11103E+17"  # a number shown in scientific notation, saved as text
    rows[2][9] = SON_ID[:15] + "000"  # the last digits turned to zeros
    job = check(county_admin, xlsx(tmp_path / "damaged.xlsx", [HEADER, *rows]))
    assert job.state == JobState.REFUSED
    # Shown masked like every ID number the report shows (the registry's 4 + 2 by default).
    assert problems(job) == [
        (2, "证件号码", masked(str(float(HEAD_ID[:17] + "0"))), DAMAGED),
        (3, "证件号码", masked("6.11103E+17"), DAMAGED),
        (
            4,
            "证件号码",
            masked(SON_ID[:15] + "000"),
            "The last three digits are 000 and the check digit does not match: Excel most "
            "likely turned the last digits to zeros. Format the column as text and enter the "
            "full numbers again.",
        ),
    ]
    assert not Household.objects.filter(number="6111030022010101").exists()


def test_rule_errors_name_row_column_value_and_reason(county_admin, tmp_path):
    rows = family() + family("6111030022010104") + family("6111030022010105", "东韩村")
    rows[1][10] = "户主"  # a second head
    rows[2][5] = "因懒"  # not in the list
    rows[3][9] = HEAD_ID  # the same person in two households
    rows[4][7] = "返贫"  # the household's rows disagree
    rows[5][7] = "已脱贫"  # no such status
    job = check(county_admin, xlsx(tmp_path / "wrong.xlsx", [HEADER, *rows]))
    disagree = (
        "Row 5 of the same household says “未脱贫”; a household's columns must agree on all "
        "its rows (or be left empty)."
    )
    assert (
        problems(job)
        == [
            (
                2,
                "与户主关系",
                "户主",  # the household's first row, as written
                "A household has exactly one head (户主); this one would have 2.",
            ),
            (
                4,
                "主要致贫原因",
                "因懒",
                "“因懒” is not in the list; use a code or a name from the list.",
            ),
            (
                5,
                "证件号码",
                HEAD_ID[:4] + "*" * 12 + HEAD_ID[-2:],
                "The same ID number is also given for household 6111030022010101 in this file.",
            ),
            (6, "脱贫状态", "返贫", disagree),
            (
                7,
                "脱贫状态",
                "已脱贫",
                "“已脱贫” is not a status; write one of: "
                "未脱贫、已脱贫(享受政策)、已脱贫(不享受政策)、返贫、监测对象、风险已消除.",
            ),
            (8, "行政村", "东韩村", "No village or group “东韩村” among your places."),
        ]
    )
    assert not Member.objects.filter(name="马建国").exists()


def test_a_file_missing_required_columns_says_which(county_admin, tmp_path):
    header = [h for h in HEADER if h not in ("证件号码", "与户主关系")]
    rows = [[v for h, v in zip(HEADER, row, strict=True) if h in header] for row in family()]
    job = check(county_admin, xlsx(tmp_path / "short.xlsx", [header, *rows]))
    assert problems(job) == [
        (1, "证件号码、与户主关系", "", "These columns are missing; add them to the header row.")
    ]


def test_an_administrator_teaches_a_new_header(county_admin, tmp_path):
    header = ["家庭户号" if h == "户编号" else h for h in HEADER]
    path = xlsx(tmp_path / "own.xlsx", [header, *family()])
    assert check(county_admin, path).state == JobState.REFUSED
    services.header_synonym_add(actor=county_admin, column="number", synonym="家庭户号")
    assert check(county_admin, path).state == JobState.CHECKED


def test_changes_update_only_what_changed_and_are_audited(county_admin, tmp_path):
    imported(county_admin, xlsx(tmp_path / "first.xlsx", [HEADER, *family()]))
    rows = family()
    for row in rows:
        row[5] = "因残"
    rows[2][12] = "长期慢性病"
    rows.append(rows[2][:8] + ["马小红", OTHER_ID, "之女", "汉族", "健康", "普通劳动力", ""])
    job = check(county_admin, xlsx(tmp_path / "second.xlsx", [HEADER, *rows]))
    assert job.summary["households"]["changed"] == 1
    assert job.summary["members"] == {"new": 1, "changed": 1, "unchanged": 2}
    before = AuditEntry.objects.count()
    services.import_commit(job_id=job.pk)
    household = Household.objects.get(number="6111030022010101")
    assert household.main_cause.value == "2"
    assert household.members.count() == 4
    entry = AuditEntry.objects.filter(action="household.import").last()
    assert entry.before["main_cause"] != entry.after["main_cause"]
    assert AuditEntry.objects.count() == before + 2  # the household and the job


def test_the_error_sheet_is_the_file_with_an_error_column(county_admin, tmp_path):
    from python_calamine import CalamineWorkbook

    rows = family()
    rows[2][9] = SON_ID[:15] + "000"
    job = check(county_admin, xlsx(tmp_path / "fix-me.xlsx", [HEADER, *rows]))
    path = services.import_error_sheet(actor=county_admin, job_id=job.pk)
    cells = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert cells[0][: len(HEADER)] == HEADER
    assert cells[3][9] == masked(SON_ID[:15] + "000")
    assert "000" in cells[3][len(HEADER)] and cells[2][len(HEADER)] == ""


def test_export_then_import_changes_nothing(county_admin, tmp_path):
    from bangfu.exchange.selectors import export_for

    imported(county_admin, xlsx(tmp_path / "first.xlsx", [HEADER, *family()]))
    job = services.export_request(actor=county_admin, filters={}, full_ids=True)
    services.export_write(job_id=job.pk)
    path = export_for(county_admin, job.pk).path
    assert AuditEntry.objects.filter(action="export.full_ids", object_id=job.pk).exists()
    copy = tmp_path / "export.xlsx"
    copy.write_bytes(Path(path).read_bytes())
    again = check(county_admin, copy)
    assert problems(again) == []
    assert again.summary["households"] == {"new": 0, "changed": 0, "unchanged": 1, "refused": 0}
    assert again.summary["members"] == {"new": 0, "changed": 0, "unchanged": 3}


def test_a_masked_export_shows_no_full_id_number(leader, county_admin, tmp_path):
    from python_calamine import CalamineWorkbook

    imported(county_admin, xlsx(tmp_path / "first.xlsx", [HEADER, *family()]))
    job = services.export_request(actor=leader, filters={}, full_ids=False)
    job = services.export_write(job_id=job.pk)
    cells = CalamineWorkbook.from_path(job.path).get_sheet_by_index(0).to_python()
    text = repr(cells)
    assert HEAD_ID not in text and HEAD_ID[:4] in text


def test_the_template_has_dropdowns_and_notes(db, tmp_path):
    import zipfile

    from bangfu.exchange import selectors, writing

    path = tmp_path / "template.xlsx"
    writing.template(path, selectors.code_labels())
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert sheet.count("<dataValidation ") >= 10
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    assert len(book.sheet_names) == 3
    notes = book.get_sheet_by_index(2).to_python()
    assert notes[1][0] == "户编号"


def test_no_row_is_lost_past_the_rows_searched_for_the_header(county_admin, tmp_path):
    rows = [row for n in range(10) for row in family(f"61110300220101{n:02d}")]
    job = check(county_admin, xlsx(tmp_path / "thirty.xlsx", [HEADER, *rows]))
    assert job.summary["rows"] == 30 and job.summary["members"]["new"] == 30


def test_the_commit_reports_progress_outside_its_transaction(county_admin, tmp_path):
    from bangfu.exchange.selectors import progress_of

    job = imported(county_admin, xlsx(tmp_path / "national.xlsx", [HEADER, *family()]))
    job.phase = "writing"  # as the page sees the job while the commit runs
    assert progress_of(job) == ("writing", 1, 1)


@pytest.mark.parametrize(
    "written",
    [
        "2019年6月5日",
        "2019.6.5",
        "2019/6/5",
        "2019-06-05",
        "20190605",
        43621,
        43621.0,
        "２０１９年６月５日",
    ],
)
def test_every_date_shape_offices_write(written):
    from bangfu.exchange.cleaning import date

    assert date(written) == datetime.date(2019, 6, 5)


def test_a_date_that_is_none_is_refused_with_the_shapes_to_use():
    from bangfu.exchange.cleaning import CellError, date

    with pytest.raises(CellError, match="2019-06-05 or 2019年6月5日"):
        date("六月五日")


def test_a_household_is_matched_by_its_heads_id_when_its_number_changed(county_admin, tmp_path):
    imported(county_admin, xlsx(tmp_path / "first.xlsx", [HEADER, *family()]))
    rows = family()
    for row in rows:
        row[0] = "6111030022019999"  # renumbered, same family (same ID numbers)
    job = check(county_admin, xlsx(tmp_path / "renumbered.xlsx", [HEADER, *rows]))
    assert job.summary["households"] == {"new": 0, "changed": 1, "unchanged": 0, "refused": 0}
    services.import_commit(job_id=job.pk)
    assert Household.objects.filter(number="6111030022019999").count() == 1
    assert not Household.objects.filter(number="6111030022010101").exists()


def test_the_command_line_exits_with_1_and_the_errors_when_rows_are_refused(
    county_admin, tmp_path, capsys
):
    from django.core.management import call_command

    rows = family()
    rows[0][9] = "6.11103E+17"
    path = xlsx(tmp_path / "bad.xlsx", [HEADER, *rows])
    with pytest.raises(SystemExit) as exit_:
        call_command("import_households", str(path), "--commit", "--user", "county_admin")
    assert exit_.value.code == 1
    out = capsys.readouterr().out
    assert "户信息 2 证件号码 «" + masked("6.11103E+17") + "»" in out and DAMAGED in out
    assert not Household.objects.filter(number="6111030022010101").exists()


def test_columns_a_file_does_not_have_keep_what_is_on_record(county_admin, tmp_path):
    rows = [[*row, "13800000000", "小学"] for row in family()]
    imported(county_admin, xlsx(tmp_path / "full.xlsx", [[*HEADER, "联系电话", "文化程度"], *rows]))
    job = check(county_admin, xlsx(tmp_path / "fewer.xlsx", [HEADER, *family()]))
    assert job.summary["households"]["unchanged"] == 1
    assert job.summary["members"] == {"new": 0, "changed": 0, "unchanged": 3}
    household = Household.objects.get(number="6111030022010101")
    assert household.phone == "13800000000"
    assert household.members.filter(education__label="小学").count() == 3
