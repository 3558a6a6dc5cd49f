"""Tables in and out: rows from an uploaded table for the kernel's own imports (places), and
any list written as .xlsx (every list page offers its rows for download).

Household sheets have their own pipeline in ``bangfu.exchange``, which writes with this.
"""

import csv
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlsxwriter
from django.http import FileResponse
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from .errors import DomainError


def _cells(path: Path) -> Iterator[list[Any]]:
    if path.suffix.lower() == ".csv":
        # utf-8-sig drops the byte-order mark that Excel and WPS put at the start of a CSV.
        with path.open(encoding="utf-8-sig", newline="") as handle:
            yield from csv.reader(handle)
        return
    workbook = CalamineWorkbook.from_path(str(path))
    yield from workbook.get_sheet_by_index(0).to_python(skip_empty_area=True)


def read_rows(path: Path, columns: dict[str, set[str]]) -> list[dict[str, Any]]:
    """Rows as dicts with the keys of ``columns``; each key is matched by any of its names.

    Each dict carries ``row``: the row's number as the spreadsheet shows it.
    """
    cells = _cells(path)
    header = next(cells, None)
    if header is None:
        raise DomainError(
            _("%(file)s: the file is empty.") % {"file": path.name}, code="empty_file"
        )
    index = {}
    for position, name in enumerate(header):
        for key, names in columns.items():
            if str(name).strip() in names:
                index[key] = position
    rows = []
    for number, values in enumerate(cells, start=2):
        if not any(str(v).strip() for v in values):
            continue
        row: dict[str, Any] = {"row": number}
        for key, position in index.items():
            row[key] = values[position] if position < len(values) else ""
        rows.append(row)
    return rows


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(target: Path | Any) -> xlsxwriter.Workbook:
    """A workbook that writes each row to disk as it goes (rows must come in order), so a
    list of any length takes the memory of one row; numbers kept as digits stay text."""
    name = str(target) if isinstance(target, Path) else target
    return xlsxwriter.Workbook(name, {"constant_memory": True, "strings_to_numbers": False})


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if hasattr(value, "is_finite"):  # Decimal: a number in the sheet
        return float(value)
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return value.strftime("%Y-%m-%d %H:%M:%S")  # Excel has no time zones
    return value if isinstance(value, int | float | str) else str(value)


# Excel refuses a sheet name with one of these, longer than 31 UTF-16 units, beginning or
# ending with an apostrophe, or equal to another sheet's name but for case.
_NOT_IN_SHEET_NAMES = str.maketrans(dict.fromkeys("[]:*?/\\", " "))
_SHEET_NAME_UNITS = 31


def _utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _fitted(text: str, units: int) -> str:
    while _utf16_units(text) > units:
        text = text[:-1]
    return text.strip().strip("'").strip()


def sheet_name(title: str, taken: Iterable[str]) -> str:
    """``title`` (a team's, a place's or a list's name, as users typed it) as a name Excel
    takes for a sheet: its forbidden characters made spaces, cut to 31 units, and numbered
    where it would repeat one of ``taken``; Sheet1 where nothing is left."""
    name = _fitted(title.translate(_NOT_IN_SHEET_NAMES), _SHEET_NAME_UNITS) or "Sheet1"
    used = {other.lower() for other in taken}
    number = 1
    candidate = name
    while candidate.lower() in used:
        number += 1
        suffix = f" ({number})"
        candidate = _fitted(name, _SHEET_NAME_UNITS - len(suffix)) + suffix
    return candidate


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: its name (made one Excel takes when written), header and
    rows."""

    title: str
    header: list[str]
    rows: Iterable[list[Any]]


def write_sheets(
    target: Path | Any,
    sheets: list[Sheet],
    *,
    title: str = "",
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write each sheet's rows under its header; return how many rows in all. Text stays
    text."""
    book = workbook(target)
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    text = book.add_format({"num_format": "@"})
    count = 0
    for sheet_of in sheets:
        sheet = book.add_worksheet(sheet_name(sheet_of.title, book.sheetnames))
        sheet.write_row(0, 0, sheet_of.header, bold)
        sheet.freeze_panes(1, 0)
        sheet.set_column(0, len(sheet_of.header) - 1, 14, text)
        for line, row in enumerate(sheet_of.rows, start=1):
            for column, value in enumerate(row):
                value = _cell(value)
                if isinstance(value, str):
                    sheet.write_string(line, column, value)
                else:
                    sheet.write(line, column, value)
            count += 1
            if progress and count % 5000 == 0:
                progress(count)
    book.set_properties({"title": title})
    book.close()
    return count


def write_table(
    target: Path | Any,
    header: list[str],
    rows: Iterable[list[Any]],
    *,
    title: str = "",
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write ``rows`` under ``header``; return how many. Text stays text."""
    return write_sheets(target, [Sheet(title, header, rows)], title=title, progress=progress)


def xlsx_response(name: str, header: list[str], rows: Iterable[list[Any]]) -> FileResponse:
    """A list page's rows as an .xlsx download, spooled through a temporary file."""
    return sheets_response(name, [Sheet(name, header, rows)])


def sheets_response(name: str, sheets: list[Sheet]) -> FileResponse:
    """Sheets as one .xlsx download, spooled through a temporary file."""
    # Closed by the response once sent; a with-block would close it before that.
    handle = tempfile.TemporaryFile()  # noqa: SIM115
    write_sheets(handle, sheets, title=name)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=f"{name}.xlsx", content_type=XLSX)
