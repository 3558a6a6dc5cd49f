"""Rows from an uploaded table (.csv, .xlsx, .xls, .ods), keyed by recognised column names.

A first, small reader for the kernel's own imports (places); the Excel issue grows it into
the full pipeline with header synonyms, previews and error sheets.
"""

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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
