"""Run a command against a throwaway PostgreSQL cluster on loopback, then remove the cluster.

    python scripts/with_postgres.py -- <command> [args...]

The test suite runs once on SQLite and once through this script, so that both databases a
deployment may use are exercised. The command sees ``DATABASE_URL`` pointing at the cluster
(Django's test runner creates its own test database there). PostgreSQL refuses to run as
root, so under root the server runs as the ``postgres`` system user. Standard library only:
this must work before Django is importable.
"""

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BANNER = """
==========================================================================================
  PostgreSQL server binaries not found: the PostgreSQL half of the suite did NOT run.
  Install them with:  apt-get install postgresql   (or set BANGFU_PG_BIN to their folder)
==========================================================================================
"""


def find_bin_dir() -> Path | None:
    named = os.environ.get("BANGFU_PG_BIN")
    candidates = [Path(named)] if named else []
    # Debian's real binaries; /usr/local/bin may hold wrappers that refuse to start a cluster.
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
    )
    candidates += [Path(p) for p in reversed(versions)]
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).parent)
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def run_quiet(command: list[str]) -> None:
    subprocess.run(as_server_user(command), check=True, capture_output=True)


def main(argv: list[str]) -> int:
    if "--" not in argv or argv.index("--") == len(argv) - 1:
        print("usage: with_postgres.py -- <command> [args...]", file=sys.stderr)
        return 2
    command = argv[argv.index("--") + 1 :]
    bin_dir = find_bin_dir()
    if bin_dir is None:
        print(BANNER, file=sys.stderr)
        return 1 if os.environ.get("CI") == "true" else 0

    home = Path(tempfile.mkdtemp(prefix="bangfu-pg-"))
    data = home / "data"
    if os.geteuid() == 0:
        home.chmod(0o755)
        shutil.chown(home, "postgres", "postgres")
    port = free_port()
    started = time.monotonic()
    try:
        # C collation: place codes are compared as strings of digits in range conditions.
        run_quiet(
            [str(bin_dir / "initdb"), "-D", str(data), "--auth=trust", "--username=postgres",
             "--encoding=UTF8", "--locale=C"]
        )  # fmt: skip
        # A throwaway cluster needs no durability; without fsync the suite runs much faster.
        # In the configuration file, not on the command line, so that a benchmark can turn
        # it back on (ALTER SYSTEM and a reload) for what it times.
        with (data / "postgresql.conf").open("a") as conf:
            conf.write("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n")
        options = f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={home}"
        try:
            run_quiet(
                [str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(home / "server.log"),
                 "-w", "-o", options, "start"]
            )  # fmt: skip
        except subprocess.CalledProcessError:
            log = home / "server.log"
            print(log.read_text()[-3000:] if log.exists() else "", file=sys.stderr)
            print("PostgreSQL did not start.", file=sys.stderr)
            return 1
        print(
            f"with_postgres: PostgreSQL ({bin_dir}) on 127.0.0.1:{port}, "
            f"ready in {time.monotonic() - started:.1f}s",
            file=sys.stderr,
        )
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/bangfu",
            "BANGFU_TEST_DB": "postgresql",
        }
        return subprocess.run(command, env=env).returncode
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                as_server_user(
                    [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]
                ),
                capture_output=True,
            )
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
