"""A sheet's name, as Excel takes it, from whatever a user named the thing it lists."""

import io

from python_calamine import CalamineWorkbook

from bangfu.core.tables import Sheet, sheet_name, write_sheets


def test_what_excel_refuses_in_a_sheet_name_is_made_spaces():
    assert sheet_name("<script>[1]:*?/\\</script>", []) == "<script> 1      < script>"


def test_a_name_is_cut_to_31_utf16_units_a_rare_character_counting_two():
    assert sheet_name("a" * 40, []) == "a" * 31
    rare = "\U00020000"  # 𠀀, CJK Extension B: two UTF-16 units, as in rare family names
    assert sheet_name(rare * 20, []) == rare * 15


def test_no_apostrophe_at_either_end_and_never_empty():
    assert sheet_name("'对账'", []) == "对账"
    assert sheet_name("[]", []) == "Sheet1"


def test_a_name_taken_but_for_case_is_numbered_within_31_units():
    assert sheet_name("Sheet1", ["sheet1"]) == "Sheet1 (2)"
    assert sheet_name("b" * 40, ["b" * 31, "b" * 27 + " (2)"]) == "b" * 27 + " (3)"


def test_sheets_whose_names_would_clash_are_all_written(tmp_path):
    path = tmp_path / "two.xlsx"
    write_sheets(path, [Sheet("名单", ["a"], [[1]]), Sheet("名单", ["b"], [[2]])])
    book = CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))
    assert book.sheet_names == ["名单", "名单 (2)"]
