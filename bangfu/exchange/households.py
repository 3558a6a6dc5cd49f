"""A household sheet, read into what the registry takes, with every problem located.

Rows are grouped into households by household number; the household's own columns are
read from the head's row (or the first row), and another row of the same household that
says something different is an error on that row. Codes may be given as the code (01, 1,
1.0) or as the label (户主, 戶主). Places are given by code, or by names that must name
exactly one village (or group) among the user's places.
"""

import datetime
import itertools
import pickle
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from bangfu.core.regions import RegionLevel
from bangfu.registry.bulk import IncomingHousehold, Problem
from bangfu.registry.models import HouseholdStatus
from bangfu.registry.services import HouseholdInput, MemberInput, StatusInput

from . import cleaning, masking, sheets
from .columns import BY_KEY, COLUMNS, HOUSEHOLD, PLACE, Column

Progress = Callable[[str, int, int], None]  # (phase, done, total)

STATUS_NAMES = {
    HouseholdStatus.NOT_OUT: ("未脱贫", "贫困户", "未脱贫户"),
    HouseholdStatus.OUT_WITH_POLICY: (
        "已脱贫(享受政策)",
        "脱贫享受政策",
        "已脱贫享受政策",
        "脱贫户(享受政策)",
    ),
    HouseholdStatus.OUT_WITHOUT_POLICY: (
        "已脱贫(不享受政策)",
        "已脱贫(不再享受政策)",
        "脱贫不享受政策",
        "稳定脱贫",
    ),
    HouseholdStatus.RELAPSED: ("返贫", "返贫户"),
    HouseholdStatus.MONITORED: ("监测对象", "监测户", "纳入监测"),
    HouseholdStatus.RISK_CLEARED: ("风险已消除", "已消除风险", "消除风险"),
}
_STATUSES = {
    cleaning.key(name): status
    for status, names in STATUS_NAMES.items()
    for name in (*names, status.value)
}
EXPORTED_STATUS = {status: names[0] for status, names in STATUS_NAMES.items()}


def status_of(raw: Any) -> str:
    if cleaning.is_blank(raw):
        return ""
    status = _STATUSES.get(cleaning.key(raw))
    if status is None:
        raise cleaning.CellError(
            _("“%(value)s” is not a status; write one of: %(names)s.")
            % {"value": raw, "names": "、".join(EXPORTED_STATUS.values())}
        )
    return status


@dataclass
class RowProblem:
    """One error, located as a person finds it in the file."""

    sheet: str
    row: int
    column: str
    value: str  # the cell as the file has it
    reason: str
    key: str = ""  # the column's key, where the problem is in one
    # Numbers the reason quotes that are masked like an ID number (``masking``).
    secrets: tuple[str, ...] = ()
    # The value is the registry's cleaned one ("1" for 男): ``echo_written`` puts the
    # cell as the office typed it in its place.
    echo: bool = False


SAVED_AT_ONCE = 2000
Location = tuple[str, int]  # (sheet, row number): what is kept of a row once it is read


@dataclass
class Parsed:
    incoming: list[IncomingHousehold] = field(default_factory=list)
    # Where each household's values and each of its members were read from.
    household_rows: list[Location] = field(default_factory=list)
    member_rows: list[Sequence[Location]] = field(default_factory=list)
    # Cells that could not be read, as (member index or None, column key): the registry's
    # complaint about the value left missing would only repeat the first error.
    unreadable: list[Set[tuple[int | None, str]]] = field(default_factory=list)
    headers: dict[str, sheets.Header] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)
    rows: int = 0

    def save(self, path: Path) -> None:
        """Kept for the commit, a slice of households a pickle: one pickle of everything
        would hold a memo of every object written (measured: 216 MB for 50,000 households)."""
        with path.open("wb") as handle:
            pickle.dump((self.headers, self.problems, self.rows), handle, pickle.HIGHEST_PROTOCOL)
            for start in range(0, len(self.incoming), SAVED_AT_ONCE):
                part = slice(start, start + SAVED_AT_ONCE)
                pickle.dump(
                    (
                        self.incoming[part],
                        self.household_rows[part],
                        self.member_rows[part],
                        self.unreadable[part],
                    ),
                    handle,
                    pickle.HIGHEST_PROTOCOL,
                )

    @classmethod
    def load(cls, path: Path) -> "Parsed":
        parsed = cls()
        with path.open("rb") as handle:  # written by save() into var/, never uploaded
            parsed.headers, parsed.problems, parsed.rows = pickle.load(handle)
            while True:
                try:
                    incoming, household_rows, member_rows, unreadable = pickle.load(handle)
                except EOFError:
                    break
                parsed.incoming += incoming
                parsed.household_rows += household_rows
                parsed.member_rows += member_rows
                parsed.unreadable += unreadable
        for household, (sheet, _row) in zip(parsed.incoming, parsed.household_rows, strict=True):
            household.given = parsed.headers[sheet].given  # one set again, not one a slice
        return parsed


@dataclass
class _Group:
    """A household being read: its own values from its first row, then each member."""

    values: dict[str, Any]
    location: Location
    written: dict[str, Any]  # the household's cells as the first row writes them
    members: list[MemberInput] = field(default_factory=list)
    member_rows: list[Location] = field(default_factory=list)
    unreadable: Set[tuple[int | None, str]] = frozenset()  # one empty set shared by most


class CodeIndex:
    """A code list's entries by code and by label, as files write them."""

    def __init__(self, codes: Iterable[tuple[str, str, str]]):
        self.entries: dict[str, dict[str, str]] = defaultdict(dict)
        for kind, value, label in codes:
            for written in (value, label, value.lstrip("0") or "0"):
                self.entries[kind].setdefault(cleaning.key(written), value)

    def value(self, kind: str, written: str) -> str:
        found = self.entries[kind].get(written) or self.entries[kind].get(
            written.lstrip("0") or "0"
        )
        if found is None:
            raise cleaning.CellError(
                _("“%(value)s” is not in the list; use a code or a name from the list.")
                % {"value": written}
            )
        return found


class PlaceIndex:
    """The user's villages and groups, by code and by their names."""

    def __init__(self, places: Iterable[tuple[str, str, int]]):
        names = {code: cleaning.key(name) for code, name, _level in places}
        self.codes: set[str] = set()
        self.by_name: dict[tuple[str, str], list[tuple[str, str, str]]] = defaultdict(list)
        for code, _name, level in places:
            if level not in (RegionLevel.VILLAGE, RegionLevel.GROUP):
                continue
            self.codes.add(code)
            village = code[:12]
            group = names[code] if level == RegionLevel.GROUP else ""
            county = names.get(code[:6] + "000000", "")
            township = names.get(code[:9] + "000", "")
            self.by_name[(names.get(village, ""), group)].append((code, township, county))

    def code(self, given: dict[str, str]) -> str:
        if given.get("region_code"):
            if given["region_code"] not in self.codes:
                raise cleaning.CellError(
                    _("%(code)s is not a village or group among your places.")
                    % {"code": given["region_code"]}
                )
            return given["region_code"]
        village = cleaning.key(given.get("village", ""))
        if not village:
            raise cleaning.CellError(_("Give the village (行政村) or the 行政区划代码."))
        group = cleaning.key(given.get("group", ""))
        township = cleaning.key(given.get("township", ""))
        county = cleaning.key(given.get("county", ""))
        candidates = [
            code
            for code, at_township, at_county in self.by_name.get((village, group), [])
            if (not township or not at_township or township == at_township)
            and (not county or not at_county or county == at_county)
        ]
        if not candidates:
            place = " ".join(filter(None, (given.get("village"), given.get("group"))))
            raise cleaning.CellError(
                _("No village or group “%(place)s” among your places.") % {"place": place}
            )
        if len(candidates) > 1:
            raise cleaning.CellError(
                _(
                    "%(n)d places are called “%(village)s”; add the township and county "
                    "columns or the 行政区划代码."
                )
                % {"n": len(candidates), "village": given.get("village")}
            )
        return candidates[0]


def located(
    sheet: str,
    row: int,
    header: sheets.Header,
    column: Column,
    value: Any,
    reason: str,
    *,
    quoted: Any = None,
    echo: bool = False,
) -> RowProblem:
    """A problem in ``column``; ``quoted``, another cell's value the reason quotes, is
    masked with it where the column holds ID numbers or accounts."""
    return RowProblem(
        sheet,
        row,
        header.names.get(column.key, column.header),
        written(value),
        str(reason),
        key=column.key,
        secrets=masking.secrets_of(value, quoted) if column.key in masking.MASKED else (),
        echo=echo,
    )


def written(raw: Any) -> str:
    """A cell's value as people see it in the sheet (1, not 1.0)."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer() and abs(raw) < 1e15:
        return str(int(raw))
    return str(raw)


def echo_written(
    path: Path, problems: Iterable[RowProblem], headers: dict[str, sheets.Header]
) -> None:
    """Put the cells as the file has them in place of the cleaned values of the registry's
    problems (the report echoes what the office typed: 男, not "1"). Only the sheets with
    such problems are read again, each up to its last such row."""
    wanted: dict[str, dict[int, list[RowProblem]]] = defaultdict(lambda: defaultdict(list))
    for problem in problems:
        header = headers.get(problem.sheet)
        if problem.echo and header is not None and problem.key in header.positions:
            wanted[problem.sheet][problem.row].append(problem)
    for sheet, by_row in wanted.items():
        positions, last = headers[sheet].positions, max(by_row)
        for row in sheets.rows(path, sheet):
            if row.number > last:
                break
            for problem in by_row.get(row.number, ()):
                position = positions[problem.key]
                raw = row.values[position] if position < len(row.values) else None
                # A household's value may come from a later row of it (its first left the
                # cell empty): the cleaned value then stands.
                if not cleaning.is_blank(raw):
                    problem.value = written(raw)
                problem.echo = False


def _raw(row: sheets.Row, header: sheets.Header, key: str) -> Any:
    position = header.positions.get(key)
    return row.values[position] if position is not None and position < len(row.values) else None


def clean_row(
    row: sheets.Row,
    header: sheets.Header,
    codes: CodeIndex,
    problems: list[RowProblem],
    columns: Mapping[str, Column] = BY_KEY,
) -> tuple[dict[str, Any], set[str]]:
    """The row's cells cleaned by their ``columns`` (codes as the code list's values), and
    the keys of the cells that could not be read, each listed in ``problems``."""
    values: dict[str, Any] = {}
    failed: set[str] = set()
    for key, position in header.positions.items():
        column = columns[key]
        raw = row.values[position] if position < len(row.values) else None
        try:
            value = column.clean(raw)
            if column.code_kind and value:
                value = (
                    [codes.value(column.code_kind, v) for v in value]
                    if column.several
                    else codes.value(column.code_kind, value)
                )
        except cleaning.CellError as error:
            problems.append(located(row.sheet, row.number, header, column, raw, str(error)))
            failed.add(key)
            continue
        values[key] = value
    return values, failed


def _blank(value: Any) -> bool:
    return value in (None, "", [])


OWN = frozenset(c.key for c in COLUMNS if c.level in (HOUSEHOLD, PLACE))
MEMBER_OPTIONAL = ("sex", "birth_date", "education", "schooling", "disability", "work_status")
MEMBER_FLAGS = ("dibao", "medical_insurance", "pension_insurance")
HOUSEHOLD_OPTIONAL = (
    "address",
    "phone",
    "bank_name",
    "bank_account",
    "planned_exit_year",
    "housing_area",
    "housing_structure",
    "danger_grade",
    "toilet",
    "road_distance_km",
    "latitude",
    "longitude",
)
HOUSEHOLD_FLAGS = ("land_area_mu", "water_difficulty", "water_safe", "has_power")


def data_rows(
    path: Path,
    synonyms: dict[str, str],
    missing: Callable[[sheets.Header], list[str]],
    headers: dict[str, sheets.Header],
    problems: list[RowProblem],
) -> Iterator[tuple[sheets.Header, sheets.Row]]:
    """The filled rows under the header of every sheet of ``path`` that has one, with their
    sheet's header; a sheet whose header lacks columns (``missing`` names them) is reported
    in ``problems`` and read no further. Each header found is kept in ``headers``."""
    for sheet in sheets.sheet_names(path):
        stream = sheets.rows(path, sheet)
        head = list(itertools.islice(stream, sheets.HEADER_SEARCH_ROWS))
        header = sheets.find_header(head, synonyms)
        if header is None:
            continue
        headers[sheet] = header
        lacking = missing(header)
        if lacking:
            problems.append(
                RowProblem(
                    sheet,
                    header.data_from - 1,
                    "、".join(lacking),
                    "",
                    _("These columns are missing; add them to the header row."),
                )
            )
            continue
        for row in itertools.chain(head, stream):
            if row.number >= header.data_from and not all(cleaning.is_blank(v) for v in row.values):
                yield header, row


def _missing(header: sheets.Header) -> list[str]:
    missing = [c.header for c in COLUMNS if c.required and c.key not in header.positions]
    if not ({"region_code", "village"} & set(header.positions)):
        missing.append("行政村 / 行政区划代码")
    return missing


def parse(
    path: Path,
    *,
    synonyms: dict[str, str],
    codes: CodeIndex,
    places: PlaceIndex,
    source: str,
    progress: Progress | None = None,
) -> Parsed:
    """Read every sheet of ``path`` that has a household header, one row at a time."""
    parsed = Parsed()
    groups: dict[str, _Group] = {}
    for header, row in data_rows(path, synonyms, _missing, parsed.headers, parsed.problems):
        parsed.rows += 1
        if progress and parsed.rows % 5000 == 0:
            progress("reading", parsed.rows, 0)
        _read_row(row, header, codes, groups, parsed)
    if not parsed.headers:
        parsed.problems.append(
            RowProblem(
                "",
                0,
                "",
                "",
                _(
                    "No sheet has a header row with columns such as 户编号, 姓名, 证件号码 and "
                    "与户主关系; use the import template."
                ),
            )
        )
    reason = _("Imported from %(file)s") % {"file": source}
    for number in list(groups):  # each group let go once it is a household, in file order
        _household(groups.pop(number), places, reason, parsed)
    return parsed


def _read_row(
    row: sheets.Row,
    header: sheets.Header,
    codes: CodeIndex,
    groups: dict[str, _Group],
    parsed: Parsed,
) -> None:
    values, failed = clean_row(row, header, codes, parsed.problems)
    number = values.get("number", "")
    if not number:
        if "number" in values:
            parsed.problems.append(
                located(
                    row.sheet,
                    row.number,
                    header,
                    BY_KEY["number"],
                    "",
                    _("Enter the household number."),
                )
            )
        return
    group = groups.get(number)
    if group is None:
        own = {key: values[key] for key in OWN & values.keys()}
        written = {key: _raw(row, header, key) for key in own}
        group = groups[number] = _Group(own, (row.sheet, row.number), written)
        group.values["_given"] = header.given
    else:
        agree(
            group.values,
            group.written,
            group.location[1],
            values,
            OWN,
            row,
            header,
            parsed.problems,
        )
    group.members.append(
        MemberInput(
            name=values.get("name", ""),
            id_number=values.get("id_number", ""),
            relation=values.get("relation", ""),
            ethnicity=values.get("ethnicity", ""),
            health=values.get("health", ""),
            labour=values.get("labour", ""),
            **{key: values[key] for key in MEMBER_OPTIONAL if key in values},
            **{key: values[key] for key in MEMBER_FLAGS if values.get(key) is not None},
        )
    )
    if failed:
        index = len(group.member_rows)
        group.unreadable = {*group.unreadable, *((None if k in OWN else index, k) for k in failed)}
    group.member_rows.append((row.sheet, row.number))


def agree(
    kept: dict[str, Any],
    written: dict[str, Any],
    first_row: int,
    values: dict[str, Any],
    own: Set[str],
    row: sheets.Row,
    header: sheets.Header,
    problems: list[RowProblem],
    columns: Mapping[str, Column] = BY_KEY,
) -> set[str]:
    """A later row of a household against what its rows before gave for the household's
    own columns (``own``; ``kept``, as ``written`` in the file, from ``first_row``): a value
    left empty before is taken from this row; one that says something else is a problem on
    this row. Answers the keys where the rows disagree."""
    disagreeing = set()
    for key in own & values.keys():
        mine, theirs = values[key], kept.get(key)
        if not _blank(mine) and not _blank(theirs) and mine != theirs:
            problems.append(
                located(
                    row.sheet,
                    row.number,
                    header,
                    columns[key],
                    _raw(row, header, key),
                    _(
                        "Row %(row)d of the same household says “%(other)s”; a "
                        "household's columns must agree on all its rows (or be left empty)."
                    )
                    % {"row": first_row, "other": written.get(key, theirs)},
                    quoted=written.get(key, theirs),
                )
            )
            disagreeing.add(key)
        elif _blank(theirs) and not _blank(mine):
            kept[key] = mine
            written[key] = _raw(row, header, key)
    return disagreeing


def _household(group: _Group, places: PlaceIndex, reason: str, parsed: Parsed) -> None:
    first = group.values
    sheet, row = group.location
    header = parsed.headers[sheet]
    try:
        region_code = places.code(first)
    except cleaning.CellError as error:
        key = "region_code" if first.get("region_code") else "village"
        parsed.problems.append(located(sheet, row, header, BY_KEY[key], first.get(key), str(error)))
        return
    household = HouseholdInput(
        number=first["number"],
        region_code=region_code,
        attribute=first.get("attribute", ""),
        standard=first.get("standard", ""),
        main_cause=first.get("main_cause", ""),
        year_identified=first.get("year_identified") or 0,
        other_causes=first.get("other_causes", []),
        **{key: first[key] for key in HOUSEHOLD_OPTIONAL if key in first},
        **{key: first[key] for key in HOUSEHOLD_FLAGS if first.get(key) is not None},
    )
    status = StatusInput(
        status=first.get("status", ""),
        effective_on=datetime.date.today(),
        reason=reason,
        monitoring_type=first.get("monitoring_type", ""),
        risk_types=first.get("risk_types", []),
    )
    parsed.incoming.append(
        IncomingHousehold(household, group.members, status, given=first["_given"])
    )
    parsed.household_rows.append(group.location)
    parsed.member_rows.append(tuple(group.member_rows))
    parsed.unreadable.append(group.unreadable)


def repeats_unreadable(parsed: Parsed, index: int, problem: Problem) -> bool:
    return (problem.member, problem.field.split(".")[-1]) in parsed.unreadable[index]


def locate(parsed: Parsed, index: int, problem: Problem) -> RowProblem:
    """A problem the registry found with household ``index``, placed in the file; the value
    shown is the one read from the file."""
    incoming = parsed.incoming[index]
    if problem.member is not None:
        sheet, row = parsed.member_rows[index][problem.member]
        source: Any = incoming.members[problem.member]
    else:
        (sheet, row), source = parsed.household_rows[index], incoming.household
    header = parsed.headers[sheet]
    key = problem.field.split(".")[-1]
    if key == "region":
        key = "region_code" if "region_code" in header.positions else "village"
    column = BY_KEY.get(key)
    if column is None:
        return RowProblem(sheet, row, "", "", str(problem.message))
    value = getattr(source, key, None) if key != "status" else incoming.status.status
    return located(sheet, row, header, column, value, str(problem.message), echo=True)
