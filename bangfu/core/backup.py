"""Backups (``manage.py backup DEST``) and their restore into an empty installation
(``manage.py restore SRC``).

An archive is a tar stream — ``manifest.json`` first, then the database and the kept files
(``files/<folder>/…``) — encrypted with the operator's key, never with one of the
application's keys. The database is one consistent snapshot taken while the application
serves: SQLite's online backup API (a reader in WAL mode: writers go on), or ``pg_dump``'s
custom format of a snapshot exported from a repeatable-read transaction, in which the
manifest's row counts and audit head are read too, so they describe exactly what was dumped.

Encryption: AES-256-GCM over chunks of ``CHUNK`` bytes, so that neither a large database nor
the archive is ever held in memory. The archive's key is derived (HKDF) from the operator's
key and a salt of the archive's own; each chunk's nonce is its number and whether it is the
last, and the header is authenticated with every chunk, so a chunk altered, moved, dropped,
or cut off at the end is refused. The header also carries a check value of the key, so a
wrong key is told apart from a damaged file.

A backup is written to ``DEST.partial`` and renamed to ``DEST`` only once complete and on
disk (fsync); a backup that stops on an error removes its ``.partial``, one that is killed
leaves it, and ``restore`` refuses a ``.partial`` by its name. A restore reads the archive
twice: first to check it whole (the key, the manifest against this installation, every
chunk) without writing anything, then to load it; afterwards it compares the restored
counts and audit head with the manifest and verifies the audit chain.
"""

import hashlib
import hmac
import io
import json
import os
import re
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import IO, Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _

from . import faults
from .audit import verify_chain

FORMAT = 1
CHUNK = 1 << 20
KEY_ENV = "BANGFU_BACKUP_KEY"
MANIFEST = "manifest.json"
PARTIAL = ".partial"

# The application's keys, as settings, and where an installation sets them. The archive
# holds none of them, only their fingerprints: restoring needs the same keys, and a restore
# under other keys is refused before anything is written. A new key setting is added here.
APP_KEYS: tuple[tuple[str, str], ...] = (
    ("FIELD_KEYS", "BANGFU_FIELD_KEYS / var/field_key"),
    ("AUDIT_KEY", "BANGFU_AUDIT_KEY / var/audit_key"),
    # The audit keys replaced before: the entries they keyed verify with them only.
    ("AUDIT_KEYS_PREVIOUS", "BANGFU_AUDIT_KEYS_PREVIOUS"),
    ("LOOKUP_KEY", "BANGFU_LOOKUP_KEY / var/lookup_key"),
    ("SM4_KEYS", "BANGFU_SM4_KEYS / var/sm4_key"),
    # Not a secret, but a restore under the other profile would look people up by hashes
    # their rows do not carry.
    ("CRYPTO_PROFILE", "BANGFU_CRYPTO"),
)

# The folders of var/ whose files the records name (uploads, photos, sheets waiting to be
# imported, exports and handbooks made): archived as files/<folder>/. Not archived: the
# keys, the database file itself (its snapshot is), collected static files.
KEPT_FOLDERS = ("media", "imports", "exports", "handbooks")

# What makes an installation not empty: a restore into one holding any of these is refused.
OCCUPANTS = ("registry.household", "registry.member", "accounts.user", "core.auditentry")

_MAGIC = b"BANGFUBK\x01"
_SALT = 16
_CHECK = 16
_HEADER = len(_MAGIC) + _SALT + _CHECK
_LAST = 0x80000000  # the length prefix's top bit marks the last chunk
_TAG = 16


class BackupError(Exception):
    """A backup or restore refused or failed, with what to do in the message."""


# -- keys ---------------------------------------------------------------------------------


def operator_key(key_file: str | None) -> bytes:
    """The operator's backup key: 64 hexadecimal digits (32 bytes), from ``key_file`` or
    the environment variable ``BANGFU_BACKUP_KEY``."""
    if key_file:
        path = Path(key_file).resolve()
        if path.is_relative_to(Path(settings.VAR_DIR).resolve()):
            raise BackupError(
                _("Keep the backup key outside var/, apart from the application's keys.")
            )
        try:
            text = path.read_text().strip()
        except OSError as error:
            raise BackupError(
                _("The backup key file cannot be read: %(error)s") % {"error": error}
            ) from error
    else:
        text = os.environ.get(KEY_ENV, "").strip()
        if not text:
            raise BackupError(
                _("Give the backup key: --key-file PATH, or the environment variable %(env)s.")
                % {"env": KEY_ENV}
            )
    if not re.fullmatch(r"[0-9a-fA-F]{64}", text):
        raise BackupError(
            _(
                "A backup key is 64 hexadecimal digits (32 bytes), e.g. made with "
                "`openssl rand -hex 32`."
            )
        )
    if any(text == value for values in _app_key_values().values() for value in values):
        raise BackupError(
            _("That is one of the application's own keys: give the backup a key of its own.")
        )
    return bytes.fromhex(text)


def _app_key_values() -> dict[str, list[str]]:
    values = {}
    for name, _where in APP_KEYS:
        value = getattr(settings, name)
        values[name] = [str(v) for v in value] if isinstance(value, list | tuple) else [value]
    return values


def fingerprint(key: str) -> str:
    """A key's fingerprint: enough to tell keys apart, nothing to recover one from."""
    return hashlib.sha256(b"bangfu key fingerprint\x00" + key.encode()).hexdigest()[:16]


def key_fingerprints() -> dict[str, list[str]]:
    return {name: [fingerprint(v) for v in values] for name, values in _app_key_values().items()}


# -- the encrypted stream -----------------------------------------------------------------


def _derive(key: bytes, salt: bytes) -> tuple[bytes, bytes]:
    material = HKDF(hashes.SHA256(), 64, salt, b"bangfu backup archive").derive(key)
    return material[:32], material[32 : 32 + _CHECK]


def _nonce(number: int, last: bool) -> bytes:
    return struct.pack(">QI", number, int(last))


class _SealedWriter(io.RawIOBase):
    """Encrypts what is written to it, chunk by chunk, onto ``raw``."""

    def __init__(self, raw: BinaryIO, key: bytes) -> None:
        salt = os.urandom(_SALT)
        archive_key, check = _derive(key, salt)
        self._header = _MAGIC + salt + check
        self._aead = AESGCM(archive_key)
        self._raw, self._buffer, self._chunks, self._written = raw, bytearray(), 0, 0
        raw.write(self._header)

    def writable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._written

    def write(self, data) -> int:  # type: ignore[override]
        self._buffer += data
        self._written += len(data)
        while len(self._buffer) >= CHUNK:
            self._emit(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def cut(self) -> None:
        """End the current chunk here (the manifest is a chunk of its own)."""
        if self._buffer:
            self._emit(bytes(self._buffer), last=False)
            self._buffer.clear()

    def finish(self) -> None:
        self._emit(bytes(self._buffer), last=True)
        self._buffer.clear()

    def _emit(self, plain: bytes, *, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._chunks, last), plain, self._header)
        self._raw.write(struct.pack(">I", len(sealed) | (_LAST if last else 0)) + sealed)
        self._chunks += 1
        if self._chunks == 1:
            self._raw.flush()
            faults.point("backup.after_first_chunk")


def _damaged() -> BackupError:
    return BackupError(
        _("The backup is damaged or was altered after it was made: it cannot be restored.")
    )


def _truncated() -> BackupError:
    return BackupError(
        _("The backup is incomplete (it ends before its last part): it cannot be restored.")
    )


class _SealedReader(io.RawIOBase):
    """Decrypts an archive chunk by chunk; refuses a wrong key, a changed chunk, a missing
    end, and anything after the end."""

    def __init__(self, raw: BinaryIO, key: bytes) -> None:
        header = raw.read(_HEADER)
        if len(header) < _HEADER or not header.startswith(_MAGIC):
            raise BackupError(_("This file is not a bangfu backup (or of a newer format)."))
        salt, check = header[len(_MAGIC) : -_CHECK], header[-_CHECK:]
        archive_key, expected = _derive(key, salt)
        if not hmac.compare_digest(check, expected):
            raise BackupError(
                _("The backup key does not open this backup: give the key it was made with.")
            )
        self._aead, self._header, self._raw = AESGCM(archive_key), header, raw
        self._chunks, self._plain, self._offset, self._ended = 0, b"", 0, False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while self._offset == len(self._plain) and not self._ended:
            self._next()
        n = min(len(buffer), len(self._plain) - self._offset)
        buffer[:n] = self._plain[self._offset : self._offset + n]
        self._offset += n
        return n

    def _next(self) -> None:
        prefix = self._raw.read(4)
        if len(prefix) < 4:
            raise _truncated()
        (word,) = struct.unpack(">I", prefix)
        last, length = bool(word & _LAST), word & ~_LAST
        if length > CHUNK + _TAG:
            raise _damaged()
        sealed = self._raw.read(length)
        if len(sealed) < length:
            raise _truncated()
        try:
            self._plain = self._aead.decrypt(_nonce(self._chunks, last), sealed, self._header)
        except InvalidTag as error:
            raise _damaged() from error
        self._chunks, self._offset = self._chunks + 1, 0
        if last:
            self._ended = True
            if self._raw.read(1):
                raise _damaged()


def _walk(src: Path, key: bytes, visit: Callable[[tarfile.TarInfo, IO[bytes] | None], None]):
    """Decrypt ``src`` whole, handing each member to ``visit`` in order."""
    with open(src, "rb") as raw:
        reader = io.BufferedReader(_SealedReader(raw, key), CHUNK)
        try:
            with tarfile.open(fileobj=reader, mode="r|") as tar:
                for info in tar:
                    visit(info, tar.extractfile(info) if info.isfile() else None)
        except tarfile.TarError as error:
            raise _damaged() from error
        while reader.read(CHUNK):  # the rest, to its authenticated end
            pass


# -- snapshots ----------------------------------------------------------------------------


def _engine() -> str:
    return "sqlite" if connection.vendor == "sqlite" else connection.vendor


@contextmanager
def _workdir() -> Iterator[Path]:
    """A private folder under var/ (where the database already lies) for the snapshot or
    the database being restored; removed afterwards. One left by a killed process is
    removed by the next backup or restore."""
    var = Path(settings.VAR_DIR)
    for stale in var.glob(".backup-*-*"):
        pid = stale.name.split("-")[1]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)
    work = Path(tempfile.mkdtemp(prefix=f".backup-{os.getpid()}-", dir=var))
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _facts(cursor, tables: list[str]) -> dict[str, Any]:
    """Row counts, audit head and applied migrations, read through ``cursor`` (the snapshot)."""
    counts = {}
    for table in sorted(tables):
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    cursor.execute("SELECT last_seq, last_hash FROM core_audithead WHERE id = 1")
    head = cursor.fetchone() or (0, "")
    cursor.execute("SELECT app, name FROM django_migrations")
    migrations = sorted(f"{app}.{name}" for app, name in cursor.fetchall())
    return {
        "tables": counts,
        "audit_head": {"seq": head[0], "hash": head[1]},
        "migrations": migrations,
    }


def _sqlite_snapshot(work: Path) -> tuple[Path, dict[str, Any]]:
    target = work / "database.sqlite3"
    connection.ensure_connection()
    with closing(sqlite3.connect(target)) as copy:
        # All pages in one step: one read transaction, so one consistent state.
        connection.connection.backup(copy)
        cursor = copy.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        tables = [name for (name,) in cursor.fetchall() if not name.startswith("sqlite_")]
        return target, _facts(cursor, tables)


def _pg_tool(name: str) -> str:
    """A PostgreSQL client program, refused when older than the server."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            _("%(tool)s is not installed: install PostgreSQL's client programs.") % {"tool": name}
        )
    found = subprocess.run([path, "--version"], capture_output=True, text=True, check=True)
    client = int(re.search(r"\)\s*(\d+)", found.stdout).group(1))  # type: ignore[union-attr]
    server = connection.pg_version // 10000  # type: ignore[attr-defined]
    if client < server:
        raise BackupError(
            _(
                "%(tool)s is version %(client)d, older than the database server "
                "(%(server)d): install postgresql-client-%(server)d."
            )
            % {"tool": name, "client": client, "server": server}
        )
    return path


def _pg_env() -> dict[str, str]:
    connection.ensure_connection()
    given = connection.settings_dict
    env = dict(os.environ)
    for variable, value in [
        ("PGDATABASE", given["NAME"]),
        ("PGUSER", given.get("USER")),
        ("PGPASSWORD", given.get("PASSWORD")),
        ("PGHOST", given.get("HOST")),
        ("PGPORT", given.get("PORT")),
        ("PGSSLMODE", given.get("OPTIONS", {}).get("sslmode")),
    ]:
        if value:
            env[variable] = str(value)
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(
            _("%(tool)s failed: %(error)s")
            % {"tool": Path(command[0]).name, "error": done.stderr.strip()[-2000:]}
        )


def _pg_snapshot(work: Path) -> tuple[Path, dict[str, Any]]:
    target = work / "database.pgdump"
    pg_dump, env = _pg_tool("pg_dump"), _pg_env()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
        facts = _facts(cursor, connection.introspection.table_names(cursor))
        _run([pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={target}"], env)
    return target, facts


def _kept_files() -> dict[str, list[Path]]:
    """Each kept folder's files, in a fixed order."""
    found: dict[str, list[Path]] = {}
    for folder in KEPT_FOLDERS:
        root = _folder(folder)
        found[folder] = sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())
    return found


def _folder(folder: str) -> Path:
    return Path(settings.MEDIA_ROOT) if folder == "media" else Path(settings.VAR_DIR) / folder


# -- backup -------------------------------------------------------------------------------


def partial_of(dest: Path) -> Path:
    return dest.with_name(dest.name + PARTIAL)


def backup(dest: Path, key: bytes) -> dict[str, Any]:
    """Write the archive to ``dest`` (through ``dest.partial``); answer its manifest."""
    if dest.name.endswith(PARTIAL):
        raise BackupError(_("A backup's name may not end in .partial: that marks unfinished ones."))
    if not dest.parent.is_dir():
        raise BackupError(_("There is no folder %(name)s.") % {"name": dest.parent})
    partial = partial_of(dest)
    with _workdir() as work:
        database, facts = (_sqlite_snapshot if _engine() == "sqlite" else _pg_snapshot)(work)
        # The files after the snapshot: every file a record of the snapshot names exists.
        files = _kept_files()
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "engine": _engine(),
            "database": database.name,
            **facts,
            "files": {folder: len(paths) for folder, paths in files.items()},
            "keys": key_fingerprints(),
        }
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with open(descriptor, "wb") as raw:
                writer = _SealedWriter(raw, key)
                with tarfile.open(fileobj=writer, mode="w", format=tarfile.PAX_FORMAT) as tar:
                    text = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                    info = tarfile.TarInfo(MANIFEST)
                    info.size = len(text)
                    tar.addfile(info, io.BytesIO(text))
                    writer.cut()
                    tar.add(database, arcname=database.name)
                    for folder, paths in files.items():
                        root = _folder(folder)
                        for path in paths:
                            tar.add(path, arcname=f"files/{folder}/{path.relative_to(root)}")
                writer.finish()
                raw.flush()
                os.fsync(raw.fileno())
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    os.replace(partial, dest)
    _sync_folder(dest.parent)
    return manifest


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


# -- restore ------------------------------------------------------------------------------


def restore(src: Path, key: bytes) -> tuple[dict[str, Any], int]:
    """Load the archive ``src`` into this empty installation; answer its manifest and the
    number of audit entries verified."""
    if src.name.endswith(PARTIAL):
        raise BackupError(
            _(
                "%(name)s is an unfinished backup (its writing was interrupted): restore a "
                "complete one, whose name does not end in .partial."
            )
            % {"name": src.name}
        )
    manifest = _checked_whole(src, key)
    try:
        return manifest, _load(src, key, manifest)
    except BackupError as error:
        raise BackupError(
            _(
                "%(reason)s The installation now holds part of the backup: empty its database "
                "and the folders of var/ it restored into before restoring again."
            )
            % {"reason": error}
        ) from error


def _load(src: Path, key: bytes, manifest: dict[str, Any]) -> int:
    """Write the archive's database and files; answer how many audit entries verified."""
    with _workdir() as work:
        database = _unpack(src, key, manifest, work)
        if manifest["engine"] == "sqlite":
            with closing(sqlite3.connect(database)) as copy:
                connection.ensure_connection()
                copy.backup(connection.connection)
        else:
            pg_restore, env = _pg_tool("pg_restore"), _pg_env()
            _run(
                [pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges",
                 "--single-transaction", "--exit-on-error", "--dbname", env["PGDATABASE"],
                 str(database)],
                env,
            )  # fmt: skip
    return _check_restored(manifest)


def _checked_whole(src: Path, key: bytes) -> dict[str, Any]:
    """Read the archive through, writing nothing: the key, the manifest against this
    installation as soon as it is read, then every chunk to the authenticated end."""
    found: dict[str, Any] = {}

    def visit(info: tarfile.TarInfo, data: IO[bytes] | None) -> None:
        if not found:
            if info.name != MANIFEST or data is None:
                raise _damaged()
            found.update(json.load(data))
            _refuse_unfit(found)
        elif info.name == found["database"]:
            found["database_seen"] = True

    try:
        _walk(src, key, visit)
    except FileNotFoundError as error:
        raise BackupError(_("There is no file %(name)s.") % {"name": src}) from error
    if not found.pop("database_seen", False):
        raise _damaged()
    return found


def _refuse_unfit(manifest: dict[str, Any]) -> None:
    if manifest.get("format") != FORMAT:
        raise BackupError(_("This backup was made by another version of bangfu's backups."))
    if manifest["engine"] != _engine():
        raise BackupError(
            _(
                "This backup is of a %(theirs)s database and this installation uses "
                "%(ours)s: a backup restores only into the kind of database that made it."
            )
            % {"theirs": manifest["engine"], "ours": _engine()}
        )
    ours = key_fingerprints()
    for name, where in APP_KEYS:
        if not set(manifest["keys"].get(name, [])) <= set(ours[name]):
            raise BackupError(
                _(
                    "This installation's %(key)s is not the one the backup was made with, so "
                    "what it protects could not be read or verified after the restore. Set "
                    "the keys of the installation that made the backup (%(where)s), then "
                    "restore again."
                )
                % {"key": name, "where": where}
            )
    known = {f"{app}.{name}" for app, name in MigrationLoader(None).disk_migrations}
    newer = sorted(set(manifest["migrations"]) - known)
    if newer:
        raise BackupError(
            _(
                "This backup was made by a newer version of bangfu (its database has "
                "%(migration)s): install that version to restore it."
            )
            % {"migration": newer[0]}
        )
    present = set(connection.introspection.table_names())
    if "django_migrations" in present:
        with connection.cursor() as cursor:
            cursor.execute("SELECT app, name FROM django_migrations")
            applied = {f"{app}.{name}" for app, name in cursor.fetchall()}
        ahead = sorted(applied - set(manifest["migrations"]))
        if ahead:
            raise BackupError(
                _(
                    "This installation's database is of a newer version than the backup "
                    "(%(migration)s): restore into a database that has not been migrated, "
                    "then run migrate."
                )
                % {"migration": ahead[0]}
            )
    occupied = []
    for label in OCCUPANTS:
        model = apps.get_model(label)
        if model._meta.db_table in present and model._default_manager.exists():
            count = model._default_manager.count()
            occupied.append(f"{model._meta.verbose_name_plural}: {count}")
    if occupied:
        raise BackupError(
            _(
                "This installation is not empty (%(found)s): a backup restores only into an "
                "empty one. Restore into a new installation, or empty its database first."
            )
            % {"found": ", ".join(occupied)}
        )


def _unpack(src: Path, key: bytes, manifest: dict[str, Any], work: Path) -> Path:
    """Write the database to ``work`` and the files to their folders under var/."""
    database = work / manifest["database"]

    def visit(info: tarfile.TarInfo, data: IO[bytes] | None) -> None:
        if data is None or info.name == MANIFEST:
            return
        if info.name == manifest["database"]:
            target = database
        else:
            parts = Path(info.name).parts
            if len(parts) < 3 or parts[0] != "files" or parts[1] not in KEPT_FOLDERS:
                raise _damaged()
            if any(part in {"", ".", ".."} for part in parts) or Path(info.name).is_absolute():
                raise _damaged()
            target = _folder(parts[1]).joinpath(*parts[2:])
            target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as out:
            shutil.copyfileobj(data, out, CHUNK)

    _walk(src, key, visit)
    return database


def _check_restored(manifest: dict[str, Any]) -> int:
    """Compare the restored database and files with the manifest; verify the audit chain."""
    with connection.cursor() as cursor:
        facts = _facts(cursor, list(manifest["tables"]))
    for table, count in manifest["tables"].items():
        if facts["tables"][table] != count:
            raise BackupError(
                _("After the restore, %(table)s has %(found)d rows where the backup has %(n)d.")
                % {"table": table, "found": facts["tables"][table], "n": count}
            )
    if facts["audit_head"] != manifest["audit_head"]:
        raise BackupError(_("After the restore, the audit log's last entry is not the backup's."))
    files = _kept_files()
    for folder, count in manifest["files"].items():
        if len(files[folder]) < count:
            raise BackupError(
                _("After the restore, var/%(folder)s holds fewer files than the backup.")
                % {"folder": folder}
            )
    checked, broken = verify_chain()
    if broken is not None:
        raise BackupError(_("The restored audit log is broken: %(link)s.") % {"link": broken})
    return checked
