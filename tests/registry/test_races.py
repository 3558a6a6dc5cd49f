"""Two people registering the same household at the same moment: one is registered, the
other is refused with the words a person working alone gets — never a server error."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from bangfu.core.errors import DomainError
from bangfu.registry.models import Household
from bangfu.registry.services import household_register
from tests.registry.conftest import first_status, household_input, id_number, member_input

pytestmark = pytest.mark.django_db(transaction=True)


def register(actor, serial: int):
    return household_register(
        actor=actor,
        household=household_input(number="6111030022010077"),
        members=[member_input(id_number=id_number("19650312", f"{serial:03d}"))],
        status=first_status(),
    )


def in_thread(work):
    """Run ``work`` on its own connection; answers what it returned or raised."""
    outcome = {}

    def run():
        try:
            outcome["result"] = work()
        except Exception as error:  # noqa: BLE001 — the test looks at what was raised
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def waiting_on_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return bool(row) and row[0] == "Lock"


def test_the_loser_of_a_race_for_a_number_is_refused_as_if_it_came_second(world, county_admin):
    """Forced on PostgreSQL: the first registration holds its row uncommitted until the
    second has passed its check and waits on the unique index; then the first commits."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes the write lock at BEGIN: two writers never interleave")
    release = threading.Event()
    first_pid = {}

    def first():
        with transaction.atomic():
            household = register(county_admin, 1)
            first_pid["pid"] = connection.connection.info.backend_pid
            release.wait(timeout=30)
        return household

    winner, won = in_thread(first)
    while "pid" not in first_pid:
        time.sleep(0.01)

    def second():
        second_pid.append(connection.cursor().connection.info.backend_pid)
        return register(county_admin, 2)

    second_pid = []
    loser, lost = in_thread(second)
    deadline = time.monotonic() + 30
    while not (second_pid and waiting_on_a_lock(second_pid[0])):
        assert time.monotonic() < deadline, "the second registration never reached the index"
        time.sleep(0.01)
    release.set()
    winner.join()
    loser.join()
    assert "result" in won
    assert isinstance(lost.get("error"), DomainError), lost
    assert lost["error"].code == "number_taken"
    assert Household.objects.count() == 1


def test_four_registrations_at_once_end_with_one_household(world, county_admin):
    if connection.vendor != "postgresql":
        # The test database is SQLite in memory with a shared cache, which locks by table
        # and does not wait; the WAL file in production queues writers on busy_timeout.
        pytest.skip("only PostgreSQL lets four writers run at once")
    start = threading.Barrier(4)

    def attempt(serial):
        def work():
            start.wait(timeout=30)
            return register(county_admin, serial)

        return work

    runs = [in_thread(attempt(serial)) for serial in range(1, 5)]
    for thread, _outcome in runs:
        thread.join()
    outcomes = [outcome for _thread, outcome in runs]
    assert sum("result" in outcome for outcome in outcomes) == 1
    refusals = [outcome["error"] for outcome in outcomes if "error" in outcome]
    assert [type(error) for error in refusals] == [DomainError] * 3, refusals
    assert {error.code for error in refusals} == {"number_taken"}
    assert Household.objects.count() == 1
