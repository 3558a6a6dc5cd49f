"""Two imports committing overlapping households at once on SQLite, in two processes on a
WAL file as a district runs it (the test database, in memory, cannot show this).

SQLite writes one transaction at a time: an import's commit takes the write lock when it
begins (IMMEDIATE) and checks its file inside, so the second commit checks against what
the first wrote, and is whole or refused row by row; never a unique violation. What could
still go wrong is the wait: pages give up after busy_timeout, and a commit waiting for
another must not. The test lowers the pages' timeout to 50 ms and keeps the second commit
waiting ten times that. The order is forced through the processes' pipes: A stops inside
its transaction, B starts writing, and only then does A go on.
"""

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.installation import installation_env

from .corpus import HEADER, family, family_ids, xlsx

ROOT = Path(__file__).resolve().parents[2]
SIDE = Path(__file__).with_name("race_side.py")
PAGES_WAIT_MS = 50
A1, SHARED, B_NEW, B_CLASH = (f"611103002201{n:04d}" for n in (401, 402, 403, 404))
SETTINGS = f"""
from config.settings import *  # noqa: F403

OPTIONS = DATABASES["default"]["OPTIONS"]  # noqa: F405
assert "busy_timeout=5000;" in OPTIONS["init_command"]
OPTIONS["init_command"] = OPTIONS["init_command"].replace(
    "busy_timeout=5000;", "busy_timeout={PAGES_WAIT_MS};"
)
"""


def side(env, name: str, path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(SIDE), name, str(path)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def said(process: subprocess.Popen) -> str:
    line = process.stdout.readline()
    assert line, f"the process ended early ({process.wait()})"
    return line.strip()


def tell(process: subprocess.Popen) -> None:
    process.stdin.write("go\n")
    process.stdin.flush()


# Its processes run on a SQLite file: a copy of the test database (the SQLite half only).
@pytest.mark.one_database
@pytest.mark.django_db(transaction=True)
def test_a_commit_waits_for_another_then_is_checked_against_it(world, tmp_path):
    (tmp_path / "race_settings.py").write_text(SETTINGS)
    env, _dropped = installation_env(tmp_path)
    env["DJANGO_SETTINGS_MODULE"] = "race_settings"
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), env["PYTHONPATH"]])
    clash = family(B_CLASH)
    clash[2][9] = family_ids(A1)[2]  # B's new household lists a son A registers in his own
    a_path = xlsx(tmp_path / "a.xlsx", [HEADER, *family(A1), *family(SHARED)])
    b_path = xlsx(tmp_path / "b.xlsx", [HEADER, *family(SHARED), *family(B_NEW), *clash])

    a, b = side(env, "A", a_path), side(env, "B", b_path)
    try:
        assert (said(a), said(b)) == ("checked checked", "checked checked")
        tell(a)
        assert said(a) == "holding"  # A is inside its transaction: it holds the write lock
        tell(b)
        assert said(b) == "waiting"  # B's first write asks for the lock A holds
        time.sleep(10 * PAGES_WAIT_MS / 1000)  # longer than a page would wait
        tell(a)
        a_done, b_done = json.loads(said(a)), json.loads(said(b))
    finally:
        for process in (a, b):
            process.kill()
            process.wait()

    assert (a_done["state"], b_done["state"]) == ("done", "refused")
    again = side(env, "C", b_path)  # B's file checked now, after A: the same refusal
    assert said(again) == "checked refused"
    assert b_done["problems"] == json.loads(said(again)) != []
    again.wait()
    database = sqlite3.connect(env["DATABASE_URL"].removeprefix("sqlite:///"))
    numbers = database.execute(
        "SELECT number FROM registry_household WHERE number LIKE '6111030022010%' ORDER BY 1"
    ).fetchall()
    database.close()
    assert numbers == [(A1,), (SHARED,)]  # A whole, nothing of B
