"""Page render benchmark: each page on the demo data, then again with ten times the rows.

Prints times and the ratio grown/base, both measured in this run on this machine. Query
counts stay constant (the tests assert that); the ratio shows what rows cost in rendering.
Run with `make bench`."""

import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
DB = Path(tempfile.mkdtemp()) / "bench.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yhdyspinta.settings")

import django  # noqa: E402

django.setup()

from datetime import date  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

ROUNDS = 15


def measure(client: Client, url: str) -> tuple[float, int]:
    client.get(url)  # warm caches
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    start = time.perf_counter()
    for _ in range(ROUNDS):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
    return (time.perf_counter() - start) / ROUNDS * 1000, len(executed)


def grow(factor: int) -> None:
    from yhdyspinta.areas.models import Area
    from yhdyspinta.bodies.models import Body, Membership
    from yhdyspinta.parties.models import Organisation, Person

    area = Area.objects.get(slug="pohjois-karjala")
    bodies = list(Body.objects.filter(area=area))
    for i in range(len(Organisation.objects.filter(area=area)) * (factor - 1)):
        organisation = Organisation.objects.create(area=area, name=f"Lisäjärjestö {i}", kind="ngo")
        person = Person.objects.create(
            area=area, first_name="Testi", last_name=f"Henkilö {i}", organisation=organisation
        )
        Membership.objects.create(
            body=bodies[i % len(bodies)],
            person=person,
            organisation=organisation,
            starts_on=date(2024, 1, 1),
        )


def main() -> None:
    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ALLOWED_HOSTS=["testserver"],
    ):
        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        started = time.perf_counter()
        call_command("load_demo", stdout=io.StringIO())
        print(f"demo load: {(time.perf_counter() - started) * 1000:.0f} ms")
        from django.contrib.auth import get_user_model

        client = Client()
        client.force_login(get_user_model().objects.get(username="paakayttaja"))
        pages = {
            "overview": "/pohjois-karjala/",
            "bodies": "/pohjois-karjala/bodies/",
            "organisations": "/pohjois-karjala/organisations/",
            "people": "/pohjois-karjala/people/",
            "area-wide group": None,
        }
        from yhdyspinta.bodies.models import Body

        group = Body.objects.get(level="area_partnership", area__slug="pohjois-karjala")
        pages["area-wide group"] = group.get_absolute_url()
        base = {name: measure(client, url) for name, url in pages.items()}
        grow(10)
        grown = {name: measure(client, url) for name, url in pages.items()}
    print(f"{'page':<18}{'base ms':>9}{'10x ms':>9}{'ratio':>8}{'queries':>10}")
    worst = 0.0
    for name in pages:
        (b_ms, b_q), (g_ms, g_q) = base[name], grown[name]
        worst = max(worst, g_ms / b_ms)
        print(f"{name:<18}{b_ms:>9.1f}{g_ms:>9.1f}{g_ms / b_ms:>8.2f}{b_q:>6} → {g_q}")
    # Ten times the rows should cost at most ten times the rendering, never more queries.
    print(f"pages_10x_rows: ratio={worst:.2f} target<=10")


if __name__ == "__main__":
    main()
