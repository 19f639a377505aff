"""The register in and out of a workbook: North Karelia's register exported and imported
into an empty area is the same register; a second import changes nothing; a corrected
file updates rows; a damaged or hostile file is refused whole with the sheet, the row,
the column and a Finnish reason."""

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation
from openpyxl import load_workbook

from yhdyspinta.accounts.permissions import Access
from yhdyspinta.areas.models import Area
from yhdyspinta.bodies.models import Body, Membership
from yhdyspinta.parties.models import Organisation, Person
from yhdyspinta.register import selectors, workbook
from yhdyspinta.register.services import register_import
from yhdyspinta.testing import factories

pytestmark = pytest.mark.django_db


def _export(area: Area) -> bytes:
    out = io.BytesIO()
    workbook.write(selectors.register_rows(area), out)
    return out.getvalue()


def _sheets(data: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return {ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()] for ws in book}


def _import(data: bytes, slug: str = "kopio", **extra):
    with translation.override("fi"):
        return register_import(
            access=Access.installation(),
            slug=slug,
            file=io.BytesIO(data),
            filename="rekisteri.xlsx",
            **{"name": "Kopio", **extra},
        )


def _edited(data: bytes, sheet: str, row: int, column: int, value) -> bytes:
    book = load_workbook(io.BytesIO(data))
    book[sheet].cell(row=row, column=column).value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_north_karelia_round_trips_into_an_empty_area_and_a_second_import_changes_nothing(demo):
    original = _export(demo["nk"])
    report = _import(original)
    assert report.problems == []
    copy = Area.objects.get(slug="kopio")
    assert copy.name == "Kopio"
    assert _sheets(_export(copy)) == _sheets(original)
    assert Membership.objects.filter(body__area=copy).count() == (
        Membership.objects.filter(body__area=demo["nk"]).count()
    )
    assert report.counts["Paikat"].created == Membership.objects.filter(body__area=copy).count()
    first = Person.history.filter(area_id=copy.pk).first()
    assert first.history_change_reason == "Rekisteritiedosto rekisteri.xlsx"

    histories = Person.history.count() + Membership.history.count() + Body.history.count()
    again = _import(original)
    assert again.problems == []
    assert again.changes == 0
    assert Person.history.count() + Membership.history.count() + Body.history.count() == histories


def test_a_corrected_file_updates_the_row_it_matches_by_its_key(demo):
    data = _export(demo["nk"])
    sheets = _sheets(data)
    header = sheets["Organisaatiot"][0]
    row = next(i for i, r in enumerate(sheets["Organisaatiot"]) if r[2] == "3221317-4") + 1
    # The county found by its business ID, renamed and moved: one row changed, none added.
    renamed = _edited(data, "Organisaatiot", row, header.index("Nimi") + 1, "Uusi nimi")
    moved = _edited(renamed, "Organisaatiot", row, header.index("Katuosoite") + 1, "Torikatu 1")
    report = _import(moved, slug="pohjois-karjala")
    assert report.problems == []
    assert (report.counts["Organisaatiot"].changed, report.counts["Organisaatiot"].created) == (
        1,
        0,
    )
    county = Organisation.objects.get(area=demo["nk"], business_id="3221317-4")
    assert (county.name, county.street_address) == ("Uusi nimi", "Torikatu 1")
    assert county.history.first().history_change_reason == "Rekisteritiedosto rekisteri.xlsx"
    # The bodies it convenes and the seats that name it follow the same row.
    assert report.counts["Toimielimet"].created == report.counts["Paikat"].created == 0


def test_a_damaged_copy_is_refused_whole(demo):
    data = _edited(_export(demo["nk"]), "Organisaatiot", 5, 1, None)
    # The row has no name: nothing of the file is imported, not even the new area.
    report = _import(data)
    assert [str(p) for p in report.problems] == [
        "Organisaatiot, rivi 5, sarake Nimi: Solu on tyhjä."
    ]
    assert not Area.objects.filter(slug="kopio").exists()


_BAD: dict[str, tuple[bytes, str]] = {}


def _bad_files(demo_area: Area) -> dict[str, tuple[bytes, str]]:
    """Made once a process: the demo is the same in every test."""
    if not _BAD:
        _BAD.update(_made_bad(demo_area))
    return _BAD


def _made_bad(demo_area: Area) -> dict[str, tuple[bytes, str]]:
    data = _export(demo_area)
    book = load_workbook(io.BytesIO(data))
    del book["Seudut"]
    missing = io.BytesIO()
    book.save(missing)
    macro = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(macro, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/vbaProject.bin", b"\0" * 64)
    seats = _sheets(data)["Paikat"]
    return {
        "missing sheet": (missing.getvalue(), "Seudut: Välilehti puuttuu."),
        "renamed column": (
            _edited(data, "Henkilöt", 1, 3, "Email"),
            "Henkilöt, rivi 1, sarake Sähköposti: Sarake puuttuu.",
        ),
        "duplicate key": (
            _edited(data, "Seudut", 3, 1, "Keskinen"),
            "Seudut, rivi 3: Sama rivi kuin rivillä 2.",
        ),
        "formula": (
            _edited(data, "Henkilöt", 2, 7, "=1+1"),
            "Henkilöt, rivi 2, sarake Puhelin: Solussa on kaava: kirjoita sen arvo.",
        ),
        "date format": (
            _edited(data, "Paikat", 2, 6, "2025/06/01"),
            "Paikat, rivi 2, sarake Alkaa: Päivämäärä kirjoitetaan p.k.vvvv, esim. 1.6.2025.",
        ),
        "municipality number": (
            _edited(data, "Organisaatiot", 2, 4, "12"),
            "Organisaatiot, rivi 2, sarake Kuntanumero: ",
        ),
        "unknown municipality number": (
            _edited(data, "Organisaatiot", 2, 4, "999"),
            "Organisaatiot, rivi 2, sarake Kuntanumero: 999 ei ole minkään kunnan numero "
            "Tilastokeskuksen kuntaluettelossa.",
        ),
        "unknown person": (
            _edited(data, "Paikat", len(seats), 3, "ei.ketaan@example.org"),
            f"Paikat, rivi {len(seats)}, sarake Henkilö: Tuntematon henkilö: ei.ketaan@",
        ),
        "macro": (macro.getvalue(), "Tiedostossa on makroja: tallenna se .xlsx-työkirjana."),
        "not a workbook": (b"Nimi;Tyyppi\nX;kunta\n", "Tiedosto ei ole Excel-työkirja (.xlsx)."),
    }


@pytest.mark.parametrize(
    "case",
    [
        "missing sheet",
        "renamed column",
        "duplicate key",
        "formula",
        "date format",
        "municipality number",
        "unknown municipality number",
        "unknown person",
        "macro",
        "not a workbook",
    ],
)
def test_a_bad_file_is_refused_with_where_and_why_and_nothing_imported(demo, case):
    data, expected = _bad_files(demo["nk"])[case]
    people = Person.objects.count()
    report = _import(data)
    assert any(str(p).startswith(expected) for p in report.problems), report.problems
    assert not Area.objects.filter(slug="kopio").exists()
    assert Person.objects.count() == people


@pytest.mark.once  # reading a file only: the same on either database
def test_a_sheet_of_too_many_rows_is_refused_when_read_past_the_limit(monkeypatch):
    monkeypatch.setattr(workbook, "MAX_ROWS", 50)
    rows = {"sub_regions": [{"name": f"Seutu {n}", "order": n} for n in range(100_000)]}
    out = io.BytesIO()
    workbook.write(rows, out)
    parsed = workbook.read(io.BytesIO(out.getvalue()))
    assert next(p for p in parsed.problems if p.sheet == "Seudut").row == 52
    assert len(parsed.rows["sub_regions"]) == 50


def test_only_the_areas_administrator_imports_and_only_a_superuser_makes_an_area(small_world):
    area = small_world.area
    outsider = factories.UserFactory()
    data = _export(area)
    for slug in (area.slug, "uusi-alue"):
        with pytest.raises(PermissionDenied):
            register_import(
                access=Access(outsider), slug=slug, file=io.BytesIO(data), filename="x.xlsx"
            )
    admin = small_world.admin
    report = register_import(
        access=Access(admin), slug=area.slug, file=io.BytesIO(data), filename="x.xlsx"
    )
    assert report.problems == []
    assert report.changes == 0


def test_the_rhythm_rules_are_read_and_written_in_their_own_words():
    column = workbook.BY_KEY["bodies"].columns[10]
    rules = workbook._rhythm(
        column,
        "Kokous 6-8/vuosi; neuvottelu 1/valtuustokausi; kaikki 4+/vuosi; seuranta 1/vuosi kk 5",
    )
    assert workbook.rhythm_text(rules) == (
        "kokous 6-8/vuosi; neuvottelu 1/valtuustokausi; kaikki 4+/vuosi; seuranta 1/vuosi kk 5"
    )
    for wrong in ("kokous 8-6/vuosi", "kokous 6/viikko", "kahvi 1/vuosi", "seuranta 1/vuosi kk 13"):
        with pytest.raises(ValueError, match="kokous 6-8/vuosi"):
            workbook._rhythm(column, wrong)


def test_text_that_a_spreadsheet_would_run_is_written_as_text_and_read_back_as_it_was(
    small_world,
):
    area = small_world.area
    small_world.ngo.name = "=HYPERLINK(1)"
    small_world.ngo.save()
    data = _export(area)
    cell = load_workbook(io.BytesIO(data))["Organisaatiot"]
    names = [row[0].value for row in cell.iter_rows(min_row=2)]
    assert "'=HYPERLINK(1)" in names  # neutralised as core.exports does
    report = _import(data, slug=area.slug)
    assert report.problems == []
    assert report.changes == 0  # read back as the name it is


def test_a_key_added_to_the_file_finds_the_row_by_its_name(small_world):
    area = small_world.area
    ngo = small_world.ngo
    rows = selectors.register_rows(area)
    row = next(r for r in rows["organisations"] if r["name"] == ngo.name)
    row["business_id"] = "2345678-0" if ngo.business_id != "2345678-0" else "3221317-4"
    ngo.business_id = ""
    ngo.save()
    out = io.BytesIO()
    workbook.write(rows, out)
    report = _import(out.getvalue(), slug=area.slug)
    assert report.problems == []
    assert report.counts["Organisaatiot"].created == 0
    ngo.refresh_from_db()
    assert ngo.business_id == row["business_id"]


def test_the_import_tells_how_far_it_has_come():
    told = []
    out = io.BytesIO()
    workbook.write({"sub_regions": [{"name": f"Seutu {n}", "order": n} for n in range(250)]}, out)
    report = register_import(
        access=Access.installation(),
        slug="uusi",
        name="Uusi",
        file=io.BytesIO(out.getvalue()),
        filename="seudut.xlsx",
        dry_run=True,
        progress=lambda done, total: told.append((done, total)),
    )
    assert report.counts["Seudut"].created == 250
    assert told == [(100, 250), (200, 250)]
    assert not Area.objects.filter(slug="uusi").exists()  # a preview writes nothing
