"""An import killed (SIGKILL) in the middle of its commit leaves nothing of its file behind."""

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from .corpus import HEADER, family, xlsx

ROOT = Path(__file__).resolve().parents[2]
HOUSEHOLDS = 3000  # enough that the commit runs for a good while on any machine


def manage(env, *args, **options):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, **options
    )


# Its processes run on a SQLite file of their own, whichever half of make test this is.
@pytest.mark.one_database
def test_sigkill_during_commit_leaves_nothing_of_the_file(tmp_path):
    env = {
        **os.environ,
        "BANGFU_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    env.pop("DATABASE_URL", None)
    manage(env, "migrate", "--verbosity=0")
    manage(env, "demo_data", "--households=0", stdout=subprocess.DEVNULL)
    rows = [row for n in range(HOUSEHOLDS) for row in family(f"61110300220199{n:04d}")]
    path = xlsx(tmp_path / "big.xlsx", [HEADER, *rows])

    process = subprocess.Popen(
        [sys.executable, "manage.py", "import_households", str(path), "--commit"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
    )
    seen = b""
    # "正在写入（一次性提交） 2,000/3,000" is printed once the first 2,000 households are
    # written inside the transaction, and the last 1,000 are still to come: the kill lands
    # mid-commit.
    while "正在写入".encode() not in seen:
        chunk = process.stderr.read1(4096)
        assert chunk, f"the import ended before writing: {seen.decode()[-500:]}"
        seen += chunk
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL

    database = sqlite3.connect(tmp_path / "bangfu.sqlite3")
    (households,) = database.execute(
        "SELECT count(*) FROM registry_household WHERE number LIKE '61110300220199%'"
    ).fetchone()
    (members,) = database.execute("SELECT count(*) FROM registry_member").fetchone()
    database.close()
    assert (households, members) == (0, 0)
    check = manage(env, "verify_audit", capture_output=True, text=True)
    assert check.returncode == 0
