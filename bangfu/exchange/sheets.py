"""Reading spreadsheets as offices have them: .xlsx, .xls, .ods and .csv, row by row.

.xlsx is read as a stream of its XML (one row in memory at a time), because calamine loads
a whole sheet into memory first: measured here at about 2.4 KB a row for 30 columns, 1.7 GB
for a 200,000-household national export, over the import's 1 GiB budget. .xls (at most
65,536 rows a sheet) and .ods go through python-calamine, and .csv through the csv module
(UTF-8, with or without a byte-order mark, or GB18030 as Excel and WPS save it in China).
What a file holds, not its name, chooses the reader (``sniffing``); a file none can read,
or a damaged one, raises ``UnreadableFile``, whose message says what was expected, what
was found and what to do, never what the parser choked on.

``find_header`` finds the header row wherever it is: below title rows, over two lines with
merged cells, in any column order, in traditional characters.
"""

import contextlib
import csv
import functools
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import iterparse

from django.utils.translation import gettext as _

from . import cleaning
from .sniffing import Found, Kind, ole2_holds, sniff

SUFFIXES = (".xlsx", ".xls", ".ods", ".csv")
HEADER_SEARCH_ROWS = 15  # title rows and notes above the header, as offices' sheets have them
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_SHEET_DATA, _ROW, _VALUE, _TEXT = f"{_NS}sheetData", f"{_NS}row", f"{_NS}v", f"{_NS}t"


TEXT_SHEET = "CSV"


class UnreadableFile(ValueError):
    """Not a spreadsheet this reader knows, or a damaged one; the message says what was
    expected, what was found and what to do. ``named`` gives it with the name the file was
    uploaded under (ours is stored under another)."""

    def __init__(self, text: str, path: Path, **values: str):
        self.text, self.values = text, values
        super().__init__(self.named(path.name))

    def named(self, file_name: str) -> str:
        return self.text % {**self.values, "file": file_name}


@dataclass
class Row:
    sheet: str
    number: int  # as the spreadsheet shows it, from 1
    values: list[Any]


def sheet_names(path: Path) -> list[str]:
    kind = _reader(path)
    if kind is Kind.TEXT:
        # A CSV has one sheet and no sheet names; the stored file's name is ours (a random
        # one), not the office's, so the sheet is called what it is.
        return [TEXT_SHEET]
    if kind is Kind.XLSX:
        return [name for name, _target in _xlsx_sheets(path)]
    return _calamine(path, kind).sheet_names


def rows(path: Path, sheet: str) -> Iterator[Row]:
    """Every row of ``sheet``, empty ones included (their numbers must stay right)."""
    kind = _reader(path)
    if kind is Kind.TEXT:
        source: Iterator[list[Any]] = _csv_rows(path)
    elif kind is Kind.XLSX:
        source = _xlsx_rows(path, sheet)
    else:
        source = _calamine_rows(path, kind, sheet)
    for number, values in enumerate(source, start=1):
        yield Row(sheet, number, list(values))


def _reader(path: Path) -> Kind:
    """Which reader the file needs, by what it holds rather than by its name: a workbook
    is read as what it is (an .xls renamed .xlsx is still an .xls); text is read only from
    a file named .csv (text named .xlsx is a web page or a report saved by mistake)."""
    if path.suffix.lower() not in SUFFIXES:
        raise UnreadableFile(
            _("%(file)s is not a spreadsheet; upload a .xlsx, .xls or .csv file."), path
        )
    found = sniff(path)
    if found.kind in (Kind.XLSX, Kind.ODS, Kind.OLE2):
        return found.kind
    if found.kind is Kind.TEXT and path.suffix.lower() == ".csv":
        return Kind.TEXT
    raise _not_readable(path, found)


def _not_readable(path: Path, found: Found) -> UnreadableFile:
    if found.kind is Kind.EMPTY:
        return UnreadableFile(
            _(
                "%(file)s is empty (0 bytes): the upload may have been cut off. Choose the "
                "file and upload it again."
            ),
            path,
        )
    if found.kind is Kind.ENCRYPTED:
        return UnreadableFile(
            _(
                "%(file)s is protected by a password, so it cannot be read. Open it in Excel "
                "or WPS, remove the password and save it again."
            ),
            path,
        )
    if found.kind is Kind.ZIP and found.inside:
        return UnreadableFile(
            _(
                "%(file)s is a zip archive holding %(inside)s: unzip it and upload the "
                "spreadsheet itself."
            ),
            path,
            inside="、".join(found.inside),
        )
    looks, advice = _looks_like()[found.kind]
    if path.suffix.lower() == ".csv":
        text = _("%(file)s is not CSV text: it looks like %(found)s. %(advice)s")
    else:
        text = _("%(file)s is not an Excel workbook: it looks like %(found)s. %(advice)s")
    return UnreadableFile(text, path, found=looks, advice=advice)


def _looks_like() -> dict[Kind, tuple[str, str]]:
    """What each kind of file that is no spreadsheet looks like, and what to do about it
    (in the language active now)."""
    save_as = _("Open it in Excel or WPS and save it as .xlsx.")
    copy = _("Copy the table into Excel or WPS and save it as .xlsx.")
    source = _(
        "A table in a PDF or a picture cannot be read back: upload the Excel file it was made from."
    )
    return {
        Kind.PDF: (_("a PDF document"), source),
        Kind.IMAGE: (_("a picture"), source),
        Kind.HTML: (_("a web page (HTML)"), save_as),
        Kind.XML_SPREADSHEET: (_("an Excel 2003 XML spreadsheet"), save_as),
        Kind.XML: (_("an XML file"), save_as),
        Kind.RTF: (_("a Word document (RTF)"), copy),
        Kind.WORD: (_("a Word document"), copy),
        Kind.PRESENTATION: (_("a PowerPoint presentation"), copy),
        Kind.ZIP: (
            _("a zip archive with no spreadsheet in it"),
            _("Upload the spreadsheet itself, not an archive."),
        ),
        Kind.ARCHIVE: (
            _("a compressed archive (rar, 7z or gz)"),
            _("Unpack it and upload the spreadsheet inside."),
        ),
        Kind.UTF16: (
            _("text in UTF-16 (Excel's “Unicode text”)"),
            _("In Excel or WPS save it as .xlsx, or as “CSV UTF-8”."),
        ),
        Kind.TEXT: (_("plain text"), save_as),
        Kind.BINARY: (
            _("data of an unknown kind"),
            _(
                "Open it in Excel or WPS and save it as .xlsx; if they cannot open it either, "
                "the file is damaged: ask its sender for it again."
            ),
        ),
    }


def _damaged(path: Path, part: str) -> UnreadableFile:
    return UnreadableFile(
        _(
            "%(file)s is a damaged Excel workbook: %(part)s in it is missing or cannot be "
            "read. Open it in Excel or WPS, which can often repair it, and save it again as "
            ".xlsx."
        ),
        path,
        part=part,
    )


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
        reader = csv.reader(handle)
        try:
            yield from reader
        except UnicodeDecodeError:
            raise UnreadableFile(
                _(
                    "%(file)s is not text in UTF-8 or GBK: line %(line)s holds characters of "
                    "another encoding. In Excel or WPS save it as .xlsx, or as “CSV UTF-8”."
                ),
                path,
                line=str(_undecodable_line(path, encoding)),
            ) from None
        except csv.Error:
            raise UnreadableFile(
                _(
                    "%(file)s cannot be read as CSV: line %(line)s is not in CSV form. Open it "
                    "in Excel or WPS and save it as .xlsx."
                ),
                path,
                line=str(reader.line_num),  # the lines read, the one it failed on included
            ) from None


def _undecodable_line(path: Path, encoding: str) -> int:
    """The line a text editor shows the first undecodable byte on (the reader decodes ahead
    of the row it is at, so its count is no guide)."""
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                line.decode(encoding)
            except UnicodeDecodeError:
                return number
    return 0


def _calamine(path: Path, kind: Kind):
    """An .xls or .ods workbook (read by content, so a misnamed one opens too)."""
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    try:
        with path.open("rb") as handle:
            return CalamineWorkbook.from_filelike(handle)
    except PasswordError:
        raise _not_readable(path, Found(Kind.ENCRYPTED)) from None
    except (CalamineError, ValueError):
        holds = ole2_holds(path) if kind is Kind.OLE2 else None
        if holds is not None:
            raise _not_readable(path, Found(holds)) from None
        raise _damaged_calamine(path, kind) from None


def _calamine_rows(path: Path, kind: Kind, sheet: str) -> Iterator[list[Any]]:
    from python_calamine import CalamineError

    try:
        yield from _calamine(path, kind).get_sheet_by_name(sheet).iter_rows()
    except (CalamineError, ValueError):
        raise _damaged_calamine(path, kind) from None


def _damaged_calamine(path: Path, kind: Kind) -> UnreadableFile:
    if kind is Kind.ODS:
        looks = _("an OpenDocument spreadsheet (.ods)")
    else:
        looks = _("an Excel 97–2003 workbook (.xls)")
    return UnreadableFile(
        _(
            "%(file)s looks like %(found)s but cannot be read: it is damaged. Open it in "
            "Excel or WPS, which can often repair it, and save it again as .xlsx."
        ),
        path,
        found=looks,
    )


# What a damaged .xlsx raises while it is read: a part missing from the archive (KeyError),
# garbled compressed data, malformed XML (ParseError is a SyntaxError), a cell or reference
# that is not what the format says (ValueError, IndexError).
_DAMAGE = (
    KeyError,
    ValueError,
    IndexError,
    SyntaxError,
    EOFError,
    OSError,
    zlib.error,
    zipfile.BadZipFile,
    NotImplementedError,
)


@contextlib.contextmanager
def _xlsx_part(path: Path, archive: zipfile.ZipFile, part: str) -> Iterator[IO[bytes]]:
    """A part of the archive, read with any damage to it said as such."""
    try:
        with archive.open(part) as handle:
            yield handle
    except UnreadableFile:
        raise
    except RuntimeError:  # a part ciphered with a zip password
        raise _not_readable(path, Found(Kind.ENCRYPTED)) from None
    except _DAMAGE:
        raise _damaged(path, part) from None


def _open_xlsx(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UnreadableFile(
            _(
                "%(file)s is a damaged Excel workbook: the file is cut short or garbled. Ask "
                "its sender for it again, or open it in Excel or WPS, which can sometimes "
                "repair it, and save it again as .xlsx."
            ),
            path,
        ) from None


def _xlsx_sheets(path: Path) -> list[tuple[str, str]]:
    """(name, part in the archive) of each worksheet, in workbook order."""
    with _open_xlsx(path) as archive:
        targets = {}
        rels_part = "xl/_rels/workbook.xml.rels"
        with _xlsx_part(path, archive, rels_part) as rels:
            for _event, node in iterparse(rels):
                if node.tag.endswith("Relationship"):
                    target = node.get("Target", "").lstrip("/")
                    targets[node.get("Id")] = target if target.startswith("xl/") else f"xl/{target}"
        sheets = []
        with _xlsx_part(path, archive, "xl/workbook.xml") as book:
            for _event, node in iterparse(book):
                if node.tag == f"{_NS}sheet":
                    target = targets.get(node.get(f"{_RELS}id"))
                    if target is None:  # the workbook names a sheet its relations lack
                        raise _damaged(path, rels_part)
                    sheets.append((node.get("name", ""), target))
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
    part = dict(_xlsx_sheets(path))[sheet]
    with _open_xlsx(path) as archive:
        shared: list[str] = []
        if "xl/sharedStrings.xml" in archive.namelist():
            with _xlsx_part(path, archive, "xl/sharedStrings.xml") as strings:
                for _event, node in iterparse(strings):
                    if node.tag == f"{_NS}si":
                        shared.append(_text(node))
                        node.clear()
        with _xlsx_part(path, archive, part) as data:
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
