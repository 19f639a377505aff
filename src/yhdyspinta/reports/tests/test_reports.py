"""The welfare report written from the data: the indicator tables at every level and by
gender, the kerroin, the measures and the obligations in the DOCX and the PDF (text
extracted), the coordinator's texts kept per year, drafts for the area's users only,
two coordinators at once, and no placeholder."""

import io

import pytest
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from yhdyspinta.accounts.permissions import Access
from yhdyspinta.core import locking
from yhdyspinta.parties.models import Organisation
from yhdyspinta.reports import content, services
from yhdyspinta.reports.models import ReportText
from yhdyspinta.testing.documents import made_document

pytestmark = [pytest.mark.django_db, pytest.mark.pages]


def url(name="reports:reports", area="pohjois-karjala", **kwargs):
    return reverse(name, kwargs={"area": area, **kwargs})


@pytest.fixture
def joensuu(demo):
    return Organisation.objects.get(area=demo["nk"], municipality_number="167")


def _docx_text(response) -> str:
    document = Document(io.BytesIO(response.content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_annual_report_of_a_municipality_is_written_from_the_data(demo, joensuu):
    report = content.build(demo["nk"], "annual", 2025, joensuu)
    parts = {p.key: p for p in report.parts}
    assert list(parts) == [
        "summary",
        "wellbeing",
        "minimum",
        "kerroin",
        "measures",
        "cooperation",
    ]
    wellbeing = parts["wellbeing"].tables[0]
    # The municipality against its sub-region, the area and the country, and by gender.
    assert wellbeing.header[2:] == [
        "Joensuun kaupunki",
        joensuu.sub_region.name,
        "Pohjois-Karjala",
        "Koko maa",
        "Naiset",
        "Miehet",
    ]
    unemployed = next(r for r in wellbeing.rows if r[0].startswith("Työttömät"))
    assert unemployed[1] == "2024"  # the latest year of the data
    assert "," in unemployed[2]  # a number in Finnish: 11,5
    assert unemployed[3].endswith(" *")  # the sub-region is computed, and says so
    assert unemployed[6] != "–"  # men's value, where the data has it
    assert parts["kerroin"].tables[0].rows  # the kerroin's indicators, from the cockpit
    assert parts["measures"].tables[0].caption == "Toimenpiteet 2025"
    assert parts["measures"].tables[0].rows
    # A table for each obligation, a row for each subject it concerns: the area's own
    # and the municipality's, each subject once.
    cooperation = parts["cooperation"].tables
    assert [t.caption.split(" ")[:2] for t in cooperation] == [
        ["612/2021", "§7"],
        ["612/2021", "§6"],
        ["611/2021", "§14"],
    ]
    assert [[row[0] for row in t.rows] for t in cooperation] == [
        ["Koko alue"],
        ["Joensuun kaupunki"],
        ["Joensuun kaupunki"],
    ]
    assert all(len(row) == len(t.header) == len(t.widths) for t in cooperation for row in t.rows)
    assert "HYTE-kertoimen indikaattorista" in parts["summary"].paragraphs[0]


def test_thl_minimum_list_has_its_own_table_with_every_row(demo, joensuu):
    """Every row of the followed minimum list: the bound ones with the municipality's,
    sub-region's, area's and country's values, the unbound ones marked, never zeros; and
    the file's incompleteness said in the report."""
    report = content.build(demo["nk"], "annual", 2025, joensuu)
    parts = {p.key: p for p in report.parts}
    minimum = parts["minimum"]
    assert minimum.heading == "THL:n vähimmäisindikaattorit"
    table = minimum.tables[0]
    assert table.caption.startswith("THL:n ehdotus kunnan hyvinvointikertomuksen")
    assert len(table.rows) == 6  # the set file's rows, each once
    hips = next(r for r in table.rows if r[0].startswith("Ikääntyneiden lonkkamurtumat"))
    assert hips[1] == "2024"
    assert all(cell != "–" for cell in hips[2:6])  # municipality, sub-region, area, country
    teeth = next(r for r in table.rows if r[0].startswith("Tervehampaiset"))
    assert teeth[0].endswith("**")  # unbound, and marked so
    assert set(teeth[1:]) == {"–"}
    assert "6 / 67" not in " ".join(minimum.paragraphs)
    assert any("6 listan 67 indikaattorista" in p for p in minimum.paragraphs)
    # The general table does not repeat the minimum list's rows.
    names = [r[0] for r in parts["wellbeing"].tables[0].rows]
    assert not any(n.startswith("Ikääntyneiden lonkkamurtumat") for n in names)


def test_without_the_minimum_list_the_report_says_how_to_follow_it(demo, joensuu):
    from yhdyspinta.indicators.models import FollowedIndicator

    FollowedIndicator.objects.filter(area=demo["nk"], set_code__startswith="thl-").delete()
    report = content.build(demo["nk"], "annual", 2025)
    minimum = next(p for p in report.parts if p.key == "minimum")
    assert not minimum.tables
    assert "indikaattorijoukot-sivulla" in minimum.paragraphs[0]
    assert not any(s.startswith("THL:n ehdotus") for s in report.sources)  # not followed


def test_a_followed_minimum_list_is_among_the_sources(demo):
    report = content.build(demo["nk"], "annual", 2025)
    assert any(s.startswith("THL:n ehdotus kunnan hyvinvointikertomuksen") for s in report.sources)


def test_the_documents_carry_the_tables_and_no_placeholder(client, login, demo):
    login("paakayttaja")
    ReportText.objects.create(
        area=demo["nk"], kind="annual", year=2025, section="summary", text="Kirjoitettu arvio."
    )
    docx = made_document(client, url("reports:file", fmt="docx"), {"kind": "annual", "year": 2025})
    text = _docx_text(docx)
    assert "Vuosittainen hyvinvointikertomus 2025: Pohjois-Karjala" in text
    assert "Kirjoitettu arvio." in text
    for heading in ("Väestön hyvinvointi ja terveys", "HYTE-kerroin", "Lakisääteinen yhteistyö"):
        assert heading in text
    assert "Koko maa" in text
    assert "kirjoitetaan" not in text.lower()  # no "to be written"
    assert "to be written" not in text.lower()
    pdf = made_document(client, url("reports:file", fmt="pdf"), {"kind": "annual", "year": 2025})
    pages = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    pages = " ".join(pages.split())  # table cells wrap their words
    assert "Kirjoitettu arvio." in pages
    assert "Koko maa" in pages
    assert "Tervehampaiset 12-vuotiaat" in text  # THL's minimum list, in the DOCX
    assert "Tervehampaiset 12-vuotiaat" in pages  # and in the PDF


def test_the_council_term_report_has_its_plan_and_every_year(client, login, demo):
    from yhdyspinta.areas.models import CouncilTerm

    term = CouncilTerm.objects.get(area=demo["nk"], kind="joint")
    report = content.build(demo["nk"], "term", term.starts_on.year)
    assert report.parts[-1].key == "plan"
    assert report.parts[-1].paragraphs  # the programme's priorities and goals
    assert report.years[0] == term.starts_on.year
    measures = next(p for p in report.parts if p.key == "measures")
    assert [t.caption for t in measures.tables] == [f"Toimenpiteet {y}" for y in report.years]
    assert report.title.startswith("Hyvinvointikertomus ja -suunnitelma")


def test_texts_are_kept_per_year_and_drafts_are_not_public(client, login, demo):
    assert client.get(url()).status_code == 302  # to the login page
    login("paakayttaja")
    page = client.get(url() + "?kind=annual&year=2024")
    assert page.status_code == 200
    token = page.context["edited_from"]
    response = client.post(
        url() + "?kind=annual&year=2024",
        {"text-summary": "Vuoden 2024 teksti", "text-wellbeing": "", "_edited_from": token},
    )
    assert response.status_code == 302
    assert "Vuoden 2024 teksti" in client.get(url() + "?kind=annual&year=2024").content.decode()
    assert "Vuoden 2024 teksti" not in client.get(url() + "?kind=annual&year=2023").content.decode()
    login("jasen")  # a member reads the draft, writes nothing
    assert client.get(url() + "?kind=annual&year=2024").status_code == 200
    refused = client.post(url() + "?kind=annual&year=2024", {"text-summary": "x"})
    assert refused.status_code == 403


def test_two_coordinators_at_once_lose_nothing(demo, django_user_model):
    user = django_user_model.objects.get(username="paakayttaja")
    access = Access(user)
    opened = locking.fingerprint(services.lock_values({}, ["summary"]))
    common = {"access": access, "user": user, "area": demo["nk"], "organisation": None}
    common |= {"kind": "annual", "year": 2024, "token": opened}
    assert services.save_texts(texts={"summary": "Ensimmäinen"}, **common) == 1
    with pytest.raises(Exception, match="Joku muu tallensi"):
        services.save_texts(texts={"summary": "Toinen"}, **common)
    assert ReportText.objects.get(area=demo["nk"], year=2024, section="summary").text == (
        "Ensimmäinen"
    )


def test_a_municipality_contact_writes_its_own_report_only(client, login, demo, joensuu):
    login("joensuu")
    own = f"?kind=annual&year=2024&organisation={joensuu.pk}"
    page = client.get(url() + own)
    token = page.context["edited_from"]
    response = client.post(url() + own, {"text-summary": "Joensuun teksti", "_edited_from": token})
    assert response.status_code == 302
    assert client.post(url() + "?kind=annual&year=2024", {"text-summary": "x"}).status_code == 403


def test_a_term_report_is_always_of_a_real_term(client, login, demo):
    from yhdyspinta.areas.models import CouncilTerm

    login("paakayttaja")
    latest = CouncilTerm.objects.filter(area=demo["nk"]).order_by("-starts_on").first()
    page = client.get(url() + "?kind=term&year=1999")
    assert page.context["year"] == latest.starts_on.year
    assert page.context["report"].title.startswith("Hyvinvointikertomus ja -suunnitelma")


def test_a_past_years_report_shows_the_figures_of_that_year(demo, joensuu):
    report = content.build(demo["nk"], "annual", 2022, joensuu)
    parts = {p.key: p for p in report.parts}
    assert {row[1] for row in parts["wellbeing"].tables[0].rows} == {"2022"}
    years = {row[1] for row in parts["kerroin"].tables[0].rows if row[1] != "–"}
    assert years == {"2022"}


def test_a_welfare_report_of_a_year_still_open_is_a_draft(client, login, demo):
    login("paakayttaja")
    for year, draft in ((2026, True), (2024, False)):
        made = made_document(
            client, url("reports:file", fmt="pdf"), {"kind": "annual", "year": year}
        )
        assert made["Content-Disposition"].endswith('-luonnos.pdf"') is draft
        pages = [p.extract_text() for p in PdfReader(io.BytesIO(made.content)).pages]
        assert all(("LUONNOS" in page) is draft for page in pages)


def test_texts_not_approved_make_the_report_a_draft_until_approved(client, login, demo):
    """A closed year's report with a text written is a draft until the texts are
    approved; a changed text is a draft again."""
    login("paakayttaja")
    page = url() + "?kind=annual&year=2024"
    opened = client.get(page)
    client.post(
        page,
        {"text-summary": "Vuoden 2024 yhteenveto.", "_edited_from": opened.context["edited_from"]},
    )
    assert content.build(demo["nk"], "annual", 2024).is_draft
    assert "1 teksti ei ole hyväksytty" in client.get(page).content.decode()
    client.post(page, {"approve": "1"})
    assert not content.build(demo["nk"], "annual", 2024).is_draft
    made = made_document(client, url("reports:file", fmt="pdf"), {"kind": "annual", "year": 2024})
    assert not made["Content-Disposition"].endswith('-luonnos.pdf"')
    opened = client.get(page)
    client.post(
        page,
        {"text-summary": "Korjattu yhteenveto.", "_edited_from": opened.context["edited_from"]},
    )
    assert content.build(demo["nk"], "annual", 2024).is_draft
    login("jasen")
    client.post(page, {"approve": "1"})
    assert content.build(demo["nk"], "annual", 2024).is_draft
