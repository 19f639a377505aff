"""The register workbook: an area's organisations, people, named roles, sub-regions,
bodies (with their rhythm rules), seats and counterpart pairs as one Excel workbook with
Finnish headers, a sheet each in that order and the instructions last.

What a sheet holds is data (`SHEETS`): its name, its columns and what each column's cells
are. Reading checks the file before anything is written: a file that is not a workbook or
carries macros, a missing sheet or column, a formula, a date in another format, an
unknown choice and a sheet of too many rows are each a `Problem` with the sheet, the row,
the column and a reason in the user's language. openpyxl reads it row by row
(`read_only`), so a large file does not sit in memory whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.db.models import TextChoices
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from yhdyspinta.bodies.models import LegalBasis, Level, MembershipRole, RhythmRule
from yhdyspinta.core.exports import FORMULA_START, safe_text
from yhdyspinta.core.workbooks import NotAWorkbook, open_read_only
from yhdyspinta.parties.models import Leadership, NamedRoleKind, OrganisationKind

MAX_ROWS = 20_000  # a sheet; the largest county has a few thousand seats
INSTRUCTIONS = "Ohjeet"


@dataclass(frozen=True)
class Column:
    header: str
    name: str
    kind: str = "text"  # text, bool, date, int, choice, kinds (a list of choices), rhythm
    choices: type[TextChoices] | None = None
    required: bool = False


@dataclass(frozen=True)
class Sheet:
    key: str
    title: str
    columns: tuple[Column, ...]


SHEETS = (
    Sheet(
        "organisations",
        "Organisaatiot",
        (
            Column("Nimi", "name", required=True),
            Column("Tyyppi", "kind", "choice", OrganisationKind, required=True),
            Column("Y-tunnus", "business_id"),
            Column("Kuntanumero", "municipality_number"),
            Column("Seutu", "sub_region"),
            Column("Katuosoite", "street_address"),
            Column("Postinumero", "postal_code"),
            Column("Postitoimipaikka", "post_office"),
            Column("Sähköposti", "email"),
            Column("Verkkosivu", "website"),
            Column("Sopimusosapuoli", "is_agreement_party", "bool"),
            Column("Päättynyt", "ended_on", "date"),
        ),
    ),
    Sheet(
        "people",
        "Henkilöt",
        (
            Column("Etunimi", "first_name", required=True),
            Column("Sukunimi", "last_name", required=True),
            Column("Sähköposti", "email"),
            Column("Organisaatio", "organisation"),
            Column("Tehtävänimike", "title"),
            Column("Johtotaso", "leadership", "choice", Leadership),
            Column("Puhelin", "phone"),
        ),
    ),
    Sheet(
        "named_roles",
        "Nimetyt roolit",
        (
            Column("Organisaatio", "organisation", required=True),
            Column("Rooli", "kind", "choice", NamedRoleKind, required=True),
            Column("Henkilö", "person"),
            Column("Nimi (ilman henkilöä)", "holder_name"),
            Column("Alkaa", "starts_on", "date"),
            Column("Päättyy", "ends_on", "date"),
        ),
    ),
    Sheet(
        "sub_regions",
        "Seudut",
        (Column("Nimi", "name", required=True), Column("Järjestys", "order", "int")),
    ),
    Sheet(
        "bodies",
        "Toimielimet",
        (
            Column("Nimi", "name", required=True),
            Column("Taso", "level", "choice", Level, required=True),
            Column("Koollekutsuja", "convener", required=True),
            Column("Koollekutsujan rooli", "convener_role"),
            Column("Seutu", "sub_region"),
            Column("Raportoi toimielimelle", "parent"),
            Column("Lakiperuste", "legal_basis", "choice", LegalBasis),
            Column("Edustettava", "required_party_kinds", "kinds", OrganisationKind),
            Column("Nimettäviä vähintään", "nominees_min", "int"),
            Column("Nimettäviä enintään", "nominees_max", "int"),
            Column("Kokousrytmi", "rhythm", "rhythm"),
            Column("Tehtävä", "description"),
            Column("Päättynyt", "ended_on", "date"),
        ),
    ),
    Sheet(
        "seats",
        "Paikat",
        (
            Column("Toimielin", "body", required=True),
            Column("Organisaatio", "organisation", required=True),
            Column("Henkilö", "person", required=True),
            Column("Rooli", "role", "choice", MembershipRole),
            Column("Varajäsen henkilölle", "deputy_for"),
            Column("Alkaa", "starts_on", "date", required=True),
            Column("Päättyy", "ends_on", "date"),
            Column("Peruste", "source"),
        ),
    ),
    Sheet(
        "counterparts",
        "Vastinparit",
        (
            Column("Aihe", "topic", "choice", NamedRoleKind, required=True),
            Column("Hyvinvointialueen henkilö", "county_person", required=True),
            Column("Kunnan henkilö", "municipality_person", required=True),
        ),
    ),
)
BY_KEY = {sheet.key: sheet for sheet in SHEETS}

# A rule per line or separated by ";": "kokous 6-8/vuosi", "neuvottelu 1/valtuustokausi",
# "kaikki 4+/vuosi", "seuranta 1/vuosi kk 5".
RHYTHM_KINDS = {
    "kaikki": RhythmRule.MeetingKind.ANY,
    "neuvottelu": RhythmRule.MeetingKind.NEGOTIATION,
    "kokous": RhythmRule.MeetingKind.MEETING,
    "seuranta": RhythmRule.MeetingKind.FOLLOW_UP,
}
RHYTHM_PERIODS = {"vuosi": RhythmRule.Period.YEAR, "valtuustokausi": RhythmRule.Period.COUNCIL_TERM}
_RHYTHM = re.compile(
    r"(?P<kind>[a-zäö]+)\s+(?P<min>\d+)(?:(?P<plus>\+)|-(?P<max>\d+))?\s*/\s*(?P<period>[a-zäö]+)"
    r"(?:\s+kk\s+(?P<month>\d{1,2}))?"
)


@dataclass(frozen=True)
class Rhythm:
    meeting_kind: str
    period: str
    min_count: int
    max_count: int | None
    month: int | None


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None
    column: str
    reason: str

    def __str__(self) -> str:
        where = [self.sheet] if self.sheet else []
        if self.row:
            where.append(_("row %(row)s") % {"row": self.row})
        if self.column:
            where.append(_("column %(column)s") % {"column": self.column})
        return f"{', '.join(where)}: {self.reason}" if where else self.reason


@dataclass
class Row:
    number: int
    values: dict[str, Any]


@dataclass
class Parsed:
    rows: dict[str, list[Row]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def read(file: IO[bytes]) -> Parsed:
    """The workbook's rows by sheet, or the problems that refuse it."""
    parsed = Parsed()
    try:
        book = open_read_only(file)
    except NotAWorkbook as error:
        parsed.problems.append(Problem("", None, "", str(error)))
        return parsed
    try:
        for sheet in SHEETS:
            if sheet.title not in book.sheetnames:
                parsed.problems.append(Problem(sheet.title, None, "", _("The sheet is missing.")))
                continue
            parsed.rows[sheet.key] = list(_sheet_rows(sheet, book[sheet.title], parsed.problems))
    finally:
        book.close()
    return parsed


def _sheet_rows(sheet: Sheet, worksheet, problems: list[Problem]) -> Iterator[Row]:
    lines = worksheet.iter_rows()
    header = next(lines, ())
    positions = {str(cell.value).strip(): i for i, cell in enumerate(header) if cell.value}
    missing = [c.header for c in sheet.columns if c.header not in positions]
    problems.extend(Problem(sheet.title, 1, h, _("The column is missing.")) for h in missing)
    if missing:
        return
    for number, line in enumerate(lines, start=2):
        if number > MAX_ROWS + 1:
            problems.append(
                Problem(
                    sheet.title,
                    number,
                    "",
                    _("The sheet has more than %(count)s rows.") % {"count": f"{MAX_ROWS:,}"},
                )
            )
            return
        cells = [
            line[positions[c.header]] if positions[c.header] < len(line) else None
            for c in sheet.columns
        ]
        if all(cell is None or cell.value in (None, "") for cell in cells):
            continue
        values = {}
        for column, cell in zip(sheet.columns, cells, strict=True):
            try:
                values[column.name] = _value(column, cell)
            except ValueError as error:
                problems.append(Problem(sheet.title, number, column.header, str(error)))
        yield Row(number, values)


def _value(column: Column, cell) -> Any:
    raw = None if cell is None else cell.value
    if getattr(cell, "data_type", None) == "f":
        raise ValueError(_("The cell has a formula: write its value instead."))
    if isinstance(raw, str):
        # Text the writer neutralised (core.exports.safe_text) reads as it was written.
        if raw.startswith("'") and raw[1:].startswith(FORMULA_START):
            raw = raw[1:]
        raw = raw.strip()
    if raw in (None, ""):
        if column.required:
            raise ValueError(_("The cell is empty."))
        return _empty(column)
    return _PARSERS[column.kind](column, raw)


def _empty(column: Column) -> Any:
    return {"bool": False, "date": None, "int": None, "kinds": [], "rhythm": []}.get(
        column.kind, ""
    )


def _text(column: Column, raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw)


def _bool(column: Column, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("kyllä", "k", "x", "ja", "yes", "1"):
        return True
    if text in ("ei", "e", "nej", "no", "0"):
        return False
    raise ValueError(_("Write kyllä or ei."))


def _date(column: Column, raw: Any) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    match = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", str(raw))
    try:
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
        return date.fromisoformat(str(raw))
    except ValueError:
        pass
    raise ValueError(_("A date is written d.m.yyyy, e.g. 1.6.2025."))


def _int(column: Column, raw: Any) -> int:
    try:
        number = int(raw)
    except (TypeError, ValueError):
        raise ValueError(_("Write a whole number.")) from None
    if number != raw and str(number) != str(raw):
        raise ValueError(_("Write a whole number."))
    return number


def _choice(column: Column, raw: Any) -> str:
    if column.choices is None:
        raise TypeError(column.name)
    text = str(raw).strip().lower()
    with translation.override("fi"):
        for value, label in column.choices.choices:
            if text in (str(value).lower(), str(label).lower()):
                return str(value)
        allowed = ", ".join(str(label) for _value, label in column.choices.choices)
    raise ValueError(
        _("Unknown value %(value)s. Allowed: %(allowed)s.") % {"value": raw, "allowed": allowed}
    )


def _kinds(column: Column, raw: Any) -> list[str]:
    return [_choice(column, part) for part in re.split(r"[;,\n]", str(raw)) if part.strip()]


def _rhythm(column: Column, raw: Any) -> list[Rhythm]:
    rules = []
    for part in re.split(r"[;\n]", str(raw).lower()):
        if not part.strip():
            continue
        match = _RHYTHM.fullmatch(part.strip())
        if not match or match["kind"] not in RHYTHM_KINDS or match["period"] not in RHYTHM_PERIODS:
            raise ValueError(
                _("A meeting rhythm is written e.g. 'kokous 6-8/vuosi; seuranta 1/vuosi kk 5'.")
            )
        low = int(match["min"])
        high = None if match["plus"] else int(match["max"] or low)
        month = int(match["month"]) if match["month"] else None
        if (high is not None and high < low) or (month is not None and not 1 <= month <= 12):
            raise ValueError(
                _("A meeting rhythm is written e.g. 'kokous 6-8/vuosi; seuranta 1/vuosi kk 5'.")
            )
        rules.append(
            Rhythm(RHYTHM_KINDS[match["kind"]], RHYTHM_PERIODS[match["period"]], low, high, month)
        )
    return rules


_PARSERS = {
    "text": _text,
    "bool": _bool,
    "date": _date,
    "int": _int,
    "choice": _choice,
    "kinds": _kinds,
    "rhythm": _rhythm,
}


# --- writing -----------------------------------------------------------------------------
def rhythm_text(rules: Iterable[Rhythm]) -> str:
    kinds = {str(v): k for k, v in RHYTHM_KINDS.items()}
    periods = {str(v): k for k, v in RHYTHM_PERIODS.items()}
    parts = []
    for rule in rules:
        if rule.max_count is None:
            count = f"{rule.min_count}+"
        elif rule.max_count == rule.min_count:
            count = str(rule.min_count)
        else:
            count = f"{rule.min_count}-{rule.max_count}"
        text = f"{kinds[rule.meeting_kind]} {count}/{periods[rule.period]}"
        parts.append(text + (f" kk {rule.month}" if rule.month else ""))
    return "; ".join(parts)


def _cell_text(column: Column, value: Any) -> Any:
    if value in (None, "", []):
        return None
    if column.kind == "bool":
        return "kyllä" if value else "ei"
    if column.kind == "date":
        return f"{value.day}.{value.month}.{value.year}"
    labels = dict(column.choices.choices) if column.choices is not None else {}
    if column.kind == "choice":
        return str(labels.get(value, value))
    if column.kind == "kinds":
        return ", ".join(str(labels.get(v, v)) for v in value)
    if column.kind == "rhythm":
        return rhythm_text(value)
    return value if isinstance(value, int) else safe_text(value)


def write(rows: Mapping[str, Iterable[Mapping[str, Any]]], file: IO[bytes]) -> None:
    """The workbook of `rows` (by sheet key, each row by column name), then the
    instructions; written row by row (openpyxl's write-only mode)."""
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    with translation.override("fi"):
        for sheet in SHEETS:
            worksheet = book.create_sheet(sheet.title)
            header = []
            for column in sheet.columns:
                cell = WriteOnlyCell(worksheet, value=column.header)
                cell.font = bold
                header.append(cell)
            worksheet.append(header)
            for row in rows.get(sheet.key, ()):
                worksheet.append([_cell_text(c, row.get(c.name)) for c in sheet.columns])
        instructions = book.create_sheet(INSTRUCTIONS)
        for line in _instructions():
            instructions.append([line])
    book.save(file)


INSTRUCTIONS_TEXT = """Alueen rekisteri: jokainen välilehti on yksi taulukko, ensimmäisellä
rivillä sarakkeiden nimet.
Rivit tunnistetaan avaimista: organisaatio Y-tunnuksesta, kuntanumerosta tai nimestä;
henkilö sähköpostista (tai nimestä, jos sähköpostia ei ole); toimielin ja seutu nimestä.
Korjattu tiedosto päivittää rivit, ja sama tiedosto uudelleen ei muuta mitään.
Rivejä ei poisteta: päättynyt organisaatio, toimielin tai paikka merkitään päättyneeksi.
Henkilöön viitataan sähköpostiosoitteella (tai nimellä "Etunimi Sukunimi").
Päivämäärät muodossa p.k.vvvv, esimerkiksi 1.6.2025. Kyllä/ei-sarakkeisiin kyllä tai ei.
Kokousrytmi: esimerkiksi "kokous 6-8/vuosi; neuvottelu 1/vuosi; seuranta 1/vuosi kk 5";
"4+" tarkoittaa vähintään neljää; jakso on vuosi tai valtuustokausi.
Kokousten lajit: kaikki, neuvottelu, kokous, seuranta.
Kaavoja ja makroja ei lueta: kirjoita arvot soluihin ja tallenna .xlsx-muodossa.
Virheellinen tiedosto hylätään kokonaan, ja jokaisesta virheestä kerrotaan välilehti,
rivi ja sarake."""


def _instructions() -> list[str]:
    lines = [
        *INSTRUCTIONS_TEXT.split("\n"),
        f"Välilehdellä voi olla enintään {MAX_ROWS} riviä.",
        "",
        "Sallitut arvot:",
    ]
    with translation.override("fi"):
        for sheet in SHEETS:
            for column in sheet.columns:
                if column.choices is not None:
                    labels = ", ".join(str(label) for _v, label in column.choices.choices)
                    lines.append(f"{sheet.title} / {column.header}: {labels}")
    return lines
