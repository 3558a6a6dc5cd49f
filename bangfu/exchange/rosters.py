"""Rosters (名单): sheets whose rows are few — a pairing list, a list of teams and their
members — each row read into the input of one service's import. Because the rows are few,
checking a roster runs the very writes of its commit and rolls them back
(``exchange.services``), so the check and the commit cannot disagree; a refusal of the
service is located at its row and the column of the field it names.

Each roster is declared once (``exchange.pairings.ROSTER``, ``exchange.teams.ROSTER``): its
columns and their synonyms, how a cell is cleaned, which columns must be there and filled,
how a row of values becomes the service's input, and the service that writes the rows.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from bangfu.core.capabilities import Capability

from . import cleaning, masking, sheets
from .households import Location, RowProblem, data_rows, written


@dataclass
class ParsedRoster:
    rows: list[Any] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    headers: dict[str, sheets.Header] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)


@dataclass(frozen=True)
class Roster:
    # key: (header, synonyms)
    columns: Mapping[str, tuple[str, tuple[str, ...]]]
    clean: Mapping[str, Callable[[Any], Any]]
    # The headers a sheet lacks, named as people read them.
    missing: Callable[[sheets.Header], list[str]]
    # What to say when no sheet of the file has a header row.
    no_header: str | Promise
    # A row's cleaned values → the service's input.
    make_row: Callable[[dict[str, Any]], Any]
    capability: Capability
    # The service: (actor, rows, source, commit) → a result with ``problems`` (row index,
    # field, reason).
    write: Callable[..., Any]
    # What a result counts, for the job's summary.
    counts: Callable[[Any], dict[str, Any]]
    # Columns that must hold a value in every row.
    required: tuple[str, ...] = ()
    # Where the service's refusals point: its field → the sheet's column key; a field with
    # no column of its own points at ``fallback`` (none: the refusal names no column).
    field_columns: Mapping[str, str] = field(default_factory=dict)
    fallback: str = ""
    # What runs once the commit's transaction is over, given the service's result (the
    # early-warning rules over the places a disasters sheet wrote).
    then: Callable[[Any], Any] | None = None

    def synonyms(self) -> dict[str, str]:
        return {
            sheets.header_key(name): key
            for key, (header, others) in self.columns.items()
            for name in (header, *others)
        }

    def parse(self, path: Path) -> ParsedRoster:
        parsed = ParsedRoster()
        for header, row in data_rows(
            path, self.synonyms(), self.missing, parsed.headers, parsed.problems
        ):
            self._read(row, header, parsed)
        if not parsed.headers:
            parsed.problems.append(RowProblem("", 0, "", "", str(self.no_header)))
        return parsed

    def _read(self, row: sheets.Row, header: sheets.Header, parsed: ParsedRoster) -> None:
        values: dict[str, Any] = {}
        found: list[RowProblem] = []
        for key, position in header.positions.items():
            raw = row.values[position] if position < len(row.values) else None
            try:
                values[key] = self.clean[key](raw)
            except cleaning.CellError as error:
                found.append(
                    RowProblem(
                        row.sheet, row.number, header.names[key], written(raw), str(error), key
                    )
                )
        empty = next((key for key in self.required if not values.get(key)), None)
        if not found and empty is not None:
            # One empty column is enough to say: the row is refused until it is filled.
            found.append(
                RowProblem(
                    row.sheet,
                    row.number,
                    header.names[empty],
                    "",
                    _("This column is empty; fill it in."),
                    empty,
                )
            )
        if found:
            parsed.problems.extend(found)
            return
        parsed.rows.append(self.make_row(values))
        parsed.locations.append((row.sheet, row.number))

    def locate(self, parsed: ParsedRoster, index: int, field_name: str, reason: str) -> RowProblem:
        """A service's refusal of a row, at the row and the column of the field it names."""
        sheet, number = parsed.locations[index]
        key = self.field_columns.get(field_name, field_name)
        if key not in self.columns and self.fallback:
            key = self.fallback
        value = str(getattr(parsed.rows[index], key, "") or "")
        default = self.columns[key][0] if key in self.columns else ""
        column = parsed.headers[sheet].names.get(key, default)
        # The cleaned value stands in until echo_written puts the cell as written in its
        # place; an ID number is masked with the rest (``masking``).
        secrets = masking.secrets_of(value) if key in masking.MASKED else ()
        return RowProblem(sheet, number, column, value, reason, key, secrets, echo=True)
