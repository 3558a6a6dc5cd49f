"""Reading spreadsheets as offices have them: .xlsx, .xls, .ods and .csv, row by row.

.xlsx is read as a stream of its XML (one row in memory at a time), because calamine loads
a whole sheet into memory first: measured here at about 2.4 KB a row for 30 columns, 1.7 GB
for a 200,000-household national export, over the import's 1 GiB budget. .xls (at most
65,536 rows a sheet) and .ods go through python-calamine, and .csv through the csv module
(UTF-8, with or without a byte-order mark, or GB18030 as Excel and WPS save it in China).

``find_header`` finds the header row wherever it is: below title rows, over two lines with
merged cells, in any column order, in traditional characters.
"""

import csv
import functools
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import iterparse

from django.utils.translation import gettext as _

from . import cleaning

SUFFIXES = (".xlsx", ".xls", ".ods", ".csv")
HEADER_SEARCH_ROWS = 15  # title rows and notes above the header, as offices' sheets have them
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_SHEET_DATA, _ROW, _VALUE, _TEXT = f"{_NS}sheetData", f"{_NS}row", f"{_NS}v", f"{_NS}t"


class UnreadableFile(ValueError):
    """Not a spreadsheet this reader knows, or a damaged one; the message says which."""


@dataclass
class Row:
    sheet: str
    number: int  # as the spreadsheet shows it, from 1
    values: list[Any]


def sheet_names(path: Path) -> list[str]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return [path.stem]
    if suffix == ".xlsx":
        return [name for name, _target in _xlsx_sheets(path)]
    return _calamine(path).sheet_names


def rows(path: Path, sheet: str) -> Iterator[Row]:
    """Every row of ``sheet``, empty ones included (their numbers must stay right)."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UnreadableFile(
            _("%(file)s is not a spreadsheet; upload a .xlsx, .xls or .csv file.")
            % {"file": path.name}
        )
    if suffix == ".csv":
        source: Iterator[list[Any]] = _csv_rows(path)
    elif suffix == ".xlsx":
        source = _xlsx_rows(path, sheet)
    else:
        source = iter(_calamine(path).get_sheet_by_name(sheet).iter_rows())
    for number, values in enumerate(source, start=1):
        yield Row(sheet, number, list(values))


def _csv_rows(path: Path) -> Iterator[list[str]]:
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            head.decode(encoding)
        except UnicodeDecodeError as error:
            if error.start >= len(head) - 4:  # a character cut at the end of the sample
                break
            continue
        break
    with path.open(encoding=encoding, newline="", errors="strict") as handle:
        try:
            yield from csv.reader(handle)
        except UnicodeDecodeError:
            raise UnreadableFile(
                _("%(file)s is neither UTF-8 nor GBK text; save it again as CSV (UTF-8).")
                % {"file": path.name}
            ) from None


def _calamine(path: Path):
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as error:
        raise UnreadableFile(
            _(
                "%(file)s cannot be read as a spreadsheet (%(error)s); open it in Excel or WPS "
                "and save it again as .xlsx."
            )
            % {"file": path.name, "error": error}
        ) from None


def _open_xlsx(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise UnreadableFile(
            _("%(file)s is not a valid .xlsx file; open it in Excel or WPS and save it again.")
            % {"file": path.name}
        ) from None


def _xlsx_sheets(path: Path) -> list[tuple[str, str]]:
    """(name, part in the archive) of each worksheet, in workbook order."""
    with _open_xlsx(path) as archive:
        targets = {}
        with archive.open("xl/_rels/workbook.xml.rels") as rels:
            for _event, node in iterparse(rels):
                if node.tag.endswith("Relationship"):
                    target = node.get("Target", "").lstrip("/")
                    targets[node.get("Id")] = target if target.startswith("xl/") else f"xl/{target}"
        sheets = []
        with archive.open("xl/workbook.xml") as book:
            for _event, node in iterparse(book):
                if node.tag == f"{_NS}sheet":
                    sheets.append((node.get("name", ""), targets[node.get(f"{_RELS}id")]))
    return sheets


def _text(node) -> str:
    return "".join(t.text or "" for t in node.iter(_TEXT))


@functools.lru_cache(maxsize=4096)
def _column_index(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index - 1


def _xlsx_rows(path: Path, sheet: str) -> Iterator[list[Any]]:
    part = dict(_xlsx_sheets(path)).get(sheet)
    with _open_xlsx(path) as archive:
        shared: list[str] = []
        if "xl/sharedStrings.xml" in archive.namelist():
            with archive.open("xl/sharedStrings.xml") as strings:
                for _event, node in iterparse(strings):
                    if node.tag == f"{_NS}si":
                        shared.append(_text(node))
                        node.clear()
        with archive.open(part) as data:
            expected = 1
            for node in _finished_rows(data):
                number = int(node.get("r", expected))
                while expected < number:  # rows Excel left out because they are empty
                    yield []
                    expected += 1
                values: list[Any] = []
                for cell in node:
                    reference = cell.get("r")
                    if reference:
                        position = _column_index(reference.rstrip("0123456789"))
                        if position > len(values):
                            values.extend([None] * (position - len(values)))
                    values.append(_cell_value(cell, shared))
                yield values
                expected = number + 1


def _finished_rows(data) -> Iterator[Any]:
    """Each <row> element once it is whole, the rows before it dropped from the tree.

    Only start events are asked for (half the events of start and end): a row is whole
    when the next one starts, or when the sheet is read. Rows the parser has gone past are
    still built after they leave the tree, so clearing the sheet keeps memory at one row.
    """
    sheet_data, previous = None, None
    for _event, node in iterparse(data, events=("start",)):
        if node.tag == _ROW:
            if previous is not None:
                yield previous
                sheet_data.clear()
            previous = node
        elif node.tag == _SHEET_DATA:
            sheet_data = node
    if previous is not None:
        yield previous


def _cell_value(cell, shared: list[str]) -> Any:
    kind = cell.get("t")
    if kind == "inlineStr":
        return _text(cell)
    value = cell.find(_VALUE)
    if value is None or value.text is None:
        return None
    text = value.text
    if kind == "s":
        return shared[int(text)]
    if kind in ("str", "e"):
        return text
    if kind == "b":
        return text == "1"
    if text.isdigit() or (text[:1] == "-" and text[1:].isdigit()):
        return int(text)
    return float(text)


@dataclass
class Header:
    """Where the data starts and which column holds what."""

    data_from: int  # the first data row's number
    positions: dict[str, int]  # column key → position
    names: dict[str, str]  # column key → the header as written in the file

    @functools.cached_property
    def given(self) -> frozenset[str]:
        """The columns the sheet has: one set shared by all its households."""
        return frozenset(self.positions)


def find_header(head: list[Row], synonyms: dict[str, str]) -> Header | None:
    """The header among the first rows: the row that names the most known columns, with
    what the row above or below it adds (a header over two lines: group titles in merged
    cells on one line, the columns under them on the other)."""
    best: dict[str, tuple[int, str]] = {}
    best_row = None
    for index, row in enumerate(head[:HEADER_SEARCH_ROWS]):
        found = _recognised(row.values, synonyms)
        if len(found) > len(best):
            best, best_row = found, index
    if best_row is None or len(best) < 3:
        return None
    data_from = head[best_row].number + 1
    for neighbour in (best_row - 1, best_row + 1):
        if not 0 <= neighbour < len(head):
            continue
        taken = {position for position, _name in best.values()}
        extra = {
            key: found
            for key, found in _recognised(head[neighbour].values, synonyms).items()
            if key not in best and found[0] not in taken
        }
        # Data rows below name no columns; a second header line names at least one.
        if extra and (
            neighbour < best_row or len(extra) >= 1 and _is_header_line(head[neighbour], synonyms)
        ):
            best.update(extra)
            data_from = max(data_from, head[neighbour].number + 1)
    positions = {key: position for key, (position, _name) in best.items()}
    names = {key: name for key, (_position, name) in best.items()}
    return Header(data_from, positions, names)


def _is_header_line(row: Row, synonyms: dict[str, str]) -> bool:
    """Every filled cell of the line is a known header (a data row has values)."""
    filled = [v for v in row.values if not cleaning.is_blank(v)]
    return bool(filled) and all(header_key(v) in synonyms for v in filled)


def _recognised(values: list[Any], synonyms: dict[str, str]) -> dict[str, tuple[int, str]]:
    found: dict[str, tuple[int, str]] = {}
    for position, value in enumerate(values):
        if cleaning.is_blank(value):
            continue
        column = synonyms.get(header_key(value))
        if column and column not in found:
            found[column] = (position, str(value).strip())
    return found


def header_key(value: Any) -> str:
    """Headers compare without spaces, line breaks, stars marking required columns, or the
    difference between （） and ()."""
    return cleaning.key(value).replace("*", "").replace("＊", "")
