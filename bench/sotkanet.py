"""Sotkanet import benchmark: a generated, Sotkanet-shaped JSON file of N rows for a whole
country is imported into PostgreSQL by the real importer (in a child process, to measure
its own peak memory), and the same rows are loaded with a bare COPY into an equivalent
table in the same run. Prints both times and the ratio; the last line is
`sotkanet_import: ratio=<x> target<=1.5`. Also times the indicator page queries on the
data. Needs DATABASE_URL (make bench starts a throwaway PostgreSQL)."""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yhdyspinta.settings")
os.environ.setdefault("DEBUG", "1")

REGIONS, YEARS, GENDERS = 300, 20, ("total", "female", "male")


def generate(rows: int, folder: Path) -> tuple[Path, Path, int]:
    """The JSON for the importer and the same rows as CSV for the bare COPY."""
    per_indicator = REGIONS * YEARS * len(GENDERS)
    indicators = max(1, rows // per_indicator)
    json_path, csv_path = folder / "data.json", folder / "data.csv"
    count = 0
    with json_path.open("w") as js, csv_path.open("w") as cs:
        js.write("[")
        for indicator in range(1, indicators + 1):
            for region in range(1, REGIONS + 1):
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
                        cs.write(f"{indicator},{region},{year},{gender},{value},{absolute}\n")
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
    print(json.dumps({"rows": run.rows_read, "inserted": run.inserted, "seconds": seconds}))


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
    from django.db import connection

    from yhdyspinta.indicators import selectors
    from yhdyspinta.indicators.models import SotkanetIndicator, SotkanetRegion, SotkanetValue

    call_command("migrate", verbosity=0)
    SotkanetValue.objects.all().delete()
    folder = Path(tempfile.mkdtemp())
    started = time.perf_counter()
    json_path, csv_path, indicators = generate(args.rows, folder)
    size_mb = json_path.stat().st_size / 2**20
    took = time.perf_counter() - started
    print(f"generated {args.rows} rows ({size_mb:.0f} MB) in {took:.1f} s")
    SotkanetRegion.objects.bulk_create(
        [
            SotkanetRegion(id=r, code=str(r), category="KUNTA", title=f"Kunta {r}")
            for r in range(1, REGIONS + 1)
        ],
        ignore_conflicts=True,
    )
    SotkanetIndicator.objects.bulk_create(
        [SotkanetIndicator(id=i, title=f"Indikaattori {i}") for i in range(1, indicators + 1)],
        ignore_conflicts=True,
    )

    child = subprocess.run(  # noqa: S603 - our own script with our own temp file
        [sys.executable, __file__, "--import-only", str(json_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    imported = json.loads(child.stdout.strip().splitlines()[-1])
    import_seconds = imported["seconds"]

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_copy")
        cursor.execute(
            "CREATE TABLE bench_copy (indicator_id integer, region_id integer, year smallint, "
            "gender varchar(6), value double precision, abs_value double precision, "
            "UNIQUE (indicator_id, region_id, year, gender))"
        )
    started = time.perf_counter()
    with (
        connection.cursor() as cursor,
        csv_path.open("rb") as source,
        cursor.cursor.copy("COPY bench_copy FROM STDIN WITH (FORMAT csv)") as copy,
    ):
        while chunk := source.read(1 << 20):
            copy.write(chunk)
    copy_seconds = time.perf_counter() - started

    indicator = SotkanetIndicator.objects.get(id=1)
    ids = list(range(1, REGIONS + 1))
    started = time.perf_counter()
    selectors.computed_series(indicator, ids, "total")
    query_ms = (time.perf_counter() - started) * 1000
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_copy")

    print(
        f"import: {imported['rows']} rows in {import_seconds:.2f} s, peak memory {peak_mb:.0f} MB"
    )
    print(f"bare COPY: {args.rows} rows in {copy_seconds:.2f} s")
    print(f"country aggregate, {len(ids)} municipalities: {query_ms:.0f} ms")
    ratio = import_seconds / copy_seconds
    print(f"sotkanet_import: ratio={ratio:.2f} target<=1.5")


if __name__ == "__main__":
    main()
