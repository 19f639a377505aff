"""The one writer of CSV and XLSX files.

Spreadsheets run a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
as a formula, and anyone can type such text (even on the anonymous answer-link form).
Every text cell is neutralised as OWASP advises (a leading `'`), numbers stay numbers.
CSV is written the way Finnish Excel reads it: `;` between fields, a decimal comma,
UTF-8 with a byte-order mark."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["csv_bytes", "safe_text", "workbook_bytes", "xlsx_row"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: object) -> str:
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if _is_number(value):
        if isinstance(value, float) and not math.isfinite(value):
            return ""
        return str(value).replace(".", ",")
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return f"{value.day}.{value.month}.{value.year}"
    return safe_text(value)


def csv_bytes(header: Sequence[object], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([_csv_cell(v) for v in header])
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_cell(value: object) -> object:
    if value is None or isinstance(value, bool):
        return value
    if _is_number(value):
        return value if not (isinstance(value, float) and not math.isfinite(value)) else None
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, date):
        return value
    return safe_text(value)


def xlsx_row(sheet: Worksheet, row: Iterable[object]) -> None:
    """Append a row: numbers and dates as such, text neutralised."""
    sheet.append([_xlsx_cell(v) for v in row])


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
