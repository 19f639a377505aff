"""Sotkanet import: the data endpoint's JSON (REST API 1.1) or its CSV, and the indicator
and region metadata. Streaming (ijson; a 1 GB file is never in memory), transactional (a
bad file imports nothing and the error names the line or object and the field),
idempotent (the same file twice changes nothing; a newer value replaces an older one and
the change is recorded), and bulk: on PostgreSQL an indicator's new values go straight
into the values table by binary COPY; other rows go into a staging table (COPY on
PostgreSQL) and are merged with set-based SQL."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import math
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

import ijson
import psycopg
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg.copy import QueuedLibpqWriter

from yhdyspinta.areas.models import Area
from yhdyspinta.parties.models import Organisation, OrganisationKind

from .models import ImportRun, SotkanetIndicator, SotkanetRegion, SotkanetValue

GENDERS = {"total", "male", "female"}
YEARS = (1900, 2100)  # statistics years; anything else is a mistake in the file
API = "https://sotkanet.fi/rest/1.1"
Row = tuple[
    int, int, int, int, str, float | None, float | None
]  # line, ind, region, year, gender, value, abs


class ImportProblem(Exception):
    """A bad file: says where and what, in plain words."""


@dataclass
class Result:
    rows: int
    inserted: int
    updated: int
    unchanged: int


# --- parsing -------------------------------------------------------------------------------


def _number(obj: dict, key: str, where: str, *, required: bool = True, integer: bool = False):
    value = obj.get(key)
    if value is None or value == "":
        if required:
            raise ImportProblem(
                _("%(where)s: the field '%(field)s' is missing.") % {"where": where, "field": key}
            )
        return None
    try:
        if integer:
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError
            whole = int(value)
            if abs(whole) > 2_147_483_647:
                raise ValueError
            return whole
        if isinstance(value, str):
            value = value.replace(",", ".")
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ImportProblem(
            _("%(where)s: the field '%(field)s' should be a number, not %(value)r.")
            % {"where": where, "field": key, "value": value}
        ) from None
    if not math.isfinite(number) or abs(number) > LARGEST:
        # NaN and Infinity would break every chart of every area that shows them.
        raise ImportProblem(
            _("%(where)s: the field '%(field)s' is not a usable number: %(value)r.")
            % {"where": where, "field": key, "value": value}
        )
    return number


def _row(obj, where: str, line: int) -> Row:
    if not isinstance(obj, dict):
        raise ImportProblem(_("%(where)s is not an object.") % {"where": where})
    gender = obj.get("gender")
    if gender not in GENDERS:
        raise ImportProblem(
            _("%(where)s: the field 'gender' should be total, male or female, not %(value)r.")
            % {"where": where, "value": gender}
        )
    year = _number(obj, "year", where, integer=True)
    if not YEARS[0] <= year <= YEARS[1]:
        raise ImportProblem(
            _("%(where)s: the year %(value)s is not a statistics year.")
            % {"where": where, "value": year}
        )
    return (
        line,
        _number(obj, "indicator", where, integer=True),
        _number(obj, "region", where, integer=True),
        year,
        gender,
        _number(obj, "value", where),
        _number(obj, "absValue", where, required=False),
    )


NUMBER = (int, float)
# No statistic is larger; anything beyond is a broken file (and NaN, Infinity never pass).
LARGEST = 1e12


def _fast_row(obj, index: int) -> Row | None:
    """The common case without building any message; None sends the row to the careful
    check that explains what is wrong."""
    try:
        indicator, region, year = obj["indicator"], obj["region"], obj["year"]
        gender, value, absolute = obj["gender"], obj["value"], obj.get("absValue")
    except (KeyError, TypeError):
        return None
    if (
        type(indicator) is int
        and type(region) is int
        and type(year) is int
        and YEARS[0] <= year <= YEARS[1]
        and gender in GENDERS
        and type(value) in NUMBER
        and -LARGEST <= value <= LARGEST  # also false for NaN; Infinity is out of range
        and (absolute is None or (type(absolute) in NUMBER and -LARGEST <= absolute <= LARGEST))
    ):
        return (
            index,
            indicator,
            region,
            year,
            gender,
            float(value),
            None if absolute is None else float(absolute),
        )
    return None


# --- hostile files ---------------------------------------------------------------------------

# Sotkanet's files nest at most a few levels ([{"title": {"fi": ...}}]). A file nested
# deeper is refused before the parser builds it: 200 KB of brackets would otherwise take
# gigabytes of memory and every area down with the server.
MAX_DEPTH = 16
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'[]{}"')


class _DepthGuard(io.RawIOBase):
    """Passes a JSON byte stream through and stops it at a nesting deeper than
    MAX_DEPTH. Everything but brackets and quotes is dropped with bytes.translate and
    strings are skipped by splitting at the quotes, all in C, so a large flat file costs
    little; only what remains of the structure is walked in Python."""

    def __init__(self, stream: BinaryIO):
        self.stream, self.depth, self.in_string, self.tail = stream, 0, False, b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.stream.read(len(buffer))
        self._scan(data)
        buffer[: len(data)] = data
        return len(data)

    def _scan(self, data: bytes) -> None:
        chunk = self.tail + data
        # An escape may straddle two chunks: keep a trailing run of backslashes.
        body = chunk.rstrip(b"\\")
        self.tail = chunk[len(body) :]
        structure = body.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, _NOT_STRUCTURE)
        if self.in_string:
            structure = b'"' + structure  # reopen the string the last chunk ended in
        # Strings without brackets (all of them, in a Sotkanet file) are adjacent quote
        # pairs: dropping the pairs is exact as long as no quote is left over, because a
        # string holding a bracket always leaves one (its opener cannot pair).
        outside = structure.replace(b'""', b"")
        quotes = outside.count(b'"')
        if quotes == 0:
            self.in_string = False
        elif quotes == 1 and outside.endswith(b'"'):
            self.in_string, outside = True, outside[:-1]  # a string goes on in the next chunk
        else:
            parts = structure.split(b'"')
            outside = b"".join(parts[::2])
            self.in_string = len(parts) % 2 == 0
        # Innermost empty pairs ({} of each row) collapse in C; each round is one level.
        rounds = 0
        while rounds < MAX_DEPTH and (b"{}" in outside or b"[]" in outside):
            outside = outside.replace(b"{}", b"").replace(b"[]", b"")
            rounds += 1
        depth = self.depth
        for byte in outside:
            depth += 1 if byte in b"[{" else -1
            if depth + rounds > MAX_DEPTH:
                raise ImportProblem(
                    _("The file nests deeper than %(n)s levels; it is not a Sotkanet file.")
                    % {"n": MAX_DEPTH}
                )
        self.depth = depth


def _guarded(stream: BinaryIO) -> BinaryIO:
    return io.BufferedReader(_DepthGuard(stream), buffer_size=1 << 16)


def parse_json(stream: BinaryIO) -> Iterator[Row]:
    """The data endpoint's JSON: a flat list of objects. Extra fields are ignored."""
    index = 0
    try:
        items = ijson.items(_guarded(stream), "item", use_float=True)
        for index, obj in enumerate(items, start=1):
            yield _fast_row(obj, index) or _row(obj, _("Object %(n)s") % {"n": index}, index)
    except ijson.common.IncompleteJSONError as error:
        raise ImportProblem(
            _("The file is not valid JSON (after object %(n)s): %(error)s")
            % {"n": index, "error": error}
        ) from None
    if index == 0:
        raise ImportProblem(_("The file has no rows."))


def _text(stream: BinaryIO) -> io.TextIOBase:
    """Sotkanet's CSV may be UTF-8 (with or without BOM) or Latin-1."""
    head = stream.read(65536)
    try:
        head.decode("utf-8")
        encoding = "utf-8-sig"
    except UnicodeDecodeError as error:
        # A cut in the middle of a multibyte character at the end of the sample is fine.
        encoding = "utf-8-sig" if error.start >= len(head) - 3 else "latin-1"
    rest = io.BufferedReader(_Prepend(head, stream))
    return codecs.getreader(encoding)(rest, errors="strict")


class _Prepend(io.RawIOBase):
    def __init__(self, head: bytes, stream: BinaryIO):
        self.head, self.stream = head, stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.head:
            n = min(len(buffer), len(self.head))
            buffer[:n], self.head = self.head[:n], self.head[n:]
            return n
        data = self.stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


# A Sotkanet CSV line is well under a kilobyte; a longer one is a broken or hostile file
# and must not make the server read megabytes into one string.
MAX_LINE = 64 * 1024


def _lines(text: io.TextIOBase) -> Iterator[str]:
    number = 1
    while line := text.readline(MAX_LINE):
        number += 1
        if len(line) >= MAX_LINE and not line.endswith("\n"):
            raise ImportProblem(
                _("Line %(n)s is longer than %(max)s characters; it is not a Sotkanet file.")
                % {"n": number, "max": MAX_LINE}
            )
        yield line


def parse_csv(stream: BinaryIO) -> Iterator[Row]:
    """Sotkanet's CSV: ';'-separated, a header row naming the same fields as the JSON."""
    text = _text(stream)
    try:
        header_line = text.readline(MAX_LINE)
    except UnicodeDecodeError:
        raise ImportProblem(
            _("The file's character encoding is neither UTF-8 nor Latin-1.")
        ) from None
    if len(header_line) >= MAX_LINE and not header_line.endswith("\n"):
        raise ImportProblem(
            _("Line %(n)s is longer than %(max)s characters; it is not a Sotkanet file.")
            % {"n": 1, "max": MAX_LINE}
        )
    if not header_line.strip():
        raise ImportProblem(_("The file has no rows."))
    if ";" not in header_line:
        raise ImportProblem(
            _(
                "The CSV file should use ';' between fields, as Sotkanet's does; "
                "the first line has none."
            )
        )
    header = [h.strip() for h in header_line.strip().split(";")]
    missing = {"indicator", "region", "year", "gender", "value"} - set(header)
    if missing:
        raise ImportProblem(
            _("The CSV header lacks the columns: %(columns)s.")
            % {"columns": ", ".join(sorted(missing))}
        )
    count = 0
    line = 1
    try:
        for line, record in enumerate(csv.reader(_lines(text), delimiter=";"), start=2):
            if not record:
                continue
            count += 1
            yield _row(dict(zip(header, record, strict=False)), _("Line %(n)s") % {"n": line}, line)
    except csv.Error:
        raise ImportProblem(
            _("Line %(n)s is not a Sotkanet CSV line (a field is too long or broken).")
            % {"n": line + 1}
        ) from None
    except UnicodeDecodeError:
        raise ImportProblem(
            _("The file's character encoding is neither UTF-8 nor Latin-1.")
        ) from None
    if count == 0:
        raise ImportProblem(_("The file has no rows."))


def parse(stream: BinaryIO, filename: str) -> Iterator[Row]:
    return parse_csv(stream) if filename.lower().endswith(".csv") else parse_json(stream)


# --- loading ---------------------------------------------------------------------------------

STAGING = "sotkanet_staging"
VALUES = "indicators_sotkanetvalue"
KEY = "indicator_id, region_id, year, gender"


def _checked(rows: Iterable[Row], indicators: set[int], regions: set[int]) -> Iterator[Row]:
    for row in rows:
        if row[1] not in indicators:
            raise ImportProblem(
                _(
                    "Line or object %(n)s: unknown indicator %(id)s. "
                    "Import the indicator metadata first."
                )
                % {"n": row[0], "id": row[1]}
            )
        if row[2] not in regions:
            raise ImportProblem(
                _("Line or object %(n)s: unknown region %(id)s. Import the region metadata first.")
                % {"n": row[0], "id": row[2]}
            )
        yield row


def _copy(cursor, sql: str, types: list[str], rows: Iterable[tuple]) -> int:
    """Binary COPY: psycopg writes each row in C and the server stores the numbers as they
    are, without parsing text (a fifth faster than text lines made in Python, and less
    work for the database). While Python parses the next rows, PostgreSQL is already
    storing the previous ones."""
    count = 0
    # The queued writer sends the rows from a thread of its own, so that parsing never
    # waits for the socket (4.5–4.9 → 4.4 s for 10^6 rows).
    with cursor.cursor.copy(
        f"{sql} FROM STDIN WITH (FORMAT binary)", writer=QueuedLibpqWriter(cursor.cursor)
    ) as copy:
        copy.set_types(types)
        write = copy.write_row
        for count, row in enumerate(rows, start=1):  # noqa: B007 - the last is the result
            write(row)
    return count


ROW_TYPES = ["int4", "int4", "int2", "varchar", "float8", "float8"]


def _stage(cursor, rows: Iterable[Row]) -> int:
    cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
    cursor.execute(
        f"CREATE TEMP TABLE {STAGING} (line integer, indicator_id integer, region_id integer, "
        "year smallint, gender varchar(6), value double precision, abs_value double precision)"
    )
    if connection.vendor == "postgresql":
        return _copy(cursor, f"COPY {STAGING}", ["int4", *ROW_TYPES], rows)
    count = 0
    batch = []
    sql = f"INSERT INTO {STAGING} VALUES (%s, %s, %s, %s, %s, %s, %s)"
    for row in rows:
        batch.append(row)
        if len(batch) == 5000:
            cursor.executemany(sql, batch)
            count += len(batch)
            batch.clear()
    if batch:
        cursor.executemany(sql, batch)
        count += len(batch)
    return count


def _copy_new_values(cursor, rows: Iterable[Row]) -> int | None:
    """The large, common case on PostgreSQL: values the database does not have yet (a
    first import of an indicator) are copied straight into the values table. A row that
    exists already, or appears twice in the file, breaks the unique key: then nothing of
    this attempt is kept and None sends the file to the staging path, which compares,
    records changes and names the duplicate line."""
    now = timezone.now()
    savepoint = transaction.savepoint_create()
    try:
        count = _copy(
            cursor,
            f"COPY {VALUES} ({KEY}, value, abs_value, updated_at)",
            [*ROW_TYPES, "timestamptz"],
            (
                (indicator, region, year, gender, value, absolute, now)
                for _line, indicator, region, year, gender, value, absolute in rows
            ),
        )
    except psycopg.errors.UniqueViolation:
        transaction.savepoint_rollback(savepoint)
        return None
    except BaseException:
        transaction.savepoint_rollback(savepoint)
        raise
    transaction.savepoint_commit(savepoint)
    return count


def _merge(cursor, run: ImportRun) -> tuple[int, int]:
    distinct = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    cursor.execute(
        f"SELECT MIN(line), {KEY} FROM {STAGING} GROUP BY {KEY} HAVING COUNT(*) > 1 LIMIT 1"
    )
    duplicate = cursor.fetchone()
    if duplicate:
        raise ImportProblem(
            _(
                "Line or object %(n)s: the same indicator, region, year and gender "
                "appear twice in the file."
            )
            % {"n": duplicate[0]}
        )
    # Only when some of these indicators already have values can anything change; a first
    # import of an indicator skips the comparison joins altogether.
    cursor.execute(
        f"SELECT EXISTS (SELECT 1 FROM {VALUES} WHERE indicator_id IN "
        f"(SELECT DISTINCT indicator_id FROM {STAGING}))"
    )
    updated = 0
    if cursor.fetchone()[0]:
        updated = _record_and_update(cursor, run, distinct)
    cursor.execute(
        f"INSERT INTO {VALUES} ({KEY}, value, abs_value, updated_at) "
        f"SELECT {KEY}, value, abs_value, %s FROM {STAGING} WHERE true "
        f"ON CONFLICT ({KEY}) DO NOTHING",
        [timezone.now()],
    )
    inserted = cursor.rowcount
    cursor.execute(f"DROP TABLE {STAGING}")
    return inserted, updated


def _record_and_update(cursor, run: ImportRun, distinct: str) -> int:
    changed = (
        f"FROM {STAGING} s WHERE v.indicator_id = s.indicator_id AND v.region_id = s.region_id "
        f"AND v.year = s.year AND v.gender = s.gender "
        f"AND (v.value {distinct} s.value OR v.abs_value {distinct} s.abs_value)"
    )
    cursor.execute(
        "INSERT INTO indicators_valuechange "
        "(run_id, indicator_id, region_id, year, gender, old_value, new_value) "
        "SELECT %s, v.indicator_id, v.region_id, v.year, v.gender, v.value, s.value "
        f"FROM {VALUES} v, " + changed.removeprefix("FROM "),
        [run.pk],
    )
    cursor.execute(
        f"UPDATE {VALUES} AS v SET value = s.value, abs_value = s.abs_value, updated_at = %s "
        + changed,
        [timezone.now()],
    )
    return cursor.rowcount


def _rewindable(stream) -> bool:
    try:
        return stream.seekable()
    except (AttributeError, ValueError):
        return False


def import_values(
    stream: BinaryIO, filename: str, *, user=None, run: ImportRun | None = None
) -> ImportRun:
    """Import one data file. On any problem nothing is imported and the run says why.
    `run`: the queued run the worker is carrying out (else a new one is recorded)."""
    if run is None:
        run = ImportRun.objects.create(filename=filename, kind="data", user=user)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            indicators = set(SotkanetIndicator.objects.values_list("id", flat=True))
            regions = set(SotkanetRegion.objects.values_list("id", flat=True))
            copied = None
            if connection.vendor == "postgresql" and _rewindable(stream):
                start = stream.tell()
                rows = _checked(parse(stream, filename), indicators, regions)
                first = next(rows)
                # A file of an indicator that has values already goes to the comparing
                # path at once instead of failing on its first row.
                if not SotkanetValue.objects.filter(indicator_id=first[1]).exists():
                    copied = _copy_new_values(cursor, itertools.chain([first], rows))
                if copied is None:
                    stream.seek(start)
            if copied is not None:
                rows, inserted, updated = copied, copied, 0
            else:
                rows = _stage(cursor, _checked(parse(stream, filename), indicators, regions))
                inserted, updated = _merge(cursor, run)
    except ImportProblem as problem:
        run.status, run.error = ImportRun.Status.FAILED, str(problem)
        run.finished_at = timezone.now()
        run.save()
        return run
    run.status = ImportRun.Status.DONE
    run.rows_read, run.inserted, run.updated = rows, inserted, updated
    run.unchanged = rows - inserted - updated
    run.finished_at = timezone.now()
    run.save()
    return run


# --- metadata --------------------------------------------------------------------------------


def _title(obj: dict, language: str) -> str:
    title = obj.get("title")
    if isinstance(title, dict):
        title = title.get(language)
    elif language != "fi":
        return ""
    return title[:400] if isinstance(title, str) else ""


def _object(obj, index: int) -> dict:
    """One object of a metadata file, or a clear refusal naming it."""
    if not isinstance(obj, dict):
        raise ImportProblem(
            _("Object %(n)s: expected an object with fields, not %(value)r.")
            % {
                "n": index,
                "value": obj if not isinstance(obj, (list, dict)) else type(obj).__name__,
            }
        )
    return obj


@transaction.atomic
def import_regions(stream: BinaryIO) -> int:
    """The regions metadata; municipalities (KUNTA) are mapped by their Statistics
    Finland number, areas (HYVINVOINTIALUE, MAAKUNTA) by their name."""
    municipalities = {
        o.municipality_number: o
        for o in Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).exclude(
            municipality_number=""
        )
    }
    areas = {a.name: a for a in Area.objects.all()}
    count = 0
    for index, item in enumerate(_items(stream), start=1):
        obj = _object(item, index)
        where = _("Object %(n)s") % {"n": index}
        region_id = _number(obj, "id", where, integer=True)
        category = str(obj.get("category") or "")
        code = str(obj.get("code") or "")
        title = _title(obj, "fi")
        organisation = (
            municipalities.get(code.zfill(3)) if category == SotkanetRegion.MUNICIPALITY else None
        )
        area = areas.get(title) if category in (SotkanetRegion.COUNTY, "MAAKUNTA") else None
        defaults = {
            "code": code,
            "category": category,
            "title": title,
            "title_sv": _title(obj, "sv"),
            "organisation": organisation,
        }
        # An area is found by its name only where the names agree; Sotkanet's are often
        # inflected ("Pohjois-Karjalan hyvinvointialue"), so the area administrator may
        # choose its region in the app (services.choose_area_region). A new import of the
        # regions keeps that choice.
        if area is not None:
            defaults["area"] = area
        SotkanetRegion.objects.update_or_create(id=region_id, defaults=defaults)
        count += 1
    return count


@transaction.atomic
def import_indicator_metadata(stream: BinaryIO) -> int:
    count = 0
    for index, item in enumerate(_items(stream), start=1):
        obj = _object(item, index)
        where = _("Object %(n)s") % {"n": index}
        indicator_id = _number(obj, "id", where, integer=True)
        decimals = _number(obj, "decimals", where, required=False, integer=True)
        SotkanetIndicator.objects.update_or_create(
            id=indicator_id,
            defaults={
                "title": _title(obj, "fi") or str(indicator_id),
                "title_sv": _title(obj, "sv"),
                "title_en": _title(obj, "en"),
                "decimals": min(max(decimals if decimals is not None else 1, 0), 6),
            },
        )
        count += 1
    return count


def _items(stream: BinaryIO) -> Iterator[dict]:
    """The objects of a metadata file: a JSON list of objects, nothing else."""
    empty = True
    try:
        for item in ijson.items(_guarded(stream), "item", use_float=True):
            empty = False
            yield item
    except (ijson.common.JSONError, UnicodeDecodeError) as error:
        raise ImportProblem(_("The file is not valid JSON: %(error)s") % {"error": error}) from None
    if empty:
        raise ImportProblem(_("The file holds no objects: a JSON list of objects is expected."))


# --- live fetch ------------------------------------------------------------------------------


def fetch_url(indicator: int, years: Iterable[int], genders: Iterable[str] = ("total",)) -> str:
    query = (
        [("indicator", indicator)]
        + [("years", y) for y in years]
        + [("genders", g) for g in genders]
    )
    return f"{API}/json?{urllib.parse.urlencode(query)}"


def fetch(
    indicator: int, years: Iterable[int], *, opener=urllib.request.urlopen, user=None
) -> ImportRun:
    """Fetch one indicator from Sotkanet's API and import it with the same parser."""
    url = fetch_url(indicator, years)
    with opener(url, timeout=60) as response:
        return import_values(response, f"sotkanet-{indicator}.json", user=user)
