"""A sheet of resident work teams and their members (驻村工作队名单), read into the rows
``teams.services.teams_import`` takes.

A row is a person's term on a team: the sending unit, the village the team lives in, the
team's name (optional), the person's name, ID number, role on the team and phone, the day
they were sent and, optionally, the end of the team's term.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from bangfu.teams.services import TeamRow

from . import cleaning, masking, sheets
from .households import Location, RowProblem, data_rows, written

COLUMNS = {
    # key: (header, synonyms)
    "unit_name": ("派出单位", ("驻村单位", "选派单位", "帮扶单位")),
    "village": ("所驻村", ("驻村村名", "驻村村", "行政村", "所驻村代码")),
    "team_name": ("队伍名称", ("工作队名称", "驻村工作队")),
    "name": ("姓名", ("队员姓名", "驻村干部姓名")),
    "id_number": ("身份证号", ("身份证号码", "公民身份号码")),
    "role": ("队内职务", ("职务", "驻村职务")),
    "phone": ("手机号", ("联系电话", "手机号码", "电话")),
    "started_on": ("派驻时间", ("任职时间", "驻村时间", "选派时间")),
    "term_end": ("任期截止", ("任期截止时间", "任期至", "期满时间")),
}
CLEAN = {
    "unit_name": cleaning.text,
    "village": cleaning.text,
    "team_name": cleaning.text,
    "name": cleaning.name,
    "id_number": cleaning.id_number,
    "role": cleaning.text,
    "phone": lambda raw: cleaning.digits(raw, what=_("phone number")),
    "started_on": cleaning.date,
    "term_end": cleaning.date,
}
REQUIRED = ["unit_name", "village", "name", "id_number", "role", "started_on"]
# Where the services' refusals point: their field, the sheet's column.
FIELD_COLUMNS = {
    "region": "village",
    "villages": "village",
    "unit": "unit_name",
    "term_start": "started_on",
    "reason": "name",
    "user": "name",
}


@dataclass
class ParsedTeams:
    rows: list[TeamRow] = field(default_factory=list)
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
    return [COLUMNS[key][0] for key in REQUIRED if key not in header.positions]


def parse(path: Path) -> ParsedTeams:
    parsed = ParsedTeams()
    for header, row in data_rows(path, synonyms(), _missing, parsed.headers, parsed.problems):
        _read(row, header, parsed)
    if not parsed.headers:
        parsed.problems.append(
            RowProblem(
                "", 0, "", "", _("No sheet has a header row with 所驻村, 姓名 and 身份证号.")
            )
        )
    return parsed


def _read(row: sheets.Row, header: sheets.Header, parsed: ParsedTeams) -> None:
    values: dict[str, Any] = {}
    failed = False
    for key, position in header.positions.items():
        raw = row.values[position] if position < len(row.values) else None
        try:
            values[key] = CLEAN[key](raw)
        except cleaning.CellError as error:
            parsed.problems.append(
                RowProblem(row.sheet, row.number, header.names[key], written(raw), str(error), key)
            )
            failed = True
    for key in REQUIRED:
        if not failed and not values.get(key):
            parsed.problems.append(
                RowProblem(
                    row.sheet,
                    row.number,
                    header.names[key],
                    "",
                    _("This column is empty; fill it in."),
                    key,
                )
            )
            failed = True
    if failed:
        return
    parsed.rows.append(
        TeamRow(
            unit_name=values["unit_name"],
            village=values["village"],
            name=values["name"],
            id_number=values["id_number"],
            role=values["role"],
            started_on=values["started_on"],
            team_name=values.get("team_name", ""),
            phone=values.get("phone", ""),
            term_end=values.get("term_end"),
        )
    )
    parsed.locations.append((row.sheet, row.number))


def locate(parsed: ParsedTeams, index: int, field_name: str, reason: str) -> RowProblem:
    """A service's refusal of a row, at the row and the column of the field it names."""
    sheet, number = parsed.locations[index]
    header = parsed.headers[sheet]
    row = parsed.rows[index]
    key = FIELD_COLUMNS.get(field_name, field_name)
    if key not in COLUMNS:
        key = "name"
    value = str(getattr(row, key, "") or "")
    column = header.names.get(key, COLUMNS[key][0])
    secrets = masking.secrets_of(value) if key in masking.MASKED else ()
    return RowProblem(sheet, number, column, value, reason, key, secrets, echo=True)
