"""A copy of this worker's test database (migrated, the world built) for tests that run real
processes on it, as an installation does: SQLite a file made with SQLite's backup API,
PostgreSQL a database made from the test database as its template. The processes get the
test process's keys, so that the audit chain and sealed numbers read alike on both sides.
Made in seconds, where migrating a database from nothing takes over a minute.

The test database must hold no open transaction of this process: a test using it is
transactional (``django_db(transaction=True)``), and its flush empties the database after.
"""

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def installation_env(tmp_path: Path) -> tuple[dict[str, str], Callable[[], None] | None]:
    """The environment of processes on a copy of the test database (their files under
    ``tmp_path / "var"``), and how to drop the copy (None: it goes with ``tmp_path``)."""
    env = {key: value for key, value in os.environ.items() if key != "BANGFU_FAULT"}
    env.update(
        SECRET_KEY=settings.SECRET_KEY,
        BANGFU_AUDIT_KEY=settings.AUDIT_KEY,
        BANGFU_FIELD_KEYS=",".join(settings.FIELD_KEYS),
        BANGFU_LOOKUP_KEY=settings.LOOKUP_KEY,
        DJANGO_SETTINGS_MODULE="config.settings_test",
        BANGFU_VAR_DIR=str(tmp_path / "var"),
        PYTHONPATH=str(ROOT),
    )
    if connection.vendor == "sqlite":
        path = tmp_path / "installation.sqlite3"
        connection.ensure_connection()
        copy = sqlite3.connect(path)
        connection.connection.backup(copy)
        copy.close()
        env["DATABASE_URL"] = f"sqlite:///{path}"
        return env, None
    env["DATABASE_URL"], dropped = _copied_postgres()
    return env, dropped


def _copied_postgres() -> tuple[str, Callable[[], None]]:
    """A database made from the test database as its template (which must then have no
    session: this process's is closed first); answers its address and how to drop it."""
    import psycopg

    given = connection.settings_dict
    name = f"{given['NAME']}_copy"
    connection.close()
    who = given["USER"] + (f":{given['PASSWORD']}" if given.get("PASSWORD") else "")
    server = f"postgres://{who}@{given['HOST']}:{given['PORT']}"

    def sql(statement: str) -> None:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(statement)

    sql(f'DROP DATABASE IF EXISTS "{name}"')
    sql(f'CREATE DATABASE "{name}" TEMPLATE "{given["NAME"]}"')
    return f"{server}/{name}", lambda: sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
