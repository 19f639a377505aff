"""Hostile import files, measured: the memory peak of parsing 200 KB of nested brackets
(once 23 GB) and the time of a flat file of 10^6 Sotkanet rows with and without the
depth guard, in this run on this machine. Run with `make bench`."""

import io
import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yhdyspinta.settings")
# A regression must not take the machine down: 3 GB of address space at the most.
resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))

import django  # noqa: E402

django.setup()

import ijson  # noqa: E402

from yhdyspinta.indicators import importer  # noqa: E402

LIMIT_MB = 300


def main() -> None:
    hostile = b"[" * 200_000 + b"]" * 200_000
    start = time.perf_counter()
    try:
        sum(1 for _ in importer.parse_json(io.BytesIO(hostile)))
        outcome = "parsed"
    except importer.ImportProblem:
        outcome = "refused"
    except MemoryError:
        outcome = "out of memory"
    seconds = time.perf_counter() - start
    with open("/proc/self/status") as status:
        peak = int(status.read().split("VmHWM:")[1].split()[0]) / 1024
    print(f"hostile JSON ({len(hostile) // 1024} KB of brackets): {outcome} in {seconds:.3f} s")

    rows = [
        {"indicator": 4559, "region": r, "year": 2000 + y, "gender": g, "value": r + 0.5}
        for r in range(300)
        for y in range(22)
        for g in ("total", "male", "female")
    ]
    flat = json.dumps(rows * 50).encode()
    start = time.perf_counter()
    plain = sum(1 for _ in ijson.items(io.BytesIO(flat), "item", use_float=True))
    bare = time.perf_counter() - start
    start = time.perf_counter()
    guarded = sum(1 for _ in ijson.items(importer._guarded(io.BytesIO(flat)), "item"))
    with_guard = time.perf_counter() - start
    if plain != guarded:
        raise SystemExit(f"the guard lost rows: {guarded} of {plain}")
    print(
        f"flat JSON, {plain} rows ({len(flat) // 1_000_000} MB): ijson {bare:.2f} s, "
        f"with the depth guard {with_guard:.2f} s"
    )
    print(f"hostile_json_peak_mb: ratio={peak / LIMIT_MB:.2f} target<=1")


if __name__ == "__main__":
    main()
