"""A pairing sheet (结对名单), read into the rows ``pairing.services.pairings_import`` takes.

A row names a household (户编号, or the head's ID number) and a helper (by mobile phone or
ID number), whether the helper is the household's main one, and the day the pairing began.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from bangfu.pairing.services import PairingRow

from . import cleaning, masking, sheets
from .households import Location, RowProblem, data_rows, written

COLUMNS = {
    # key: (header, synonyms, clean)
    "household_number": ("户编号", ("户编码", "家庭编号", "户码")),
    "head_id_number": ("户主身份证号码", ("户主证件号码", "户主身份证号")),
    "helper_phone": (
        "帮扶干部手机号",
        ("帮扶人手机号", "帮扶责任人电话", "帮扶干部电话", "手机号"),
    ),
    "helper_id_number": ("帮扶干部身份证号码", ("帮扶人身份证号码", "帮扶干部身份证号")),
    "helper_name": ("帮扶干部姓名", ("帮扶人", "帮扶责任人", "帮扶干部")),
    "is_main": ("是否主要帮扶人", ("主要帮扶人", "是否主责")),
    "started_on": ("结对日期", ("结对时间", "帮扶开始日期")),
}
CLEAN = {
    "household_number": lambda raw: cleaning.digits(raw, what=_("household number")),
    "head_id_number": cleaning.id_number,
    "helper_phone": lambda raw: cleaning.digits(raw, what=_("phone number")),
    "helper_id_number": cleaning.id_number,
    "helper_name": cleaning.name,
    "is_main": cleaning.yes_no,
    "started_on": cleaning.date,
}


@dataclass
class ParsedPairings:
    rows: list[PairingRow] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    headers: dict[str, sheets.Header] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)


def synonyms() -> dict[str, str]:
    return {
        sheets.header_key(name): key
        for key, (header, others) in COLUMNS.items()
        for name in (header, *others)
    }


def _missing(header: sheets.Header) -> list[str]:
    missing = []
    for either, other in (
        ("household_number", "head_id_number"),
        ("helper_phone", "helper_id_number"),
    ):
        if not {either, other} & set(header.positions):
            missing.append(f"{COLUMNS[either][0]} / {COLUMNS[other][0]}")
    return missing


def parse(path: Path) -> ParsedPairings:
    parsed = ParsedPairings()
    for header, row in data_rows(path, synonyms(), _missing, parsed.headers, parsed.problems):
        _read(row, header, parsed)
    if not parsed.headers:
        parsed.problems.append(
            RowProblem(
                "", 0, "", "", _("No sheet has a header row with 户编号 and 帮扶干部手机号.")
            )
        )
    return parsed


def _read(row: sheets.Row, header: sheets.Header, parsed: ParsedPairings) -> None:
    values: dict[str, Any] = {}
    failed = False
    for key, position in header.positions.items():
        raw = row.values[position] if position < len(row.values) else None
        try:
            values[key] = CLEAN[key](raw)
        except cleaning.CellError as error:
            parsed.problems.append(
                RowProblem(
                    row.sheet,
                    row.number,
                    header.names[key],
                    written(raw),
                    str(error),
                    key=key,
                )
            )
            failed = True
    if failed:
        return
    parsed.rows.append(
        PairingRow(
            household_number=values.get("household_number", ""),
            head_id_number=values.get("head_id_number", ""),
            helper_phone=values.get("helper_phone", ""),
            helper_id_number=values.get("helper_id_number", ""),
            is_main=bool(values.get("is_main")),
            started_on=values.get("started_on") or timezone.localdate(),
        )
    )
    parsed.locations.append((row.sheet, row.number))


def locate(parsed: ParsedPairings, index: int, field_name: str, reason: str) -> RowProblem:
    sheet, number = parsed.locations[index]
    header = parsed.headers[sheet]
    row = parsed.rows[index]
    value = str(getattr(row, field_name, "") or "")
    column = header.names.get(field_name, COLUMNS.get(field_name, ("",))[0])
    # The cleaned value stands in until echo_written puts the cell as written in its place;
    # an ID number is masked with the rest (``masking``).
    secrets = masking.secrets_of(value) if field_name in masking.MASKED else ()
    return RowProblem(sheet, number, column, value, reason, field_name, secrets, echo=True)
