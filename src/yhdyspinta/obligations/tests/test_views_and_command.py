import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from yhdyspinta.testing.documents import made_document

pytestmark = [pytest.mark.django_db, pytest.mark.pages]


def test_dashboard_shows_status_as_text_and_links_evidence(client, demo):
    html = client.get(
        reverse("obligations:dashboard", kwargs={"area": "pohjois-karjala"}), {"year": 2025}
    ).content.decode()
    assert "Lakisääteiset velvoitteet 2025" in html
    for word in ("✓ Täyttyy", "✗ Ei täyty", "! Vaarassa"):
        assert word in html  # status is never colour alone
    assert "Kiteen kaupunki ei ole osallistunut" in html
    assert "/pohjois-karjala/meetings/" in html


def test_each_result_is_written_escaped_with_its_evidence_linked_in_local_time(client, demo):
    """The results are written in Python (obligation_tags): a meeting's title is escaped
    as the template's autoescape would, its date is Joensuu's, it links to its page."""
    from datetime import date, datetime

    from django.utils.safestring import mark_safe

    from yhdyspinta.core.rows import escape
    from yhdyspinta.obligations import engine
    from yhdyspinta.testing.factories import HELSINKI

    assert escape(mark_safe("<b>valmis</b>")) == "<b>valmis</b>"  # as conditional_escape
    assert escape('<b>"x" & y</b>') == "&lt;b&gt;&quot;x&quot; &amp; y&lt;/b&gt;"
    report = engine.evaluate(area=demo["nk"], year=2025, today=date(2026, 12, 3))
    meeting = next(r for r in report.all_results if r.evidence).evidence[0].meeting
    start = meeting.starts_at.astimezone(HELSINKI)
    meeting.title = '<script>alert("x")</script> & kokous'
    meeting.starts_at = datetime(start.year, start.month, start.day, 0, 15, tzinfo=HELSINKI)
    meeting.ends_at = meeting.starts_at.replace(hour=1)
    meeting.save()
    html = client.get(
        reverse("obligations:dashboard", kwargs={"area": "pohjois-karjala"}), {"year": 2025}
    ).content.decode()
    assert "<script>alert" not in html
    assert (
        f'<a href="{meeting.get_absolute_url()}">{start.day}.{start.month}.{start.year} '
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; kokous</a>"
    ) in html


def test_council_report_in_docx_and_pdf(client, demo):
    base = reverse("obligations:report", kwargs={"area": "pohjois-karjala", "fmt": "docx"})
    docx = made_document(client, base, {"year": 2025})
    document = Document(io.BytesIO(docx.content))
    cells = " ".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    # A table for each obligation of the law, its name above it; then the bodies' rhythm.
    headings = [p.text for p in document.paragraphs if p.runs and p.runs[0].bold]
    assert [h.split(" ")[:2] for h in headings if "/20" in h] == [
        ["612/2021", "§7"],
        ["612/2021", "§6"],
        ["611/2021", "§14"],
    ]
    assert [len(t.columns) for t in document.tables[:3]] == [3, 3, 3]
    assert "Ei täyty" in cells
    pdf = made_document(client, base.replace(".docx", ".pdf"), {"year": 2025})
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    text = " ".join(text.split())
    assert "Lakisääteinen hyte-yhteistyö vuonna 2025" in text
    assert text.count("612/2021 §6 Kunta osallistui vuosittaiseen hyte-neuvotteluun") == 1


def test_command_prints_the_report_and_fails_when_something_is_not_met(demo):
    out = io.StringIO()
    with pytest.raises(SystemExit) as excinfo:
        call_command("check_obligations", "pohjois-karjala", year=2025, stdout=out)
    assert excinfo.value.code == 1
    assert "[✗ Ei täyty] 6–8 × kokous vuodessa – Hyte-koordinaattoriverkosto" in out.getvalue()
    # The southern group's minutes of 2025 were never approved: its municipalities' rows
    # wait for that, and say so.
    assert "[◐ Odottaa kirjauksia] 612/2021 §6" in out.getvalue()
    assert "Eteläinen: lakisääteinen hyte-neuvottelu 2025: hyväksy muistio" in out.getvalue()


def test_command_succeeds_when_everything_is_met(db):
    from datetime import datetime, timedelta

    from yhdyspinta.meetings.models import Attendance
    from yhdyspinta.testing.factories import (
        HELSINKI,
        AreaFactory,
        BodyFactory,
        MeetingFactory,
        MunicipalityFactory,
        OrganisationFactory,
        PersonFactory,
    )

    area = AreaFactory(slug="kaikki-kunnossa")
    county = OrganisationFactory(area=area, kind="county")
    body = BodyFactory(area=area, convener=county, legal_basis="612_6_7")
    start = datetime(2025, 10, 1, 10, tzinfo=HELSINKI)
    meeting = MeetingFactory(
        body=body,
        kind="negotiation",
        status="held",  # attendance is recorded before the minutes are approved
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    for organisation in (
        county,
        MunicipalityFactory(area=area),
        OrganisationFactory(area=area, kind="ely"),
        OrganisationFactory(area=area, kind="business"),
        OrganisationFactory(area=area, kind="parish"),
    ):
        Attendance.objects.create(
            meeting=meeting,
            organisation=organisation,
            person=PersonFactory(organisation=organisation),
        )
    meeting.__class__.objects.filter(pk=meeting.pk).update(status="published")
    out = io.StringIO()
    call_command(
        "check_obligations", "kaikki-kunnossa", "--year=2025", "--today=2026-01-10", stdout=out
    )
    assert "Täyttyy 2, odottaa kirjauksia 0, kesken 0, vaarassa 0, ei täyty 0." in out.getvalue()


def test_an_open_council_term_is_due_not_red_in_the_page_the_report_and_the_command(client, demo):
    from datetime import date

    from yhdyspinta.obligations.engine import DUE, NOT_MET, evaluate
    from yhdyspinta.obligations.report import as_docx

    report = evaluate(area=demo["nk"], year=2026, today=date(2026, 3, 1))
    term_results = [row["611_14"] for _m, row in report.municipality_rows]
    assert term_results
    assert all(r.status != NOT_MET for r in term_results)
    assert {r.status for r in term_results} & {DUE}
    due_label = f"○ Määräaika {report.term.ends_on:%-d.%-m.%Y}"
    out = io.StringIO()
    # Nothing is a breach in March: the command succeeds (it exits 1 on a breach).
    call_command(
        "check_obligations", "pohjois-karjala", year=2026, today=date(2026, 3, 1), stdout=out
    )
    assert due_label in out.getvalue()
    assert report.summary in out.getvalue()
    document = Document(io.BytesIO(as_docx(report)))
    cells = " ".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert due_label in cells
    assert "kausi on vielä kesken" in "\n".join(p.text for p in document.paragraphs)
    page = client.get(
        reverse("obligations:dashboard", kwargs={"area": "pohjois-karjala"}), {"year": 2026}
    ).content.decode()
    assert "Määräaika" in page  # today, the term is open too
    assert "kausi on vielä kesken" in page  # the legend says it in words


def test_south_savo_meets_612_7_the_way_its_cooperation_model_says(demo):
    from datetime import date

    from yhdyspinta.obligations.engine import MET, evaluate

    report = evaluate(area=demo["es"], year=2025, today=date(2026, 2, 1))
    [outcome] = report.area_results
    assert outcome.status == MET, outcome.missing
    notes = " ".join(f"{e.meeting.title}: {e.note}" for e in outcome.evidence)
    assert "Kunnallisasiain työryhmä" in notes
    assert "Hyte-toimijoiden neuvottelu: osallistui sovitussa foorumissa" in notes
    assert "yksityinen yritys" in notes
    assert "1 Kunnallisasiain työryhmä" in outcome.way
    mikkeli = next(row for m, row in report.municipality_rows if m.name == "Mikkelin kaupunki")
    assert mikkeli["612_6"].status == MET


def test_the_area_administrator_records_how_the_area_fulfils_an_obligation(client, login, demo):
    from yhdyspinta.bodies.models import Body
    from yhdyspinta.obligations.models import Practice

    area = demo["es"]
    edit = reverse("obligations:practice_edit", kwargs={"area": "etela-savo", "rule": "611_14"})
    login("paakayttaja")  # North Karelia's administrator
    assert client.get(edit).status_code == 403
    login("etelasavo")
    form = client.get(edit)
    assert form.status_code == 200
    html = form.content.decode()
    assert "Hyvinvointialueen ja kuntien neuvottelu" in html
    body = Body.objects.get(area=area, legal_basis="611_14")
    practice = Practice.objects.get(area=area, rule="611_14")
    saved = client.post(
        edit,
        {
            "bodies": [body.pk],
            "every_meeting_counts": "on",
            "evidence": "approved",
            "basis": "Valtuuston päätös 12.3.2025",
            "mode": "joint",
            "_edited_from": form.context["edited_from"],
        },
    )
    assert saved.status_code == 302
    practice.refresh_from_db()
    area.refresh_from_db()
    assert practice.every_meeting_counts
    assert area.negotiation_611_mode == "joint"
    assert practice.section is None  # not chosen on the form: the decision is the basis
    page = client.get(reverse("obligations:dashboard", kwargs={"area": "etela-savo"}))
    assert "Sovittu: Valtuuston päätös 12.3.2025" in page.content.decode()
    # A body of another area cannot be chosen, even by a crafted post.
    other = Body.objects.filter(area=demo["nk"]).first()
    crafted = client.post(edit, {"bodies": [other.pk], "mode": "joint"})
    assert crafted.status_code == 200
    assert not practice.bodies.filter(pk=other.pk).exists()


def test_two_administrators_changing_the_same_way_do_not_overwrite_each_other(demo):
    from django.contrib.auth import get_user_model
    from django.test import Client

    from yhdyspinta.bodies.models import Body
    from yhdyspinta.obligations.models import GroupVenue, Practice

    edit = reverse("obligations:practice_edit", kwargs={"area": "etela-savo", "rule": "612_7"})
    first, second = Client(), Client()
    admin = get_user_model().objects.get(username="etelasavo")
    first.force_login(admin)
    second.force_login(admin)
    opened = [c.get(edit).context["edited_from"] for c in (first, second)]
    practice = Practice.objects.get(area=demo["es"], rule="612_7")
    forum = Body.objects.get(area=demo["es"], name="Hyte-toimijoiden vuosittainen neuvottelu")
    working_group = Body.objects.get(area=demo["es"], name="Kunnallisasiain työryhmä")
    base = {"bodies": [working_group.pk], "every_meeting_counts": "on", "evidence": "approved"}
    saved = first.post(
        edit,
        {
            **base,
            "venue_business": [forum.pk],
            "venue_nonprofit": [forum.pk],
            "venue_public": [forum.pk],
            "_edited_from": opened[0],
        },
    )
    assert saved.status_code == 302
    refused = second.post(edit, {**base, "_edited_from": opened[1]})
    assert refused.status_code == 200
    assert "Joku muu tallensi" in refused.content.decode()
    assert "Missä osapuoliryhmät voivat myös osallistua" in refused.content.decode()
    assert GroupVenue.objects.filter(practice=practice, group="public").exists()  # kept


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_a_report_of_an_open_year_or_with_records_missing_is_a_draft(client, demo, fmt):
    """LUONNOS on every page and in the file name: 2026 is still open, and 2025 waits for
    the southern group's minutes; 2024 is final."""
    url = reverse("obligations:report", kwargs={"area": "pohjois-karjala", "fmt": fmt})
    for year, draft in ((2026, True), (2025, True), (2024, False)):
        made = made_document(client, url, {"year": year})
        name = made["Content-Disposition"]
        assert name.endswith(f'-luonnos.{fmt}"') is draft, name
        if fmt == "pdf":
            pages = [p.extract_text() for p in PdfReader(io.BytesIO(made.content)).pages]
            assert all(("LUONNOS" in page) is draft for page in pages), year
        else:
            header = Document(io.BytesIO(made.content)).sections[0].header.paragraphs[0].text
            assert ("LUONNOS" in header) is draft, year
