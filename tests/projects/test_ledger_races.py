"""Two payments from one source at the same moment, together beyond what is allocated: the
project's row lock makes the second wait for the first and then refuses it with the amounts,
as if it had come second — never both paid."""

import datetime
import threading
import time

import pytest
from django.db import connection, transaction

from bangfu.core.errors import DomainError
from bangfu.projects import selectors
from bangfu.projects.models import Stage
from bangfu.projects.services import allocation_record, payment_record
from tests.registry.test_races import in_thread, waiting_on_a_lock

pytestmark = pytest.mark.django_db(transaction=True)
DAY = datetime.date(2026, 6, 1)


def test_two_payments_at_once_cannot_both_pass(today, make_project, county_admin, township_staff):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes the write lock at BEGIN: two writers never interleave")
    project = make_project(stage=Stage.STARTED)
    allocation_record(actor=county_admin, project_id=project.pk, source="1", amount="100", day=DAY)

    def pay(actor):
        return payment_record(actor=actor, project_id=project.pk, source="1", amount="60", day=DAY)

    started, release = {}, threading.Event()

    def first():
        with transaction.atomic():
            entry = pay(county_admin)
            started["pid"] = connection.connection.info.backend_pid
            release.wait(timeout=30)
        return entry

    winner, won = in_thread(first)
    while "pid" not in started:
        time.sleep(0.01)
    second_pid: list[int] = []

    def second():
        second_pid.append(connection.cursor().connection.info.backend_pid)
        return pay(township_staff)

    loser, lost = in_thread(second)
    deadline = time.monotonic() + 30
    while not (second_pid and waiting_on_a_lock(second_pid[0])):
        assert time.monotonic() < deadline, "the second payment never waited on the project"
        time.sleep(0.01)
    release.set()
    winner.join(30)
    loser.join(30)
    assert "result" in won
    assert isinstance(lost.get("error"), DomainError), lost
    assert lost["error"].code == "overspent" and "120.00" in lost["error"].message
    (row,) = selectors.balances(project)
    assert (row.allocated, row.paid) == (100, 60)
