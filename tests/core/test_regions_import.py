import pytest
import xlsxwriter
from django.core.management import call_command
from django.core.management.base import CommandError

from bangfu.core.models import AuditEntry, Region

HEADER = "代码,名称,级别,上级代码\n"


def write_csv(tmp_path, body, name="places.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8-sig")
    return path


@pytest.mark.django_db
def test_levels_and_parents_come_from_the_codes(tmp_path):
    path = write_csv(
        tmp_path,
        "620000000000,甘肃省,,\n621100000000,定西市,,\n621121000000,通渭县,,\n"
        "621121100000,平襄镇,,\n621121100201,孟河村,,\n621121100201001,孟河村一组,,\n",
    )
    call_command("import_regions", str(path))
    village = Region.objects.get(code="621121100201")
    assert (village.level, village.parent_id) == (5, "621121100000")
    assert Region.objects.get(code="621121100201001").parent_id == "621121100201"
    assert AuditEntry.objects.filter(action="region.create").count() == 6


@pytest.mark.django_db
def test_importing_twice_changes_nothing_and_a_rename_is_one_change(tmp_path, capsys):
    body = "620000000000,甘肃省,省,\n621100000000,定西市,市,620000000000\n"
    call_command("import_regions", str(write_csv(tmp_path, body)))
    call_command("import_regions", str(write_csv(tmp_path, body)))
    assert "新增 0 个，修改 0 个，未变 2 个" in capsys.readouterr().out
    call_command("import_regions", str(write_csv(tmp_path, body.replace("定西市", "定西"))))
    assert Region.objects.get(code="621100000000").name == "定西"
    assert AuditEntry.objects.filter(action="region.update").count() == 1


@pytest.mark.django_db
def test_one_bad_row_refuses_the_whole_file_naming_row_and_reason(tmp_path):
    path = write_csv(
        tmp_path,
        "620000000000,甘肃省,,\n62110000000,定西市,,\n621100000000,,,\n620000000000,甘肃,,\n",
    )
    with pytest.raises(CommandError) as refusal:
        call_command("import_regions", str(path))
    message = str(refusal.value)
    assert "3" in message and "62110000000" in message  # row 3: eleven digits
    assert "4" in message  # row 4: no name
    assert "5" in message  # row 5: the code of row 2 again
    assert not Region.objects.filter(code__startswith="62").exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_a_spreadsheet_with_codes_as_numbers_loads(tmp_path):
    path = tmp_path / "places.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["区划代码", "名称"])
    sheet.write_row(1, 0, [620000000000, "甘肃省"])  # a code typed as a number
    sheet.write_row(2, 0, ["621100000000", "定西市"])
    book.close()
    call_command("import_regions", str(path))
    assert Region.objects.get(code="621100000000").parent_id == "620000000000"
