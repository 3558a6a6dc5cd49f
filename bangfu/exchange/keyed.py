"""Other departments' sheets keyed by ID number (部门数据): the health bureau's contracts,
check-ups and follow-ups now, and later social insurance, civil affairs, education…; and
sheets keyed by another number the same way (a county's project library and its finance
sheet, keyed by project number: ``exchange.projects``), each with its ``Matcher``.

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
from typing import Any, Protocol, cast

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from bangfu.core import idnumbers
from bangfu.core.capabilities import Capability
from bangfu.core.errors import DomainError
from bangfu.core.protection import lookup_hashes
from bangfu.registry.bulk import MatchedRow, Outcome, RowVerdict
from bangfu.registry.selectors import members_by_id_hash

from . import cleaning, masking, sheets
from .households import CodeIndex, RowProblem, data_rows, written

ROWS_AT_ONCE = 2000  # rows matched, checked and written together
Progress = Callable[[str, int, int], None]  # (phase, done, total)


class Matcher(Protocol):
    """How a sheet's rows find their records among the importer's places: the key a row
    names (``column`` holds it), the records of a batch's keys, and what refuses a row by
    what was found (None: nothing, among the importer's places)."""

    column: str

    def key(self, values: dict[str, Any]) -> Hashable:
        """The row's key from its cleaned values (raising ``DomainError`` or
        ``cleaning.CellError`` for a key that cannot be); it may complete ``values``."""
        ...

    def find(self, keys: set[Hashable]) -> Mapping[Hashable, Any]: ...

    def refusal(self, target: Any) -> str | None: ...

    def household_of(self, target: Any) -> int | None: ...


class IdNumbers:
    """Rows naming a member by ID number, matched by its keyed hash (the default)."""

    column = "id_number"

    def __init__(self, actor):
        self.actor = actor

    def key(self, values: dict[str, Any]) -> Hashable:
        # Every hash a rotation may have left on the member's row, the current one first.
        return tuple(lookup_hashes(idnumbers.parse(values["id_number"]).value))

    def find(self, keys: set[Hashable]) -> Mapping[Hashable, Any]:
        asked = {digest: key for key in keys for digest in key}  # type: ignore[attr-defined]
        return members_by_id_hash(self.actor, asked)  # type: ignore[arg-type, return-value]

    def refusal(self, target: Any) -> str | None:
        return unmatched_reason() if target is None else None

    def household_of(self, target: Any) -> int | None:
        return target.household_id


class Session(Protocol):
    """A sheet's bulk service that holds what its rows add up to over the whole file (a
    ledger's totals per project and source): given the rows batch by batch with where each
    stands, then asked at the end for the refusals only the whole file shows (where, field,
    reason), writing what is left to write (the audit) when it writes."""

    def apply(
        self, *, rows: list[MatchedRow], at: list[int], source: str | None
    ) -> list[RowVerdict]: ...

    def finish(self, *, source: str | None) -> list[tuple[int, str, str]]: ...


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
    # The record's pk (None for one the row adds) and the input → what makes the record one
    # (two rows with the same are the same record given twice); and how to say so.
    natural_key: Callable[[int | None, Any], Hashable]
    repeated: str | Promise
    # The domain's bulk service: (actor, rows: list[MatchedRow], source) → a RowVerdict a
    # row; it writes only when given ``source``. (A sheet with a ``session`` gives None.)
    apply: Callable[..., list[RowVerdict]] | None
    # Where the service's refusals point: its field → the sheet's column key.
    field_columns: Mapping[str, str] = field(default_factory=dict)
    # What runs once the commit's transaction is over, given the households written (the
    # early-warning rules over them, for the departments' sheets of monitoring).
    then: Callable[[set[int]], Any] | None = None
    # How rows find their records (ID numbers unless said otherwise), for the importer.
    matcher: Callable[[Any], Matcher] = IdNumbers
    # The domain's bulk service of the whole file, for the importer and the file's name
    # when it writes (in place of ``apply``).
    session: Callable[..., Session] | None = None

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
    digest: Hashable


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
        self.matcher = sheet.matcher(actor)
        self.session = sheet.session(actor=actor) if sheet.session else None

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
            read.digest = self.matcher.key(values)
        except DomainError as refusal:
            self.problem(read, self.column_of(refusal.field or ""), refusal.message)
            return
        except cleaning.CellError as error:
            self.problem(read, self.matcher.column, str(error))
            return
        self.pending.append(read)
        if len(self.pending) >= ROWS_AT_ONCE:
            self.flush()

    def where(self, here: int) -> dict[str, Any]:
        """The sheet and row an int of ``seen`` (or of a session's ``at``) stands for."""
        sheet = next(n for n, i in self.sheet_names.items() if i == here >> 32)
        return {"sheet": sheet, "row": here & 0xFFFFFFFF}

    def column_of(self, field_name: str) -> str:
        key = self.sheet.field_columns.get(field_name, field_name)
        return key if key in self.sheet.columns else self.matcher.column

    def finish(self) -> None:
        """The refusals only the whole file shows (a session's), located by sheet and row
        (their cells are no longer kept: the column is named by its header)."""
        if self.session is None:
            return
        writing = self.source is not None and not self.result.problems
        for here, field_name, reason in self.session.finish(
            source=self.source if writing else None
        ):
            key = self.column_of(field_name)
            place = self.where(here)
            header = self.result.headers.get(place["sheet"])
            column = header.names.get(key) if header else None
            self.result.problems.append(
                RowProblem(
                    place["sheet"],
                    place["row"],
                    column or self.sheet.columns[key][0],
                    "",
                    reason,
                    key,
                )
            )

    def flush(self) -> None:
        if not self.pending:
            return
        column = self.matcher.column
        targets = self.matcher.find({read.digest for read in self.pending})
        matched: list[MatchedRow] = []
        reads: list[_Read] = []
        for read in self.pending:
            target = targets.get(read.digest)
            refusal = self.matcher.refusal(target)
            if refusal is not None:
                self.problem(read, column, refusal)
                continue
            data = self.sheet.make_row(read.values)
            here = self.sheet_names[read.sheet] << 32 | read.number
            key = self.sheet.natural_key(getattr(target, "pk", None), data)
            first = self.seen.setdefault(key, here)
            if first != here:
                self.problem(
                    read,
                    column,
                    _(
                        "Row %(row)d of sheet “%(sheet)s” gives %(what)s already; keep one "
                        "of the two rows."
                    )
                    % {**self.where(first), "what": self.sheet.repeated},
                )
                continue
            # A member for the departments' sheets; a project (or None: a new one) for the
            # county's: what the sheet's service takes.
            matched.append(MatchedRow(cast(Any, target), data, read.header.given))
            reads.append(read)
        self.pending = []
        writing = self.source is not None and not self.result.problems
        source = self.source if writing else None
        if self.session is not None:
            at = [self.sheet_names[read.sheet] << 32 | read.number for read in reads]
            verdicts = self.session.apply(rows=matched, at=at, source=source)
        else:
            assert self.sheet.apply is not None
            verdicts = self.sheet.apply(actor=self.actor, rows=matched, source=source)
        if writing:
            households = {self.matcher.household_of(row.member) for row in matched}
            self.result.households.update(h for h in households if h is not None)
        for read, verdict in zip(reads, verdicts, strict=True):
            self.result.counts[verdict.outcome] += 1
            for field_name, reason in verdict.problems:
                self.problem(read, self.column_of(field_name), reason)
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
    state.finish()
    if not state.result.headers:
        state.result.problems.append(RowProblem("", 0, "", "", str(sheet.no_header)))
    state.result.problems.sort(key=lambda p: (p.sheet, p.row))
    return state.result
