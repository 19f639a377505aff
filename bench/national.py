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
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from datetime import date, datetime, timedelta
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

FULL = {
    "areas": 22,
    "municipalities": 300,
    "organisations": 5_000,
    "people": 20_000,
    "bodies": 2_000,
    "meetings": 100_000,
    "values": 10_000_000,
}
YEARS = 10
AREA = "pohjois-karjala"
ROUNDS = 15
# The paired measurement's rounds: a page's ratio moved by 0.1-0.2 between runs of 15 on a
# shared machine; 31 take about a minute more.
PAIRED_ROUNDS = 31
DOCUMENT_ROUNDS = 3


def pages() -> dict[str, str]:
    """The main pages (as the area's administrator) and the API endpoints (anonymous)."""
    from yhdyspinta.indicators.models import FollowedIndicator
    from yhdyspinta.programme.models import Programme

    programme = Programme.objects.filter(area__slug=AREA).order_by("-starts_year").first()
    indicator = (
        FollowedIndicator.objects.filter(area__slug=AREA, sotkanet__isnull=False)
        .order_by("pk")
        .first()
    )
    a = f"/{AREA}"
    api = f"/api/v1/areas/{AREA}"
    from django.utils import timezone

    year = timezone.localdate().year
    return {
        "overview": f"{a}/",
        "organisations": f"{a}/organisations/",
        "people": f"{a}/people/",
        "bodies": f"{a}/bodies/",
        "meetings": f"{a}/meetings/",
        "obligations": f"{a}/obligations/?year={year - 1}",
        "clock": f"{a}/clock/",
        "programme": programme.get_absolute_url(),
        "indicators": f"{a}/indicators/",
        "kerroin": f"{a}/indicators/kerroin/",
        "area feed (ICS)": f"{a}/calendar.ics",
        "api areas": "/api/v1/areas",
        "api organisations": f"{api}/organisations",
        "api bodies": f"{api}/bodies",
        "api meetings": f"{api}/meetings?year={year - 1}",
        "api minutes": f"{api}/minutes?year={year - 1}",
        "api clock": f"{api}/clock?year={year}",
        "api obligations": f"{api}/obligations?year={year - 1}",
        "api indicator values": f"/api/v1/indicators/{indicator.sotkanet_id}/values",
    }


LOAD_MIX = ["overview", "bodies", "meetings", "clock", "kerroin", "api meetings", "api bodies"]


def measure_pages(urls: dict[str, str]) -> dict[str, tuple[float, int]]:
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    admin = Client(SERVER_NAME="127.0.0.1")
    admin.force_login(get_user_model().objects.get(username="paakayttaja"))
    anonymous = Client(SERVER_NAME="127.0.0.1")
    queries = {}
    cache.clear()
    for name, url in urls.items():
        client = anonymous if name.startswith("api") else admin
        client.get(url)  # caches warm up once
        executed: list[str] = []

        def count(execute, sql, params, many, context, executed=executed):
            executed.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        queries[name] = len(executed)
    # Round by round over every page, not one page's renders in a row: a slow spell of a
    # shared machine then falls on every page alike instead of on one page's median.
    times: dict[str, list[float]] = {name: [] for name in urls}
    for _ in range(ROUNDS):
        for name, url in urls.items():
            client = anonymous if name.startswith("api") else admin
            started = time.perf_counter()
            client.get(url)
            times[name].append((time.perf_counter() - started) * 1000)
    return {name: (statistics.median(times[name]), queries[name]) for name in urls}


def measure_documents() -> dict[str, float]:
    """The documents made on the worker, each the median of DOCUMENT_ROUNDS (milliseconds)."""
    from yhdyspinta.areas.models import Area
    from yhdyspinta.meetings.documents import minutes_pdf
    from yhdyspinta.meetings.models import Minutes
    from yhdyspinta.obligations.engine import evaluate
    from yhdyspinta.obligations.report import as_docx as obligations_docx
    from yhdyspinta.reports import content
    from yhdyspinta.reports import documents as report_documents

    area = Area.objects.get(slug=AREA)
    from django.utils import timezone

    year = timezone.localdate().year - 1
    minutes = (
        Minutes.objects.filter(meeting__body__area=area, status="approved")
        .order_by("-meeting__starts_at")
        .first()
    )
    made = {
        "minutes PDF": lambda: minutes_pdf(minutes),
        "obligations report DOCX": lambda: obligations_docx(evaluate(area=area, year=year)),
        "welfare report DOCX": lambda: report_documents.as_docx(
            content.build(area, "annual", year)
        ),
        "welfare report PDF": lambda: report_documents.as_pdf(content.build(area, "annual", year)),
    }
    # Three rounds, the documents in turns, and the median of each: made once, one
    # document's time swung by a factor of three between runs.
    times: dict[str, list[float]] = {name: [] for name in made}
    for _round in range(DOCUMENT_ROUNDS):
        for name, make in made.items():
            started = time.perf_counter()
            make()
            times[name].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(values) for name, values in times.items()}


# --- the national data set ----------------------------------------------------------------


def build(scale: float, values: int) -> None:
    """The whole country around the demo areas, with the factories' fields and bulk
    inserts (the history of bulk rows is not the point here), then the values through the
    real importer."""
    from django.db import connection, transaction

    from yhdyspinta.areas.models import Area, SubRegion
    from yhdyspinta.bodies.models import Body, Level, Membership
    from yhdyspinta.meetings.models import AgendaItem, Attendance, Meeting, Minutes, MinutesItem
    from yhdyspinta.parties.models import Organisation, OrganisationKind, Person
    from yhdyspinta.testing import factories

    def n(key: str) -> int:
        return max(1, round(FULL[key] * scale))

    rng = random.Random(2026)  # noqa: S311 - synthetic data, the same every run
    batch = 5000
    with transaction.atomic():
        new_areas = Area.objects.bulk_create(
            [
                factories.AreaFactory.build(name=f"Hyvinvointialue {i}", slug=f"alue-{i}")
                for i in range(max(0, n("areas") - Area.objects.count()))
            ]
        )
        areas = list(Area.objects.order_by("pk"))
        SubRegion.objects.bulk_create(
            [SubRegion(area=a, name=f"Seutu {j}", order=j) for a in new_areas for j in range(3)]
        )
        subs: dict[int, list[SubRegion]] = {}
        for sub in SubRegion.objects.all():
            subs.setdefault(sub.area_id, []).append(sub)
        counties = Organisation.objects.bulk_create(
            [
                factories.OrganisationFactory.build(
                    area=a,
                    name=f"{a.name}: hyvinvointialue",
                    kind=OrganisationKind.COUNTY,
                    business_id="",
                )
                for a in new_areas
            ]
        )
        convener = {o.area_id: o for o in counties}
        for o in Organisation.objects.filter(kind=OrganisationKind.COUNTY, area__in=areas):
            convener.setdefault(o.area_id, o)
        existing = Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).count()
        municipalities = Organisation.objects.bulk_create(
            [
                factories.MunicipalityFactory.build(
                    business_id="",
                    area=new_areas[i % len(new_areas)],
                    sub_region=rng.choice(subs[new_areas[i % len(new_areas)].pk]),
                    name=f"Kunta {i}",
                    municipality_number=f"{500 + i:03d}"[-3:],
                )
                for i in range(max(0, n("municipalities") - existing))
            ]
            if new_areas
            else [],
            batch_size=batch,
        )
        kinds = [OrganisationKind.NGO, OrganisationKind.PARISH, OrganisationKind.BUSINESS]
        others = Organisation.objects.bulk_create(
            [
                factories.OrganisationFactory.build(
                    area=areas[i % len(areas)],
                    name=f"Järjestö {i} ry",
                    kind=kinds[i % len(kinds)],
                    business_id="",
                )
                for i in range(max(0, n("organisations") - Organisation.objects.count()))
            ],
            batch_size=batch,
        )
        organisations: dict[int, list[Organisation]] = {}
        for o in [*municipalities, *others]:
            organisations.setdefault(o.area_id, []).append(o)
        people = Person.objects.bulk_create(
            [
                factories.PersonFactory.build(
                    organisation=(o := rng.choice(organisations[areas[i % len(areas)].pk])),
                    area_id=o.area_id,
                    email=f"kansallinen{i}@example.org",
                )
                for i in range(max(0, n("people") - Person.objects.count()))
            ],
            batch_size=batch,
        )
        by_area: dict[int, list[Person]] = {}
        for p in people:
            by_area.setdefault(p.area_id, []).append(p)
        levels = [Level.REGIONAL_PARTNERSHIP, Level.WORKING_GROUP, Level.OPERATIVE]
        bodies = Body.objects.bulk_create(
            [
                factories.BodyFactory.build(
                    area=areas[i % len(areas)],
                    convener=convener[areas[i % len(areas)].pk],
                    name=f"Ryhmä {i}",
                    level=levels[i % len(levels)],
                )
                for i in range(max(0, n("bodies") - Body.objects.count()))
            ],
            batch_size=batch,
        )
        seats: dict[int, list[Membership]] = {}
        rows = []
        for body in bodies:
            people = rng.sample(by_area[body.area_id], min(8, len(by_area[body.area_id])))
            rows.extend(
                Membership(
                    body=body,
                    person=person,
                    organisation_id=person.organisation_id,
                    starts_on=date(2020, 1, 1),
                )
                for person in people
            )
        for m in Membership.objects.bulk_create(rows, batch_size=batch):
            seats.setdefault(m.body_id, []).append(m)
        print(f"  structure: {len(areas)} areas, {len(bodies)} new bodies", flush=True)

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    now = datetime.now().astimezone()
    first = now - timedelta(days=365 * YEARS)
    span = (now + timedelta(days=365) - first).total_seconds()
    count = max(0, n("meetings") - Meeting.objects.count())
    for start in range(0, count, batch):
        with transaction.atomic():
            meetings = []
            for i in range(start, min(count, start + batch)):
                body = bodies[i % len(bodies)]
                starts = first + timedelta(seconds=rng.random() * span)
                starts = starts.replace(minute=0, second=0, microsecond=0)
                meetings.append(
                    factories.MeetingFactory.build(
                        body=body,
                        convener_id=body.convener_id,
                        title=f"{body.name}: kokous {i}",
                        starts_at=starts,
                        ends_at=starts + timedelta(hours=2),
                        # held first: the database freezes what approved minutes cover
                        status="held" if starts < now else "planned",
                    )
                )
            meetings = Meeting.objects.bulk_create(meetings)
            items = AgendaItem.objects.bulk_create(
                [
                    AgendaItem(meeting=m, order=o, title=f"Asia {o}")
                    for m in meetings
                    for o in (1, 2, 3)
                ]
            )
            past = [m for m in meetings if m.status == "held"]
            Attendance.objects.bulk_create(
                [
                    Attendance(meeting=m, person_id=s.person_id, organisation_id=s.organisation_id)
                    for m in past
                    for s in seats.get(m.body_id, [])[:5]
                ]
            )
            minutes = Minutes.objects.bulk_create(
                [Minutes(meeting=m, version=1, summary="Kokous käsitteli asiat.") for m in past]
            )
            of_meeting = {mi.meeting_id: mi for mi in minutes}
            MinutesItem.objects.bulk_create(
                [
                    MinutesItem(
                        minutes=of_meeting[a.meeting_id], agenda_item=a, decision="Hyväksyttiin."
                    )
                    for a in items
                    if a.meeting_id in of_meeting
                ]
            )
            # Approved and published, as minutes_approve and minutes_publish leave them.
            for mi in minutes:
                Minutes.objects.filter(pk=mi.pk).update(
                    status="approved",
                    approval_method="chair",
                    approved_at=mi.meeting.ends_at,
                    published_at=mi.meeting.ends_at + timedelta(days=7),
                )
            Meeting.objects.filter(pk__in=[m.pk for m in past]).update(status="published")
        if start // batch % 4 == 3:
            # Fresh statistics, so that the freeze triggers' lookups use their indexes
            # as the tables grow (autovacuum would do it in a real installation).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    print(f"  meetings: {Meeting.objects.count()}", flush=True)
    _values(values)


def _values(rows: int) -> None:
    """Country-wide Sotkanet values through the real importer: every municipality of the
    installation and every county a region."""
    from sotkanet import generate

    from yhdyspinta.indicators.importer import import_values
    from yhdyspinta.indicators.models import SotkanetIndicator, SotkanetRegion
    from yhdyspinta.parties.models import Organisation, OrganisationKind

    missing = Organisation.objects.filter(
        kind=OrganisationKind.MUNICIPALITY, sotkanet_regions__isnull=True
    )
    SotkanetRegion.objects.bulk_create(
        [
            SotkanetRegion(
                id=30000 + o.pk,
                code=o.municipality_number,
                category="KUNTA",
                title=o.name,
                organisation=o,
            )
            for o in missing
        ]
    )
    regions = sorted(SotkanetRegion.objects.values_list("id", flat=True))
    folder = Path(tempfile.mkdtemp())
    try:
        json_path, csv_path, indicators = generate(rows, folder, regions)
        csv_path.unlink()
        SotkanetIndicator.objects.bulk_create(
            [SotkanetIndicator(id=i, title=f"Indikaattori {i}") for i in range(1, indicators + 1)],
            ignore_conflicts=True,
        )
        with json_path.open("rb") as stream:
            run = import_values(stream, "national.json")
        if run.status != "done":
            raise SystemExit(run.error)
        print(f"  values: {run.inserted} imported", flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- the load: gunicorn with 4 workers, 20 clients ----------------------------------------


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
    """A session of the area's administrator, logged in through the login page."""
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


def paired(urls: dict[str, str], demo_db: str, national_db: str) -> dict[str, tuple[float, float]]:
    """Each page's median time on a server of the demo and on one of the national set,
    rendered in turns (demo, national, national, demo, ...) round by round: the two
    sides of a ratio are measured at the same moments, so a slow spell of a shared
    machine falls on both. Milliseconds, end to end over loopback."""
    import requests

    sides = {}
    servers = []
    try:
        for side, database in (("demo", demo_db), ("national", national_db)):
            server, base = _server(database, 1)
            servers.append(server)
            anonymous = requests.Session()
            anonymous.headers.update(HEADERS)
            sides[side] = (base, _logged_in(base), anonymous)
        times: dict[str, dict[str, list[float]]] = {
            name: {"demo": [], "national": []} for name in urls
        }
        order = ["demo", "national"]
        for round_ in range(PAIRED_ROUNDS + 1):
            for name, url in urls.items():
                for side in order:
                    base, admin, anonymous = sides[side]
                    session = anonymous if name.startswith("api") else admin
                    started = time.perf_counter()
                    response = session.get(base + url, timeout=120)
                    elapsed = (time.perf_counter() - started) * 1000
                    if response.status_code != 200:
                        raise SystemExit(f"{side} {url}: HTTP {response.status_code}")
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


def load(urls: dict[str, str], seconds: float = 20.0, clients: int = 20) -> tuple[float, float]:
    """p95 (ms) and requests/s of the page mix under gunicorn with 4 workers and 20
    concurrent clients, anonymous (the public's kept pages)."""
    import requests

    server, base = _server(os.environ["DATABASE_URL"], 4)
    try:
        mix = [urls[name] for name in LOAD_MIX]
        for url in mix:  # every worker's caches warm up a little
            requests.get(base + url, headers=HEADERS, timeout=60)
        times: list[float] = []
        errors: list[str] = []
        end = time.monotonic() + seconds

        def client(number: int) -> None:
            session = requests.Session()
            i = number
            while time.monotonic() < end:
                url = mix[i % len(mix)]
                i += 1
                started = time.perf_counter()
                response = session.get(base + url, headers=HEADERS, timeout=120)
                times.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    errors.append(f"{url}: {response.status_code}")

        threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            print(f"  load errors: {len(errors)}, e.g. {errors[0]}")
        p95 = statistics.quantiles(times, n=20)[-1]
        return p95, len(times) / seconds
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
    parser.add_argument("--values", type=int, default=None)
    parser.add_argument("--cache", default=str(Path.home() / ".cache" / "yhdyspinta-bench"))
    parser.add_argument("--load-seconds", type=float, default=20.0)
    args = parser.parse_args()
    database = os.environ.get("DATABASE_URL", "")
    if not database.startswith("postgres"):
        raise SystemExit("DATABASE_URL must point at PostgreSQL (run: make bench)")
    values = args.values if args.values is not None else round(FULL["values"] * args.scale)
    import django

    django.setup()
    import logging

    from django.core.management import call_command
    from django.test import override_settings

    logging.getLogger("yhdyspinta.use").disabled = True  # a line a page view otherwise
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)

    from yhdyspinta.areas.models import Area
    from yhdyspinta.demo.loader import load_all

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    if not Area.objects.exists():
        load_all()
    urls = pages()
    demo = measure_pages(urls)
    # The API's answers to the public come from the kept copy; these are made anew.
    api = {name: url for name, url in urls.items() if name.startswith("api")}
    with override_settings(PUBLIC_CACHE_SECONDS=0):
        demo_built = measure_pages(api)
    demo_documents = measure_documents()
    demo_p95, demo_rps = load(urls, args.load_seconds)
    print(f"demo: load p95 {demo_p95:.0f} ms, {demo_rps:.1f} requests/s", flush=True)
    # The demo is kept as a database of its own, so that its pages can be measured
    # in turns with the national set's (`paired`).
    demo_database = _copy_database(database, "_demo")

    # The cache is named by the code that builds the data set and its arguments, so that
    # changing how pages are measured does not build it again.
    import sotkanet

    source = "".join(inspect.getsource(f) for f in (build, _values, sotkanet.generate))
    key = hashlib.sha256(f"{source}{args.scale}:{values}".encode()).hexdigest()[:16]
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
        build(args.scale, values)
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
    national = measure_pages(urls)
    with override_settings(PUBLIC_CACHE_SECONDS=0):
        national_built = measure_pages(api)
    national_documents = measure_documents()
    national_p95, national_rps = load(urls, args.load_seconds)
    from django.db import connections

    connections.close_all()
    turns = paired(urls, demo_database, database)

    print(
        "pages in turns on two servers (demo, national), and in this process one after the other:"
    )
    print(
        f"{'page':<26}{'demo ms':>9}{'national':>10}{'ratio':>8}{'queries':>12}{'in process':>16}"
    )
    for name in urls:
        (d_ms, d_q), (n_ms, n_q) = demo[name], national[name]
        d_turn, n_turn = turns[name]
        print(
            f"{name:<26}{d_turn:>9.1f}{n_turn:>10.1f}{n_turn / d_turn:>8.2f}{d_q:>6} → {n_q}"
            f"{d_ms:>8.1f} → {n_ms:.1f}"
        )
    for name in api:
        (d_ms, d_q), (n_ms, n_q) = demo_built[name], national_built[name]
        label = f"{name} (made anew)"
        print(f"{label:<26}{d_ms:>9.1f}{n_ms:>10.1f}{n_ms / d_ms:>8.2f}{d_q:>6} → {n_q}")
    for name in demo_documents:
        d_ms, n_ms = demo_documents[name], national_documents[name]
        print(f"{name:<26}{d_ms:>9.0f}{n_ms:>10.0f}{n_ms / d_ms:>8.2f}")
    print(
        f"load, 4 workers, 20 clients: demo p95 {demo_p95:.0f} ms ({demo_rps:.1f}/s), "
        f"national p95 {national_p95:.0f} ms ({national_rps:.1f}/s)"
    )
    worst = max(n_ms / d_ms for d_ms, n_ms in turns.values())
    slowest = max(n_ms for _d_ms, n_ms in turns.values())
    print(f"national_pages: ratio={worst:.2f} target<=1.5")
    print(f"national_slowest_ms: ratio={slowest / 100:.2f} target<=1")
    print(f"national_documents_ms: ratio={max(national_documents.values()) / 1000:.2f} target<=1")
    print(f"national_load: ratio={national_p95 / 250:.2f} target<=1")


if __name__ == "__main__":
    main()
