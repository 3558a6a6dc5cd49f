"""Fault drills: the server, the worker or a command killed with SIGKILL in the middle of a
write, then started again. After the restart nothing is partial: the phone's retry lands
each visit once, an import is whole or absent, the place roll-ups rebuild equal to the
records, and the audit chain verifies.

The kill is not a timer racing the work: the process is started with ``BANGFU_FAULT`` naming
a point of ``bangfu.core.faults`` and kills itself exactly there. Each drill runs real
processes on a copy of this worker's test database (SQLite: a file made with SQLite's backup
API; PostgreSQL: a database made from the test database as its template), with the test
process's keys, so that the audit chain and sealed numbers read alike on both sides.
"""

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from bangfu.core.jobs import WORKER_STOPPED
from tests.exchange.corpus import HEADER, family, xlsx
from tests.installation import installation_env

ROOT = Path(__file__).resolve().parents[2]
SIDE = Path(__file__).with_name("side.py")
# The test database must exist and hold no open transaction of this process: the copy is
# made from it (transactional, like the browser tests: its flush empties it afterwards).
pytestmark = pytest.mark.django_db(transaction=True)
STARTUP_S = 120  # a bound on a process starting on a loaded machine, never a wait for work
VILLAGE, COUNTY = "611103002201", "611103000000"  # the places whose figures are compared


@dataclass
class Installation:
    """A copy of the test database and the environment its processes run with."""

    env: dict[str, str]
    processes: list[subprocess.Popen] = field(default_factory=list)

    def run(self, *args: str, fault: str = "") -> subprocess.CompletedProcess:
        env = {**self.env, "BANGFU_FAULT": fault} if fault else self.env
        return subprocess.run(
            [sys.executable, *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=STARTUP_S,
        )

    def side(self, step: str, *argument: str, fault: str = "") -> dict:
        done = self.run(str(SIDE), step, *argument, fault=fault)
        if fault:
            assert done.returncode == -signal.SIGKILL, done.stderr
            return {}
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.splitlines()[-1])

    def server(self, fault: str = "") -> "Server":
        port = free_port()
        env = {**self.env, "BANGFU_FAULT": fault} if fault else self.env
        process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "runserver",
                "--noreload",
                "--skip-checks",
                f"127.0.0.1:{port}",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.processes.append(process)
        deadline = time.monotonic() + STARTUP_S
        while True:
            assert process.poll() is None, "the server did not start"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return Server(process, f"http://127.0.0.1:{port}")
            except OSError:
                assert time.monotonic() < deadline, "the server did not start in time"
                time.sleep(0.1)


@dataclass
class Server:
    process: subprocess.Popen
    url: str

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=STARTUP_S)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def installation(world, django_db_blocker, tmp_path):
    """This worker's test database, with the world (a transactional test before may have
    emptied it), copied for the drill's processes, which commit as a real installation does."""
    with django_db_blocker.unblock():
        env, dropped = installation_env(tmp_path)
    made = Installation(env)
    yield made
    for process in made.processes:
        if process.poll() is None:
            process.kill()
            process.wait()
    if dropped is not None:
        dropped()


# ---------------------------------------------------------------------------------------
# (a) A phone's visits, the server killed inside a visit's transaction or after its commit.


def visit(serial: int, households: list[int]) -> dict:
    """The phone's visit ``serial``, as ``side.phone_visit`` makes it."""
    return {
        "client_id": str(uuid.UUID(int=serial)),
        "household_id": households[(serial - 1) % 2],
        "visited_at": f"2026-10-{1 + (serial - 1) // 2 * 7:02d}T10:00:00+08:00",
        "problems": ["屋顶漏雨"],
        "latitude": 34.25,
        "longitude": 108.7,
    }


class Phone:
    """The capture page's outbox: visits sent one request each, in order; a visit leaves the
    queue once the server answered it (201 new, 200 already recorded)."""

    def __init__(self, token: str, queue: list[dict]):
        self.token, self.queue, self.answers = token, list(queue), []

    def send(self, server: Server) -> None:
        while self.queue:
            request = urllib.request.Request(
                f"{server.url}/api/visits",
                data=json.dumps(self.queue[0]).encode(),
                headers={
                    "Authorization": f"Bearer {self.token}",
                    "Content-Type": "application/json",
                },
                method="POST",
            )
            try:
                with urllib.request.urlopen(request, timeout=STARTUP_S) as response:
                    self.answers.append(response.status)
            except (urllib.error.URLError, ConnectionError, OSError):
                return  # no answer: the visit stays queued and is sent again later
            self.queue.pop(0)


@pytest.mark.parametrize("point", ["visit_record.written", "visit_record.committed"])
def test_a_phone_retrying_after_the_server_died_lands_each_visit_once(installation, point):
    """The phone's queue of four: the first two landed before (their answers lost), the
    server dies on the third — inside its transaction, or after its commit and before the
    answer — and the phone sends what it still holds to the server started again."""
    made = installation.side("seed_visits", "2")
    ids = [str(uuid.UUID(int=n)) for n in range(1, 5)]
    phone = Phone(made["token"], [visit(n, made["households"]) for n in range(1, 5)])

    dying = installation.server(fault=point)
    phone.send(dying)
    assert dying.process.wait(timeout=STARTUP_S) == -signal.SIGKILL
    assert phone.answers == [200, 200] and len(phone.queue) == 2  # the third had no answer
    landed = installation.side("facts")["visits"]
    assert landed == (ids[:3] if point == "visit_record.committed" else ids[:2])

    restarted = installation.server()
    phone.send(restarted)
    restarted.stop()
    assert phone.queue == []
    assert phone.answers[2:] == [200 if point == "visit_record.committed" else 201, 201]
    after = kept_equal_recomputed(installation)
    assert after["visits"] == ids  # each exactly once
    assert after["audit_broken"] is None


def kept_equal_recomputed(installation: Installation) -> dict:
    """The facts after the drill, once the roll-ups were found equal to the records'."""
    both = installation.side("recomputed")
    assert both["visit_months"] and both["visit_months"] == both["visit_months_recomputed"]
    assert both["place_rollups"] and both["place_rollups"] == both["place_rollups_recomputed"]
    assert both["figures_differing"] == {VILLAGE: {}, COUNTY: {}}
    return both


# ---------------------------------------------------------------------------------------
# (b) An import's commit, the worker killed half-way through the rows.


def test_an_import_killed_half_way_is_absent_then_whole_when_run_again(installation, tmp_path):
    numbers = [f"611103002201{n:04d}" for n in (901, 902, 903, 904)]
    sheet = xlsx(tmp_path / "drill.xlsx", [HEADER, *(row for n in numbers for row in family(n))])
    checked = installation.side("upload", str(sheet))
    assert checked["state"] == "checked"
    before = installation.side("facts")

    installation.side("commit", str(checked["job"]), fault="households_import.halfway")
    killed = installation.side("facts")
    assert (killed["households"], killed["members"]) == (before["households"], before["members"])
    assert killed["audit_entries"] == before["audit_entries"] and killed["audit_broken"] is None
    # The worker died with the job and its task running: nothing else will say otherwise.
    assert killed["job"]["state"] == "running" and not killed["job"]["committed"]
    assert killed["tasks"] == ["RUNNING"]

    # Started again within seconds (its last beat still fresh, its process gone), the worker
    # marks them failed, and the job's page says why, before it takes any task.
    installation.side("restart")
    restarted = installation.side("facts")
    assert restarted["tasks"] == ["FAILED"]
    with translation.override(settings.LANGUAGE_CODE):  # the county administrator's
        assert restarted["job"]["message"] == str(WORKER_STOPPED)
    assert restarted["job"]["state"] == "failed" and not restarted["job"]["committed"]
    assert restarted["households"] == before["households"]

    # The person starts it again: the same file uploaded, checked, imported.
    again = installation.side("upload", str(sheet))
    installation.side("commit", str(again["job"]))
    after = installation.side("facts")
    assert after["tasks"] == ["FAILED", "SUCCESSFUL"]
    assert after["households"] == before["households"] + 4
    assert after["members"] == before["members"] + 12
    assert after["job"]["state"] == "done" and after["job"]["committed"]
    assert after["job"]["summary"]["households"]["new"] == 4
    assert after["audit_broken"] is None


# ---------------------------------------------------------------------------------------
# (c) rebuild_place_rollups killed with one kind of place row rewritten and the next not.


def test_a_rebuild_killed_half_way_leaves_the_roll_ups_as_they_were(installation):
    installation.side("seed_figures")
    before = installation.side("facts")
    assert before["place_rollups"] == [] and before["rollup_head"] is None

    killed = installation.run("manage.py", "rebuild_place_rollups", fault="place_rollups.halfway")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    killed = installation.side("facts")
    assert (killed["place_rollups"], killed["rollup_head"]) == ([], None)

    rebuilt = installation.run("manage.py", "rebuild_place_rollups")
    assert rebuilt.returncode == 0, rebuilt.stderr
    after = kept_equal_recomputed(installation)
    assert after["rollup_head"] == after["audit_entries"]
    assert after["audit_broken"] is None
