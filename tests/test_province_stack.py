"""A province's deployment, walked as docs/operations.md writes it, on loopback.

The test takes the operator's block of "A province deployment" from docs/operations.md and
runs it as root with bash, line by line as written, on "a new server": this machine seen
through a mount namespace of the test's own, where /etc is an overlay (the account, the
settings, the units, nginx's site are written there, not into the machine's /etc) and /srv,
/run and the folders of PostgreSQL and nginx are folders of the test. What cannot run here
is replaced, each replacement named in ``on_this_machine`` and required to find its line:
apt is asked whether the packages exist instead of installing them (.ci/run has installed
what the tests need) and PostgreSQL's cluster is made as the package's installation makes
it; the repository is the checkout under test; the editor's changes are the test's (its
ports, ``localhost``); systemd, which is not the first process here, is stood in for by
tests/systemd_standin.py (the units' users, groups, directories, settings and commands).

Then, through nginx and TLS: pages, a sign-in, static files, the photo rule, an API write;
the units' daily routine; the backup the walk made, restored onto a new empty database
("Backup and restore"); the worker stopped; the logs. It runs once in ``make test``, in the
PostgreSQL half: the new server's database is loaded from that run's migrated test database
before the operator's ``migrate`` (migrating from nothing takes over a minute), so that
``migrate`` finds nothing left to do. nginx comes from apt (.ci/run).
"""

import html
import http.client
import http.cookies
import json
import os
import re
import shlex
import shutil
import signal
import socket
import ssl
import stat
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from scripts.selfsigned import make_certificate

ROOT = Path(__file__).resolve().parent.parent
OPERATIONS = ROOT / "docs" / "operations.md"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PASSWORD = "Stack-test-pass-2026"
REQUEST_ID = "stack-test-0001"
APP = "/srv/bangfu/app"  # where docs/operations.md has the operator put the application
JOURNAL = "/run/standin-journal"  # the stand-in's journal, in the server's /run
STANDIN = f"{APP}/.venv/bin/python {APP}/tests/systemd_standin.py --journal {JOURNAL}"
UNITS = "/etc/systemd/system"
PLACES = "代码,名称\n620000000000,甘肃省\n620100000000,兰州市\n620102000000,城关区\n"

pytestmark = pytest.mark.skipif(
    os.environ.get("BANGFU_TEST_DB") != "postgresql",
    reason="runs once, in the PostgreSQL half of make test",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()


@dataclass
class Browser:
    """Just enough of a browser: https to the stack, cookies kept, redirects not followed."""

    port: int
    tls: ssl.SSLContext
    cookies: dict[str, str] = field(default_factory=dict)
    set_cookie_lines: list[str] = field(default_factory=list)

    def request(self, method: str, path: str, body: bytes = b"", **headers: str) -> Answer:
        connection = http.client.HTTPSConnection(
            "localhost", self.port, context=self.tls, timeout=30
        )
        sent = {k.replace("_", "-"): v for k, v in headers.items()}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body or None, headers=sent)
            response = connection.getresponse()
            answer = Answer(
                response.status,
                {k.lower(): v for k, v in response.getheaders()},
                response.read(),
            )
            for line in response.headers.get_all("Set-Cookie") or []:
                self.set_cookie_lines.append(line)
                for name, morsel in http.cookies.SimpleCookie(line).items():
                    self.cookies[name] = morsel.value
        finally:
            connection.close()
        return answer

    def get(self, path: str, **headers: str) -> Answer:
        return self.request("GET", path, **headers)

    def post_form(self, path: str, fields: dict[str, str]) -> Answer:
        return self.request(
            "POST",
            path,
            urllib.parse.urlencode(fields).encode(),
            Content_Type="application/x-www-form-urlencoded",
            Referer=f"https://localhost:{self.port}{path}",
            X_CSRFToken=self.cookies.get("csrftoken", ""),
        )


def csrf_of(page: Answer) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def operator_block() -> list[str]:
    """The commands of "A province deployment" in docs/operations.md, a command a line
    (continuation lines joined)."""
    text = OPERATIONS.read_text()
    section = text[text.index("## A province deployment") :]
    block = section[section.index("```sh\n") + len("```sh\n") :]
    block = block[: block.index("```")]
    return block.replace("\\\n", " ").splitlines()


@dataclass
class Ports:
    http: int
    https: int


def on_this_machine(
    lines: list[str], *, ports: Ports, cert: Path, key: Path, dump: str, checkout: Path
) -> str:
    """The operator's block with what cannot run here replaced; each replacement must find
    its line, so the test follows the document."""
    major = postgres_major()
    edits = {
        # apt: the packages must exist (installing them is .ci/run's); what installing
        # postgresql does on Debian, made here: the cluster "main", on the local socket only
        # (the machine's own cluster, if apt made one, replaced in this server's /etc only).
        "apt-get install -y ": lambda line: (
            f"apt-cache show --no-all-versions {line.split('-y', 1)[1]} > /dev/null\n"
            f"pg_dropcluster {major} main 2> /dev/null || true\n"
            f"pg_createcluster --start -o listen_addresses= {major} main > /dev/null"
        ),
        "git clone <repository> /srv/bangfu/app": lambda line: line.replace(
            "git clone <repository> /srv/bangfu/app",
            f"mkdir {APP} && mount --bind {checkout} {APP}",
        ),
        "editor /etc/bangfu/bangfu.env": lambda line: (
            "sed -i -e 's/^ALLOWED_HOSTS=.*/ALLOWED_HOSTS=localhost/'"
            f" -e 's|^CSRF_TRUSTED_ORIGINS=.*|CSRF_TRUSTED_ORIGINS=https://localhost:{ports.https}|'"
            " /etc/bangfu/bangfu.env\n"
            # Two workers on two cores; collectstatic without the pre-compression that
            # alone takes 15 s (tests/province_settings.py).
            "printf 'BANGFU_WORKERS=2\\nDJANGO_SETTINGS_MODULE=tests.province_settings\\n'"
            " >> /etc/bangfu/bangfu.env"
        ),
        "as_bangfu .venv/bin/python manage.py migrate": lambda line: (
            f"{dump} | as_bangfu psql -q -v ON_ERROR_STOP=1 bangfu > /dev/null\n{line}"
        ),
        "as_bangfu .venv/bin/python manage.py import_regions places.xlsx": lambda line: (
            f"printf '{PLACES}' > /srv/places.csv\n"
            + line.replace("places.xlsx", "/srv/places.csv")
        ),
        "as_bangfu .venv/bin/python manage.py create_admin": lambda line: (
            f"{line} <<< '{PASSWORD}'"
        ),
        "systemctl daemon-reload": lambda line: "",  # the stand-in reads the files as they are
        "systemctl enable --now ": lambda line: (
            line.replace("--now ", "")
            + f"\n{STANDIN} start "
            + " ".join(
                f"{UNITS}/{unit}.service"
                for unit in line.split("--now ", 1)[1].split()
                if "." not in unit
            )  # the timers' services run when the test says, below
        ),
        "install -d -m 0750 /etc/ssl/bangfu": lambda line: (
            f"{line}\ninstall -m 0640 {cert} {key} /etc/ssl/bangfu/"
        ),
        "editor /etc/nginx/sites-available/bangfu": lambda line: (
            "sed -i -e 's/server_name [^;]*;/server_name localhost;/'"
            f" -e 's/listen 80;/listen 127.0.0.1:{ports.http};/'"
            f" -e 's/listen 443 ssl http2;/listen 127.0.0.1:{ports.https} ssl http2;/'"
            " -e '/listen \\[::\\]/d' /etc/nginx/sites-available/bangfu"
        ),
        "nginx -t && systemctl reload nginx": lambda line: "nginx -t && nginx",
        "curl -s https://bangfu.example.gov.cn/healthz": lambda line: (
            "curl -s --cacert /etc/ssl/bangfu/fullchain.pem"
            f" https://localhost:{ports.https}/healthz; echo"
        ),
        "systemctl start bangfu-backup": lambda line: line.replace(
            "systemctl start bangfu-backup", f"{STANDIN} run {UNITS}/bangfu-backup.service"
        ),
    }
    used = set()
    script = []
    for line in lines:
        found = [start for start in edits if line.startswith(start)]
        if found:
            used.add(found[0])
            line = edits[found[0]](line.split("  #", 1)[0].rstrip())
        script.append(line)
    missing = set(edits) - used
    assert not missing, f"docs/operations.md no longer has these lines: {sorted(missing)}"
    return "\n".join(script) + "\n"


def postgres_major() -> str:
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3])
    )
    return versions[-1].parts[-3]


@dataclass
class Server:
    """The new server: this machine through a mount namespace the test holds open (a
    ``sleep`` in it), the namespace's /etc an overlay and its /srv, /run, and the folders of
    PostgreSQL and nginx folders of the test, so that nothing the walk does reaches the
    machine. ``folder`` shows from outside what the server wrote there."""

    folder: Path
    holder: subprocess.Popen | None = None

    @property
    def checkout(self) -> Path:
        """Where the checkout under test is held for the walk's "git clone" line."""
        return self.folder / "checkout"

    @property
    def journal_folder(self) -> Path:
        return self.folder / "run" / JOURNAL.removeprefix("/run/")

    def open(self) -> None:
        places = {
            "/srv": ("srv", 0o755, "root"),
            "/run": ("run", 0o755, "root"),
            "/var/lib/postgresql": ("postgresql-lib", 0o755, "postgres"),
            "/var/log/postgresql": ("postgresql-log", 0o1775, "postgres"),
            "/var/lib/nginx": ("nginx-lib", 0o755, "root"),
            "/var/log/nginx": ("nginx-log", 0o755, "root"),
        }
        commands = []
        for inside, (name, mode, owner) in places.items():
            outside = self.folder / name
            outside.mkdir()
            outside.chmod(mode)
            shutil.chown(outside, "root", owner)
            commands.append(f"mkdir -p {inside} && mount --bind {outside} {inside}")
        (self.folder / "run/lock").mkdir(mode=0o1777)
        socket_dir = self.folder / "run/postgresql"
        socket_dir.mkdir()
        shutil.chown(socket_dir, "postgres", "postgres")
        socket_dir.chmod(0o2775)
        for name in ("etc-upper", "etc-work", "checkout"):
            (self.folder / name).mkdir()
        commands.insert(
            0,
            f"mount -t overlay overlay -o lowerdir=/etc,upperdir={self.folder}/etc-upper,"
            f"workdir={self.folder}/etc-work /etc",
        )
        # The checkout, held where the walk's "git clone" line mounts it from.
        commands.append(f"mount --bind {ROOT} {self.checkout}")
        commands += reachable_interpreter(self.folder)
        self.holder = subprocess.Popen(
            ["unshare", "--mount", "--propagation", "private", "--", "sleep", "infinity"]
        )
        wait_until(
            lambda: (
                os.readlink(f"/proc/{self.holder.pid}/ns/mnt") != os.readlink("/proc/self/ns/mnt")
            ),
            "the server's mount namespace",
            timeout=10,
        )
        self.sh(" && ".join(commands))

    def sh(self, script: str, *, check: bool = True, timeout: float = 300) -> str:
        result = subprocess.run(
            ["nsenter", f"--target={self.holder.pid}", "--mount", "--", "bash", "-e", "-o",
             "pipefail", "-c", script],
            capture_output=True,
            text=True,
            timeout=timeout,
            start_new_session=True,
        )  # fmt: skip
        if check:
            assert result.returncode == 0, f"{script}\n---\n{result.stdout}{result.stderr}"
        return result.stdout

    def as_bangfu(self, command: str, **settings: str) -> str:
        """A command as the walk's ``as_bangfu`` runs it (the account, the settings), with
        ``settings`` over those of /etc/bangfu/bangfu.env."""
        overrides = "".join(f" {k}={shlex.quote(v)};" for k, v in settings.items())
        inner = f"set -a; . /etc/bangfu/bangfu.env;{overrides} cd {APP}; exec {command}"
        return self.sh(f"runuser -u bangfu -- sh -c {shlex.quote(inner)}")

    def psql(self, sql: str, database: str = "bangfu") -> str:
        return self.sh(
            f"runuser -u bangfu -- psql -At -v ON_ERROR_STOP=1 -c {shlex.quote(sql)} {database}"
        ).strip()

    def journal(self, unit: str) -> str:
        path = self.journal_folder / f"{unit}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self, unit: str, timeout: float = 30) -> None:
        """``systemctl stop``: SIGTERM to the service's process group, waited for."""
        pid_file = self.journal_folder / f"{unit}.pid"
        if pid_file.exists():
            stop_group(int(pid_file.read_text()), timeout)
            pid_file.unlink()

    def close(self) -> None:
        for unit in ("bangfu-web", "bangfu-worker"):
            self.stop(unit)
        nginx_pid = self.folder / "run/nginx.pid"
        if nginx_pid.exists():
            stop_group(int(nginx_pid.read_text()), 20, signal.SIGQUIT)
        if self.holder is not None:
            self.sh(f"pg_ctlcluster {postgres_major()} main stop -m immediate", check=False)
            self.holder.kill()
            self.holder.wait(10)

    def tails(self) -> str:
        logs = [
            *(self.journal_folder / f"{unit}.log" for unit in ("bangfu-web", "bangfu-worker")),
            *(self.folder / "nginx-log" / name for name in ("error.log", "bangfu.error.log")),
        ]
        return "\n".join(
            f"--- {path.name} ---\n{path.read_text(errors='replace')[-3000:]}"
            for path in logs
            if path.exists()
        )


def reachable_interpreter(folder: Path) -> list[str]:
    """Mounts that let the service account run this checkout's virtualenv when its Python
    lives under a folder other accounts cannot enter (pyenv under /root): that folder is
    replaced inside the namespace by an open one holding only the interpreter's tree. A
    server's Python (/usr/bin/python3) needs none."""
    base = Path(sys.base_prefix).resolve()
    for depth in range(1, len(base.parts)):
        closed = Path(*base.parts[:depth])
        if closed != Path("/") and not closed.stat().st_mode & stat.S_IXOTH:
            kept = Path(*base.parts[: depth + 1])
            hold = folder / "interpreter"
            hold.mkdir()
            return [
                f"mount --bind {kept} {hold}",
                f"mount -t tmpfs -o mode=0755 tmpfs {closed}",
                f"mkdir -p {kept}",
                f"mount --move {hold} {kept}",
            ]
    return []


def stop_group(pid: int, timeout: float, sig: int = signal.SIGTERM) -> None:
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        return

    def gone() -> bool:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return True
        return state in {"Z", "X"}  # ended; its parent, gone, never reaps it

    try:
        wait_until(gone, f"process {pid} stopping", timeout)
    except AssertionError:
        os.killpg(pid, signal.SIGKILL)


def wait_until(check, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{what}: not within {timeout:.0f} s")


def dump_of_the_test_database() -> str:
    """The command that prints this run's migrated test database, for the new server."""
    from django.db import connection

    settings = connection.settings_dict
    return shlex.join(
        ["pg_dump", "--no-owner", "--no-privileges", f"--host={settings['HOST']}",
         f"--port={settings['PORT']}", f"--username={settings['USER']}", settings["NAME"]]
    )  # fmt: skip


def host_steps_possible() -> str | None:
    """Why the walk cannot run on this machine, or None."""
    if os.geteuid() != 0:
        return "the operator's steps run as root (adduser, mount namespace)"
    for tool in (NGINX, "/usr/bin/unshare", "/usr/bin/nsenter", "/usr/bin/pg_createcluster"):
        if not Path(tool).exists():
            return f"{tool} is not installed (.ci/run installs nginx-light and postgresql)"
    probe = subprocess.run(
        ["unshare", "--mount", "--", "mount", "-t", "tmpfs", "tmpfs", "/mnt"], capture_output=True
    )
    if probe.returncode != 0:
        return f"no mount namespace here: {probe.stderr.decode().strip()}"
    return None


@pytest.mark.django_db(transaction=True)
def test_the_operators_walk_gives_a_province_stack_behind_nginx_on_postgresql(tmp_path):
    reason = host_steps_possible()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    folder = tmp_path
    cert, key = make_certificate(folder)
    ports = Ports(free_port(), free_port())
    server = Server(folder / "server")
    server.folder.mkdir()
    walk = on_this_machine(
        operator_block(),
        ports=ports,
        cert=cert,
        key=key,
        dump=dump_of_the_test_database(),
        checkout=server.checkout,
    )
    try:
        server.open()
        # docs/operations.md, "A province deployment", steps 1–7, as one script.
        said = server.sh(walk, timeout=600)
        assert "620000000000" not in said
        tls = ssl.create_default_context(cafile=str(cert))
        browser = Browser(ports.https, tls)
        wait_until(lambda: browser.get("/livez").status == 200, "gunicorn answering via nginx")
        wait_until(lambda: browser.get("/healthz").status == 200, "the worker's first heartbeat")
        health = json.loads(browser.get("/healthz").body)
        assert health["status"] == "ok" and health["database"] == "ok"
        assert health["worker"] == "ok"
        # What the walk made, as the document says: the account, nginx's user in its group,
        # the settings readable by the services only, var/ theirs alone, the units enabled.
        facts = server.sh(
            "id -nG www-data; stat -c '%U:%G %a' /etc/bangfu/bangfu.env /srv/bangfu/var"
            " /run/bangfu /etc/bangfu/backup.key; ls /etc/systemd/system/*.wants"
        )
        assert "bangfu" in facts.splitlines()[0].split()
        assert facts.splitlines()[1:5] == [
            "root:bangfu 640", "bangfu:bangfu 700", "bangfu:bangfu 750", "root:bangfu 640"
        ]  # fmt: skip
        for unit in ("bangfu-web.service", "bangfu-worker.service", "bangfu-daily.timer",
                     "bangfu-backup.timer"):  # fmt: skip
            assert unit in facts, f"{unit} not enabled"
        web = int((server.journal_folder / "bangfu-web.pid").read_text())
        uid = Path(f"/proc/{web}/status").read_text().split("Uid:")[1].split()[0]
        assert uid == server.sh("id -u bangfu").strip(), "gunicorn runs as bangfu"

        # http → https, the path and query kept.
        plain = http.client.HTTPConnection("127.0.0.1", ports.http, timeout=10)
        plain.request("GET", "/households/?page=2", headers={"Host": "localhost"})
        moved = plain.getresponse()
        assert moved.status == 301
        assert moved.getheader("Location") == "https://localhost/households/?page=2"
        plain.close()

        # A page: sign in over https as the walk's administrator, with the request id the
        # client sent.
        login = browser.get("/accounts/login/", X_Request_ID=REQUEST_ID)
        assert login.status == 200
        assert login.headers["x-request-id"] == REQUEST_ID
        assert "max-age=31536000" in login.headers["strict-transport-security"]
        signed_in = browser.post_form(
            "/accounts/login/",
            {"csrfmiddlewaretoken": csrf_of(login), "username": "admin", "password": PASSWORD},
        )
        assert signed_in.status == 302, signed_in.text[:2000]
        session_cookie = next(c for c in browser.set_cookie_lines if c.startswith("sessionid="))
        assert "Secure" in session_cookie and "HttpOnly" in session_cookie
        home = browser.get(signed_in.headers["location"])
        assert home.status == 200 and "张三" in home.text
        assert re.fullmatch(r"[0-9a-f]{32}", home.headers["x-request-id"])  # nginx's own
        browser.get("/households/?q=" + urllib.parse.quote("不该进日志的名字"))

        # A static file: from nginx, as www-data (no Django request logged), long cached.
        stylesheet = re.search(r'href="(/static/css/bangfu\.[0-9a-f]{12}\.css)"', home.text)
        assert stylesheet, "the page links its stylesheet by its hashed name"
        css = browser.get(stylesheet.group(1))
        assert css.status == 200 and css.headers["content-type"].startswith("text/css")
        assert "max-age=31536000" in css.headers["cache-control"]
        assert "immutable" in css.headers["cache-control"]

        # Uploads are never files nginx hands out: a photo's bytes under var/media are not
        # reachable by address, and the app's photo address wants a signed-in user with the
        # photo in their places.
        photo = folder / "server/srv/bangfu/var/media/visits/2026/01/secret.jpg"
        photo.parent.mkdir(parents=True)
        photo.write_bytes(b"\xff\xd8personal-photo-bytes")
        for path in ("/media/", "/static/../var/media/"):
            path += "visits/2026/01/secret.jpg"
            exposed = browser.get(path)
            assert exposed.status in {400, 404} and b"personal-photo-bytes" not in exposed.body
        anonymous = Browser(ports.https, tls)
        refused = anonymous.get("/visits/photos/1/")
        assert refused.status == 302 and refused.headers["location"].startswith("/accounts/login/")
        # Signed in, not one of theirs; Django's "Not Found" record carries the request's id.
        assert browser.get("/visits/photos/1/", X_Request_ID="stack-test-0002").status == 404

        # An API write with a token issued on the user's page.
        user_id = int(server.psql("SELECT id FROM accounts_user WHERE username = 'admin'"))
        issue = browser.get(f"/accounts/users/{user_id}/")
        assert issue.status == 200
        issued = browser.post_form(
            f"/accounts/users/{user_id}/tokens/",
            {"csrfmiddlewaretoken": csrf_of(issue), "name": "省大数据平台"},
        )
        assert issued.status == 200, issued.text[:2000]
        token = html.unescape(re.search(r'<code class="token">([^<]+)</code>', issued.text)[1])
        unit = {"name": "兰州市城关区帮扶工作站", "kind": "government", "level": "county",
                "region_code": "620102000000"}  # fmt: skip
        created = Browser(ports.https, tls).request(
            "POST",
            "/api/units",
            json.dumps(unit).encode(),
            Content_Type="application/json",
            Authorization=f"Bearer {token}",
        )
        assert created.status == 201, created.text
        stored = f"SELECT region_id FROM pairing_unit WHERE name = '{unit['name']}'"
        assert server.psql(stored) == "620102000000"
        assert (
            server.psql("SELECT count(*) FROM core_auditentry WHERE action = 'unit.create'") == "1"
        )

        # The daily routine as its timer starts it: the audit chain checked (a broken link
        # fails the unit), helpers reminded.
        server.sh(f"{STANDIN} run {UNITS}/bangfu-daily.service")

        # "Backup and restore": the nightly backup again while the stack serves (step 7 made
        # the first), then a restore onto "a new server" — an empty database, the old
        # application keys in its var/ — which must hold the same unit and an intact chain.
        server.sh(f"{STANDIN} run {UNITS}/bangfu-backup.service")
        # (Named by the day: two, if midnight passed since step 7's.)
        archive = max((folder / "server/srv/backups").glob("bangfu-*.bangfu"), key=os.path.getmtime)
        restore_onto_a_new_server(server, f"/srv/backups/{archive.name}")
        assert server.psql(stored, database="bangfu_restored") == "620102000000"

        # The worker stopped (systemctl stop sends SIGTERM): /healthz says so at once.
        server.stop("bangfu-worker")
        stopped = browser.get("/healthz")
        assert stopped.status == 503
        assert json.loads(stopped.body) == {
            "status": "failing",
            "database": "ok",
            "worker": "absent",
            "worker_seconds_since_beat": None,
        }

        # The logs: one JSON object a line, the request's id on the app's record and on
        # nginx's access line, the account's id and never a name or a query string.
        server.stop("bangfu-web")
        log = server.journal("bangfu-web")
        records = [json.loads(line) for line in log.splitlines() if line]
        mine = [r for r in records if r["request_id"] == REQUEST_ID]
        assert {(r["logger"], r["method"], r["path"], r["status"]) for r in mine} == {
            ("bangfu.request", "GET", "/accounts/login/", 200)
        }
        assert {r["logger"] for r in records if r["request_id"] == "stack-test-0002"} == {
            "bangfu.request",
            "django.request",
        }
        requests = [r for r in records if r["logger"] == "bangfu.request"]
        assert {r["user_id"] for r in requests if r["path"] == "/households/"} == {user_id}
        assert home.headers["x-request-id"] in {r["request_id"] for r in requests}
        assert stylesheet[1] not in {r["path"] for r in requests}
        assert "不该进日志的名字" not in log and "张三" not in log
        access = (folder / "server/nginx-log/bangfu.access.log").read_text().splitlines()
        assert any(
            a["request_id"] == REQUEST_ID and a["status"] == 200 for a in map(json.loads, access)
        )
    except Exception as error:
        raise AssertionError(f"{error}\n{server.tails()}") from error
    finally:
        server.close()


def restore_onto_a_new_server(server: Server, archive: str) -> None:
    """Steps 1–3 of "Restore": an empty database of the same kind, the old installation's
    keys put in place, ``manage.py restore``; then ``verify_audit`` there."""
    server.sh(
        "runuser -u postgres -- createdb --owner=bangfu --encoding=UTF8 --locale=C"
        " --template=template0 bangfu_restored\n"
        "install -d -o bangfu -g bangfu -m 0700 /srv/bangfu/var-restored\n"
        "cd /srv/bangfu/var && for key in field_key audit_key lookup_key sm4_key secret_key; do"
        " [ ! -e $key ] || install -o bangfu -g bangfu -m 0600 $key /srv/bangfu/var-restored/;"
        " done"
    )
    new_server = {
        "DATABASE_URL": "postgres://bangfu@%2Fvar%2Frun%2Fpostgresql/bangfu_restored",
        "BANGFU_VAR_DIR": "/srv/bangfu/var-restored",
    }
    restored = server.as_bangfu(
        f".venv/bin/python manage.py restore {archive} --key-file /etc/bangfu/backup.key",
        **new_server,
    )
    assert "620102000000" not in restored  # it reports counts, not records
    server.as_bangfu(".venv/bin/python manage.py verify_audit", **new_server)
