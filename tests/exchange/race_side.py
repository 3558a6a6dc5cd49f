"""One of two imports racing on SQLite (test_races.py runs two of these processes).

    python race_side.py A|B|C FILE

Checks FILE as the county administrator and says ``checked`` (C then says what it found,
and ends); on a line from the test, commits it. A stops inside its transaction once its
households are written, says ``holding`` and waits for another line; B says ``waiting``
as its first write begins, so the test knows B asked for the write lock while A held it.
Each ends with a JSON line: the job's state, summary and problems.
"""

import json
import sys
from pathlib import Path

import django

django.setup()

from django.db import connection  # noqa: E402

from bangfu.accounts.models import User  # noqa: E402
from bangfu.accounts.roles import Role  # noqa: E402
from bangfu.exchange import services  # noqa: E402
from bangfu.registry import bulk  # noqa: E402


def say(*words: str) -> None:
    sys.stdout.write(" ".join(words) + "\n")
    sys.stdout.flush()


def main(side: str, path: Path) -> None:
    actor = User.objects.get(username="county_admin", role_grants__role=Role.COUNTY_ADMIN)
    job = services.import_upload(actor=actor, file_name=path.name, chunks=[path.read_bytes()])
    job = services.import_check(job_id=job.pk)
    say("checked", job.state)
    if side == "C":
        say(json.dumps(problems(job)))
        return
    sys.stdin.readline()
    if side == "A":
        write_new = bulk._write_new

        def write_then_hold(actor, pairs, source):
            write_new(actor, pairs, source)
            say("holding")
            sys.stdin.readline()

        bulk._write_new = write_then_hold
    else:
        said = []

        def first_write(statement: str) -> None:
            if not said and statement.lstrip().upper().startswith(("UPDATE", "INSERT", "BEGIN")):
                said.append(statement)
                say("waiting")

        connection.ensure_connection()
        connection.connection.set_trace_callback(first_write)
    job = services.import_commit(job_id=job.pk)
    say(json.dumps({"state": job.state, "summary": job.summary, "problems": problems(job)}))


def problems(job) -> list[list]:
    return [[p.sheet, p.row, p.column, p.value, p.reason] for p in job.problems.all()]


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
