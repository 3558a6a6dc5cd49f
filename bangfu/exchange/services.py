"""Writes for imports and exports: each use case one function, audited.

An import is two steps: ``import_check`` reads the file and says what would change and
what is wrong (writing only the job's preview), ``import_commit`` writes the households in
one transaction (``bangfu.registry.bulk``). Both run in the background (tasks.py) or from
``manage.py import_households``; the file is read again at commit, so what is written is
what the file says then, checked against the registry as it is then.
"""

import contextlib
import datetime
import gc
import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.db import DatabaseError, IntegrityError, OperationalError, connection, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from bangfu.checks.services import (
    snapshot_compare,
    snapshot_county,
    snapshot_keys_settled,
    snapshot_month,
    snapshot_store,
)
from bangfu.core import audit
from bangfu.core.capabilities import Capability, require
from bangfu.core.errors import DomainError
from bangfu.core.jobs import stored_path
from bangfu.core.models import JobState
from bangfu.core.protection import lookup_scheme, unseal
from bangfu.core.services import clash_record
from bangfu.core.tables import write_table
from bangfu.registry import selectors as registry_selectors
from bangfu.registry.bulk import (
    ImportRefused,
    ImportSummary,
    households_check,
    households_import,
    summarise,
)

from . import disasters as disaster_sheet
from . import health as health_sheets
from . import households, keyed, masking, selectors, sheets, snapshots, writing
from . import monitoring as monitoring_sheets
from . import pairings as pairing_sheet
from . import problem_lists as problem_list_sheet
from . import projects as project_sheets
from . import teams as team_sheet
from .columns import BY_KEY, COLUMNS
from .keyed import KeyedSheet
from .models import ExportJob, HeaderSynonym, ImportJob, ImportKind, ImportProblem
from .rosters import Roster

NEEDED: dict[str, Capability] = {  # the capability each kind of sheet needs
    ImportKind.HOUSEHOLDS: Capability.EDIT_REGISTRY,
    ImportKind.PAIRINGS: Capability.MANAGE_PAIRING,
    ImportKind.TEAMS: Capability.MANAGE_TEAMS,
    ImportKind.CONTRACTS: Capability.RECORD_HEALTH,
    ImportKind.CHECKUPS: Capability.RECORD_HEALTH,
    ImportKind.FOLLOW_UPS: Capability.RECORD_HEALTH,
    ImportKind.DISASTERS: disaster_sheet.ROSTER.capability,
    ImportKind.PROBLEM_LIST: problem_list_sheet.ROSTER.capability,
    **{kind: sheet.capability for kind, sheet in monitoring_sheets.SHEETS.items()},
    ImportKind.NATIONAL: Capability.IMPORT_NATIONAL_DATA,
    ImportKind.PROJECTS: project_sheets.PROJECTS.capability,
    ImportKind.FUNDS: project_sheets.FUNDS.capability,
}
# Kinds uploaded with more than the file (a snapshot's county and month): each through its
# own service, which checks what was chosen.
CHOSEN_ON_UPLOAD = frozenset({ImportKind.NATIONAL})
UPLOADS = "imports"
EXPORTS = "exports"
COMMIT_ATTEMPTS = 3  # a commit that met another import's writes is checked and tried again
COMMIT_LOCK_WAIT_MS = 15 * 60 * 1000  # on SQLite, how long a commit waits for another's end

logger = logging.getLogger(__name__)
_T = TypeVar("_T")


def _language() -> str:
    """The language of the person starting a job: its messages will be in it."""
    return translation.get_language() or settings.LANGUAGE_CODE


def import_upload(*, actor, file_name: str, chunks, kind: str = ImportKind.HOUSEHOLDS) -> ImportJob:
    """Keep an uploaded sheet and queue its check (导入第一步)."""
    require(actor, NEEDED[kind])
    if kind in CHOSEN_ON_UPLOAD:
        raise DomainError(
            _("Upload the national system's export on its own page, choosing county and month."),
            code="bad_kind",
            field="kind",
        )
    return _upload(actor=actor, file_name=file_name, chunks=chunks, kind=kind, options={})


def snapshot_upload(
    *, actor, region_code: str, month: datetime.date, file_name: str, chunks
) -> ImportJob:
    """Keep the national system's export of a county's month and queue its check (导入国家
    系统数据): read as a snapshot for the monthly check, never into the registry."""
    require(actor, Capability.IMPORT_NATIONAL_DATA)
    snapshot_keys_settled()
    county = snapshot_county(actor, region_code)
    first_day = snapshot_month(month)
    return _upload(
        actor=actor,
        file_name=file_name,
        chunks=chunks,
        kind=ImportKind.NATIONAL,
        options={"region_code": county.code, "month": first_day.isoformat()},
    )


def _upload(*, actor, file_name: str, chunks, kind: str, options: dict) -> ImportJob:
    longest = ImportJob._meta.get_field("file_name").max_length or 0
    if len(file_name) > longest or any(char < " " or char == "\x7f" for char in file_name):
        raise DomainError(
            _(
                "The file's name is longer than %(n)d characters or holds control characters; "
                "rename the file and upload it again."
            )
            % {"n": longest},
            code="bad_file",
            field="file",
        )
    suffix = Path(file_name).suffix.lower()
    if suffix not in sheets.SUFFIXES:
        raise DomainError(
            _("%(file)s is not a spreadsheet; upload a .xlsx, .xls or .csv file.")
            % {"file": file_name},
            code="bad_file",
            field="file",
        )
    path = stored_path(UPLOADS, suffix)
    with path.open("wb") as target:
        for chunk in chunks:
            target.write(chunk)
    with transaction.atomic():
        job = ImportJob.objects.create(
            owner=actor,
            kind=kind,
            file_name=file_name,
            path=str(path),
            language=_language(),
            options=options,
        )
        audit.record(
            actor=actor,
            action="import.upload",
            obj=job,
            after={"file": file_name, "kind": kind, **options},
        )
    return job


def _reporter(job: ImportJob | ExportJob) -> Callable[[str, int, int], None]:
    def report(phase: str, done: int, total: int) -> None:
        type(job).objects.filter(pk=job.pk).update(phase=phase, done=done, total=total)

    return report


def _file_reporter(job: ImportJob) -> Callable[[str, int, int], None]:
    path = selectors.progress_path(job)

    def report(phase: str, done: int, total: int) -> None:
        written = path.with_suffix(".writing")
        written.write_text(json.dumps([phase, done, total]))
        written.replace(path)  # a reader sees the old figures or the new, never half

    return report


def _parsed_path(job: ImportJob) -> Path:
    return Path(job.path).with_suffix(".parsed")


def _parse(job: ImportJob, actor, report) -> households.Parsed:
    """The file read into households. The check keeps what it read next to the file, and the
    commit takes it from there: the file is read once (our own copy, which nothing changes);
    the rules are applied again at commit, against the registry as it is then."""
    kept = _parsed_path(job)
    if kept.exists():
        return households.Parsed.load(kept)
    parsed = households.parse(
        Path(job.path),
        synonyms=selectors.synonym_map(),
        codes=selectors.code_index(),
        places=selectors.place_index(actor),
        source=job.file_name,
        progress=report,
    )
    parsed.save(kept)
    return parsed


# Cells may hold control characters, NUL among them, which PostgreSQL refuses in text.
_CONTROLS = str.maketrans({code: " " for code in range(32) if chr(code) not in "\t\n"})


def _record_problems(job: ImportJob, problems: list[households.RowProblem]) -> None:
    """Kept with ID numbers and accounts masked by the owner's policy (the only reader):
    the list shows them so, and no whole number is stored outside the sealed columns."""
    mask = registry_selectors.id_mask_for(job.owner)

    def hide(value: str) -> str:
        return registry_selectors.masked_id(value, mask)

    ImportProblem.objects.bulk_create(
        [
            ImportProblem(
                job=job,
                sheet=p.sheet.translate(_CONTROLS)[:100],
                row=p.row,
                column=p.column.translate(_CONTROLS)[:200],
                value=p.value.translate(_CONTROLS)[:200],
                reason=p.reason.translate(_CONTROLS),
            )
            for p in (masking.masked(problem, hide) for problem in problems)
        ],
        batch_size=1000,
    )


def _finish(job: ImportJob, state: str, summary: dict, problems: list, message: str = "") -> None:
    with transaction.atomic():
        job.problems.all().delete()
        _record_problems(job, problems)
        job.state, job.summary, job.message, job.phase = state, summary, message, ""
        job.save(update_fields=["state", "summary", "message", "phase"])


def _summary(results, parsed: households.Parsed) -> dict:
    counted = summarise(results)
    return {
        "rows": parsed.rows,
        "households": counted.households,
        "members": counted.members,
        "problems": len(parsed.problems),
    }


def _all_problems(
    job: ImportJob, parsed: households.Parsed, results
) -> list[households.RowProblem]:
    problems = list(parsed.problems)
    for index, result in enumerate(results):
        problems += [
            households.locate(parsed, index, p)
            for p in result.problems
            if not households.repeats_unreadable(parsed, index, p)
        ]
    households.echo_written(Path(job.path), problems, parsed.headers)
    problems.sort(key=lambda p: (p.sheet, p.row))
    return problems


@contextlib.contextmanager
def _no_cyclic_collection():
    """A file's households are hundreds of thousands of long-lived objects, and every full
    pass of Python's cycle collector walks them all again: measured at a quarter of an
    import's time. Nothing an import builds refers to itself, so the collector rests until
    the import is done, and then runs once."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect()


@contextlib.contextmanager
def _patient_writer() -> Iterator[None]:
    """SQLite lets one connection write at a time; the others wait its busy_timeout (5 s, set
    for pages) and then fail. A commit waits instead for another import's commit to end,
    which takes minutes, and then checks its file against what that one wrote."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        (usual,) = cursor.fetchone()
        cursor.execute(f"PRAGMA busy_timeout = {COMMIT_LOCK_WAIT_MS}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(usual)}")


def _met_another_writer(error: DatabaseError) -> bool:
    """Another import (or a page) wrote the same households or people since the check: a
    unique key taken in between, or two writers crossing, which PostgreSQL ends by aborting
    one (a deadlock)."""
    state = getattr(error.__cause__, "sqlstate", None)
    if isinstance(error, IntegrityError):
        return state == "23505" or "UNIQUE constraint failed" in str(error)
    return state in ("40P01", "40001")


def _lock_refused(error: DatabaseError) -> bool:
    """The write lock was not granted in time (SQLite's busy timeout, PostgreSQL's
    lock_timeout where an operator set one)."""
    if connection.vendor == "sqlite":  # "database is locked", "database table is locked"
        return isinstance(error, OperationalError) and str(error).endswith(" is locked")
    return getattr(error.__cause__, "sqlstate", None) == "55P03"


def _against_others(job: ImportJob, write: Callable[[], _T], *, commit: bool) -> _T | None:
    """What ``write`` (which checks the file and writes it in one transaction) gives, tried
    again when it met another import's writes: run again, it checks each row against the
    registry as it then is, so a household or person the other registered in between is
    matched or refused with its row, as if the two had run one after the other. None when
    it could not get through: the job says so, and nothing of the file was written."""
    for _attempt in range(COMMIT_ATTEMPTS):
        try:
            return write()
        except DatabaseError as error:
            if _lock_refused(error):
                break
            if not _met_another_writer(error):
                raise
            logger.info("import %s met another writer (%s); checking again", job.pk, error)
    _finish(
        job,
        JobState.CHECKED if commit else JobState.FAILED,
        job.summary,
        [],
        _(
            "Another import was writing the same households at the same time, so nothing of "
            "this file was written. Try again: the file will be checked against the register "
            "as it then is."
        ),
    )
    return None


ROSTERS: dict[str, Roster] = {
    ImportKind.PAIRINGS: pairing_sheet.ROSTER,
    ImportKind.TEAMS: team_sheet.ROSTER,
    ImportKind.DISASTERS: disaster_sheet.ROSTER,
    ImportKind.PROBLEM_LIST: problem_list_sheet.ROSTER,
}


def _roster(job: ImportJob, roster: Roster, *, commit: bool) -> ImportJob:
    """A roster (a pairing list, a list of teams and members), checked (its writes rolled
    back) or committed: the rows are few, so the check runs the very writes of the commit."""
    actor = job.owner
    require(actor, roster.capability)
    try:
        parsed = roster.parse(Path(job.path))
    except sheets.UnreadableFile as error:
        _finish(job, JobState.FAILED, {}, [], error.named(job.file_name))
        return job
    result = _against_others(
        job,
        lambda: roster.write(
            actor=actor,
            rows=parsed.rows,
            source=job.file_name,
            commit=commit and not parsed.problems,
        ),
        commit=commit,
    )
    if result is None:
        return job
    problems = parsed.problems + [
        roster.locate(parsed, index, field_name, reason)
        for index, field_name, reason in result.problems
    ]
    households.echo_written(Path(job.path), problems, parsed.headers)
    problems.sort(key=lambda p: (p.sheet, p.row))
    summary = {
        "rows": len(parsed.rows) + len(parsed.problems),
        **roster.counts(result),
        "problems": len(problems),
    }
    ended = _ended(job, summary, problems, commit=commit)
    if commit and not problems and roster.then is not None:
        roster.then(result)
    return ended


def _ended(job: ImportJob, summary: dict, problems: list, *, commit: bool) -> ImportJob:
    """A roster's or a keyed sheet's job, refused, checked or (committed) done and audited."""
    if problems:
        _finish(job, JobState.REFUSED, summary, problems)
    elif commit:
        with transaction.atomic():
            job.committed = True
            job.save(update_fields=["committed"])
            _finish(job, JobState.DONE, summary, [])
            audit.record(
                actor=job.owner,
                action="import.commit",
                obj=job,
                after={"file": job.file_name, **summary},
            )
    else:
        _finish(job, JobState.CHECKED, summary, [])
    return job


KEYED: dict[str, KeyedSheet] = {
    ImportKind.CONTRACTS: health_sheets.CONTRACTS,
    ImportKind.CHECKUPS: health_sheets.CHECKUPS,
    ImportKind.FOLLOW_UPS: health_sheets.FOLLOW_UPS,
    **monitoring_sheets.SHEETS,
    ImportKind.PROJECTS: project_sheets.PROJECTS,
    ImportKind.FUNDS: project_sheets.FUNDS,
}


def _keyed(job: ImportJob, sheet: KeyedSheet, report, *, commit: bool) -> ImportJob:
    """Another department's sheet keyed by ID number (``keyed``), read as a stream a batch
    at a time: checked, or checked and written in one transaction, all or nothing."""
    actor = job.owner
    require(actor, sheet.capability)
    ImportJob.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING, phase="writing" if commit else "matching"
    )
    codes = selectors.code_index()

    def checked() -> keyed.KeyedResult:
        return keyed.run(sheet, Path(job.path), actor=actor, codes=codes, progress=report)

    def written() -> keyed.KeyedResult:
        try:
            with transaction.atomic():
                result = keyed.run(
                    sheet,
                    Path(job.path),
                    actor=actor,
                    codes=codes,
                    source=job.file_name,
                    progress=report,
                )
                if result.problems:
                    raise keyed.KeyedRefused(result)  # rolls back what was written
        except keyed.KeyedRefused as refusal:
            return refusal.result
        return result

    try:
        result = _against_others(job, written if commit else checked, commit=commit)
    except sheets.UnreadableFile as error:
        _finish(job, JobState.FAILED, {}, [], error.named(job.file_name))
        return job
    if result is None:
        return job
    counts = result.counts
    summary = {
        "rows": result.rows,
        "records": {key: counts[key] for key in ("new", "changed", "unchanged")},
        "problems": len(result.problems),
    }
    ended = _ended(job, summary, result.problems, commit=commit)
    if commit and not result.problems and sheet.then is not None:
        sheet.then(result.households)
    return ended


@_no_cyclic_collection()
def import_check(*, job_id: int, progress=None) -> ImportJob:
    """Read and check the file; record the preview and every problem. Writes no household."""
    job = ImportJob.objects.select_related("owner").get(pk=job_id)
    with translation.override(job.language):
        if job.kind in ROSTERS:
            return _roster(job, ROSTERS[job.kind], commit=False)
        if job.kind in KEYED:
            return _keyed(job, KEYED[job.kind], progress or _reporter(job), commit=False)
        if job.kind == ImportKind.NATIONAL:
            return _snapshot(job, progress or _reporter(job), commit=False)
        return _check_households(job, progress or _reporter(job))


def _parse_snapshot(job: ImportJob, report) -> snapshots.ParsedSnapshot:
    """The export read as the chosen county's snapshot; read once, at the check, and kept
    beside the upload for the commit (as the households' are), unless the keys of the
    members' hashes changed in between."""
    kept = _parsed_path(job)
    if kept.exists():
        parsed = snapshots.ParsedSnapshot.load(kept)
        if parsed.scheme == lookup_scheme():
            return parsed
    county = selectors.snapshot_county_of(job)
    parsed = snapshots.parse(
        Path(job.path),
        county=(county.code, county.name),
        synonyms=selectors.synonym_map(snapshots.SNAPSHOT_COLUMNS),
        codes=selectors.code_index(),
        places=selectors.place_index(job.owner, within=county.code),
        mask=selectors.id_mask_at(county.code),
        progress=report,
    )
    parsed.save(kept)
    return parsed


def _snapshot(job: ImportJob, report, *, commit: bool) -> ImportJob:
    """The national system's export of a county's month: checked (the preview: households,
    members, cells unreadable, rows not kept, and the month's snapshot it would replace),
    or stored as the month's snapshot. Problems of cells and rows do not refuse it: they
    are listed with the snapshot; only a file with nothing of the county is refused."""
    actor = job.owner
    require(actor, Capability.IMPORT_NATIONAL_DATA)
    phase = "writing" if commit else "reading"
    ImportJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING, phase=phase)
    try:
        parsed = _parse_snapshot(job, report)
    except sheets.UnreadableFile as error:
        _finish(job, JobState.FAILED, {}, [], error.named(job.file_name))
        return job
    summary: dict = {**parsed.summary(), "replaces": selectors.snapshot_replaced(job)}
    if parsed.refusal:
        _finish(job, JobState.REFUSED, summary, parsed.problems, parsed.refusal)
        return job
    if not commit:
        _finish(job, JobState.CHECKED, summary, parsed.problems)
        return job
    report("writing", 0, len(parsed.households))

    def store():
        return snapshot_store(
            actor=actor,
            region_code=job.options["region_code"],
            month=datetime.date.fromisoformat(job.options["month"]),
            file_name=job.file_name,
            households=parsed.households,
            members=parsed.members,
        )

    try:
        # Two exports of the same month stored at once: the second, tried again, replaces
        # the first as a later upload would.
        snapshot = _against_others(job, store, commit=True)
    except DomainError as refusal:
        _finish(job, JobState.REFUSED, summary, parsed.problems, refusal.message)
        return job
    if snapshot is None:
        return job
    # Compared at once, in its own transaction: the stored month stands even if the
    # comparison fails, and can be compared again.
    report("comparing", 0, len(parsed.households))
    compared = snapshot_compare(snapshot_id=snapshot.pk)
    summary["snapshot"] = snapshot.pk
    summary["compared"] = {
        "opened": compared.opened,
        "fixed": compared.fixed,
        "still_open": compared.still_open,
    }
    with transaction.atomic():
        job.committed = True
        job.save(update_fields=["committed"])
        _finish(job, JobState.DONE, summary, parsed.problems)
        audit.record(
            actor=actor, action="import.commit", obj=job, after={"file": job.file_name, **summary}
        )
    return job


def _check_households(job: ImportJob, report) -> ImportJob:
    actor = job.owner
    require(actor, Capability.EDIT_REGISTRY)
    ImportJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING)
    try:
        parsed = _parse(job, actor, report)
    except sheets.UnreadableFile as error:
        _finish(job, JobState.FAILED, {}, [], error.named(job.file_name))
        return job
    results = households_check(
        actor=actor,
        incoming=parsed.incoming,
        progress=lambda done, total: report("checking", done, total),
    )
    problems = _all_problems(job, parsed, results)
    summary = _summary(results, parsed)
    summary["problems"] = len(problems)
    _finish(job, JobState.REFUSED if problems else JobState.CHECKED, summary, problems)
    # Numbers held outside the importer's places go to an administrator who holds both.
    for result in results:
        for problem in result.problems:
            if problem.clash is not None:
                clash_record(actor=actor, clash=problem.clash)
    return job


def import_commit_request(*, actor, job_id: int) -> ImportJob:
    """Ask for a checked import to be written (导入第二步); the task does the writing."""
    job = selectors.import_for(actor, job_id)
    require(actor, NEEDED[job.kind])
    if job.state != JobState.CHECKED or job.committed:
        raise DomainError(
            _("Only a checked file without errors can be imported, and only once."),
            code="not_checked",
        )
    ImportJob.objects.filter(pk=job.pk).update(state=JobState.QUEUED, phase="commit")
    job.refresh_from_db()
    return job


@_no_cyclic_collection()
def import_commit(*, job_id: int, progress=None) -> ImportJob:
    """Write every household of the file in one transaction, or none (all or nothing)."""
    job = ImportJob.objects.select_related("owner").get(pk=job_id)
    with translation.override(job.language), _patient_writer():
        if job.committed:
            raise DomainError(_("This file was imported already."), code="committed")
        if job.kind in ROSTERS:
            return _roster(job, ROSTERS[job.kind], commit=True)
        if job.kind in KEYED:
            return _keyed(job, KEYED[job.kind], progress or _file_reporter(job), commit=True)
        if job.kind == ImportKind.NATIONAL:
            return _snapshot(job, progress or _file_reporter(job), commit=True)
        # The job's row is written by the transaction that writes the households, so nobody
        # would see progress recorded there until the end: it goes to a file beside the upload.
        return _commit_households(job, progress or _file_reporter(job))


def _commit_households(job: ImportJob, report) -> ImportJob:
    actor = job.owner
    ImportJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING, phase="writing")
    try:
        parsed = _parse(job, actor, report)
        if parsed.problems:
            raise ImportRefused([])

        def write() -> ImportSummary:
            # The job is marked done by the transaction that writes the households: a worker
            # killed between two transactions would leave them written and the job "running".
            with transaction.atomic():
                summary = households_import(
                    actor=actor,
                    incoming=parsed.incoming,
                    source=job.file_name,
                    progress=lambda done, total: report("writing", done, total),
                )
                _households_committed(job, parsed.rows, summary)
                return summary

        if _against_others(job, write, commit=True) is not None:
            job.refresh_from_db()
    except ImportRefused as refusal:
        problems = _all_problems(job, parsed, refusal.results)
        _finish(job, JobState.REFUSED, {**job.summary, "problems": len(problems)}, problems)
        return job
    except sheets.UnreadableFile as error:
        _finish(job, JobState.FAILED, {}, [], error.named(job.file_name))
        return job
    return job


def _households_committed(job: ImportJob, rows: int, summary: ImportSummary) -> None:
    # Written through the table, not the job in hand: a transaction tried again after
    # meeting another import leaves the job in hand as it was.
    done = {
        "rows": rows,
        "households": summary.households,
        "members": summary.members,
        "problems": 0,
    }
    ImportJob.objects.filter(pk=job.pk).update(
        committed=True, summary=done, state=JobState.DONE, phase="", message=""
    )
    audit.record(
        actor=job.owner,
        action="import.commit",
        obj=job,
        after={"file": job.file_name, **done},
    )


def sheet_of(kind: str) -> Roster | KeyedSheet | None:
    """The declaration of a kind of sheet other than the households' (its columns and
    synonyms), for its template and its error sheet."""
    return ROSTERS.get(kind) or KEYED.get(kind)


def import_error_sheet(*, actor, job_id: int, full_ids: bool = False) -> Path:
    """The uploaded file with an error column added (to fix and upload again); for a file
    that cannot be read, a sheet that says so. ID numbers and bank accounts are masked by
    the reader's policy; ``full_ids`` (for holders of the right, who ask) leaves them whole,
    and is audited like an export with full ID numbers."""
    job = selectors.import_for(actor, job_id)
    mask = registry_selectors.id_mask_for(actor)

    def masked(value: str) -> str:
        return registry_selectors.masked_id(value, mask)

    hide: Callable[[str], str] | None = masked
    if full_ids:
        require(actor, Capability.VIEW_FULL_ID_NUMBERS)
        with transaction.atomic():
            audit.record(
                actor=actor, action="import.errors_full_ids", obj=job, after={"file": job.file_name}
            )
        hide = None

    target = stored_path(UPLOADS, ".errors.xlsx")
    sheet = sheet_of(job.kind)
    if sheet is not None:
        synonyms = sheet.synonyms()
    elif job.kind == ImportKind.NATIONAL:
        synonyms = selectors.synonym_map(snapshots.SNAPSHOT_COLUMNS)
    else:
        synonyms = selectors.synonym_map()
    with translation.override(job.language):
        try:
            writing.error_sheet(
                Path(job.path),
                target,
                job.problems.values_list("sheet", "row", "reason").iterator(),
                synonyms=synonyms,
                hide=hide,
            )
        except sheets.UnreadableFile as error:
            writing.unreadable_sheet(target, error.named(job.file_name))
    return target


def header_synonym_add(*, actor, column: str, synonym: str) -> HeaderSynonym:
    """Teach imports another name for a column (installation-wide, so top administrators)."""
    require(actor, Capability.EDIT_CODE_LISTS)
    if column not in BY_KEY:
        raise DomainError(_("Choose a column."), code="bad_column", field="column")
    name = synonym.strip()
    if not name:
        raise DomainError(_("Enter the name as the sheet writes it."), field="synonym")
    if sheets.header_key(name) in selectors.synonym_map():
        raise DomainError(
            _("“%(name)s” already names a column.") % {"name": name},
            code="synonym_taken",
            field="synonym",
        )
    with transaction.atomic():
        added = HeaderSynonym.objects.create(column=column, synonym=name, added_by=actor)
        audit.record(
            actor=actor, action="synonym.add", obj=added, after={"column": column, "synonym": name}
        )
    return added


def export_request(*, actor, filters: dict, full_ids: bool) -> ExportJob:
    """Queue an export of the household list with the user's filters (导出)."""
    if full_ids:
        require(actor, Capability.VIEW_FULL_ID_NUMBERS)
    with transaction.atomic():
        job = ExportJob.objects.create(
            owner=actor,
            list_name="households",
            filters=filters,
            full_ids=full_ids,
            path=str(stored_path(EXPORTS, ".xlsx")),
            language=_language(),
        )
        audit.record(
            actor=actor,
            action="export.request",
            obj=job,
            after={"list": "households", "filters": filters, "full_ids": full_ids},
        )
    return job


def household_rows(
    actor,
    filters: registry_selectors.HouseholdFilters,
    *,
    full_ids: bool,
    report: Callable[[str, int, int], None] | None = None,
    total: int = 0,
) -> Iterator[list]:
    """The actor's households with these filters as the national form's rows (one a
    member, in the order of ``COLUMNS``): ID numbers and bank accounts whole where asked
    for (the caller has checked the right to see them) or masked by the actor's rule."""
    mask = registry_selectors.id_mask_for(actor)
    names = selectors.place_names(actor)
    for done, item in enumerate(selectors.households_to_export(actor, filters), start=1):
        sealed_account = item.household.bank_account_sealed
        account = unseal(sealed_account) if sealed_account else ""
        for member in item.members:
            number = unseal(member.id_number_sealed)
            yield writing.household_row(
                item.household,
                member,
                shown_id=number if full_ids else registry_selectors.masked_id(number, mask),
                bank_account=account
                if full_ids or not account
                else registry_selectors.masked_id(account, mask),
                names=names,
                other_causes=item.other_causes,
                risk_types=item.risk_types,
            )
        if report and done % 1000 == 0:
            report("writing", done, total)


def _export_rows(job: ExportJob, report) -> Iterator[list]:
    return household_rows(
        job.owner,
        registry_selectors.HouseholdFilters(**job.filters),
        full_ids=job.full_ids,
        report=report,
        total=job.total,
    )


def export_write(*, job_id: int, progress=None) -> ExportJob:
    """Write the export's file a chunk of households at a time; full ID numbers, where
    asked for and allowed, are audited with the number of people they show."""
    job = ExportJob.objects.select_related("owner").get(pk=job_id)
    actor = job.owner
    if job.full_ids:
        require(actor, Capability.VIEW_FULL_ID_NUMBERS)
    report = progress or _reporter(job)
    filters = registry_selectors.HouseholdFilters(**job.filters)
    job.total = registry_selectors.households(actor, filters).count()
    ExportJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING, total=job.total)
    with translation.override(job.language):
        people = write_table(
            Path(job.path),
            [c.header for c in COLUMNS],
            _export_rows(job, report),
            title=_("Households"),
        )
    with transaction.atomic():
        job.state, job.phase, job.done = JobState.DONE, "", job.total
        job.message = str(people)
        job.save(update_fields=["state", "phase", "done", "total", "message"])
        if job.full_ids:
            audit.record(
                actor=actor,
                action="export.full_ids",
                obj=job,
                after={"filters": job.filters, "people": people},
            )
    return job
