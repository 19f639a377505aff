"""A list in a user's own file (CSV or XLSX): its header and rows as text, read row by row
and at most `MAX_ROWS` of them, for an indicator set to be made of (services.own_set_rows).
THL publishes its lists as spreadsheets; a county may keep its own as CSV from Excel
(`;` and a byte-order mark) or with commas."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _

from yhdyspinta.core.workbooks import NotAWorkbook, open_read_only

MAX_ROWS = 2_000


class TableError(ValueError):
    pass


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read(file: IO[bytes], filename: str) -> Table:
    """The first sheet's (or the CSV's) first non-empty row as the header, then the rows."""
    if filename.lower().endswith((".xlsx", ".xlsm")):
        lines = _xlsx_lines(file)
    elif filename.lower().endswith(".csv"):
        lines = _csv_lines(file)
    else:
        raise TableError(_("Give the list as an Excel workbook (.xlsx) or a CSV file."))
    header: list[str] = []
    rows: list[list[str]] = []
    for line in lines:
        cells = [_text(v) for v in line]
        if not any(cells):
            continue
        if not header:
            header = cells
            continue
        if len(rows) >= MAX_ROWS:
            raise TableError(_("The list has more than %(count)s rows.") % {"count": MAX_ROWS})
        rows.append(cells + [""] * (len(header) - len(cells)))
    if not header:
        raise TableError(_("The file is empty."))
    return Table(header, rows)


def _xlsx_lines(file: IO[bytes]):
    try:
        book = open_read_only(file, values=True)
    except NotAWorkbook as error:
        raise TableError(str(error)) from error
    try:
        yield from book.worksheets[0].iter_rows(values_only=True)
    finally:
        book.close()


def _csv_lines(file: IO[bytes]):
    raw = file.read(10 * 1024 * 1024 + 1)
    if len(raw) > 10 * 1024 * 1024:
        raise TableError(_("The list has more than %(count)s rows.") % {"count": MAX_ROWS})
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    sample = text[:4096]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    yield from csv.reader(io.StringIO(text), delimiter=delimiter)
