"""Backup and restore (``core.backup``), on the engine of the run (the suite runs once on
SQLite, once on PostgreSQL), and drill (d): a backup killed with SIGKILL midway.

The tests commit (a restore needs an empty installation, a backup sees committed data), so
they are transactional. Commands that must run apart from the test — a backup killed, a
writer going on during a backup — run as processes on the test's database: on PostgreSQL
the test database itself, on SQLite a copy of the test's in-memory database in var/.
"""

import datetime
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from contextlib import closing
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import translation

from bangfu.core.audit import verify_chain
from bangfu.core.backup import partial_of
from bangfu.core.models import AuditEntry
from bangfu.core.protection import unseal
from bangfu.registry.models import Household, Member
from bangfu.visits import services
from bangfu.visits.models import Visit, VisitPhoto
from tests.registry.conftest import id_number
from tests.visits.conftest import at, households, jpeg, log, unit, wang  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
BACKUP_KEY = "5e" * 32
OTHER_KEY = "a7" * 32
DAY = datetime.date(2026, 10, 8)


@pytest.fixture
def var(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = settings.VAR_DIR / "media"
    settings.MEDIA_ROOT.mkdir(parents=True)
    return settings.VAR_DIR


@pytest.fixture
def key_file(tmp_path):
    path = tmp_path / "backup.key"
    path.write_text(BACKUP_KEY + "\n")
    return path


@pytest.fixture
def records(var, helper_wang, households):  # noqa: F811
    """Three households with their members, a visit with its photo, their audit entries."""
    visit = log(helper_wang, households[0], at(DAY))
    services.visit_photo_add(
        actor=helper_wang,
        visit_client_id=visit.client_id,
        photo_client_id=uuid.UUID(int=1),
        content=jpeg(),
    )
    return visit


def backup(dest: Path, key_file: Path) -> None:
    with translation.override("en"):
        call_command("backup", str(dest), key_file=str(key_file))


def restore(src: Path, key_file: Path) -> None:
    with translation.override("en"):
        call_command("restore", str(src), key_file=str(key_file))


def refused(src: Path, key_file: Path) -> str:
    with pytest.raises(CommandError) as refusal:
        restore(src, key_file)
    return str(refusal.value)


def emptied(var: Path) -> None:
    """The installation emptied as a new one is: its tables migrated and empty, no files."""
    call_command("flush", interactive=False, verbosity=0)
    ContentType.objects.clear_cache()
    shutil.rmtree(settings.MEDIA_ROOT)
    settings.MEDIA_ROOT.mkdir()


def nothing_written() -> bool:
    return (
        not Household.objects.exists()
        and not AuditEntry.objects.exists()
        and not any(p.is_file() for p in Path(settings.MEDIA_ROOT).rglob("*"))
    )


def test_a_backup_restores_whole_into_an_empty_installation(records, var, key_file, tmp_path):
    dest = tmp_path / "backups" / "nightly.bangfu"
    dest.parent.mkdir()
    photo = VisitPhoto.objects.get()
    picture = photo.image.read()
    counts = (Household.objects.count(), Member.objects.count(), Visit.objects.count())
    head = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    backup(dest, key_file)
    assert sorted(p.name for p in dest.parent.iterdir()) == ["nightly.bangfu"]
    assert not list(var.glob(".backup-*"))
    raw = dest.read_bytes()
    for plain in (b"SQLite format 3\x00", b"PGDMP", b"manifest.json", "曾佳轩".encode()):
        assert plain not in raw  # nothing of the database, the archive or a name readable

    emptied(var)
    restore(dest, key_file)

    assert (Household.objects.count(), Member.objects.count(), Visit.objects.count()) == counts
    assert AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first() == head
    member = Member.objects.get(name="曾佳轩")
    assert unseal(member.id_number_sealed) == id_number("19700101", "001")
    assert VisitPhoto.objects.get().image.read() == picture
    assert verify_chain()[1] is None


def test_a_restore_is_refused_before_anything_is_written(records, var, key_file, tmp_path):
    dest = tmp_path / "nightly.bangfu"
    backup(dest, key_file)

    # Into an installation that holds records: named, and nothing touched.
    households_before = Household.objects.count()
    message = refused(dest, key_file)
    assert "not empty" in message and "households: 3" in message and "audit log: 10" in message
    assert Household.objects.count() == households_before

    emptied(var)
    wrong = tmp_path / "wrong.key"
    wrong.write_text(OTHER_KEY)
    assert "does not open this backup" in refused(dest, wrong)

    truncated = tmp_path / "truncated.bangfu"
    truncated.write_bytes(dest.read_bytes()[:-100])
    assert "incomplete" in refused(truncated, key_file)
    altered = tmp_path / "altered.bangfu"
    data = bytearray(dest.read_bytes())
    data[len(data) // 2] ^= 1
    altered.write_bytes(bytes(data))
    assert "damaged or was altered" in refused(altered, key_file)
    partial = partial_of(dest)
    shutil.copy(dest, partial)
    assert "unfinished backup" in refused(partial, key_file)

    for name, other in [
        ("AUDIT_KEY", "b" * 64),
        ("LOOKUP_KEY", "c" * 64),
        ("FIELD_KEYS", ["ZmllbGQta2V5LW9mLWFub3RoZXItaW5zdGFsbGF0aW9uLg=="]),
        ("SM4_KEYS", ["d" * 32]),
        ("CRYPTO_PROFILE", "gm"),
    ]:
        kept = getattr(settings, name)
        setattr(settings, name, other)
        try:
            message = refused(dest, key_file)
        finally:
            setattr(settings, name, kept)
        assert f"installation's {name} is not the one" in message
    assert nothing_written()

    # Field keys rotated since (a new first key, the old ones still listed) still restore.
    settings.FIELD_KEYS = ["bmV3LWZpZWxkLWtleS1hZnRlci1yb3RhdGlvbi0wMDA=", *settings.FIELD_KEYS]
    try:
        restore(dest, key_file)
    finally:
        settings.FIELD_KEYS = settings.FIELD_KEYS[1:]
    assert Household.objects.count() == 3


def test_the_backup_key_is_the_operators_own(records, var, key_file, tmp_path):
    audit_key = tmp_path / "audit.key"
    audit_key.write_text(settings.AUDIT_KEY)
    in_var = var / "backup.key"
    in_var.write_text(BACKUP_KEY)
    for key in (audit_key, in_var):
        with pytest.raises(CommandError):
            backup(tmp_path / "nightly.bangfu", key)
    assert not list(tmp_path.glob("nightly.bangfu*"))
    with pytest.raises(CommandError, match="no folder"):
        backup(tmp_path / "missing" / "nightly.bangfu", key_file)


# -- processes: a writer going on during a backup, a backup killed -------------------------


def process_env(var: Path) -> dict[str, str]:
    """The environment of a command run on the test's database and keys."""
    env = {k: v for k, v in os.environ.items() if k not in {"BANGFU_FAULT", "DATABASE_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        BANGFU_VAR_DIR=str(var),
        SECRET_KEY=settings.SECRET_KEY,
        BANGFU_AUDIT_KEY=settings.AUDIT_KEY,
        BANGFU_FIELD_KEYS=",".join(settings.FIELD_KEYS),
        BANGFU_LOOKUP_KEY=settings.LOOKUP_KEY,
        BANGFU_SM4_KEYS=",".join(settings.SM4_KEYS),
        BANGFU_CRYPTO=settings.CRYPTO_PROFILE,
        BANGFU_BACKUP_KEY=BACKUP_KEY,
    )
    if connection.vendor == "postgresql":
        given = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{given['USER']}:{given['PASSWORD']}@{given['HOST']}:{given['PORT']}"
            f"/{given['NAME']}"
        )
    else:
        with closing(sqlite3.connect(var / "bangfu.sqlite3")) as copy:
            connection.connection.backup(copy)
    return env


def manage(*args: str, env: dict[str, str], **options) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **options,
    )


WRITER = """
import datetime, uuid
from pathlib import Path
from bangfu.accounts.models import User
from bangfu.registry.models import Household
from bangfu.visits import services
from tests.visits.conftest import at
helper = User.objects.get(username="helper_wang")
households = list(Household.objects.order_by("pk"))
started, stop = Path("{var}/writer.started"), Path("{var}/writer.stop")
for n in range(5000):
    last = stop.exists()  # the visit after the backup ended: one the backup cannot hold
    services.visit_record(
        actor=helper,
        client_id=uuid.UUID(int=1000 + n),
        data=services.VisitInput(
            household_id=households[n % 3].pk,
            visited_at=at(datetime.date(2026, 10, 1) + datetime.timedelta(days=n % 60)),
        ),
    )
    started.touch()
    if last:
        break
print(n + 1)
"""


def wait_for(path: Path, process: subprocess.Popen) -> None:
    while not path.exists():
        if process.poll() is not None:
            pytest.fail(process.stderr.read())
        time.sleep(0.05)


def test_a_backup_taken_while_visits_are_written_restores_consistently(
    records, var, key_file, tmp_path
):
    env = process_env(var)
    writer = manage("shell", "-c", WRITER.format(var=var), env=env)
    wait_for(var / "writer.started", writer)
    dest = tmp_path / "busy.bangfu"
    made = manage("backup", str(dest), env=env)
    assert made.wait(timeout=120) == 0, made.stderr.read()
    (var / "writer.stop").touch()
    out, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err
    written = int(out.split()[-1])

    emptied(var)
    restore(dest, key_file)  # checks the counts and audit head against the manifest
    in_backup = Visit.objects.count()
    assert 1 + 1 <= in_backup < 1 + written  # the first visit, some of the writer's, not all
    assert verify_chain()[1] is None


def test_drill_a_backup_killed_midway_leaves_a_partial_that_is_refused(
    records, var, key_file, tmp_path
):
    env = process_env(var)
    folder = tmp_path / "backups"
    folder.mkdir()
    dest = folder / "nightly.bangfu"
    killed = manage("backup", str(dest), env={**env, "BANGFU_FAULT": "backup.after_first_chunk"})
    assert killed.wait(timeout=120) == -signal.SIGKILL
    assert [p.name for p in folder.iterdir()] == ["nightly.bangfu.partial"]
    assert list(var.glob(".backup-*"))  # the killed process's snapshot, left behind

    # Refused by its name; and what it holds, renamed, is refused as incomplete (below,
    # once the installation is empty: its manifest, whole, is checked before the rest).
    assert "unfinished backup" in refused(partial_of(dest), key_file)
    assert "no file" in refused(dest, key_file)
    renamed = tmp_path / "renamed.bangfu"
    shutil.copy(partial_of(dest), renamed)

    again = manage("backup", str(dest), env=env)
    assert again.wait(timeout=120) == 0, again.stderr.read()
    assert [p.name for p in folder.iterdir()] == ["nightly.bangfu"]
    assert not list(var.glob(".backup-*"))

    emptied(var)
    assert "incomplete" in refused(renamed, key_file)
    assert nothing_written()
    restore(dest, key_file)
    assert Visit.objects.count() == 1 and Household.objects.count() == 3
    call_command("verify_audit")
