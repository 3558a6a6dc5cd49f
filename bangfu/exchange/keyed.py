"""Other departments' sheets keyed by ID number (部门数据): the health bureau's contracts,
check-ups and follow-ups now, and later social insurance, civil affairs, education….

Such a sheet has many rows (a county's check-ups of a year run to hundreds of thousands), each
about a person of the registry, named by ID number. It is not a roster (``rosters``, whose
check runs the writes and rolls them back): it is read as a stream, a batch of rows at a
time, and each batch is

1. cleaned cell by cell (the sheet's columns and synonyms; a code or its label),
2. matched to members by the keyed hash of the ID number (``core.protection.lookup_hash``,
   ``registry.selectors.members_by_id_hash``: one indexed query a few hundred numbers, no
   number unsealed) among the importer's places: a number with no member there — none at
   all, or one in a place the importer does not hold — is refused with the same words,
   which reveal nothing of other places,
3. refused where it repeats the natural key of an earlier row of the file,
4. handed to the domain app's bulk service (``KeyedSheet.apply``), which checks the rows
   against the records on file with its own rules and, when writing, writes them in bulk.

Writing stops at the first refused row while checking goes on, so one run names every
problem; the caller holds the one transaction and rolls it back on any refusal. What is
kept of the file is a number a row (its natural key, for the repeats): memory stays
bounded by the batch.
"""

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from bangfu.core import idnumbers
from bangfu.core.capabilities import Capability
from bangfu.core.errors import DomainError
from bangfu.core.protection import lookup_hash
from bangfu.registry.bulk import MatchedRow, Outcome, RowVerdict
from bangfu.registry.selectors import members_by_id_hash

from . import cleaning, masking, sheets
from .households import CodeIndex, RowProblem, data_rows, written

ROWS_AT_ONCE = 2000  # rows matched, checked and written together
Progress = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass(frozen=True)
class KeyedSheet:
    # key: (header, synonyms); the key of the ID number's column is ``id_number``.
    columns: Mapping[str, tuple[str, tuple[str, ...]]]
    clean: Mapping[str, Callable[[Any], Any]]
    # Columns whose cells name entries of a code list (a code or its label): key → list.
    codes: Mapping[str, str]
    required: tuple[str, ...]
    no_header: str | Promise
    capability: Capability
    # A row's cleaned values → the domain's input.
    make_row: Callable[[dict[str, Any]], Any]
    # The member's pk and the input → what makes the record one (two rows with the same
    # are the same record given twice); and how to say so.
    natural_key: Callable[[int, Any], Hashable]
    repeated: str | Promise
    # The domain's bulk service: (actor, rows: list[MatchedRow], source) → a RowVerdict a
    # row; it writes only when given ``source``.
    apply: Callable[..., list[RowVerdict]]
    # Where the service's refusals point: its field → the sheet's column key.
    field_columns: Mapping[str, str] = field(default_factory=dict)
    # What runs once the commit's transaction is over, given the households written (the
    # early-warning rules over them, for the departments' sheets of monitoring).
    then: Callable[[set[int]], Any] | None = None

    def synonyms(self) -> dict[str, str]:
        return {
            sheets.header_key(name): key
            for key, (header, others) in self.columns.items()
            for name in (header, *others)
        }

    def missing(self, header: sheets.Header) -> list[str]:
        return [self.columns[key][0] for key in self.required if key not in header.positions]


@dataclass
class KeyedResult:
    rows: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Outcome.ALL, 0))
    problems: list[RowProblem] = field(default_factory=list)
    headers: dict[str, sheets.Header] = field(default_factory=dict)
    households: set[int] = field(default_factory=set)  # of the rows written


class KeyedRefused(Exception):
    """Raised inside the commit's transaction to roll it back: some rows are refused."""

    def __init__(self, result: KeyedResult):
        super().__init__("refused")
        self.result = result


@dataclass(slots=True)
class _Read:
    """A row cleaned and waiting for its batch: where it is, its cells, its values."""

    sheet: str
    number: int
    header: sheets.Header
    cells: list[Any]
    values: dict[str, Any]
    digest: str


def unmatched_reason() -> str:
    """Said of an ID number with no member among the importer's places, whether nobody or
    somebody elsewhere has it: the sheet learns nothing of other places."""
    return _(
        "No member of your places has this ID number; check the number, or register the "
        "person in their household first."
    )


class _Run:
    def __init__(self, sheet: KeyedSheet, actor, codes: CodeIndex, source: str | None, progress):
        self.sheet, self.actor, self.codes = sheet, actor, codes
        self.source, self.progress = source, progress
        self.result = KeyedResult()
        # Natural key → where it was first given: the sheet's place in ``sheet_names`` and
        # the row, in one int (a million rows: a tuple each would double what is kept).
        self.seen: dict[Hashable, int] = {}
        self.sheet_names: dict[str, int] = {}
        self.pending: list[_Read] = []

    def problem(self, read: _Read | None, key: str, reason: str, *, sheet="", row=0) -> None:
        if read is not None:
            sheet, row = read.sheet, read.number
            header = read.header
            position = header.positions.get(key)
            raw = (
                read.cells[position]
                if position is not None and position < len(read.cells)
                else None
            )
            column = header.names.get(key, self.sheet.columns.get(key, ("", ()))[0])
        else:
            raw, column = None, ""
        secrets = masking.secrets_of(raw) if key in masking.MASKED else ()
        self.result.problems.append(
            RowProblem(sheet, row, column, written(raw), str(reason), key, secrets)
        )

    def read(self, header: sheets.Header, row: sheets.Row) -> None:
        self.result.rows += 1
        self.sheet_names.setdefault(row.sheet, len(self.sheet_names))
        name = row.sheet
        values: dict[str, Any] = {}
        failed = False
        for key, position in header.positions.items():
            raw = row.values[position] if position < len(row.values) else None
            try:
                value = self.sheet.clean[key](raw)
                kind = self.sheet.codes.get(key)
                if kind and value:
                    value = (
                        [self.codes.value(kind, v) for v in value]
                        if isinstance(value, list)
                        else self.codes.value(kind, value)
                    )
            except cleaning.CellError as error:
                column = header.names[key]
                secrets = masking.secrets_of(raw) if key in masking.MASKED else ()
                self.result.problems.append(
                    RowProblem(name, row.number, column, written(raw), str(error), key, secrets)
                )
                failed = True
                continue
            values[key] = value
        if failed:
            return
        read = _Read(name, row.number, header, row.values, values, "")
        empty = next((key for key in self.sheet.required if not values.get(key)), None)
        if empty is not None:
            self.problem(read, empty, _("This column is empty; fill it in."))
            return
        try:
            number = idnumbers.parse(values["id_number"]).value
        except DomainError as refusal:
            self.problem(read, "id_number", refusal.message)
            return
        read.digest = lookup_hash(number)
        self.pending.append(read)
        if len(self.pending) >= ROWS_AT_ONCE:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        members = members_by_id_hash(self.actor, {read.digest for read in self.pending})
        matched: list[MatchedRow] = []
        reads: list[_Read] = []
        for read in self.pending:
            member = members.get(read.digest)
            if member is None:
                self.problem(read, "id_number", unmatched_reason())
                continue
            data = self.sheet.make_row(read.values)
            here = self.sheet_names[read.sheet] << 32 | read.number
            first = self.seen.setdefault(self.sheet.natural_key(member.pk, data), here)
            if first != here:
                sheet = next(n for n, i in self.sheet_names.items() if i == first >> 32)
                self.problem(
                    read,
                    "id_number",
                    _(
                        "Row %(row)d of sheet “%(sheet)s” gives %(what)s already; keep one "
                        "of the two rows."
                    )
                    % {"row": first & 0xFFFFFFFF, "sheet": sheet, "what": self.sheet.repeated},
                )
                continue
            matched.append(MatchedRow(member, data, read.header.given))
            reads.append(read)
        self.pending = []
        writing = self.source is not None and not self.result.problems
        verdicts = self.sheet.apply(
            actor=self.actor, rows=matched, source=self.source if writing else None
        )
        if writing:
            self.result.households.update(row.member.household_id for row in matched)
        for read, verdict in zip(reads, verdicts, strict=True):
            self.result.counts[verdict.outcome] += 1
            for field_name, reason in verdict.problems:
                key = self.sheet.field_columns.get(field_name, field_name)
                if key not in self.sheet.columns:
                    key = "id_number"
                self.problem(read, key, reason)
        if self.progress:
            self.progress("writing" if self.source else "matching", self.result.rows, 0)


def run(
    sheet: KeyedSheet,
    path: Path,
    *,
    actor,
    codes: CodeIndex,
    source: str | None = None,
    progress: Progress | None = None,
) -> KeyedResult:
    """Read ``path`` as ``sheet`` says, a batch of rows at a time: check every row and,
    with ``source`` (the file's name), write them while none is refused. The caller holds
    the transaction: a result with problems must roll back what was written."""
    state = _Run(sheet, actor, codes, source, progress)
    for header, row in data_rows(
        path, sheet.synonyms(), sheet.missing, state.result.headers, state.result.problems
    ):
        state.read(header, row)
    state.flush()
    if not state.result.headers:
        state.result.problems.append(RowProblem("", 0, "", "", str(sheet.no_header)))
    state.result.problems.sort(key=lambda p: (p.sheet, p.row))
    return state.result
