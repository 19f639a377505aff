import io
from pathlib import Path

import pytest

from yhdyspinta.indicators import importer
from yhdyspinta.indicators.models import ImportRun, SotkanetRegion, SotkanetValue, ValueChange

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture
def metadata(demo):
    with (SAMPLES / "regions.json").open("rb") as f:
        importer.import_regions(f)
    with (SAMPLES / "indicators.json").open("rb") as f:
        importer.import_indicator_metadata(f)


def run(data: bytes, name="data.json") -> ImportRun:
    return importer.import_values(io.BytesIO(data), name)


def test_regions_map_to_municipalities_and_areas(metadata, demo):
    joensuu = SotkanetRegion.objects.get(id=658)
    assert joensuu.organisation.name == "Joensuun kaupunki"
    assert SotkanetRegion.objects.get(id=5).area == demo["nk"]
    assert SotkanetRegion.objects.get(id=900).organisation is None


def test_json_import_and_idempotency(metadata):
    data = (SAMPLES / "data.json").read_bytes()
    first = run(data)
    assert (first.status, first.rows_read, first.inserted, first.updated) == ("done", 5, 5, 0)
    again = run(data)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 5)
    assert SotkanetValue.objects.filter(indicator_id__in=[4559, 127]).count() == 5
    newer = data.replace(b'"value": 12.1', b'"value": 12.3')
    third = run(newer)
    assert (third.inserted, third.updated) == (0, 1)
    change = ValueChange.objects.get(run=third)
    assert (change.old_value, change.new_value) == (12.1, 12.3)
    assert (
        SotkanetValue.objects.get(region_id=658, year=2023, gender="total", indicator_id=4559).value
        == 12.3
    )


def test_latin1_csv_with_decimal_commas(metadata):
    result = run((SAMPLES / "data-latin1.csv").read_bytes(), "data.csv")
    assert result.status == "done", result.error
    assert SotkanetValue.objects.get(region_id=658, year=2022).value == 11.8


def test_utf8_csv_with_bom(metadata):
    data = "\ufeffindicator;region;year;gender;value\n4559;658;2021;total;11,0\n"
    data = data.encode()
    assert run(data, "x.csv").status == "done"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (
            b'[{"indicator": 4559, "region": 658, "year": 2023, "gender": "total", "value": 1}, '
            b'{"indic',
            "x.json",
            "ei ole kelvollista JSONia",
        ),
        (
            b'[{"indicator": "kaksi", "region": 658, "year": 2023, "gender": "total", "value": 1}]',
            "x.json",
            "Objekti 1: kentän 'indicator' pitäisi olla luku",
        ),
        (
            b'[{"indicator": 4559, "region": 658, "year": 2023, "gender": "both", "value": 1}]',
            "x.json",
            "Objekti 1: kentän 'gender'",
        ),
        (
            b'[{"indicator": 4559, "region": 658, "year": 2023, "gender": "total"}]',
            "x.json",
            "Objekti 1: kenttä 'value' puuttuu",
        ),
        (
            b'[{"indicator": 1, "region": 658, "year": 2023, "gender": "total", "value": 1}]',
            "x.json",
            "tuntematon indikaattori 1",
        ),
        (
            b'[{"indicator": 4559, "region": 77, "year": 2023, "gender": "total", "value": 1}]',
            "x.json",
            "tuntematon alue 77",
        ),
        (
            b'[{"indicator": 4559, "region": 658, "year": 2023, "gender": "total", "value": 1},'
            b' {"indicator": 4559, "region": 658, "year": 2023, "gender": "total", "value": 2}]',
            "x.json",
            "Rivi tai objekti 1: sama indikaattori",
        ),
        (
            b'[{"indicator": 4559, "region": 658, "year": 20233, "gender": "total", "value": 1}]',
            "x.json",
            "Objekti 1: vuosi 20233 ei ole tilastovuosi",
        ),
        (b"[]", "x.json", "Tiedostossa ei ole rivejä"),
        (b"", "x.json", "ei ole kelvollista JSONia"),
        (b"indicator,region,year,gender,value\n4559,658,2023,total,1\n", "x.csv", "';'"),
        (b"", "x.csv", "Tiedostossa ei ole rivejä"),
        (
            b"indicator;region;year;gender;value\n4559;658;vuosi;total;1\n",
            "x.csv",
            "Rivi 2: kentän 'year'",
        ),
    ],
)
def test_bad_files_import_nothing_and_say_why(metadata, data, name, message):
    before = SotkanetValue.objects.count()
    result = run(data, name)
    assert result.status == "failed"
    assert message in result.error
    assert SotkanetValue.objects.count() == before


def _row(indicator, year, value, region=658):
    return b'{"indicator": %d, "region": %d, "year": %d, "gender": "total", "value": %s}' % (
        indicator,
        region,
        year,
        value,
    )


def test_new_values_then_a_row_that_exists_already(metadata):
    """On PostgreSQL the new values are copied straight into the table; a later row that
    exists already sends the whole file through the comparing path, with the same result
    as on any database."""
    assert run(b"[" + _row(127, 2020, b"5.0") + b"]").inserted == 1
    rows = [_row(4559, year, b"1.5") for year in range(2000, 2010)] + [_row(127, 2020, b"6.0")]
    result = run(b"[" + b",".join(rows) + b"]")
    assert (result.status, result.inserted, result.updated, result.unchanged) == (
        "done",
        10,
        1,
        0,
    )
    assert SotkanetValue.objects.get(indicator_id=127, year=2020).value == 6.0
    assert ValueChange.objects.get(run=result).old_value == 5.0


class _Unseekable(io.RawIOBase):
    def __init__(self, data: bytes):
        self.source = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        chunk = self.source.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_a_value_is_its_key_and_arrives_exactly_by_either_path(metadata):
    """The key (indicator, region, year, gender) is the primary key: no surrogate id. The
    numbers are stored exactly as the file has them, an absent absValue as NULL, whether
    they come straight in (binary COPY on PostgreSQL) or through the staging table."""
    rows = [
        b'{"indicator": 127, "region": 658, "year": 2021, "gender": "female", '
        b'"value": 0.1, "absValue": 123456789.25}',
        b'{"indicator": 127, "region": 658, "year": 2022, "gender": "female", "value": 7}',
    ]
    for data in (b"[" + b",".join(rows) + b"]", b"[" + b",".join(reversed(rows)) + b"]"):
        SotkanetValue.objects.all().delete()
        assert run(data).inserted == 2
        first = SotkanetValue.objects.get(pk=(127, 658, 2021, "female"))
        assert (first.value, first.abs_value, first.updated_at is not None) == (
            0.1,
            123456789.25,
            True,
        )
        second = SotkanetValue.objects.get(pk=(127, 658, 2022, "female"))
        assert (second.value, second.abs_value) == (7.0, None)
    assert not hasattr(SotkanetValue, "id")
    # Through the staging path (a stream that cannot be rewound): the same values again.
    again = importer.import_values(_Unseekable(b"[" + b",".join(rows) + b"]"), "stream.json")
    assert (again.inserted, again.unchanged) == (0, 2)


def test_a_stream_that_cannot_be_rewound_takes_the_comparing_path(metadata):
    data = (SAMPLES / "data.json").read_bytes()
    result = importer.import_values(_Unseekable(data), "stream.json")
    assert (result.status, result.inserted) == ("done", 5)
    again = importer.import_values(_Unseekable(data), "stream.json")
    assert again.unchanged == 5


def test_a_bad_row_late_in_the_file_rolls_back_the_good_ones(metadata):
    rows = b",".join(
        b'{"indicator": 4559, "region": 658, "year": %d, "gender": "total", "value": 1}' % year
        for year in range(2000, 2020)
    )
    result = run(b"[" + rows + b', {"indicator": 4559, "region": 658, "year": 2021}]')
    assert result.status == "failed"
    assert "Objekti 21" in result.error
    assert not SotkanetValue.objects.filter(indicator_id=4559, year__lt=2020).exists()


def test_live_fetch_uses_the_same_parser_against_a_recorded_response(metadata):
    recorded = (SAMPLES / "data.json").read_bytes()
    asked = []

    def opener(url, timeout):
        asked.append(url)
        return io.BytesIO(recorded)

    result = importer.fetch(4559, [2023], opener=opener)
    assert result.status == "done"
    assert asked == ["https://sotkanet.fi/rest/1.1/json?indicator=4559&years=2023&genders=total"]


@pytest.mark.parametrize("bad", ["NaN", "inf", "-Infinity", "1e300"])
def test_nan_infinity_and_absurd_values_are_refused_with_line_and_field(metadata, bad):
    data = (
        f"indicator;region;year;gender;value\n4559;658;2022;total;12,5\n4559;658;2023;total;{bad}\n"
    ).encode()
    result = run(data, "data.csv")
    assert result.status == "failed"
    assert "Rivi 3" in result.error
    assert "value" in result.error
    assert not SotkanetValue.objects.filter(indicator_id=4559, year__in=(2022, 2023)).exists()


def test_a_json_infinity_or_nan_is_not_valid_json(metadata):
    data = b'[{"indicator": 4559, "region": 658, "year": 2022, "gender": "total", "value": NaN}]'
    result = run(data)
    assert result.status == "failed"
    assert not SotkanetValue.objects.filter(indicator_id=4559, year=2022).exists()


HOSTILE_PROBE = """
import io, os, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))  # never the machine
os.environ["DJANGO_SETTINGS_MODULE"] = "yhdyspinta.settings"
os.environ["DEBUG"] = "1"
import django
django.setup()
from yhdyspinta.indicators import importer
data = b"[" * 200_000 + b"]" * 200_000
try:
    sum(1 for _ in importer.parse_json(io.BytesIO(data)))
    print("parsed")
except importer.ImportProblem as problem:
    print("refused", problem)
# The high-water mark of this process's own memory (ru_maxrss may carry the parent's).
status = open("/proc/self/status").read()
print("peak_mb", int(status.split("VmHWM:")[1].split()[0]) // 1024)
"""


@pytest.mark.once
def test_deeply_nested_json_is_refused_in_bounded_memory():
    """200 KB of brackets once took 23 GB: in a subprocess (so that a regression cannot
    take the test machine down) it is refused and the peak stays under 300 MB."""
    import subprocess
    import sys

    result = subprocess.run(  # noqa: S603 - our own probe
        [sys.executable, "-c", HOSTILE_PROBE],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**__import__("os").environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])},
    )
    assert "refused" in result.stdout, result.stdout + result.stderr[-2000:]
    assert "syvemmälle kuin 16" in result.stdout or "deeper than 16" in result.stdout
    peak = int(result.stdout.rsplit("peak_mb", 1)[1])
    assert peak < 300


def test_nested_json_through_the_importer_fails_cleanly(metadata):
    result = run(b"[" * 1000 + b"]" * 1000)
    assert result.status == "failed"
    assert "16" in result.error
    brackets_in_text = (
        b'[{"indicator": 4559, "region": 658, "year": 2022, "gender": "total", '
        b'"value": 1.5, "note": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\"]]]"}]'
    )
    assert run(brackets_in_text).status == "done"


def test_csv_with_an_endless_line_is_refused_at_once(metadata):
    result = run(b"indicator;region;year;gender;value\n" + b"1;" * 3_000_000, "data.csv")
    assert result.status == "failed"
    assert "Rivi 2" in result.error


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 7, 13, 64])
def test_depth_guard_is_exact_across_chunk_boundaries(chunk):
    """Strings with brackets, quotes and backslashes never count; closing brackets
    hidden in strings never hide real depth; whatever the read size."""
    import json

    deep = 20
    shallow = json.dumps(
        [{"title": '[[{"\\"]]\\\\', "x": [1, {"y": "}]}]"}]}, {"title": "", "z": "\\"}]
    ).encode()
    hidden = b"[" * deep + b'"' + b"]" * deep + b'"' + b"]" * deep

    def read_all(data):
        guarded = io.BufferedReader(importer._DepthGuard(io.BytesIO(data)), buffer_size=chunk)
        out = b""
        while piece := guarded.read(chunk):
            out += piece
        return out

    assert read_all(shallow) == shallow
    with pytest.raises(importer.ImportProblem):
        read_all(hidden)
    with pytest.raises(importer.ImportProblem):
        read_all(b"[" * deep + b"]" * deep)


@pytest.mark.parametrize(
    ("kind", "content", "message"),
    [
        ("regions", b"[1, 2, 3]", "Objekti 1"),
        ("regions", b'{"id": 1}', "ei ole yhtään objektia"),
        ("regions", b'[{"id": 99999999999999, "title": "X"}]', "id"),
        ("regions", b'[{"id": "abc"}]', "id"),
        ("regions", b"\xff\xfe[", "JSON"),
        ("indicators", b'[{"id": 5, "decimals": "kaksi"}]', "decimals"),
        ("indicators", b'[{"id": 5, "title": ["a", "b"]}, "x"]', "Objekti 2"),
        ("indicators", b'[{"id": 5}', "JSON"),
    ],
)
def test_malformed_metadata_files_give_a_clear_message(demo, kind, content, message):
    """Each of these gave a 500 or a database error before: now a Finnish message that
    names the object or field, and nothing imported."""
    from django.utils import translation

    from yhdyspinta.indicators.models import SotkanetIndicator, SotkanetRegion

    before = (SotkanetRegion.objects.count(), SotkanetIndicator.objects.count())
    load = importer.import_regions if kind == "regions" else importer.import_indicator_metadata
    with translation.override("fi"), pytest.raises(importer.ImportProblem, match=message):
        load(io.BytesIO(content))
    assert (SotkanetRegion.objects.count(), SotkanetIndicator.objects.count()) == before


def test_the_import_command_refuses_a_file_past_the_uploads_cap(settings, tmp_path):
    """The command has the upload page's cap (IMPORT_MAX_BYTES): a larger file is refused
    before anything is read or any write lock is held, and nothing is imported."""
    from django.core.management import CommandError, call_command

    data = Path(__file__).parent / "samples" / "data.json"
    settings.IMPORT_MAX_BYTES = data.stat().st_size - 1
    runs = ImportRun.objects.count()
    with pytest.raises(CommandError, match="IMPORT_MAX_BYTES"):
        call_command("import_sotkanet", str(data))
    assert ImportRun.objects.count() == runs
