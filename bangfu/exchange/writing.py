"""Writing .xlsx files: household exports, error sheets and blank templates.

xlsxwriter in constant-memory mode writes each row to disk as it goes, so an export of a
million rows holds one row at a time; rows must then be written in order, which every
writer here does. Numbers people read as digits (ID numbers, household numbers, accounts)
are written as text, so that Excel never turns them into 6.10118E+17.
"""

import itertools
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, BinaryIO

import xlsxwriter
from django.utils.translation import gettext as _

from bangfu.core.tables import sheet_name, workbook
from bangfu.registry.models import DangerGrade, Household, Member, Toilet

from . import masking, sheets
from .columns import COLUMNS, Column
from .households import EXPORTED_STATUS

TOILET_NAMES = {Toilet.NONE: "无", Toilet.DRY: "旱厕", Toilet.SANITARY: "卫生厕所"}


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("是" if value else "否")


def _label(code) -> str:
    return code.label if code is not None else ""


def household_row(
    household: Household,
    member: Member,
    *,
    shown_id: str,
    bank_account: str,
    names: dict[str, str],
    other_causes: list[str],
    risk_types: list[str],
) -> list[Any]:
    """One person's row of the household sheet, in the order of ``COLUMNS``."""
    region = household.region_id
    values = {
        "number": household.number,
        "region_code": region,
        "county": names.get(region[:6] + "000000", ""),
        "township": names.get(region[:9] + "000", ""),
        "village": names.get(region[:12], ""),
        "group": names.get(region, "") if len(region) > 12 else "",
        "address": household.address,
        "phone": household.phone,
        "attribute": _label(household.attribute),
        "standard": _label(household.standard),
        "main_cause": _label(household.main_cause),
        "other_causes": "、".join(other_causes),
        "year_identified": household.year_identified,
        "planned_exit_year": household.planned_exit_year,
        "status": EXPORTED_STATUS.get(household.status, ""),
        "monitoring_type": _label(household.monitoring_type),
        "risk_types": "、".join(risk_types),
        "bank_name": household.bank_name,
        "bank_account": bank_account,
        "land_area_mu": household.land_area_mu,
        "housing_area": household.housing_area,
        "housing_structure": household.housing_structure,
        "danger_grade": household.danger_grade or "无",
        "water_difficulty": _yes_no(household.water_difficulty),
        "water_safe": _yes_no(household.water_safe),
        "has_power": _yes_no(household.has_power),
        "toilet": TOILET_NAMES.get(household.toilet, "") if household.toilet else "",
        "road_distance_km": household.road_distance_km,
        "latitude": household.latitude,
        "longitude": household.longitude,
        "name": member.name,
        "id_number": shown_id,
        "sex": {"1": "男", "2": "女"}.get(member.sex, ""),
        "birth_date": member.birth_date.isoformat() if member.birth_date else "",
        "relation": _label(member.relation),
        "ethnicity": _label(member.ethnicity),
        "education": _label(member.education),
        "schooling": _label(member.schooling),
        "health": _label(member.health),
        "disability": member.disability,
        "labour": _label(member.labour),
        "work_status": member.work_status,
        "dibao": _yes_no(member.dibao),
        "medical_insurance": _yes_no(member.medical_insurance),
        "pension_insurance": _yes_no(member.pension_insurance),
    }
    return [values[column.key] for column in COLUMNS]


def error_sheet(
    source: Path,
    target: Path,
    problems: Iterable[tuple[str, int, str]],
    *,
    synonyms: dict[str, str],
    hide: Callable[[str], str] | None,
) -> None:
    """The uploaded file as it was, each sheet with a last column saying what is wrong with
    each row, to be fixed and uploaded again. ``problems`` are (sheet, row, reason).

    The error column's title stands on the sheet's header row (found as the import finds it,
    with ``synonyms``), below any title rows. Cells of the columns that hold ID numbers or
    bank accounts are passed through ``hide`` (masked), unless it is None (the reader holds
    the right and asked for them whole)."""
    by_row: dict[tuple[str, int], list[str]] = {}
    for sheet, row, reason in problems:
        by_row.setdefault((sheet, row), []).append(reason)
    # A first pass finds each sheet's widest row, so that the error column comes right after
    # it; a file that cannot be read says so here, before anything is written.
    widths = {
        name: max((len(row.values) for row in sheets.rows(source, name)), default=0)
        for name in sheets.sheet_names(source)
    }
    book = workbook(target)
    red = book.add_format({"font_color": "#9c0006", "bg_color": "#ffc7ce", "text_wrap": True})
    title = (
        _("Errors (fix, delete this column, upload again)")
        if hide is None
        else _(
            "Errors (ID numbers and bank accounts are masked here: fix these rows in your "
            "own file and upload it again)"
        )
    )
    for name, width in widths.items():
        sheet = book.add_worksheet(sheet_name(name, book.sheetnames))
        sheet.set_column(width, width, 60)
        stream = sheets.rows(source, name)
        head = list(itertools.islice(stream, sheets.HEADER_SEARCH_ROWS))
        header = sheets.find_header(head, synonyms)
        header_row, hidden = 1, set()
        if header is not None:
            header_row = header.data_from - 1
            if hide is not None:
                hidden = {header.positions[key] for key in masking.MASKED & header.given}
        for row in itertools.chain(head, stream):
            data = header is not None and row.number >= header.data_from
            for column, value in enumerate(row.values):
                if value is None:
                    continue
                shown = str(value)
                if data and column in hidden and shown.strip() and hide is not None:
                    shown = hide(shown)
                sheet.write_string(row.number - 1, column, shown)
            # Rows are written in order (constant memory): the title with its row.
            if row.number == header_row:
                sheet.write_string(row.number - 1, width, title, red)
            reasons = by_row.get((name, row.number))
            if reasons:
                sheet.write_string(row.number - 1, width, "；".join(reasons), red)
    book.close()


def unreadable_sheet(target: Path, reason: str) -> None:
    """In place of the error sheet of a file that could not be read: why, and what to do."""
    book = workbook(target)
    sheet = book.add_worksheet(_("Errors"))
    sheet.set_column(0, 0, 100)
    bold = book.add_format({"bold": True})
    red = book.add_format({"font_color": "#9c0006", "bg_color": "#ffc7ce", "text_wrap": True})
    sheet.write_string(0, 0, _("The file could not be read, so no row of it is marked."), bold)
    sheet.write_string(1, 0, reason, red)
    book.close()


def template(target: Path | BinaryIO, code_values: dict[str, list[str]]) -> None:
    """A blank household sheet: the header, dropdowns from the code lists for coded
    columns, and a notes sheet explaining each column."""
    book = xlsxwriter.Workbook(str(target) if isinstance(target, Path) else target)
    sheet = book.add_worksheet(_("Households"))
    lists = book.add_worksheet(_("Lists"))
    notes = book.add_worksheet(_("Notes"))
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    text = book.add_format({"num_format": "@"})
    for position, column in enumerate(COLUMNS):
        sheet.write_string(0, position, ("*" if column.required else "") + column.header, bold)
        sheet.set_column(position, position, 14, text)
        choices = _choices(column, code_values)
        if choices:
            lists.write_string(0, position, column.header, bold)
            for row, choice in enumerate(choices, start=1):
                lists.write_string(row, position, choice)
            letter = xlsxwriter.utility.xl_col_to_name(position)
            sheet.data_validation(
                1,
                position,
                100000,
                position,
                {
                    "validate": "list",
                    "source": f"='{_('Lists')}'!${letter}$2:${letter}${len(choices) + 1}",
                    "error_type": "warning" if column.several else "stop",
                },
            )
    sheet.freeze_panes(1, 0)
    notes.write_row(0, 0, [_("Column"), _("Required"), _("What to enter")], bold)
    notes.set_column(0, 0, 28)
    notes.set_column(2, 2, 80)
    for row, column in enumerate(COLUMNS, start=1):
        notes.write_row(
            row, 0, [column.header, _("yes") if column.required else "", str(column.note)]
        )
    book.close()


def sheet_template(
    target: BinaryIO,
    *,
    title: str,
    columns: dict[str, tuple[str, tuple[str, ...]]],
    required: Iterable[str],
) -> None:
    """A blank sheet of a roster or a department's sheet: its header (required columns
    marked *, as in the household template; the reader takes the name without the mark
    too) and a notes sheet with the other names each column is read under."""
    needed = set(required)
    book = xlsxwriter.Workbook(target)
    sheet = book.add_worksheet(sheet_name(title, ()))
    notes = book.add_worksheet(_("Notes"))
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    text = book.add_format({"num_format": "@"})
    for position, (key, (header, _others)) in enumerate(columns.items()):
        sheet.write_string(0, position, ("*" if key in needed else "") + header, bold)
        sheet.set_column(position, position, 14, text)
    sheet.freeze_panes(1, 0)
    notes.write_row(0, 0, [_("Column"), _("Required"), _("Also read as")], bold)
    notes.set_column(0, 0, 28)
    notes.set_column(2, 2, 80)
    for row, (key, (header, others)) in enumerate(columns.items(), start=1):
        notes.write_row(row, 0, [header, _("yes") if key in needed else "", "、".join(others)])
    book.close()


def _choices(column: Column, code_values: dict[str, list[str]]) -> list[str]:
    if column.code_kind:
        return code_values.get(column.code_kind, [])
    fixed = {
        "status": list(EXPORTED_STATUS.values()),
        "sex": ["男", "女"],
        "danger_grade": ["无", *[g.value for g in DangerGrade if g.value]],
        "toilet": list(TOILET_NAMES.values()),
    }
    if column.key in fixed:
        return fixed[column.key]
    if column.clean.__name__ == "yes_no":
        return ["是", "否"]
    return []
