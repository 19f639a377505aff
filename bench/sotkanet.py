"""Sotkanet import benchmark: a generated, Sotkanet-shaped JSON file of N rows for a whole
country is imported into PostgreSQL by the real importer (in a child process, to measure
its own peak memory), and the same rows are loaded with a bare COPY into an equivalent
table in the same run. Prints both times and the ratio; the last line is
`sotkanet_import: ratio=<x> target<=1.5` (the median of 3 runs of each, so that one slow
run does not swing it), and `sotkanet_import_floor: ratio=<import / COPY into a table
with only the unique key> target<=2`. Also times the indicator page queries on the data.
The generated files are removed when it ends. Needs DATABASE_URL (make bench starts a
throwaway PostgreSQL)."""

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yhdyspinta.settings")
os.environ.setdefault("DEBUG", "1")

# DEBUG keeps the last 9000 queries; loading the demo passes that, which is expected here.
warnings.filterwarnings("ignore", message="Limit for query logging exceeded")

REGIONS, YEARS, GENDERS = 300, 20, ("total", "female", "male")
STAMP = "2026-01-01T00:00:00+00:00"


def generate(rows: int, folder: Path, regions: list[int]) -> tuple[Path, Path, int]:
    """The JSON for the importer and the same rows as CSV for the bare COPY."""
    per_indicator = len(regions) * YEARS * len(GENDERS)
    indicators = max(1, rows // per_indicator)
    json_path, csv_path = folder / "data.json", folder / "data.csv"
    count = 0
    with json_path.open("w") as js, csv_path.open("w") as cs:
        js.write("[")
        for indicator in range(1, indicators + 1):
            for region in regions:
                for year in range(2000, 2000 + YEARS):
                    for gender in GENDERS:
                        value = round((indicator * 7 + region * 3 + year) % 997 / 10, 1)
                        absolute = int(value * 40)
                        if count:
                            js.write(",")
                        js.write(
                            f'{{"indicator":{indicator},"region":{region},"year":{year},'
                            f'"gender":"{gender}","value":{value},"absValue":{absolute}}}'
                        )
                        cs.write(
                            f"{indicator},{region},{year},{gender},{value},{absolute},{STAMP}\n"
                        )
                        count += 1
        js.write("]")
    return json_path, csv_path, indicators


def import_only(path: str) -> None:
    import django

    django.setup()
    from yhdyspinta.indicators.importer import import_values

    started = time.perf_counter()
    with open(path, "rb") as stream:
        run = import_values(stream, "bench.json")
    seconds = time.perf_counter() - started
    if run.status != "done":
        raise SystemExit(run.error)
    print(
        json.dumps(
            {
                "rows": run.rows_read,
                "inserted": run.inserted,
                "unchanged": run.unchanged,
                "seconds": seconds,
            }
        )
    )


def bare_copy(csv_path: Path, columns: str) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_copy")
        cursor.execute(f"CREATE TABLE bench_copy ({columns})")
    started = time.perf_counter()
    with (
        connection.cursor() as cursor,
        csv_path.open("rb") as source,
        cursor.cursor.copy(
            "COPY bench_copy (indicator_id, region_id, year, gender, value, abs_value, "
            "updated_at) FROM STDIN WITH (FORMAT csv)"
        ) as copy,
    ):
        while chunk := source.read(1 << 20):
            copy.write(chunk)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_copy")
    return seconds


def page_times(indicator: int) -> dict[str, tuple[float, int]]:
    """The indicator pages of North Karelia on the imported data: best of three renders
    in milliseconds, and the number of queries. Made anew each time: the public's kept
    copy (web.public_cache) would answer the second render without reading a value."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.urls import reverse

    from yhdyspinta.parties.models import Organisation

    joensuu = Organisation.objects.get(name="Joensuun kaupunki")
    kwargs = {"area": "pohjois-karjala"}
    pages = {
        "indicator": reverse("indicators:indicator", kwargs={**kwargs, "indicator": indicator})
        + f"?municipality={joensuu.pk}",
        "comparison": reverse("indicators:comparison", kwargs={**kwargs, "indicator": indicator}),
        "municipality profile": reverse("indicators:profile", kwargs={**kwargs, "pk": joensuu.pk}),
        "HYTE-kerroin cockpit": reverse("indicators:kerroin", kwargs=kwargs),
        "HYTE-kerroin cockpit of a municipality": reverse(
            "indicators:kerroin_municipality", kwargs={**kwargs, "pk": joensuu.pk}
        ),
    }
    client = Client(SERVER_NAME="127.0.0.1")
    result = {}
    for name, url in pages.items():
        times = []
        executed: list[str] = []

        def count(execute, sql, params, many, context, executed=executed):
            executed.append(sql)
            return execute(sql, params, many, context)

        for _ in range(3):
            executed.clear()
            with override_settings(PUBLIC_CACHE_SECONDS=0), connection.execute_wrapper(count):
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url}: HTTP {response.status_code}")
        result[name] = (min(times), len(executed))
    return result


def run_import(json_path: Path) -> tuple[float, float, dict]:
    """The real importer in a child process: its time, its peak memory and its counts."""
    child = subprocess.run(  # noqa: S603 - our own script with our own temp file
        [sys.executable, __file__, "--import-only", str(json_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    result = json.loads(child.stdout.strip().splitlines()[-1])
    return result["seconds"], peak_mb, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10**6)
    parser.add_argument("--import-only")
    args = parser.parse_args()
    if args.import_only:
        import_only(args.import_only)
        return
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("DATABASE_URL must point at PostgreSQL (run: make bench)")
    import django

    django.setup()
    from django.core.management import call_command

    from yhdyspinta.indicators.models import SotkanetIndicator, SotkanetRegion, SotkanetValue

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # the pages ask the shared cache
    from yhdyspinta.areas.models import Area
    from yhdyspinta.demo.loader import load_all

    # The demo areas make the indicator pages real: their municipalities are among the
    # generated regions, and the country is region 1, as in Sotkanet.
    if not Area.objects.exists():
        load_all()
    SotkanetValue.objects.all().delete()
    demo_regions = list(SotkanetRegion.objects.values_list("id", flat=True))
    SotkanetRegion.objects.bulk_create(
        [
            SotkanetRegion(id=20000 + r, code=str(r), category="KUNTA", title=f"Kunta {r}")
            for r in range(REGIONS - len(demo_regions))
        ],
        ignore_conflicts=True,
    )
    regions = sorted(SotkanetRegion.objects.values_list("id", flat=True))[:REGIONS]
    folder = Path(tempfile.mkdtemp())
    try:
        started = time.perf_counter()
        json_path, csv_path, indicators = generate(args.rows, folder, regions)
        size_mb = json_path.stat().st_size / 2**20
        took = time.perf_counter() - started
        rows = indicators * len(regions) * YEARS * len(GENDERS)
        print(f"generated {rows} rows ({size_mb:.0f} MB) in {took:.1f} s")
        SotkanetIndicator.objects.bulk_create(
            [SotkanetIndicator(id=i, title=f"Indikaattori {i}") for i in range(1, indicators + 1)],
            ignore_conflicts=True,
        )
        _measure(json_path, csv_path, indicators)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _measure(json_path: Path, csv_path: Path, indicators: int) -> None:
    from django.db import connection

    from yhdyspinta.indicators import selectors
    from yhdyspinta.indicators.models import SotkanetIndicator, SotkanetRegion, SotkanetValue

    # The bare COPY, into a table like the values table (same columns, keys, indexes and
    # constraints), then dropped, so that every load starts from the same state; and into
    # a table with nothing but the unique key (the floor). Each the median of 3 runs.
    copy_seconds = statistics.median(
        bare_copy(csv_path, "LIKE indicators_sotkanetvalue INCLUDING ALL") for _ in range(3)
    )
    key_only_seconds = statistics.median(
        bare_copy(
            csv_path,
            "indicator_id integer, region_id integer, year smallint, gender varchar(6), "
            "value double precision, abs_value double precision, updated_at timestamptz, "
            "UNIQUE (indicator_id, region_id, year, gender)",
        )
        for _ in range(3)
    )
    runs = []
    for _ in range(3):
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE indicators_sotkanetvalue")
        runs.append(run_import(json_path))
    import_seconds = statistics.median(seconds for seconds, _peak, _result in runs)
    peak_mb = max(peak for _seconds, peak, _result in runs)
    imported = runs[-1][2]
    # The same file again: every row exists, so the import compares and changes nothing.
    again_seconds, _peak, again = run_import(json_path)
    indicator = SotkanetIndicator.objects.get(id=1)
    ids = list(SotkanetRegion.objects.filter(category="KUNTA").values_list("id", flat=True))
    started = time.perf_counter()
    selectors.computed_series(indicator, ids, "total")
    query_ms = (time.perf_counter() - started) * 1000
    total = SotkanetValue.objects.count()
    # The cockpit reads the kerroin rows North Karelia follows: bound here to generated
    # indicators, so it ranks the area among the counties and Joensuu among 300 regions.
    from yhdyspinta.indicators.models import FollowedIndicator

    kerroin_rows = FollowedIndicator.objects.filter(area__slug="pohjois-karjala").exclude(
        set_code=""
    )
    for number, followed in enumerate(kerroin_rows.order_by("pk"), start=1):
        followed.sotkanet_id = min(number, indicators)
        followed.save()
    pages = page_times(indicator.id)

    print(
        f"bare COPY: {imported['rows']} rows in {copy_seconds:.2f} s "
        f"(into a table with only the unique key: {key_only_seconds:.2f} s)"
    )
    print(
        f"import: {imported['rows']} rows in {import_seconds:.2f} s, peak memory {peak_mb:.0f} MB"
    )
    print(
        f"import of the same file again: {again['inserted']} inserted, "
        f"{again['unchanged']} unchanged in {again_seconds:.2f} s"
    )
    print(f"country aggregate, {len(ids)} municipalities: {query_ms:.0f} ms")
    for name, (ms, queries) in pages.items():
        print(f"page on {total} values, {name}: {ms:.0f} ms, {queries} queries")
    ratio = import_seconds / copy_seconds
    print(f"sotkanet_import: ratio={ratio:.2f} target<=1.5")
    print(f"sotkanet_import_floor: ratio={import_seconds / key_only_seconds:.2f} target<=2")


if __name__ == "__main__":
    main()
