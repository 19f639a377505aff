"""`make production-check`: the production stack from the files in `deploy/`, on loopback.

Run under `scripts/with-postgres.sh` (DATABASE_URL: an empty PostgreSQL). It
1. restores the database of the previous release (PREVIOUS: the commit before the
   production issue, its migrations and its demo data, as that release made it and
   `--dump-previous` kept in `scripts/previous-release/`), then upgrades it with
   `deploy/upgrade.sh`, as a county upgrades;
2. starts what `deploy/systemd/` starts (gunicorn, the task worker, the mail worker), as
   the units say, with the environment file made from `deploy/yhdyspinta.env.example`,
   and nginx with `deploy/nginx/` and a self-signed certificate, and an SMTP sink
   (aiosmtpd) as the mail server;
3. checks over TLS what a county's IT would (pages and their headers, static files, a
   private file only after the permission check, an upload too large, mail delivered by
   the worker, the client's address and the rate limit per real client, the health
   endpoint, the error pages, every timer's command, a backup restored into a new
   database);
4. prints `production-check: N checks passed` and stops everything it started.

The units' and nginx's paths (/srv/yhdyspinta, /etc/yhdyspinta, /etc/ssl/yhdyspinta) and
ports are mapped to a temporary folder and free ports; nothing else in them is changed.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import brotli
import requests
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
# The last commit before the production issue (#37): the release a county runs today.
PREVIOUS = "20393f0"
# Its database, made by its own code (`production_check.py --dump-previous`): restoring
# it takes seconds where its migrations and demo take some 45 s of CPU in every run.
PREVIOUS_DUMP = ROOT / "scripts" / "previous-release" / f"{PREVIOUS}.dump"
# The periodic commands docs/production.md names, each of which a timer must run.
PERIODIC = re.compile(r"`(send_\w+_reminders|prune_use_log|deliver_outbox|check_obligations)")


class Failed(Exception):
    pass


class Check:
    def __init__(self) -> None:
        self.passed = 0

    def __call__(self, name: str, condition: bool, detail: object = "") -> None:
        if not condition:
            raise Failed(f"{name}: {detail}")
        self.passed += 1
        print(f"  ok  {name}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Sink:
    """The mail server: keeps what it receives."""

    def __init__(self) -> None:
        self.received: list[bytes] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.received.append(envelope.content)
        return "250 OK"


class Stack:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.srv = folder / "srv"
        self.ports = {name: free_port() for name in ("https", "http", "app", "smtp")}
        self.processes: list[subprocess.Popen] = []
        self.url = f"https://localhost:{self.ports['https']}"

    # -- the deploy files, installed here -----------------------------------------------
    def installed(self, text: str) -> str:
        mapping = [
            ("/srv/yhdyspinta/app", str(ROOT)),
            ("/srv/yhdyspinta/", f"{self.srv}/"),
            ("/etc/yhdyspinta/yhdyspinta.env", str(self.folder / "yhdyspinta.env")),
            ("/etc/ssl/yhdyspinta/fullchain.pem", str(self.folder / "cert.pem")),
            ("/etc/ssl/yhdyspinta/privkey.pem", str(self.folder / "key.pem")),
            ("/etc/nginx/snippets/", f"{self.folder}/nginx/"),
            ("/var/log/nginx/", f"{self.folder}/nginx/logs/"),
            ("/run/yhdyspinta-metrics", f"{self.folder}/metrics"),
            ("127.0.0.1:8000", f"127.0.0.1:{self.ports['app']}"),
            ("listen 443 ssl", f"listen 127.0.0.1:{self.ports['https']} ssl"),
            ("listen 80;", f"listen 127.0.0.1:{self.ports['http']};"),
            ("https://$host$request_uri", f"https://$host:{self.ports['https']}$request_uri"),
            ("yhdyspinta.example.fi", "localhost"),
        ]
        for old, new in mapping:
            text = text.replace(old, new)
        return text

    def environment(self) -> dict[str, str]:
        env: dict[str, str] = {}
        for line in (DEPLOY / "yhdyspinta.env.example").read_text().splitlines():
            if line.strip() and not line.startswith("#"):
                key, _, value = line.partition("=")
                env[key] = self.installed(value)
        env.update(
            SECRET_KEY=secrets.token_urlsafe(50),
            DATABASE_URL=os.environ["DATABASE_URL"],
            ALLOWED_HOSTS="localhost,127.0.0.1",
            CSRF_TRUSTED_ORIGINS=self.url,
            SITE_URL=self.url,
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(self.ports["smtp"]),
            EMAIL_USE_TLS="0",
            # Low, so that the check reaches it.
            API_ANONYMOUS_RATE="5/m",
            LOG_LEVEL="ERROR",
        )
        return env

    def write_environment(self) -> dict[str, str]:
        env = self.environment()
        (self.folder / "yhdyspinta.env").write_text(
            "".join(f"{key}={value}\n" for key, value in env.items())
        )
        for name in ("media", "static", "progress", "backup"):
            (self.srv / name).mkdir(parents=True, exist_ok=True)
        return env

    def unit(self, name: str, instance: str = "") -> tuple[list[str], Path, dict[str, str]]:
        """A unit's command, folder and environment, as systemd would run it."""
        text = self.installed((DEPLOY / "systemd" / name).read_text()).replace("%i", instance)
        fields: dict[str, str] = {}
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
        for line in text.splitlines():
            key, _, value = line.partition("=")
            fields.setdefault(key.strip(), value.strip())
        for line in Path(fields["EnvironmentFile"]).read_text().splitlines():
            key, _, value = line.partition("=")
            env[key] = value
        for line in text.splitlines():  # Environment= lines, after the file, as systemd
            if line.startswith("Environment="):
                key, _, value = line.removeprefix("Environment=").partition("=")
                env[key] = value
                if key == "PROMETHEUS_MULTIPROC_DIR":  # systemd's RuntimeDirectory=
                    Path(value).mkdir(parents=True, exist_ok=True)
        folder = Path(fields.get("WorkingDirectory", ROOT))
        return shlex.split(fields["ExecStart"]), folder, env

    def start(self, command: list[str], cwd: Path, env: dict[str, str], log: str) -> None:
        handle = (self.folder / f"{log}.log").open("wb")
        self.processes.append(
            subprocess.Popen(
                command,
                cwd=cwd,
                env=env,
                stdout=handle,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)

    def session(self) -> requests.Session:
        """A client that trusts the self-signed certificate (and no proxy or CA bundle
        from the environment, which requests would prefer to it)."""
        client = requests.Session()
        client.trust_env = False
        client.verify = str(self.folder / "cert.pem")
        return client

    # -- nginx -------------------------------------------------------------------------
    def nginx(self) -> None:
        folder = self.folder / "nginx"
        for sub in ("", "body", "proxy", "logs"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-keyout",
                self.folder / "key.pem",
                "-out",
                self.folder / "cert.pem",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=DNS:localhost",
            ],
            check=True,
            capture_output=True,
        )
        for name in ("yhdyspinta.conf", "yhdyspinta-proxy.conf"):
            (folder / name).write_text(self.installed((DEPLOY / "nginx" / name).read_text()))
        user = "user root;\n" if os.geteuid() == 0 else ""
        (folder / "nginx.conf").write_text(
            f"{user}worker_processes 1;\npid {folder}/nginx.pid;\n"
            f"error_log {folder}/logs/error.log;\n"
            "events {}\nhttp {\n  include /etc/nginx/mime.types;\n"
            f"  access_log {folder}/logs/access.log;\n  client_body_temp_path {folder}/body;\n"
            f"  proxy_temp_path {folder}/proxy;\n  include {folder}/yhdyspinta.conf;\n}}\n"
        )
        tested = subprocess.run(
            ["nginx", "-t", "-c", str(folder / "nginx.conf"), "-p", str(folder)],
            capture_output=True,
            text=True,
        )
        if tested.returncode:
            raise Failed(f"nginx -t: {tested.stderr}")
        self.start(
            ["nginx", "-c", str(folder / "nginx.conf"), "-p", str(folder), "-g", "daemon off;"],
            ROOT,
            dict(os.environ),
            "nginx",
        )


def run(
    command: list[str], env: dict[str, str], cwd: Path = ROOT, *, check: bool = True
) -> subprocess.CompletedProcess:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0 and check:
        raise Failed(
            f"{' '.join(map(str, command))} exited {done.returncode}:\n{done.stdout}{done.stderr}"
        )
    return done


def wait(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    last: object = None
    while time.monotonic() < end:
        try:
            if condition():
                return
        except requests.RequestException as error:
            last = error
        time.sleep(0.2)
    raise Failed(f"timed out waiting for {what} ({last})")


def psql(url: str, sql: str) -> str:
    return subprocess.run(
        ["psql", url, "-tAc", sql], capture_output=True, text=True, check=True
    ).stdout.strip()


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="yhdyspinta-production-"))
    stack = Stack(folder)
    check = Check()
    sink = Sink()
    mail = Controller(sink, hostname="127.0.0.1", port=stack.ports["smtp"])
    mail.start()
    started = time.monotonic()
    try:
        checks(stack, check, sink)
    except Failed as failure:
        print(f"production-check: FAILED after {check.passed} checks: {failure}")
        for log in sorted(folder.glob("*.log")) + sorted((folder / "nginx" / "logs").glob("*.log")):
            print(
                f"--- {log.name} (last lines)\n"
                + "\n".join(log.read_text(errors="replace").splitlines()[-30:])
            )
        return 1
    finally:
        stack.stop()
        mail.stop()
        if os.environ.get("PRODUCTION_CHECK_KEEP"):
            print(f"kept: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"production-check: {check.passed} checks passed ({time.monotonic() - started:.0f} s)")
    return 0


def checks(stack: Stack, check: Check, sink: Sink) -> None:
    env = stack.write_environment()
    database = env["DATABASE_URL"]

    print("== the previous release's database, upgraded by deploy/upgrade.sh", flush=True)
    if not PREVIOUS_DUMP.exists():
        raise Failed(
            f"{PREVIOUS_DUMP} is missing: make it with {Path(__file__).name} --dump-previous"
        )
    run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--dbname",
            database,
            str(PREVIOUS_DUMP),
        ],
        {**env, "PATH": os.environ["PATH"]},
    )
    python = str(ROOT / ".venv" / "bin" / "python")
    people = psql(database, "SELECT count(*) FROM parties_person")
    upgrade = {"PATH": os.environ["PATH"], "YHDYSPINTA_ENV": str(stack.folder / "yhdyspinta.env")}
    run([str(DEPLOY / "upgrade.sh"), "--no-restart"], upgrade)
    check(
        "the previous release's data is there after the upgrade",
        psql(database, "SELECT count(*) FROM parties_person") == people,
        people,
    )
    pending = run(
        [python, "manage.py", "migrate", "--check"], {**env, "PATH": "/usr/bin:/bin"}, check=False
    )
    check("every migration applied after the upgrade", pending.returncode == 0, pending.stdout)

    # A stored file of a meeting whose minutes are not published: for the area's users.
    attachment = (
        run([python, "manage.py", "shell", "-c", STORE_FILE], {**env, "PATH": "/usr/bin:/bin"})
        .stdout.strip()
        .splitlines()[-1]
    )
    file_url, stored_name = attachment.split(" ", 1)

    print("== the services of deploy/systemd and deploy/nginx", flush=True)
    for name in ("yhdyspinta-web.service", "yhdyspinta-worker.service", "yhdyspinta-mail.service"):
        command, cwd, unit_env = stack.unit(name)
        stack.start(command, cwd, unit_env, name)
    stack.nginx()
    tls = stack.session()
    url = stack.url
    wait(
        lambda: tls.get(f"{url}/health/live/", timeout=5).status_code == 200, "the app behind nginx"
    )

    print("== over TLS", flush=True)
    home = tls.get(f"{url}/", timeout=30)
    check(
        "the front page over TLS",
        home.status_code == 200 and 'lang="fi"' in home.text,
        home.status_code,
    )
    headers = home.headers
    check("HSTS", "max-age=31536000" in headers.get("Strict-Transport-Security", ""), headers)
    check(
        "a Content-Security-Policy",
        "default-src 'self'" in headers.get("Content-Security-Policy", ""),
    )
    check(
        "no framing, no sniffing, same-origin referrer",
        headers.get("X-Frame-Options") == "DENY"
        and headers.get("X-Content-Type-Options") == "nosniff"
        and headers.get("Referrer-Policy") == "same-origin",
        headers,
    )
    plain = requests.get(
        f"http://localhost:{stack.ports['http']}/foo/?a=1", allow_redirects=False, timeout=10
    )
    check(
        "plain HTTP is sent to HTTPS",
        plain.status_code == 301 and plain.headers["Location"] == f"{url}/foo/?a=1",
        plain.headers,
    )
    health = tls.get(f"{url}/health/", timeout=10)
    body = health.json()
    check(
        "/health/: database, cache, both queues worked, the outbox",
        health.status_code == 200
        and body["status"] == "ok"
        and set(body["queues"]) == {"default", "mail"},
        body,
    )

    request_id = health.headers.get("X-Request-ID", "")
    check(
        "a request id from nginx on the answer",
        re.fullmatch(r"[0-9a-f]{32}", request_id),
        health.headers,
    )
    line = next(
        (
            json.loads(text)
            for text in (stack.folder / "yhdyspinta-web.service.log").read_text().splitlines()
            if request_id in text and text.startswith("{")
        ),
        {},
    )
    check(
        "the app's JSON log line of that request: id, path, status, duration",
        line.get("path") == "/health/"
        and line.get("status") == 200
        and line.get("request_id") == request_id
        and "duration_ms" in line,
        line,
    )
    check(
        "/metrics is not passed on by nginx",
        tls.get(f"{url}/metrics", timeout=10).status_code == 404,
    )
    direct = requests.get(f"http://127.0.0.1:{stack.ports['app']}/metrics", timeout=10)
    check(
        "/metrics on gunicorn for Prometheus on this host, every worker added up",
        direct.status_code == 200 and "django_http_requests_total_by_method" in direct.text,
        direct.status_code,
    )

    static = tls.get(f"{url}/static/yhdyspinta/site.css", timeout=10)
    source = (ROOT / "src" / "yhdyspinta" / "static" / "yhdyspinta" / "site.css").read_bytes()
    check(
        "static files from nginx (collected, with nginx's caching)",
        static.status_code == 200
        and static.content == source
        and static.headers.get("Cache-Control") == "public, max-age=3600",
        static.headers,
    )

    missing = tls.get(f"{url}/ei-tallaista-aluetta/eikä-sivua/", timeout=10)
    check(
        "404 in Finnish",
        missing.status_code == 404 and "Sivua ei löytynyt" in missing.text,
        missing.status_code,
    )
    bad_host = tls.get(f"{url}/", headers={"Host": "evil.example"}, timeout=10)
    check(
        "a foreign Host: 400 in Finnish",
        bad_host.status_code == 400 and "Pyyntöä ei voitu käsitellä" in bad_host.text,
        (bad_host.status_code, bad_host.text[:300]),
    )

    print("== a private file, the client's address", flush=True)
    anonymous = tls.get(f"{url}{file_url}", timeout=10, allow_redirects=False)
    check(
        "a private file is not given to the public",
        anonymous.status_code in (302, 403, 404),
        anonymous.status_code,
    )
    direct = tls.get(f"{url}/protected-files/{stored_name}", timeout=10)
    check(
        "the files' internal location asked directly: 404",
        direct.status_code == 404,
        direct.status_code,
    )
    user = stack.session()
    form = user.get(f"{url}/accounts/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    logged = user.post(
        f"{url}/accounts/login/",
        data={
            "csrfmiddlewaretoken": token,
            "username": "paakayttaja",
            "password": "yhdyspinta-demo",
        },
        headers={"Referer": f"{url}/accounts/login/", "X-Forwarded-For": "203.0.113.99"},
        timeout=30,
        allow_redirects=False,
    )
    check(
        "the administrator logs in over TLS",
        logged.status_code == 302,
        (logged.status_code, logged.text[:300]),
    )
    address = psql(
        database,
        "SELECT ip_address FROM accounts_uselogentry WHERE action = 'login' "
        "ORDER BY id DESC LIMIT 1",
    )
    check(
        "the use log has the address nginx saw, not the client's own header",
        address == "127.0.0.1",
        address,
    )
    served = user.get(f"{url}{file_url}", timeout=10)
    stored = (stack.srv / "media" / stored_name).read_bytes()
    check(
        "the file after the permission check, sent by nginx (X-Accel-Redirect)",
        served.status_code == 200
        and served.content == stored
        and "X-Accel-Redirect" not in served.headers,
        (served.status_code, served.headers),
    )

    calls = [
        tls.get(
            f"{url}/api/v1/areas", headers={"X-Forwarded-For": f"198.51.100.{n}"}, timeout=10
        ).status_code
        for n in range(8)
    ]
    check(
        "the API's limit counts the real client whatever X-Forwarded-For it writes",
        calls[:5] == [200] * 5 and 429 in calls[5:],
        calls,
    )

    print("== limits and mail", flush=True)
    large = tls.post(f"{url}/accounts/login/", data=b"x" * (21 * 1024 * 1024), timeout=60)
    check(
        "an upload over 20 MB: nginx's 413 with the app's Finnish page",
        large.status_code == 413 and "Tiedosto on liian suuri" in large.text,
        large.status_code,
    )
    importing = user.post(f"{url}/indicators/import/", data=b"x" * (25 * 1024 * 1024), timeout=60)
    check(
        "the import page takes more than 20 MB (its own limit)",
        importing.status_code != 413,
        importing.status_code,
    )

    email = psql(database, "SELECT email FROM auth_user WHERE username = 'paakayttaja'")
    page = tls.get(f"{url}/accounts/password-reset/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    asked = tls.post(
        f"{url}/accounts/password-reset/",
        data={"csrfmiddlewaretoken": token, "email": email},
        headers={"Referer": f"{url}/accounts/password-reset/"},
        timeout=30,
        allow_redirects=False,
    )
    check("a password reset asked over TLS", asked.status_code == 302, asked.status_code)
    wait(
        lambda: any(email.encode() in message for message in sink.received), "the reset e-mail", 60
    )
    message = next(message for message in sink.received if email.encode() in message)
    check(
        "the mail worker delivered it to the mail server, with a link to this site",
        stack.url.encode() in message.replace(b"=\r\n", b""),
        message[:400],
    )

    print("== every timer's command", flush=True)
    named = set(PERIODIC.findall((ROOT / "docs" / "production.md").read_text()))
    timers = [
        line.split()
        for line in (DEPLOY / "timers").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    covered = set()
    for (timer,) in timers:
        template = re.sub(r"@[^.]+\.", "@.", timer)
        instance = timer.partition("@")[2].rpartition(".")[0]
        timer_text = (DEPLOY / "systemd" / template).read_text()
        unit = re.search(r"^Unit=(.+)$", timer_text, re.M)
        service = (
            unit.group(1).replace("%i", "") if unit else template.replace(".timer", ".service")
        )
        command, cwd, unit_env = stack.unit(service, instance)
        done = subprocess.run(
            command, cwd=cwd, env=unit_env, capture_output=True, text=True, timeout=300
        )
        acceptable = (0, 1) if "check_obligations" in command else (0,)
        shown = (
            command[2:] if command[1:2] == ["manage.py"] else [Path(command[0]).name, *command[1:]]
        )
        check(
            f"{timer} runs `{' '.join(shown)}`", done.returncode in acceptable, done.stderr[-500:]
        )
        covered.update(word for word in command if PERIODIC.fullmatch(f"`{word}"))
    check("a timer for every periodic command the docs name", named <= covered, named - covered)

    print("== backup and restore", flush=True)
    backup_env = {
        "PATH": os.environ["PATH"],
        "YHDYSPINTA_ENV": str(stack.folder / "yhdyspinta.env"),
    }
    made = Path(
        run([str(DEPLOY / "backup.sh"), str(stack.srv / "backup")], backup_env).stdout.strip()
    )
    check(
        "a backup: the database and the files",
        (made / "database.dump").stat().st_size > 0 and (made / "media.tar.gz").stat().st_size > 0,
    )
    parts = urlsplit(database)
    psql(database, "CREATE DATABASE restored")
    restored = parts._replace(path="/restored").geturl()
    restored_media = stack.folder / "restored-media"
    restore_env = {
        "PATH": os.environ["PATH"],
        "DATABASE_URL": restored,
        "MEDIA_ROOT": str(restored_media),
    }
    run([str(DEPLOY / "restore.sh"), str(made)], restore_env)
    for table in (
        "parties_person",
        "meetings_meeting",
        "meetings_agendaitem",
        "accounts_uselogentry",
        "communications_outgoingmessage",
        "django_migrations",
    ):
        sql = f"SELECT count(*) FROM {table}"
        check(f"restored: {table}", psql(restored, sql) == psql(database, sql), table)
    check(
        "restored: the stored file reads the same",
        (restored_media / stored_name).read_bytes() == stored,
    )
    again = run([str(DEPLOY / "restore.sh"), str(made)], restore_env, check=False)
    check("restore.sh refuses a database that is not empty", again.returncode == 1, again.stderr)

    print("== error reporting", flush=True)
    error_reporting(check, env, python)


class _Reports(BaseHTTPRequestHandler):
    """An error-reporting service's door: keeps each envelope it is sent."""

    received: list[bytes] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":  # sentry-sdk's choice when brotli is installed
            body = brotli.decompress(body)
        self.received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


def error_reporting(check: Check, env: dict[str, str], python: str) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Reports)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        dsn = f"http://public@127.0.0.1:{server.server_address[1]}/1"
        failed = run(
            [
                python,
                "manage.py",
                "shell",
                "-c",
                "raise RuntimeError('production-check: reported')",
            ],
            {**env, "PATH": "/usr/bin:/bin", "SENTRY_DSN": dsn},
            check=False,
        )
    finally:
        server.shutdown()
    sent = b"".join(_Reports.received)
    check(
        "an error is reported when SENTRY_DSN is set, without personal data",
        failed.returncode != 0
        and b"production-check: reported" in sent
        and b"paakayttaja" not in sent,
        (failed.returncode, sent[:300]),
    )


# Run with the installation's environment: stores a file on an agenda item of a meeting
# whose minutes are not published, prints its page address and its stored name.
STORE_FILE = """
from django.utils import timezone
from django.core.files.base import ContentFile
from django.urls import reverse
from yhdyspinta.meetings.models import AgendaItem
item = AgendaItem.objects.filter(
    meeting__body__area__slug="pohjois-karjala", meeting__starts_at__gt=timezone.now()
).order_by("meeting__starts_at", "pk").first()
item.attachment.save("esityslistan-liite.pdf", ContentFile(b"%PDF-1.4\\n% Yhdyspinta\\n%%EOF\\n"))
url = reverse("meetings:agenda_attachment", kwargs={
    "area": "pohjois-karjala", "pk": item.meeting_id, "item": item.pk})
print(url, item.attachment.name)
"""


def dump_previous() -> int:
    """The previous release's database as that release makes it (its migrations, its
    cache table, its demo), dumped to PREVIOUS_DUMP: run once when PREVIOUS moves, under
    `scripts/with-postgres.sh`, and commit the file."""
    database = os.environ["DATABASE_URL"]
    with tempfile.TemporaryDirectory(prefix="yhdyspinta-previous-") as folder:
        previous = Path(folder)

        def known() -> bool:
            return not subprocess.run(
                ["git", "-C", str(ROOT), "cat-file", "-e", PREVIOUS]
            ).returncode

        if not known():  # a shallow clone: its history from where it was cloned
            subprocess.run(["git", "-C", str(ROOT), "fetch", "--quiet", "--unshallow"], check=False)
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", PREVIOUS], capture_output=True, check=True
        )
        subprocess.run(["tar", "-x", "-C", str(previous)], input=archive.stdout, check=True)
        old = {
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(previous / "src"),
            "DEBUG": "1",
            "DATABASE_URL": database,
            "MEDIA_ROOT": str(previous / "media"),
        }
        python = str(ROOT / ".venv" / "bin" / "python")
        run([python, "manage.py", "migrate", "--noinput", "-v0"], old, cwd=previous)
        run([python, "manage.py", "createcachetable"], old, cwd=previous)
        run([python, "manage.py", "load_demo", "--if-empty"], old, cwd=previous)
        if any((previous / "media").rglob("*.*")):
            raise Failed("the previous release's demo stored files, which a dump does not hold")
    PREVIOUS_DUMP.parent.mkdir(exist_ok=True)
    run(
        [
            "pg_dump",
            "--format=custom",
            "--compress=9",
            "--no-owner",
            "--no-privileges",
            "--file",
            str(PREVIOUS_DUMP),
            database,
        ],
        dict(os.environ),
    )
    print(f"{PREVIOUS_DUMP.relative_to(ROOT)}: {PREVIOUS_DUMP.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yhdyspinta.settings")
    sys.exit(dump_previous() if sys.argv[1:] == ["--dump-previous"] else main())
