"""A province's deployment, run on loopback: nginx with deploy/nginx/bangfu.conf and a
self-signed certificate, gunicorn with deploy/gunicorn.conf.py, the background worker, on
PostgreSQL, with the production settings and the steps of docs/operations.md.

It runs once in ``make test``: in the PostgreSQL half (scripts/with_postgres.py), on a copy
of that run's migrated test database (migrating from nothing takes over a minute), so the
operator's ``migrate`` finds nothing left to do. nginx comes from apt (.ci/run).
"""

import html
import http.client
import http.cookies
import ipaddress
import json
import os
import re
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PASSWORD = "Stack-test-pass-2026"
REQUEST_ID = "stack-test-0001"
UNITS = ROOT / "deploy" / "systemd"
INSTALLED = "/srv/bangfu/app"  # where docs/operations.md has the operator put the application

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


def make_certificate(folder: Path) -> tuple[Path, Path]:
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=3650))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert, private = folder / "fullchain.pem", folder / "privkey.pem"
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert, private


def render_nginx(folder: Path, http_port: int, https_port: int, cert: Path, key: Path) -> Path:
    """The repository's site config with this test's ports and folders, and a main config
    around it. Each replaced text must be in the file, so the test follows the config."""
    site = (ROOT / "deploy/nginx/bangfu.conf").read_text()
    for old, new in {
        "unix:/run/bangfu/gunicorn.sock": f"unix:{folder}/gunicorn.sock",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;": "",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "listen [::]:443 ssl http2;": "",
        "/var/log/nginx/": f"{folder}/log/",
        "/etc/ssl/bangfu/fullchain.pem": str(cert),
        "/etc/ssl/bangfu/privkey.pem": str(key),
        "/srv/bangfu/static/": f"{folder}/static/",
    }.items():
        assert old in site, f"deploy/nginx/bangfu.conf no longer has {old!r}"
        site = site.replace(old, new)
    (folder / "bangfu.conf").write_text(site)
    temp = folder / "nginx-temp"
    temp.mkdir()
    user = "user root root;" if os.geteuid() == 0 else ""  # workers read the test's folders
    main = f"""
        {user}
        worker_processes 1;
        daemon off;
        pid {folder}/nginx.pid;
        error_log {folder}/log/error.log warn;
        events {{ worker_connections 256; }}
        http {{
            include /etc/nginx/mime.types;
            default_type application/octet-stream;
            client_body_temp_path {temp}/body;
            proxy_temp_path {temp}/proxy;
            fastcgi_temp_path {temp}/fastcgi;
            uwsgi_temp_path {temp}/uwsgi;
            scgi_temp_path {temp}/scgi;
            include {folder}/bangfu.conf;
        }}
    """
    (folder / "nginx.conf").write_text(main)
    return folder / "nginx.conf"


@dataclass
class Stack:
    folder: Path
    env: dict[str, str]
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def manage(self, *args: str, stdin: str = "") -> str:
        return self.run([sys.executable, "manage.py", *args], stdin)

    def run(self, command: list[str], stdin: str = "") -> str:
        # A session of its own: no terminal, so create_admin's getpass reads stdin.
        result = subprocess.run(
            command,
            cwd=ROOT,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            start_new_session=True,
        )
        assert result.returncode == 0, f"{shlex.join(command)}: {result.stdout}{result.stderr}"
        return result.stdout

    def start(self, name: str, command: list[str], **env: str) -> None:
        with (self.folder / f"{name}.log").open("ab") as log:
            self.processes[name] = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**self.env, **env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group: stopped with every child it made
            )

    def stop(self, name: str, timeout: float = 20) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def tails(self) -> str:
        names = ["nginx", "gunicorn", "worker", "log/error", "log/bangfu.error"]
        return "\n".join(f"--- {name}.log ---\n{self.log(name)[-3000:]}" for name in names)


def unit_commands(name: str) -> list[list[str]]:
    """What a unit of deploy/systemd runs (its ExecStart lines, in order), in the directory it
    runs them in, with the application where this test has it."""
    service: dict[str, list[str]] = {}
    section = ""
    for line in (UNITS / name).read_text().splitlines():
        if line.startswith("["):
            section = line.strip()
        elif section == "[Service]" and line.strip() and not line.startswith("#"):
            key, value = line.split("=", 1)
            service.setdefault(key, []).append(value)
    assert service["WorkingDirectory"] == [INSTALLED], "the commands are relative to it"
    return [shlex.split(line.replace(INSTALLED, str(ROOT))) for line in service["ExecStart"]]


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


def copy_of_the_test_database(name: str) -> tuple[str, "object"]:
    """A database made from this run's migrated test database, and a connection to the
    server to drop it with. No session may be on the template while it is copied."""
    import psycopg
    from django.db import connection, connections

    settings = connection.settings_dict
    template = settings["NAME"]
    connections.close_all()
    admin = psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"],
        user=settings["USER"],
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{name}"
    return url, admin


# Transactional: no transaction of the test holds a session on the database being copied.
@pytest.mark.django_db(transaction=True)
def test_a_province_stack_behind_nginx_on_postgresql(tmp_path):
    if not Path(NGINX).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is not installed: .ci/run installs nginx-light")
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    import psycopg
    from django.db import connection

    folder = tmp_path
    (folder / "log").mkdir()
    database = f"{connection.settings_dict['NAME']}_stack"
    url, admin = copy_of_the_test_database(database)
    http_port, https_port = free_port(), free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "BANGFU_", "PYTEST_")) and key != "DATABASE_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tests.province_settings",
        DATABASE_URL=url,
        SECRET_KEY="stack-test-secret-key-" + "x" * 40,
        ALLOWED_HOSTS="localhost",
        BANGFU_HTTPS="true",
        BANGFU_BEHIND_PROXY="true",
        BANGFU_LOG_FORMAT="json",
        BANGFU_VAR_DIR=str(folder / "var"),
        BANGFU_STATIC_ROOT=str(folder / "static"),
        BANGFU_BIND=f"unix:{folder}/gunicorn.sock",
        BANGFU_WORKERS="2",
        PYTHONUNBUFFERED="1",
    )
    stack = Stack(folder, env)
    try:
        # docs/operations.md, "A province deployment": the operator's steps.
        # collectstatic meanwhile: the slowest step, which needs no database.
        stack.start("collectstatic", [sys.executable, "manage.py", "collectstatic", "--noinput"])
        stack.manage("migrate", "--noinput")
        places = folder / "places.csv"
        places.write_text(
            "代码,名称\n620000000000,甘肃省\n620100000000,兰州市\n620102000000,城关区\n"
        )
        stack.manage("import_regions", str(places))
        stack.manage(
            "create_admin",
            "--username=gs_admin",
            "--full-name=马省管",
            "--place=620102000000",
            stdin=PASSWORD + "\n",
        )
        assert stack.processes.pop("collectstatic").wait(120) == 0, stack.log("collectstatic")
        cert, key = make_certificate(folder)
        nginx_conf = render_nginx(folder, http_port, https_port, cert, key)
        nginx = [NGINX, "-p", str(folder), "-c", str(nginx_conf), "-e", f"{folder}/log/error.log"]
        check = subprocess.run([*nginx, "-t"], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        # The web and the worker as their systemd units start them. The web's unit is
        # Type=notify: systemd counts it started when gunicorn says READY on the socket it
        # gives, so the test gives one and waits for the word.
        notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        notify.bind(str(folder / "notify.sock"))
        notify.settimeout(60)
        (web,) = unit_commands("bangfu-web.service")
        stack.start("gunicorn", web, NOTIFY_SOCKET=str(folder / "notify.sock"))
        (worker,) = unit_commands("bangfu-worker.service")
        stack.start("worker", worker)
        stack.start("nginx", nginx)

        tls = ssl.create_default_context(cafile=str(cert))
        browser = Browser(https_port, tls)
        assert notify.recv(4096).startswith(b"READY=1"), "gunicorn tells systemd it is ready"
        notify.close()
        wait_until(lambda: browser.get("/livez").status == 200, "gunicorn answering via nginx")
        wait_until(lambda: browser.get("/healthz").status == 200, "the worker's first heartbeat")
        health = json.loads(browser.get("/healthz").body)
        assert health["status"] == "ok" and health["database"] == "ok"
        assert health["worker"] == "ok"

        # http → https, the path and query kept.
        plain = http.client.HTTPConnection("127.0.0.1", http_port, timeout=10)
        plain.request("GET", "/households/?page=2", headers={"Host": "localhost"})
        moved = plain.getresponse()
        assert moved.status == 301
        assert moved.getheader("Location") == "https://localhost/households/?page=2"
        plain.close()

        # A page: sign in over https, with the request id the client sent.
        login = browser.get("/accounts/login/", X_Request_ID=REQUEST_ID)
        assert login.status == 200
        assert login.headers["x-request-id"] == REQUEST_ID
        assert "max-age=31536000" in login.headers["strict-transport-security"]
        signed_in = browser.post_form(
            "/accounts/login/",
            {"csrfmiddlewaretoken": csrf_of(login), "username": "gs_admin", "password": PASSWORD},
        )
        assert signed_in.status == 302, signed_in.text[:2000]
        session_cookie = next(c for c in browser.set_cookie_lines if c.startswith("sessionid="))
        assert "Secure" in session_cookie and "HttpOnly" in session_cookie
        home = browser.get(signed_in.headers["location"])
        assert home.status == 200 and "马省管" in home.text
        assert re.fullmatch(r"[0-9a-f]{32}", home.headers["x-request-id"])  # nginx's own
        browser.get("/households/?q=" + urllib.parse.quote("不该进日志的名字"))

        # A static file: from nginx (no Django request logged), with its long caching.
        stylesheet = re.search(r'href="(/static/css/bangfu\.[0-9a-f]{12}\.css)"', home.text)
        assert stylesheet, "the page links its stylesheet by its hashed name"
        css = browser.get(stylesheet.group(1))
        assert css.status == 200 and css.headers["content-type"].startswith("text/css")
        assert "max-age=31536000" in css.headers["cache-control"]
        assert "immutable" in css.headers["cache-control"]

        # Uploads are never files nginx hands out: a photo's bytes under var/media are not
        # reachable by address, and the app's photo address wants a signed-in user with the
        # photo in their places.
        photo = folder / "var/media/visits/2026/01/secret.jpg"
        photo.parent.mkdir(parents=True)
        photo.write_bytes(b"\xff\xd8personal-photo-bytes")
        for path in ("/media/", "/static/../var/media/"):
            path += "visits/2026/01/secret.jpg"
            exposed = browser.get(path)
            assert exposed.status in {400, 404} and b"personal-photo-bytes" not in exposed.body
        anonymous = Browser(https_port, tls)
        refused = anonymous.get("/visits/photos/1/")
        assert refused.status == 302 and refused.headers["location"].startswith("/accounts/login/")
        # Signed in, not one of theirs; Django's "Not Found" record carries the request's id.
        assert browser.get("/visits/photos/1/", X_Request_ID="stack-test-0002").status == 404

        # An API write with a token issued on the user's page.
        user_id = admin_user_id(url)
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
        created = Browser(https_port, tls).request(
            "POST",
            "/api/units",
            json.dumps(unit).encode(),
            Content_Type="application/json",
            Authorization=f"Bearer {token}",
        )
        assert created.status == 201, created.text
        with psycopg.connect(url) as db:
            stored = db.execute(
                "SELECT u.region_id FROM pairing_unit u WHERE u.name = %s", [unit["name"]]
            ).fetchall()
            audited = db.execute(
                "SELECT count(*) FROM core_auditentry WHERE action = 'unit.create'"
            ).fetchone()[0]
        assert stored == [("620102000000",)] and audited == 1

        # The daily routine as its unit (started by its timer) runs it: the audit chain
        # checked (a broken link fails the unit), helpers reminded.
        for command in unit_commands("bangfu-daily.service"):
            stack.run(command)

        # docs/operations.md, "Backup and restore": a backup while the stack serves, then a
        # restore onto "a new server" — an empty database, the old application keys in its
        # var/ — which must hold the same unit and an intact audit chain.
        backup_key = folder / "backup.key"
        backup_key.write_text("5a" * 32 + "\n")
        archive = folder / "backups/bangfu-2026-12-01.bangfu"
        archive.parent.mkdir()
        stack.manage("backup", str(archive), "--key-file", str(backup_key))
        restored_url, restored_db = restore_onto_a_new_server(stack, archive, backup_key, admin)
        with psycopg.connect(restored_url) as db:
            assert db.execute(
                "SELECT u.region_id FROM pairing_unit u WHERE u.name = %s", [unit["name"]]
            ).fetchall() == [("620102000000",)]
        admin.execute(f'DROP DATABASE IF EXISTS "{restored_db}" WITH (FORCE)')

        # The worker stopped (systemctl stop sends SIGTERM): /healthz says so at once.
        stack.stop("worker")
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
        stack.stop("gunicorn")
        records = [json.loads(line) for line in stack.log("gunicorn").splitlines() if line]
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
        assert "不该进日志的名字" not in stack.log("gunicorn")
        assert "马省管" not in stack.log("gunicorn")
        access = [json.loads(line) for line in stack.log("log/bangfu.access").splitlines()]
        assert any(a["request_id"] == REQUEST_ID and a["status"] == 200 for a in access)
    except Exception as error:
        raise AssertionError(f"{error}\n{stack.tails()}") from error
    finally:
        for name in ("nginx", "worker", "gunicorn"):
            stack.stop(name)
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.close()


def restore_onto_a_new_server(stack: Stack, archive: Path, backup_key: Path, admin):
    """Steps 1–3 of "Restore": an empty database of the same kind, the old installation's
    keys put in place, ``manage.py restore``; then ``verify_audit`` there."""
    name = f"{stack.env['DATABASE_URL'].rsplit('/', 1)[1]}_restored"
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
    url = stack.env["DATABASE_URL"].rsplit("/", 1)[0] + f"/{name}"
    var = stack.folder / "new-server-var"
    var.mkdir()
    for key in ("field_key", "audit_key", "lookup_key", "sm4_key", "secret_key"):
        if (stack.folder / "var" / key).exists():
            shutil.copy2(stack.folder / "var" / key, var / key)
    new_server = Stack(stack.folder, {**stack.env, "DATABASE_URL": url, "BANGFU_VAR_DIR": str(var)})
    restored = new_server.manage("restore", str(archive), "--key-file", str(backup_key))
    assert "620102000000" not in restored  # it reports counts, not records
    new_server.manage("verify_audit")  # exits non-zero at a broken link
    return url, name


def admin_user_id(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as db:
        return db.execute("SELECT id FROM accounts_user WHERE username = 'gs_admin'").fetchone()[0]
