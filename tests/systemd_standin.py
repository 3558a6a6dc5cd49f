"""What systemd does with deploy/systemd's units, for the deployment test where systemd is not
the first process (a container, CI): ``start`` a service as ``systemctl start`` would,
``run`` a oneshot service as its timer would.

    python tests/systemd_standin.py --journal DIR start UNIT_FILE...
    python tests/systemd_standin.py --journal DIR run UNIT_FILE

From a unit's [Service] it takes what decides whether the service works on the server:
``User``/``Group`` (with the user's supplementary groups), ``WorkingDirectory``,
``EnvironmentFile``, ``RuntimeDirectory``/``RuntimeDirectoryMode`` (made under /run, owned by
the user), ``Type=notify`` (started means gunicorn said READY=1 on ``NOTIFY_SOCKET``),
``ExecStart`` in order with ``%%`` as ``%``, and ``ExecStartPost``. The sandboxing settings
(ProtectSystem, PrivateTmp, …), restarts and the timer's calendar are systemd's own and not
done here; ``systemd-analyze verify`` checks them (tests/test_deployment.py).

Each service's output goes to ``DIR/<unit>.log``, the journal's stand-in; a started service's
process group id to ``DIR/<unit>.pid``: the test stops it with SIGTERM to that group, as
``systemctl stop`` would.
"""

import argparse
import grp
import os
import pwd
import shlex
import shutil
import socket
import sys
import tempfile
from pathlib import Path

RUN = Path("/run")
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
READY_WITHIN = 60  # seconds: systemd's TimeoutStartSec is 90


def service_section(unit: Path) -> dict[str, list[str]]:
    settings: dict[str, list[str]] = {}
    section = ""
    for line in unit.read_text().splitlines():
        line = line.strip()
        if line.startswith("["):
            section = line
        elif section == "[Service]" and line and not line.startswith(("#", ";")):
            key, value = line.split("=", 1)
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def environment_file(path: str) -> dict[str, str]:
    values = {}
    for line in Path(path).read_text().splitlines():
        line = line.strip()
        if line and not line.startswith(("#", ";")):
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip().strip("\"'")
    return values


def command(line: str) -> list[str]:
    """An Exec line as systemd reads it: quoting as the shell's, ``%%`` a percent sign; any
    other specifier is refused here rather than passed on as text."""
    words = shlex.split(line.lstrip("-@+!"))
    for word in words:
        if "%" in word.replace("%%", ""):
            raise SystemExit(f"a specifier the stand-in does not know: {word}")
    return [word.replace("%%", "%") for word in words]


def account(settings: dict[str, list[str]]) -> tuple[pwd.struct_passwd, grp.struct_group]:
    """The unit's ``User`` and its ``Group`` (the user's name when not given)."""
    user = pwd.getpwnam(settings["User"][0])
    return user, grp.getgrnam(settings.get("Group", [user.pw_name])[0])


def become(settings: dict[str, list[str]]) -> dict[str, str]:
    """In the child: the unit's user and groups, directory and environment."""
    user, group = account(settings)
    env = {"PATH": PATH, "LANG": "C.UTF-8", "HOME": user.pw_dir, "USER": user.pw_name,
           "LOGNAME": user.pw_name, "SHELL": user.pw_shell}  # fmt: skip
    for path in settings.get("EnvironmentFile", []):
        env.update(environment_file(path))  # read as root, as systemd reads it
    os.initgroups(user.pw_name, group.gr_gid)
    os.setgid(group.gr_gid)
    os.setuid(user.pw_uid)
    os.chdir(settings["WorkingDirectory"][0])
    return env


def runtime_directory(settings: dict[str, list[str]]) -> None:
    for name in settings.get("RuntimeDirectory", []):
        folder = RUN / name
        folder.mkdir(exist_ok=True)
        mode = int(settings.get("RuntimeDirectoryMode", ["0755"])[0], 8)
        user, group = account(settings)
        os.chown(folder, user.pw_uid, group.gr_gid)
        folder.chmod(mode)


def spawn(settings, argv, log: Path, extra_env=None) -> int:
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            # The journal is root's: opened before the service's user is taken.
            fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
            env = {**become(settings), **(extra_env or {})}
            os.execve(argv[0], argv, env)
        except BaseException as error:  # noqa: BLE001 — the child must never return
            os.write(2, f"{argv[0]}: {error}\n".encode())
            os._exit(203)  # systemd's "EXEC" status
    return pid


def start(unit: Path, journal: Path) -> None:
    settings = service_section(unit)
    runtime_directory(settings)
    (argv,) = [command(line) for line in settings["ExecStart"]]
    log = journal / f"{unit.stem}.log"
    extra = {}
    notify = None
    if settings.get("Type") == ["notify"]:
        folder = tempfile.mkdtemp(prefix="notify-")
        notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        notify.bind(f"{folder}/notify")
        os.chmod(folder, 0o755)
        os.chmod(f"{folder}/notify", 0o777)  # the service's user sends to it
        notify.settimeout(READY_WITHIN)
        extra["NOTIFY_SOCKET"] = f"{folder}/notify"
    pid = spawn(settings, argv, log, extra)
    (journal / f"{unit.stem}.pid").write_text(f"{pid}\n")
    if notify is not None:
        try:
            while not notify.recv(4096).startswith(b"READY=1"):
                pass
        except TimeoutError:
            tail = log.read_text(errors="replace")[-3000:]
            raise SystemExit(f"{unit.name}: no READY=1 within {READY_WITHIN} s:\n{tail}")
        finally:
            notify.close()
            shutil.rmtree(folder)
    sys.stdout.write(f"started {unit.name} (pid {pid})\n")


def run(unit: Path, journal: Path) -> int:
    settings = service_section(unit)
    log = journal / f"{unit.stem}.log"
    for key in ("ExecStart", "ExecStartPost"):
        for line in settings.get(key, []):
            status = os.waitstatus_to_exitcode(
                os.waitpid(spawn(settings, command(line), log), 0)[1]
            )
            if status != 0:
                tail = log.read_text(errors="replace")[-3000:]
                sys.stderr.write(f"{unit.name}: {line} exited with {status}:\n{tail}\n")
                return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journal", type=Path, required=True)
    parser.add_argument("verb", choices=["start", "run"])
    parser.add_argument("units", nargs="+", type=Path)
    args = parser.parse_args()
    args.journal.mkdir(parents=True, exist_ok=True)
    if args.verb == "run":
        return 1 if any(run(unit, args.journal) for unit in args.units) else 0
    for unit in args.units:
        start(unit, args.journal)
    return 0


if __name__ == "__main__":
    sys.exit(main())
