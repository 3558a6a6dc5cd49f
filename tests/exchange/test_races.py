"""Two imports committing overlapping households at the same moment: one is written whole,
the other whole as well or refused row by row exactly as it would be one after the other,
never half-written and never a database error on the page.

The interleaving is forced, not timed: import A stops inside its transaction, right after
writing its households (holding their unique keys and the audit log's head), until import
B is seen waiting on one of A's locks; only then does A commit. B's check ran before A
wrote anything, so B's commit meets A's rows as a unique violation (or, crossing, as a
deadlock). Last, a commit that keeps meeting others gives up, says so and can be redone.
"""

import threading
import time

import pytest
from django.db import IntegrityError, connection
from django.utils import translation

from bangfu.core.audit import verify_chain
from bangfu.core.models import JobState
from bangfu.exchange import services
from bangfu.registry import bulk
from bangfu.registry.models import Household, Member

from .corpus import HEADER, family, family_ids, xlsx


def racing(test):
    """Two commits at once: threads with their own connections, each its own transaction."""
    test = pytest.mark.django_db(transaction=True)(test)
    return pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason=(
            "SQLite cannot hold two commits open at once: IMMEDIATE takes its one write lock "
            "at BEGIN, so B's check-and-write starts after A's commit and sees A's rows; and "
            "the test database is in memory with a shared cache, where a second writer fails "
            "at once instead of waiting on busy_timeout as it does on the WAL file in use. "
            "test_races_on_sqlite.py runs the race in two processes on such a file."
        ),
    )(test)


A1, SHARED, B_NEW, B_CLASH = (f"611103002201{n:04d}" for n in (301, 302, 303, 304))
WAIT = 60  # seconds: only a broken test waits this long; a passing one never does


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def checked(actor, path):
    with path.open("rb") as handle:
        job = services.import_upload(actor=actor, file_name=path.name, chunks=iter(handle))
    job = services.import_check(job_id=job.pk)
    assert job.state == JobState.CHECKED, list(job.problems.values_list("reason", flat=True))
    return job


def problems(job):
    return [(p.sheet, p.row, p.column, p.value, p.reason) for p in job.problems.all()]


def waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def in_thread(name: str, work, outcome: dict) -> threading.Thread:
    def run():
        try:
            outcome[name] = work()
        except BaseException as error:  # noqa: BLE001 - handed to the test's thread to raise
            outcome[name] = error
        finally:
            connection.close()  # the thread's own connection

    thread = threading.Thread(target=run, name=name)
    thread.start()
    return thread


def commit_both_at_once(a_job, b_job, monkeypatch) -> dict:
    """A writes its households and stops in its transaction; B starts its commit and is
    left until it waits on A's locks; then A commits, and both are let finish."""
    a_wrote, a_may_commit = threading.Event(), threading.Event()
    write_new = bulk._write_new

    def write_then_hold(actor, pairs, source):
        write_new(actor, pairs, source)
        if threading.current_thread().name == "A" and not a_wrote.is_set():
            a_wrote.set()
            assert a_may_commit.wait(WAIT)

    monkeypatch.setattr(bulk, "_write_new", write_then_hold)
    outcome: dict = {}
    a = in_thread("A", lambda: services.import_commit(job_id=a_job.pk), outcome)
    try:
        assert a_wrote.wait(WAIT), outcome
        b = in_thread("B", lambda: services.import_commit(job_id=b_job.pk), outcome)
        deadline = time.monotonic() + WAIT
        while not waiting_on_a_lock():  # a state to reach, polled; never a sleep to guess
            assert time.monotonic() < deadline and b.is_alive(), outcome
            time.sleep(0.01)
    finally:
        a_may_commit.set()
        a.join(WAIT)
    b.join(WAIT)
    for name in ("A", "B"):
        if isinstance(outcome.get(name), BaseException):
            raise outcome[name]
    return outcome


@racing
def test_the_second_import_is_written_whole_over_the_first(county_admin, tmp_path, monkeypatch):
    a_job = checked(county_admin, xlsx(tmp_path / "a.xlsx", [HEADER, *family(A1), *family(SHARED)]))
    b_job = checked(
        county_admin, xlsx(tmp_path / "b.xlsx", [HEADER, *family(SHARED), *family(B_NEW)])
    )

    done = commit_both_at_once(a_job, b_job, monkeypatch)

    a_job, b_job = done["A"], done["B"]
    assert (a_job.state, b_job.state) == (JobState.DONE, JobState.DONE)
    assert (b_job.message, problems(b_job)) == ("", [])
    # As if B had run after A: the shared household is A's, unchanged by B's same rows.
    assert b_job.summary["households"] == {"new": 1, "changed": 0, "unchanged": 1, "refused": 0}
    assert sorted(Household.objects.values_list("number", flat=True)) == [A1, SHARED, B_NEW]
    assert Member.objects.count() == 9
    assert verify_chain()[1] is None


@racing
@pytest.mark.parametrize(
    "also_shared",
    [
        pytest.param(True, id="B waits on a household number"),
        pytest.param(False, id="B waits on a person's ID number"),
    ],
)
def test_the_second_import_is_refused_row_by_row_as_one_after_the_other(
    county_admin, tmp_path, monkeypatch, also_shared
):
    clash = family(B_CLASH)
    clash[2][9] = family_ids(A1)[2]  # B's new household lists a son A registers in his own
    a_job = checked(county_admin, xlsx(tmp_path / "a.xlsx", [HEADER, *family(A1), *family(SHARED)]))
    shared = family(SHARED) if also_shared else []
    b_path = xlsx(tmp_path / "b.xlsx", [HEADER, *shared, *family(B_NEW), *clash])
    b_job = checked(county_admin, b_path)

    done = commit_both_at_once(a_job, b_job, monkeypatch)

    a_job, b_job = done["A"], done["B"]
    assert (a_job.state, b_job.state) == (JobState.DONE, JobState.REFUSED)
    assert not b_job.committed and b_job.message == ""
    # Nothing of B was written: its new household is not there, A's are whole.
    assert sorted(Household.objects.values_list("number", flat=True)) == [A1, SHARED]
    assert Member.objects.count() == 6
    # The refusal names the same rows, columns and reasons as B checked after A would.
    again = services.import_check(
        job_id=services.import_upload(
            actor=county_admin, file_name=b_path.name, chunks=[b_path.read_bytes()]
        ).pk
    )
    assert problems(b_job) == problems(again) != []
    assert verify_chain()[1] is None


@racing
def test_two_imports_crossing_in_a_deadlock_both_end_whole(county_admin, tmp_path, monkeypatch):
    """A household a transaction, in opposite orders: A holds the first and the audit log's
    head, B takes the other and waits for the head, A then waits for B's household.
    PostgreSQL aborts one of the two; that one is checked and written again after the other."""
    monkeypatch.setattr(bulk, "HOUSEHOLDS_AT_ONCE", 1)
    a_job = checked(county_admin, xlsx(tmp_path / "a.xlsx", [HEADER, *family(A1), *family(SHARED)]))
    b_job = checked(county_admin, xlsx(tmp_path / "b.xlsx", [HEADER, *family(SHARED), *family(A1)]))

    done = commit_both_at_once(a_job, b_job, monkeypatch)

    assert [job.state for job in done.values()] == [JobState.DONE, JobState.DONE]
    assert sorted(job.summary["households"]["new"] for job in done.values()) == [0, 2]
    assert sorted(Household.objects.values_list("number", flat=True)) == [A1, SHARED]
    assert Member.objects.count() == 6
    assert verify_chain()[1] is None


class Cause(Exception):
    sqlstate = "23505"  # PostgreSQL's unique violation, which psycopg carries


def test_a_commit_that_keeps_meeting_other_writers_asks_to_be_tried_again(
    county_admin, tmp_path, monkeypatch
):
    job = checked(county_admin, xlsx(tmp_path / "a.xlsx", [HEADER, *family(A1)]))
    tries = []

    def taken(**kwargs):
        tries.append(kwargs["source"])
        error = IntegrityError("UNIQUE constraint failed: registry_household.number")
        raise error from Cause()

    monkeypatch.setattr(services, "households_import", taken)
    job = services.import_commit(job_id=job.pk)
    assert tries == ["a.xlsx"] * services.COMMIT_ATTEMPTS
    assert (job.state, job.committed, job.message) == (
        JobState.CHECKED,
        False,
        "Another import was writing the same households at the same time, so nothing of this "
        "file was written. Try again: the file will be checked against the register as it "
        "then is.",
    )
    assert not Household.objects.filter(number=A1).exists()

    monkeypatch.undo()  # the others are done
    services.import_commit_request(actor=county_admin, job_id=job.pk)
    job = services.import_commit(job_id=job.pk)
    assert (job.state, job.message) == (JobState.DONE, "")
    assert Household.objects.filter(number=A1).exists()
