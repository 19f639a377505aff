"""National scale: the demo, then one installation for the whole country built with the
project's own factories and importer (22 areas, ~300 municipalities, ~5,000
organisations, ~20,000 people, ~2,000 bodies, 10^5 meetings over ten years with agenda,
attendance and published minutes, 10^7 Sotkanet values), on PostgreSQL. Every main page
and API endpoint of North Karelia is measured at demo scale and at national scale in the
same run: its queries, and the median of 31 renders in turns on a gunicorn on a copy
of the demo's database and one on the national set (`paired`; the ratios come from
these), the documents (the median of 3 each), and a page mix under gunicorn with 4
workers and 20 clients. The data set is built once and kept as a pg_dump named by a
hash of the code that builds it and its arguments (`--cache`), so a second run restores
it instead of building it again.

Prints `national_pages`, `national_slowest_ms`, `national_documents_ms` and
`national_load` lines (`<name>: ratio=<x> target<=<y>`). Needs DATABASE_URL (make bench
starts a throwaway PostgreSQL). `--scale 0.05` builds a twentieth, to try the script."""

from __future__ import annotations

import argparse
import hashlib
import inspect
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import warnings
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yhdyspinta.settings")
os.environ.setdefault("DEBUG", "1")
# One client renders every endpoint fifteen times a run: the anonymous limit would refuse
# most of them; the limit's own bookkeeping is still measured.
os.environ.setdefault("API_ANONYMOUS_RATE", "1000000/m")
warnings.filterwarnings("ignore", message="Limit for query logging exceeded")

from national_set import (  # noqa: E402 (after the paths above)
    AREA,
    FULL,
    _meetings,
    _outreach,
    _paragraphs,
    _values,
    build,
)

ROUNDS = 3  # in this process: the queries are counted, the times only printed
# The paired measurement's rounds (medians of 9, in turns; some 60 pages on two sides).
PAIRED_ROUNDS = 9
DOCUMENT_ROUNDS = 3


ROLES = {"admin": "paakayttaja", "secretary": "sihteeri", "contact": "joensuu"}


def pages() -> dict[str, tuple[str, str]]:
    """Every page a user opens, by name: (who opens it, its URL). `anonymous` pages are
    measured as built (the public cache off), `token` ones with the administrator's API
    token, the others logged in as the area's administrator, the coordinators'
    secretary or Joensuu's contact. The feeds are built anew each time (no cache)."""
    from django.utils import timezone

    from yhdyspinta.bodies.models import Body, Level
    from yhdyspinta.indicators.models import FollowedIndicator
    from yhdyspinta.parties.models import Organisation
    from yhdyspinta.programme.models import Programme

    programme = Programme.objects.filter(area__slug=AREA).order_by("-starts_year").first()
    indicator = (
        FollowedIndicator.objects.filter(area__slug=AREA, sotkanet__isnull=False)
        .order_by("pk")
        .first()
    )
    coordinators = Body.objects.get(area__slug=AREA, level=Level.COORDINATOR_NETWORK)
    joensuu = Organisation.objects.get(area__slug=AREA, municipality_number="167")
    a = f"/{AREA}"
    api = f"/api/v1/areas/{AREA}"
    year = timezone.localdate().year
    public = {
        "overview": f"{a}/",
        "organisations": f"{a}/organisations/",
        "bodies": f"{a}/bodies/",
        "meetings": f"{a}/meetings/",
        "obligations": f"{a}/obligations/?year={year - 1}",
        "clock": f"{a}/clock/",
        "programme": programme.get_absolute_url(),
        "indicators": f"{a}/indicators/",
        "kerroin": f"{a}/indicators/kerroin/",
        "letters": f"{a}/letters/",
        "news feed (Atom)": f"{a}/feed.atom",
        "area feed (ICS)": f"{a}/calendar.ics",
        "clock feed (ICS)": f"{a}/clock/calendar.ics",
    }
    apis = {
        "api areas": "/api/v1/areas",
        "api organisations": f"{api}/organisations",
        "api bodies": f"{api}/bodies",
        "api meetings": f"{api}/meetings?year={year - 1}",
        "api minutes": f"{api}/minutes?year={year - 1}",
        "api clock": f"{api}/clock?year={year}",
        "api obligations": f"{api}/obligations?year={year - 1}",
        "api obligations this year": f"{api}/obligations?year={year}",
        "api indicator values": f"/api/v1/indicators/{indicator.sotkanet_id}/values",
    }
    admin = {
        **public,
        "people": f"{a}/people/",
        "obligations this year": f"{a}/obligations/?year={year}",
        "progress": f"{programme.get_absolute_url()}progress/",
        "welfare reports": f"{a}/reports/",
        "my tasks": f"{a}/my-tasks/",
        "subscribers": f"{a}/letters/subscribers/",
    }
    result: dict[str, tuple[str, str]] = {}
    result.update({f"{name} · public": ("anonymous", url) for name, url in public.items()})
    result.update({f"{name} · public": ("anonymous", url) for name, url in apis.items()})
    result.update({f"{name} · token": ("token", url) for name, url in apis.items()})
    result.update({f"{name} · admin": ("admin", url) for name, url in admin.items()})
    secretary = {
        "my tasks": f"{a}/my-tasks/",
        # The whole list: the coordinators' own has nothing ahead in the demo, and an
        # empty page reads one query fewer (no rows to read) than a full one.
        "meetings": f"{a}/meetings/",
        "body": coordinators.get_absolute_url(),
        "clock": f"{a}/clock/",
    }
    result.update({f"{name} · secretary": ("secretary", url) for name, url in secretary.items()})
    contact = {
        "my tasks": f"{a}/my-tasks/",
        "organisation": joensuu.get_absolute_url(),
        "overview": f"{a}/",
    }
    result.update({f"{name} · contact": ("contact", url) for name, url in contact.items()})
    return result


# The load's mix: half anonymous (the public's kept pages), half logged in.
LOAD_MIX = [
    "overview · public",
    "meetings · public",
    "clock · public",
    "api meetings · public",
    "overview · admin",
    "obligations this year · admin",
    "my tasks · secretary",
    "my tasks · contact",
]


def issue_token() -> str:
    """An API token of the area's administrator in this database."""
    from django.contrib.auth import get_user_model

    from yhdyspinta.accounts.permissions import Access
    from yhdyspinta.accounts.services import api_token_issue
    from yhdyspinta.areas.models import Area

    user = get_user_model().objects.get(username=ROLES["admin"])
    return api_token_issue(
        access=Access(user), area=Area.objects.get(slug=AREA), name="bench", days=30
    )


def _clients(token: str) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    clients = {"anonymous": Client(SERVER_NAME="127.0.0.1")}
    clients["token"] = Client(SERVER_NAME="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
    for role, username in ROLES.items():
        clients[role] = Client(SERVER_NAME="127.0.0.1")
        clients[role].force_login(get_user_model().objects.get(username=username))
    return clients


def measure_pages(
    urls: dict[str, tuple[str, str]], token: str, rounds: int = ROUNDS
) -> dict[str, tuple[float, int]]:
    """Each page's median time in this process (nan without rounds) and its queries,
    built anew (the public cache off)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import override_settings

    clients = _clients(token)
    queries = {}
    cache.clear()
    with override_settings(PUBLIC_CACHE_SECONDS=0):
        for name, (role, url) in urls.items():
            client = clients[role]
            client.get(url)  # caches warm up once
            executed: list[str] = []

            def count(execute, sql, params, many, context, executed=executed):
                executed.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):
                response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{name} {url}: HTTP {response.status_code}")
            queries[name] = len(executed)
        # Round by round over every page, not one page's renders in a row: a slow spell
        # of a shared machine then falls on every page alike.
        times: dict[str, list[float]] = {name: [] for name in urls}
        for _ in range(rounds):
            for name, (role, url) in urls.items():
                started = time.perf_counter()
                clients[role].get(url)
                times[name].append((time.perf_counter() - started) * 1000)
    return {
        name: (statistics.median(times[name]) if times[name] else float("nan"), queries[name])
        for name in urls
    }


def measure_documents() -> dict[str, tuple[float, float]]:
    """Every document the app makes, each the median of DOCUMENT_ROUNDS (milliseconds),
    and the most memory one took (MB, Python's allocations, tracemalloc)."""
    import tracemalloc
    from types import SimpleNamespace

    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from yhdyspinta.areas.models import Area
    from yhdyspinta.clock.documents import _clock_file
    from yhdyspinta.meetings.documents import agenda_docx, agenda_pdf, minutes_docx, minutes_pdf
    from yhdyspinta.meetings.models import Minutes
    from yhdyspinta.nominations.models import NominationRequest
    from yhdyspinta.obligations.engine import evaluate
    from yhdyspinta.obligations.report import as_docx as obligations_docx
    from yhdyspinta.outreach.documents import _badges
    from yhdyspinta.outreach.models import Forum
    from yhdyspinta.programme import report as council
    from yhdyspinta.programme.models import Programme
    from yhdyspinta.reports import content
    from yhdyspinta.reports import documents as report_documents

    area = Area.objects.get(slug=AREA)
    year = timezone.localdate().year
    minutes = (
        Minutes.objects.filter(meeting__body__area=area, status="approved")
        .order_by("-meeting__starts_at")
        .first()
    )
    programme = Programme.objects.filter(area=area).order_by("-starts_year").first()
    forum = (
        Forum.objects.filter(area=area)
        .annotate(people=Count("registrations"))
        .order_by("-people", "pk")
        .first()
    )
    asked = NominationRequest.objects.filter(round__area=area).order_by("pk").first()
    admin = Client(SERVER_NAME="127.0.0.1")
    admin.force_login(get_user_model().objects.get(username=ROLES["admin"]))

    def clock(paper: str) -> bytes:
        job = SimpleNamespace(area=area, params={"year": year, "filters": {}, "paper": paper})
        return _clock_file(job)

    def fetched(url: str) -> bytes:
        response = admin.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        return response.content

    made = {
        "minutes PDF": lambda: minutes_pdf(minutes),
        "minutes DOCX": lambda: minutes_docx(minutes),
        "agenda PDF": lambda: agenda_pdf(minutes.meeting),
        "agenda DOCX": lambda: agenda_docx(minutes.meeting),
        "obligations report DOCX": lambda: obligations_docx(evaluate(area=area, year=year - 1)),
        "welfare report DOCX": lambda: report_documents.as_docx(
            content.build(area, "annual", year - 1)
        ),
        "welfare report PDF": lambda: report_documents.as_pdf(
            content.build(area, "annual", year - 1)
        ),
        "council report PDF": lambda: council.as_pdf(programme, year - 1),
        "council report DOCX": lambda: council.as_docx(programme, year - 1),
        "clock PDF A4": lambda: clock("A4"),
        "clock PDF A3": lambda: clock("A3"),
        "badges": lambda: _badges(SimpleNamespace(area=area, params={"forum": forum.pk})),
        "participants XLSX": lambda: fetched(f"/{AREA}/forums/{forum.pk}/participants.xlsx"),
        "request letter PDF": lambda: fetched(
            f"/{AREA}/nominations/requests/{asked.pk}/letter.pdf"
        ),
        "request letter DOCX": lambda: fetched(
            f"/{AREA}/nominations/requests/{asked.pk}/letter.docx"
        ),
        "nominations XLSX": lambda: fetched(f"/{AREA}/nominations/{asked.round_id}/summary.xlsx"),
    }
    times: dict[str, list[float]] = {name: [] for name in made}
    peaks: dict[str, float] = dict.fromkeys(made, 0.0)
    for round_ in range(DOCUMENT_ROUNDS):
        for name, make in made.items():
            if round_ == 0:  # memory once (tracing slows the making down)
                tracemalloc.start()
                make()
                peaks[name] = tracemalloc.get_traced_memory()[1] / 2**20
                tracemalloc.stop()
            started = time.perf_counter()
            make()
            times[name].append((time.perf_counter() - started) * 1000)
    return {name: (statistics.median(times[name]), peaks[name]) for name in made}


# --- the load: gunicorn with 4 workers, 20 clients ----------------------------------------


def measure_national_view() -> tuple[float, float]:
    """The national view (#39) in this process, with the cache on as in production: its
    first build (every area's row) and, the median of 3, its build after a write in the
    busy area (that area's row made anew, the others read from the cache), in ms."""
    from django.core.cache import cache
    from django.test import override_settings
    from django.utils import timezone

    from yhdyspinta.national import selectors as national_view
    from yhdyspinta.web import public_cache

    year = timezone.localdate().year - 1
    with override_settings(PUBLIC_CACHE_SECONDS=300):
        cache.clear()
        started = time.perf_counter()
        national_view.rows(year)
        first = (time.perf_counter() - started) * 1000
        after = []
        for _ in range(3):
            public_cache.new_version(AREA)
            started = time.perf_counter()
            national_view.rows(year)
            after.append((time.perf_counter() - started) * 1000)
    return first, statistics.median(after)


def _server(database: str, workers: int, **extra: str) -> tuple[subprocess.Popen, str]:
    """A gunicorn of the app on `database`, as in production (DEBUG off), once it
    answers."""
    import requests

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "0",
        # Twenty clients share one address: the anonymous limit would refuse most of the
        # mix; the limit's own bookkeeping is still measured.
        "API_ANONYMOUS_RATE": "1000000/m",
        "PYTHONPATH": str(ROOT / "src"),
        **extra,
    }
    server = subprocess.Popen(  # noqa: S603 - our own server
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "yhdyspinta.wsgi",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            requests.get(base + "/", headers=HEADERS, timeout=30)
            break
        except requests.RequestException:  # not listening yet, or still starting
            time.sleep(0.2)
    return server, base


def _stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, 15)
    server.wait()


HEADERS = {"X-Forwarded-Proto": "https"}  # the TLS proxy's word


def _logged_in(base: str, username: str = "paakayttaja"):
    """A session of a demo user, logged in through the login page."""
    import requests

    session = requests.Session()
    session.headers.update(HEADERS)
    session.get(base + "/accounts/login/", timeout=30)
    response = session.post(
        base + "/accounts/login/",
        data={
            "username": username,
            "password": "yhdyspinta-demo",
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": base.replace("http://", "https://") + "/accounts/login/"},
        timeout=30,
    )
    if "sessionid" not in session.cookies:
        raise SystemExit(f"could not log in at {base}: HTTP {response.status_code}")
    return session


def _sessions(base: str, token: str) -> dict:
    import requests

    sessions = {role: _logged_in(base, username) for role, username in ROLES.items()}
    sessions["anonymous"] = requests.Session()
    sessions["anonymous"].headers.update(HEADERS)
    sessions["token"] = requests.Session()
    sessions["token"].headers.update({**HEADERS, "Authorization": f"Bearer {token}"})
    return sessions


def paired(
    urls: dict[str, tuple[str, str]], sides: dict[str, tuple[str, str]], rounds: int
) -> dict[str, tuple[float, float]]:
    """Each page's median time on a server of the demo and on one of the national set,
    rendered in turns (demo, national, national, demo, ...) round by round: the two
    sides of a ratio are measured at the same moments, so a slow spell of a shared
    machine falls on both. Milliseconds, end to end over loopback; the public cache
    off, so that the public's pages are measured as built. `sides`: each side's
    database and API token."""
    servers = []
    connected = {}
    touchers = {}
    try:
        for side, (database, token) in sides.items():
            server, base = _server(database, 1, PUBLIC_CACHE_SECONDS="0")
            servers.append(server)
            connected[side] = (base, _sessions(base, token))
            touchers[side] = _toucher(database)
        times: dict[str, dict[str, list[float]]] = {
            name: {"demo": [], "national": []} for name in urls
        }
        order = ["demo", "national"]
        for round_ in range(rounds + 1):
            for name, (role, url) in urls.items():
                for side in order:
                    base, sessions = connected[side]
                    if "feed" in name:  # each feed built anew after a write
                        touchers[side]()
                    started = time.perf_counter()
                    response = sessions[role].get(base + url, timeout=120)
                    elapsed = (time.perf_counter() - started) * 1000
                    if response.status_code != 200:
                        raise SystemExit(f"{side} {name} {url}: HTTP {response.status_code}")
                    if round_:  # the first round warms the caches up
                        times[name][side].append(elapsed)
            order.reverse()
        return {
            name: (statistics.median(t["demo"]), statistics.median(t["national"]))
            for name, t in times.items()
        }
    finally:
        for server in servers:
            _stop(server)


def _toucher(database: str):
    """A write on that database that every feed of the busy area sees (a meeting ahead
    changed, as an edit would change it): the feed's digest moves, so the next request
    builds it anew instead of taking the bytes kept under the old digest."""
    import psycopg

    connection = psycopg.connect(database, autocommit=True)
    meeting = connection.execute(
        "SELECT m.id FROM meetings_meeting m JOIN bodies_body b ON b.id = m.body_id "
        "JOIN areas_area a ON a.id = b.area_id WHERE a.slug = %s AND m.starts_at > now() "
        "AND m.status <> 'cancelled' ORDER BY m.starts_at LIMIT 1",
        [AREA],
    ).fetchone()[0]

    def touch() -> None:
        connection.execute(
            "UPDATE meetings_meeting SET updated_at = clock_timestamp() WHERE id = %s", [meeting]
        )

    return touch


BARE = "/health/live/"  # a bare view: it answers without a query


def _writer(base: str, token: str, end: float, done: list[int], errors: list[str]) -> None:
    """One write a second through the API, as an integration would: a planned meeting of
    the busy area renamed (its ETag in If-Match)."""
    import requests

    session = requests.Session()
    session.headers.update({**HEADERS, "Authorization": f"Bearer {token}"})
    api = f"{base}/api/v1/areas/{AREA}/meetings"
    planned = []
    for year in (datetime.now().astimezone().year, datetime.now().astimezone().year + 1):
        listed = session.get(f"{api}?page_size=100&year={year}", timeout=60).json()
        planned += [m["id"] for m in listed["results"] if m["status"] in ("planned", "invited")]
    if not planned:
        errors.append("no planned meeting to edit")
        return
    n = 0
    while time.monotonic() < end:
        started = time.monotonic()
        meeting = planned[n % len(planned)]
        current = session.get(f"{api}/{meeting}", timeout=60)
        answer = session.patch(
            f"{api}/{meeting}",
            json={"title": f"Kokous, muokattu {n}", "notify": False},
            headers={"If-Match": current.headers.get("ETag", "")},
            timeout=60,
        )
        if answer.status_code == 200:
            done.append(n)
        else:
            errors.append(f"write: {answer.status_code}")
        n += 1
        time.sleep(max(0.0, 1.0 - (time.monotonic() - started)))


def load(
    urls: dict[str, tuple[str, str]], database: str, token: str, seconds: float = 20.0
) -> tuple[float, float, float, int]:
    """The page mix under gunicorn with 4 workers and 20 concurrent clients, half of them
    logged in (administrator, secretary, contact) and half anonymous (the public's kept
    pages), with one write a second; then a bare view (`/health/live/`) under the same load.
    Returns the mix's p95 (ms), its requests/s, the bare view's p95 and the writes."""
    import requests

    server, base = _server(database, 4)
    try:
        sessions = _sessions(base, token)
        mix = [urls[name] for name in LOAD_MIX]
        for role, url in mix:  # every worker's caches warm up a little
            sessions[role].get(base + url, timeout=60)

        def run(
            paths: list[tuple[str, str]], write: bool
        ) -> tuple[list[tuple[str, float]], list[int]]:
            times: list[tuple[str, float]] = []
            errors: list[str] = []
            writes: list[int] = []
            end = time.monotonic() + seconds

            def client(number: int) -> None:
                own = {}  # a client's own connections, with the role's session cookie
                for role, shared in sessions.items():
                    own[role] = requests.Session()
                    own[role].headers.update(shared.headers)
                    own[role].cookies.update(shared.cookies)
                i = number
                while time.monotonic() < end:
                    role, url = paths[i % len(paths)]
                    i += 1
                    session = own[role]
                    started = time.perf_counter()
                    response = session.get(base + url, timeout=120)
                    times.append((url, (time.perf_counter() - started) * 1000))
                    if response.status_code != 200:
                        errors.append(f"{url}: {response.status_code}")

            threads = [threading.Thread(target=client, args=(c,)) for c in range(20)]
            if write:
                threads.append(
                    threading.Thread(target=_writer, args=(base, token, end, writes, errors))
                )
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            if errors:
                print(f"  load errors: {len(errors)}, e.g. {errors[0]}", flush=True)
            return times, writes

        # The bare view is asked between the pages, so that it waits in the same queues.
        timed = run([*mix, ("anonymous", BARE)], write=True)
        times, writes = timed
        mixed = [ms for url, ms in times if url != BARE]
        bare = [ms for url, ms in times if url == BARE]
        p95 = statistics.quantiles(mixed, n=20)[-1]
        return p95, len(mixed) / seconds, statistics.quantiles(bare, n=20)[-1], len(writes)
    finally:
        _stop(server)


# --- the run ------------------------------------------------------------------------------


def _pg(tool: str) -> str:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{tool}"))
    return str(found[-1]) if found else tool


def _copy_database(database: str, suffix: str) -> str:
    """A copy of the database (CREATE DATABASE ... TEMPLATE), its address returned."""
    import psycopg
    from django.db import connections

    connections.close_all()  # a template database must have no one connected
    url = urlparse(database)
    name = url.path[1:]
    with psycopg.connect(
        host=url.hostname,
        port=url.port,
        user=url.username,
        password=url.password,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}{suffix}"')
        for attempt in range(30):
            try:
                admin.execute(f'CREATE DATABASE "{name}{suffix}" TEMPLATE "{name}"')
                break
            except psycopg.errors.ObjectInUse:  # a stopped server's session still ending
                if attempt == 29:
                    raise
                time.sleep(1)
    return url._replace(path=f"/{name}{suffix}").geturl()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2026, help="another set of the same shape")
    parser.add_argument("--values", type=int, default=None)
    parser.add_argument("--cache", default=str(Path.home() / ".cache" / "yhdyspinta-bench"))
    parser.add_argument("--load-seconds", type=float, default=20.0)
    parser.add_argument("--rounds", type=int, default=PAIRED_ROUNDS)
    parser.add_argument(
        "--queries-only",
        action="store_true",
        help="count every page's queries on both sets and fail if a count grows (for CI)",
    )
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="time only the pages in turns (no documents, no load): for working on a page",
    )
    parser.add_argument("--only", default="", help="only the pages whose name has this text")
    parser.add_argument(
        "--view-only",
        action="store_true",
        help="build or restore the set and time only the national view (#39)",
    )
    args = parser.parse_args()
    database = os.environ.get("DATABASE_URL", "")
    if not database.startswith("postgres"):
        raise SystemExit("DATABASE_URL must point at PostgreSQL (run: make bench)")
    values = args.values if args.values is not None else round(FULL["values"] * args.scale)
    import django

    django.setup()
    import logging

    from django.core.management import call_command

    logging.getLogger("yhdyspinta.use").disabled = True  # a line a page view otherwise
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)

    from yhdyspinta.areas.models import Area
    from yhdyspinta.demo.loader import load_all

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    if not Area.objects.exists():
        load_all()
    urls = {name: page for name, page in pages().items() if args.only in name}
    demo_token = issue_token()
    rounds = 0 if args.queries_only else ROUNDS
    demo = measure_pages(urls, demo_token, rounds) if not args.view_only else {}
    full = not (args.queries_only or args.view_only or args.pages_only)
    if full:
        demo_documents = measure_documents()
        demo_load = load(urls, database, demo_token, args.load_seconds)
        print(f"demo: load p95 {demo_load[0]:.0f} ms, {demo_load[1]:.1f} requests/s", flush=True)
    if not (args.queries_only or args.view_only):
        # The demo is kept as a database of its own, so that its pages can be measured
        # in turns with the national set's (`paired`).
        demo_database = _copy_database(database, "_demo")

    # The cache is named by the code that builds the data set and its arguments, so that
    # changing how pages are measured does not build it again.
    import sotkanet

    source = "".join(
        inspect.getsource(f)
        for f in (build, _meetings, _outreach, _paragraphs, _values, sotkanet.generate)
    )
    key = hashlib.sha256(f"{source}{FULL}{args.scale}:{values}:{args.seed}".encode()).hexdigest()[
        :16
    ]
    dump = Path(args.cache) / f"national-{key}.dump"
    url = urlparse(database)
    pg_env = {**os.environ, "PGPASSWORD": url.password or ""}
    target = ["-h", url.hostname, "-p", str(url.port), "-U", url.username, "-d", url.path[1:]]
    started = time.perf_counter()
    if dump.exists():
        from django.db import connection

        connection.close()
        subprocess.run(  # noqa: S603 - our own database
            [
                _pg("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "-j",
                "2",
                *target,
                str(dump),
            ],
            env=pg_env,
            check=True,
        )
        print(f"national data set restored from {dump} in {time.perf_counter() - started:.0f} s")
        # A set kept from older code gets this code's schema (its new indexes too).
        call_command("migrate", verbosity=0)
    else:
        build(args.scale, values, args.seed)
        print(f"national data set built in {time.perf_counter() - started:.0f} s", flush=True)
        dump.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(  # noqa: S603 - our own database
            [_pg("pg_dump"), "-Fc", "-Z", "1", *target, "-f", str(dump)], env=pg_env, check=True
        )
    call_command("createcachetable", verbosity=0)
    from django.db import connection

    # VACUUM too: after a restore, autovacuum would otherwise vacuum the new tables (ten
    # million values) while the pages are measured.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    if args.view_only:
        view_first, view_after_write = measure_national_view()
        print(f"national view: every area's row built in {view_first:.0f} ms")
        print(f"national_view_after_a_write_ms: ratio={view_after_write / 100:.2f} target<=1")
        return
    national_token = issue_token()
    national = measure_pages(urls, national_token, rounds)
    growth = {name: national[name][1] / max(1, demo[name][1]) for name in urls}
    grown = {name: r for name, r in growth.items() if r > 1}
    for name in sorted(grown, key=lambda name: -grown[name]):
        print(f"  grows with data: {name}: {demo[name][1]} → {national[name][1]} queries")
    print(f"national_queries_growth: ratio={max(growth.values()):.2f} target<=1", flush=True)
    if args.queries_only:
        raise SystemExit(1 if grown else 0)

    if full:
        national_documents = measure_documents()
        view_first, view_after_write = measure_national_view()
        national_load = load(urls, database, national_token, args.load_seconds)
    from django.db import connections

    connections.close_all()
    turns = paired(
        urls,
        {"demo": (demo_database, demo_token), "national": (database, national_token)},
        args.rounds,
    )

    print(
        "pages in turns on two servers (demo, national; built, not from the public cache), "
        "and in this process:"
    )
    print(
        f"{'page':<36}{'demo ms':>9}{'national':>10}{'ratio':>8}{'queries':>12}{'in process':>18}"
    )
    for name in urls:
        (d_ms, d_q), (n_ms, n_q) = demo[name], national[name]
        d_turn, n_turn = turns[name]
        print(
            f"{name:<36}{d_turn:>9.1f}{n_turn:>10.1f}{n_turn / d_turn:>8.2f}{d_q:>6} → {n_q:<5}"
            f"{d_ms:>8.1f} → {n_ms:.1f}"
        )
    worst = max(n_ms / d_ms for d_ms, n_ms in turns.values())
    slowest = max(n_ms for _d_ms, n_ms in turns.values())
    if not full:
        print(f"national_pages: ratio={worst:.2f} target<=1.5")
        print(f"national_slowest_ms: ratio={slowest / 100:.2f} target<=1")
        return
    print(f"{'document':<36}{'demo ms':>9}{'national':>10}{'ratio':>8}{'MB (national)':>16}")
    for name, (d_ms, _d_mb) in demo_documents.items():
        n_ms, n_mb = national_documents[name]
        print(f"{name:<36}{d_ms:>9.0f}{n_ms:>10.0f}{n_ms / d_ms:>8.2f}{n_mb:>16.0f}")
    for side, (p95, rps, bare, writes) in (("demo", demo_load), ("national", national_load)):
        print(
            f"load on the {side}, 4 workers, 20 clients, half logged in, {writes} writes: "
            f"p95 {p95:.0f} ms ({rps:.1f}/s); a bare view's p95 {bare:.0f} ms"
        )
    documents = max(ms for ms, _mb in national_documents.values())
    heaviest = max(mb for _ms, mb in national_documents.values())
    p95, _rps, bare, _writes = national_load
    print(f"national_pages: ratio={worst:.2f} target<=1.5")
    print(f"national_slowest_ms: ratio={slowest / 100:.2f} target<=1")
    print(f"national_documents_ms: ratio={documents / 2000:.2f} target<=1")
    print(f"national_documents_mb: ratio={heaviest / 300:.2f} target<=1")
    print(f"national_load: ratio={p95 / (2 * bare):.2f} target<=1")
    print(f"national view: every area's row built in {view_first:.0f} ms")
    print(f"national_view_after_a_write_ms: ratio={view_after_write / 100:.2f} target<=1")


if __name__ == "__main__":
    main()
