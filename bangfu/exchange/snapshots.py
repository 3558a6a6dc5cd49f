"""The national system's export of a county's households and members (国家系统导出), read as
a dated snapshot for the monthly check (``checks``), never into the registry.

It is read as the household import reads a sheet (``households.data_rows``, ``clean_row``,
``agree``): the columns of ``columns.COLUMNS`` with their synonyms and the administrator's
(``HeaderSynonym``), and two columns only the snapshot reads (人均纯收入, 收入年度), which
the household import does not know; headers and coded values compared after NFKC and
traditional → simplified (names kept as written); codes stored as the code list's values,
several sorted and joined by commas. What differs is what a problem does:

- a cell that cannot be read (a code not in the list, a date that is no date, a value its
  column cannot hold) does not refuse the snapshot, since the national system's export is
  what it is: the value is kept empty, its column's key is put in the row's ``unreadable``
  (the comparison skips it) and the cell is listed. Rows of one household that disagree on
  a household column are treated the same way. A column the file does not have is in
  every row's ``unreadable`` too: a column missing from the file is not a value emptied;
- a row with no household number, with no ID number (or one Excel damaged), giving an ID
  number an earlier row gave, or placed outside the county, is not kept and is listed;
- one county: the importer chooses the county (one of their places, or under them) and the
  month. Each household is placed by its 行政区划代码, or by its names, among the
  importer's villages and groups of that county; a household whose code is of another
  county, whose county column names another county, or whose place is none of the
  county's villages or groups is not kept (all its rows), and is listed. A file with no
  household of the chosen county is refused as a whole: it is another county's export.

Members are keyed as the registry keys them (``Member.id_number_hash``: the keyed hash of
``idnumbers.normalise`` of the number), with the number masked by the county's rule to
show; the number itself is not kept. A number the registry would refuse (a wrong check
digit) is keyed the same way and listed: the comparison then finds no such member in the
handbook, which is what the check is for.
"""

import pickle
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bangfu.checks.models import SnapshotHousehold, SnapshotMember
from bangfu.checks.rows import SnapshotHouseholdRow, SnapshotMemberRow
from bangfu.core import idnumbers
from bangfu.core.errors import DomainError
from bangfu.core.protection import lookup_hash, lookup_scheme

from . import cleaning, sheets
from .columns import COLUMNS, HOUSEHOLD, PLACE, Column
from .households import (
    CodeIndex,
    PlaceIndex,
    Progress,
    RowProblem,
    agree,
    clean_row,
    data_rows,
    located,
)

# Columns of the national form the household import does not read: the snapshot's only.
SNAPSHOT_ONLY: tuple[Column, ...] = (
    Column(
        "per_capita_income",
        "人均纯收入",
        ("家庭年人均纯收入", "人均收入", "年人均纯收入", "家庭人均纯收入", "人均纯收入（元）"),
        HOUSEHOLD,
        cleaning.decimal,
        gettext_lazy("Net income per person of the income year, in yuan."),
    ),
    Column(
        "income_year",
        "收入年度",
        ("收入年份", "收入所属年度"),
        HOUSEHOLD,
        cleaning.year,
        gettext_lazy("The year the income is of."),
    ),
)
SNAPSHOT_COLUMNS: tuple[Column, ...] = COLUMNS + SNAPSHOT_ONLY
BY_KEY: dict[str, Column] = {column.key: column for column in SNAPSHOT_COLUMNS}
OWN = frozenset(c.key for c in SNAPSHOT_COLUMNS if c.level in (HOUSEHOLD, PLACE))

# The row's fields the export's columns fill (the rest the parser makes: keys, place).
_HOUSEHOLD_FIELDS = tuple(
    f.name
    for f in fields(SnapshotHouseholdRow)
    if f.name in BY_KEY and f.name not in ("number", "region_code")
)
_MEMBER_FIELDS = tuple(
    f.name for f in fields(SnapshotMemberRow) if f.name in BY_KEY and f.name != "id_number"
)
_PLACE_NAMES = ("county", "township", "village", "group")
# Each field's empty value, for a cell kept empty.
_EMPTY = {
    kind: {f.name: f.default for f in fields(kind)}
    for kind in (SnapshotHouseholdRow, SnapshotMemberRow)
}


def missing(header: sheets.Header) -> list[str]:
    """What a sheet must have to be read as the export: the keys of a household and of a
    member, and the place."""
    lacking = [BY_KEY[key].header for key in ("number", "id_number") if key not in header.positions]
    if not ({"region_code", "village"} & set(header.positions)):
        lacking.append("行政村 / 行政区划代码")
    return lacking


@dataclass
class ParsedSnapshot:
    """The export as read: the rows to store, and every problem, located in the file."""

    households: list[SnapshotHouseholdRow] = field(default_factory=list)
    members: list[SnapshotMemberRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    headers: dict[str, sheets.Header] = field(default_factory=dict)
    rows: int = 0
    refused: int = 0  # rows not kept
    unreadable: int = 0  # cells kept empty
    # Said of the file as a whole when it holds nothing to store.
    refusal: str = ""
    # The look-up scheme its members' hashes were made under.
    scheme: str = field(default_factory=lookup_scheme)

    def save(self, path: Path) -> None:
        """Kept beside the upload for the commit (in var/, never uploaded)."""
        with path.open("wb") as handle:
            pickle.dump(self, handle, pickle.HIGHEST_PROTOCOL)

    @classmethod
    def load(cls, path: Path) -> "ParsedSnapshot":
        with path.open("rb") as handle:  # written by save() into var/
            parsed = pickle.load(handle)
        assert isinstance(parsed, cls)
        return parsed

    def summary(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "households": len(self.households),
            "members": len(self.members),
            "unreadable": self.unreadable,
            "refused": self.refused,
            "problems": len(self.problems),
        }


@dataclass
class _Household:
    """A household being read: its own values from its first rows, then each member."""

    values: dict[str, Any]
    written: dict[str, Any]
    sheet: str
    row: int
    failed: set[str] = field(default_factory=set)  # keys of cells that could not be read
    disagreeing: set[str] = field(default_factory=set)  # keys its rows give differently
    members: list[SnapshotMemberRow] = field(default_factory=list)


class _Reading:
    def __init__(
        self,
        county: tuple[str, str],
        codes: CodeIndex,
        places: PlaceIndex,
        mask: Callable[[str], str],
    ):
        self.county_code, self.county_name = county
        self.codes, self.places, self.mask = codes, places, mask
        self.parsed = ParsedSnapshot()
        self.groups: dict[str, _Household] = {}
        self.seen: dict[str, tuple[str, int]] = {}  # ID number's hash → its first row

    def problem(self, row: sheets.Row, header: sheets.Header, key: str, raw: Any, reason: str):
        self.parsed.problems.append(
            located(row.sheet, row.number, header, BY_KEY[key], raw, reason)
        )

    def read(self, header: sheets.Header, row: sheets.Row) -> None:
        parsed = self.parsed
        parsed.rows += 1
        before = len(parsed.problems)
        values, failed = clean_row(row, header, self.codes, parsed.problems, BY_KEY)
        parsed.unreadable += len(parsed.problems) - before
        number = values.get("number", "")
        id_number = values.get("id_number", "")
        if not number or not id_number:
            parsed.refused += 1
            if not number and "number" not in failed:
                self.problem(
                    row,
                    header,
                    "number",
                    "",
                    _("The row has no household number, so it is not kept in the snapshot."),
                )
            elif not id_number and "id_number" not in failed:
                self.problem(
                    row,
                    header,
                    "id_number",
                    "",
                    _("The row has no ID number, so it is not kept in the snapshot."),
                )
            return
        normal = idnumbers.normalise(id_number)
        digest = lookup_hash(normal)
        first = self.seen.setdefault(digest, (row.sheet, row.number))
        if first != (row.sheet, row.number):
            parsed.refused += 1
            self.problem(
                row,
                header,
                "id_number",
                row.values[header.positions["id_number"]],
                _(
                    "Row %(row)d of sheet “%(sheet)s” gives this ID number already; this row "
                    "is not kept in the snapshot."
                )
                % {"row": first[1], "sheet": first[0]},
            )
            return
        try:
            idnumbers.parse(normal)
        except DomainError as refusal:
            self.problem(
                row,
                header,
                "id_number",
                row.values[header.positions["id_number"]],
                _("%(reason)s. Kept as the export gives it: the check will show it.")
                % {"reason": str(refusal.message).rstrip("。.")},
            )
        group = self.groups.get(number)
        own = {key: values[key] for key in OWN & values.keys()}
        if group is None:
            written = {key: row.values[header.positions[key]] for key in own}
            group = self.groups[number] = _Household(own, written, row.sheet, row.number)
        else:
            disagreeing = agree(
                group.values,
                group.written,
                group.row,
                own,
                OWN,
                row,
                header,
                parsed.problems,
                BY_KEY,
            )
            parsed.unreadable += len(disagreeing - group.disagreeing)
            group.disagreeing |= disagreeing
        group.failed |= failed & OWN
        member = SnapshotMemberRow(
            household_number=number,
            id_number_hash=digest,
            id_number_masked=self.mask(normal[:18]),
            unreadable=sorted(failed - OWN),
        )
        where = (row.sheet, row.number, header)
        for name in _MEMBER_FIELDS:
            raw = row.values[header.positions[name]] if name in header.positions else None
            value = self.fitted(SnapshotMember, member, name, values.get(name), where, raw)
            setattr(member, name, value)
        member.unreadable = sorted(
            {*member.unreadable, *(k for k in _MEMBER_FIELDS if k not in header.positions)}
        )
        group.members.append(member)

    def fitted(
        self,
        model,
        kept: SnapshotHouseholdRow | SnapshotMemberRow,
        name: str,
        value: Any,
        where: tuple[str, int, sheets.Header],
        raw: Any,
    ) -> Any:
        """``value`` as the snapshot's column holds it (several codes sorted and joined by
        commas); empty, with the cell listed at ``where`` and its key unreadable, where the
        column's rule refuses it (too long, out of range)."""
        if isinstance(value, list):
            value = ",".join(sorted(set(value)))
        empty = _EMPTY[type(kept)][name]
        if value is None or name in kept.unreadable:
            return empty
        rule = model.value_rules.get(name)
        if rule is None:
            return value
        sheet, number, header = where
        try:
            return rule.clean(value, label=header.names.get(name, BY_KEY[name].header), field=name)
        except DomainError as refusal:
            kept.unreadable.append(name)
            self.parsed.unreadable += 1
            self.parsed.problems.append(
                located(sheet, number, header, BY_KEY[name], raw, str(refusal.message))
            )
            return empty

    def household(self, number: str, group: _Household) -> None:
        parsed = self.parsed
        header = parsed.headers[group.sheet]
        given = group.values
        place_key = "region_code" if given.get("region_code") else "village"
        reason = self.outside(given)
        if reason:
            parsed.refused += len(group.members)
            parsed.problems.append(
                located(
                    group.sheet,
                    group.row,
                    header,
                    BY_KEY[place_key],
                    group.written.get(place_key, ""),
                    reason,
                )
            )
            return
        written_place = given.get("region_code") or " ".join(
            str(given[key]) for key in _PLACE_NAMES if given.get(key)
        )
        kept = SnapshotHouseholdRow(
            number=number,
            region_code=self.places.code(given),
            place_written=written_place[:200],
            # A cell unreadable on every row that gives it, or given differently by two.
            unreadable=sorted(
                group.disagreeing | {k for k in group.failed if given.get(k) in (None, "", [])}
            ),
        )
        where = (group.sheet, group.row, header)
        for name in _HOUSEHOLD_FIELDS:
            value = self.fitted(
                SnapshotHousehold, kept, name, given.get(name), where, group.written.get(name)
            )
            setattr(kept, name, value)
        kept.unreadable = sorted(
            {*kept.unreadable, *(k for k in _HOUSEHOLD_FIELDS if k not in header.positions)}
        )
        parsed.households.append(kept)
        parsed.members += group.members

    def outside(self, given: dict[str, Any]) -> str:
        """Why the household's place is not one of the county's villages or groups, or ""."""
        code = given.get("region_code", "")
        county = given.get("county", "")
        if (code and code[:6] != self.county_code[:6]) or (
            not code and county and cleaning.key(county) != cleaning.key(self.county_name)
        ):
            return _(
                "This household is of another county (%(place)s), not of %(county)s: a "
                "snapshot holds one county's export. Its rows are not kept."
            ) % {"place": code or county, "county": self.county_name}
        try:
            self.places.code(given)
        except cleaning.CellError as error:
            return _("%(reason)s Its rows are not kept in the snapshot.") % {"reason": error}
        return ""


def parse(
    path: Path,
    *,
    county: tuple[str, str],
    synonyms: dict[str, str],
    codes: CodeIndex,
    places: PlaceIndex,
    mask: Callable[[str], str],
    progress: Progress | None = None,
) -> ParsedSnapshot:
    """Read every sheet of ``path`` that has the export's header, one row at a time, as the
    snapshot of ``county`` (code, name); ``places`` are the importer's villages and groups
    of that county, ``mask`` shows an ID number as the county's rule says."""
    reading = _Reading(county, codes, places, mask)
    parsed = reading.parsed
    for header, row in data_rows(path, synonyms, missing, parsed.headers, parsed.problems):
        reading.read(header, row)
        if progress and parsed.rows % 5000 == 0:
            progress("reading", parsed.rows, 0)
    for number in list(reading.groups):  # each let go once kept, in file order
        reading.household(number, reading.groups.pop(number))
    if not parsed.headers:
        parsed.refusal = _(
            "No sheet has a header row with columns such as 户编号, 姓名, 证件号码 and 行政村: "
            "upload the national system's export of households and members."
        )
    elif not parsed.households:
        parsed.refusal = _(
            "No household of this file is of %(county)s, so there is nothing to keep: upload "
            "that county's export, or choose the county the export is of."
        ) % {"county": county[1]}
    parsed.problems.sort(key=lambda p: (p.sheet, p.row))
    return parsed
