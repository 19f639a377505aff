import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from docx import Document
from pypdf import PdfReader
from pypdf.generic import ContentStream

from yhdyspinta.accounts.permissions import Access
from yhdyspinta.communications.services import deliver_due
from yhdyspinta.meetings.models import ThemeWorkIdea
from yhdyspinta.parties.models import Organisation
from yhdyspinta.programme import selectors, services
from yhdyspinta.programme.models import (
    FollowUpRound,
    Goal,
    Indicator,
    IndicatorValue,
    Measure,
    MeasureReport,
    Priority,
    Programme,
)
from yhdyspinta.testing.documents import made_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(demo):
    return Programme.objects.get(area=demo["nk"])


def url(name, **kwargs):
    return reverse(name, kwargs={"area": "pohjois-karjala", **kwargs})


def test_demo_programme_follows_seed_001(programme):
    names = list(programme.priorities.values_list("name", flat=True))
    assert names[:4] == [
        "Mielen hyvinvointi",
        "Moniammatillisen työn hyödyntäminen ja osallisuustyö",
        "Sosiaaliset ja tunnetaidot",
        "Työllisyys ja työkyky huomioiden maahanmuuttaneet",
    ]
    assert "hyte-viestintä" in names[4]
    assert programme.approvals.count() == 15
    assert Measure.objects.filter(
        goal__priority__programme=programme, name="Koulujen hyvinvointitunnit"
    ).exists()
    assert not IndicatorValue.objects.filter(
        indicator__goal__priority__programme=programme, is_demo=False
    ).exists()


def test_structure_invariants(programme):
    goal = Goal.objects.filter(priority__programme=programme).first()
    measure = Measure(goal=goal, name="Ilman vetäjää", starts_year=2025, ends_year=2026)
    with pytest.raises(ValidationError) as excinfo:
        measure.full_clean()
    assert "lead" in excinfo.value.message_dict
    measure.lead = Organisation.objects.filter(area=programme.area).first()
    measure.target_value = Decimal("10")
    with pytest.raises(ValidationError) as excinfo:
        measure.full_clean()
    assert excinfo.value.message_dict["target_value"] == [
        "Tavoitearvo tarvitsee mittarin, jolla sitä mitataan."
    ]
    measure.target_value = None
    measure.ends_year = 2031
    with pytest.raises(ValidationError, match="ohjelmakaudelle"):
        measure.full_clean()
    indicator = Indicator(goal=goal, name="Osuus", unit="percent", baseline_value=Decimal("140"))
    with pytest.raises(ValidationError) as excinfo:
        indicator.full_clean()
    assert excinfo.value.message_dict["baseline_value"] == ["Prosenttiosuus on välillä 0–100."]
    value = IndicatorValue(indicator=goal.indicators.first(), year=2025, value=Decimal("140"))
    with pytest.raises(ValidationError):
        services.indicator_value_save(access=Access.installation(), value=value)


def test_reports_are_revisions_and_years_are_checked(programme):
    measure = Measure.objects.filter(goal__priority__programme=programme).first()
    lead = measure.lead
    first = services.measure_report(
        measure=measure, organisation=lead, year=2027, status="ongoing", account="a"
    )
    second = services.measure_report(
        measure=measure, organisation=lead, year=2027, status="done", account="b"
    )
    assert (first.version, second.version) == (1, 2)
    assert MeasureReport.objects.filter(measure=measure, year=2027).count() == 2
    same = services.measure_report(
        measure=measure, organisation=lead, year=2027, status="done", account="b"
    )
    assert same.pk == second.pk
    with pytest.raises(ValidationError, match="ohjelmakauden"):
        services.measure_report(
            measure=measure, organisation=lead, year=2030, status="done", account=""
        )
    stranger = (
        Organisation.objects.exclude(pk=lead.pk)
        .exclude(measures=measure)
        .filter(area=programme.area)
        .first()
    )
    with pytest.raises(ValidationError, match="ei vastaa"):
        services.measure_report(
            measure=measure, organisation=stranger, year=2027, status="done", account=""
        )


def test_follow_up_e_mails_each_contact_its_measures(programme):
    services.follow_up_open(
        access=Access.installation(), programme=programme, year=2027, deadline=date(2028, 1, 31)
    )
    deliver_due()
    [to_joensuu] = [m for m in mail.outbox if m.to == ["joensuu@example.org"]]
    assert len(mail.outbox) > 1  # the other organisations at their registry addresses
    joensuu = Organisation.objects.get(area=programme.area, municipality_number="167")
    for measure in services.measures_of(programme=programme, organisation=joensuu, year=2027):
        assert measure.name in to_joensuu.body
    with pytest.raises(ValidationError):
        services.follow_up_open(
            access=Access.installation(), programme=programme, year=2027, deadline=date(2028, 1, 31)
        )


def test_contact_reports_only_its_own_measures(client, login, programme):
    login("joensuu")
    joensuu = Organisation.objects.get(area=programme.area, municipality_number="167")
    kitee = Organisation.objects.get(area=programme.area, municipality_number="260")
    assert (
        client.get(
            url("programme:tasks", pk=programme.pk, year=2026, organisation=kitee.pk)
        ).status_code
        == 403
    )
    page = client.get(url("programme:tasks", pk=programme.pk, year=2026, organisation=joensuu.pk))
    rows = page.context["rows"]
    assert rows
    data = {}
    for measure, _form, _current, _last_year in rows:
        data[f"m{measure.pk}-status"] = "done"
        data[f"m{measure.pk}-account"] = "Valmis."
    response = client.post(
        url("programme:tasks", pk=programme.pk, year=2026, organisation=joensuu.pk), data
    )
    assert response.status_code == 302
    assert MeasureReport.objects.filter(
        organisation=joensuu, year=2026, status="done"
    ).count() == len(rows)


def test_progress_counts_and_chart(client, programme):
    progress = selectors.progress(programme, 2025, today=date(2026, 3, 1))
    assert (
        sum(progress.total.values())
        == Measure.objects.filter(goal__priority__programme=programme).count()
    )
    html = client.get(url("programme:progress", pk=programme.pk) + "?year=2025").content.decode()
    assert "<svg" in html
    assert "polyline" in html
    assert "demoarvot" in html
    assert 'points="56.0,' in html  # coordinates are not localised with decimal commas


def test_annual_report_docx_and_pdf(client, programme):
    joensuu = Organisation.objects.get(area=programme.area, municipality_number="167")
    docx = made_document(
        client,
        url("programme:report", pk=programme.pk, fmt="docx"),
        {"year": 2025, "organisation": joensuu.pk},
    )
    document = Document(io.BytesIO(docx.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Hyte-vuosiraportti 2025: Joensuun kaupunki" in text
    assert "Tunnetaitojen tuokiot kouluihin" in text or "Sosiaaliset ja tunnetaidot" in text
    assert "Käydyt neuvottelut" in text
    pdf = made_document(client, url("programme:report", pk=programme.pk, fmt="pdf"), {"year": 2025})
    pdf_text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split()
    )
    assert "Hyte-vuosiraportti 2025: Pohjois-Karjala" in pdf_text
    assert "Mielen hyvinvointi" in pdf_text


def _drawing(pdf: bytes) -> tuple[set, set]:
    """The stroke colours (r, g, b rounded to 3 places) and dash patterns drawn in a PDF."""
    reader = PdfReader(io.BytesIO(pdf))
    strokes, dashes = set(), set()
    for page in reader.pages:
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"RG":
                strokes.add(tuple(round(float(o), 3) for o in operands))
            elif operator == b"d":
                dashes.add(tuple(float(o) for o in operands[0]))
    return strokes, dashes


def test_the_reports_charts_are_drawn_as_on_the_page(client, programme, caplog):
    """The PDF's SVG renderer reads no style sheet of the page: a chart drawn from CSS
    classes alone came out as black filled shapes without its target line. Its lines
    are blue, the target dashed green, as on the progress page, and the renderer
    ignores no rule of the document's style."""
    with caplog.at_level("WARNING", logger="weasyprint"):
        pdf = made_document(
            client, url("programme:report", pk=programme.pk, fmt="pdf"), {"year": 2025}
        )
    assert not [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")]
    strokes, dashes = _drawing(pdf.content)
    assert (round(0x0B / 255, 3), round(0x4F / 255, 3), round(0x8A / 255, 3)) in strokes
    assert (round(0x1D / 255, 3), round(0x6B / 255, 3), round(0x2F / 255, 3)) in strokes
    assert (6.0, 4.0) in dashes


def test_report_for_an_earlier_year_shows_the_programme_as_it_was(programme):
    # The programme was entered long ago: move its audit trail back in time.
    from django.db.models import F

    from yhdyspinta.programme import report

    for model in (Priority, Goal, Measure, Indicator):
        model.history.update(history_date=F("history_date") - timedelta(days=400))
    priority = Priority.objects.get(programme=programme, order=1)
    old_name = priority.name
    priority.name = "Mielen hyvinvointi ja resilienssi"
    priority.save()
    old_tree = selectors.programme_tree(programme, as_of=timezone.localdate() - timedelta(days=1))
    assert old_tree[0].priority.name == old_name
    # As it stands at the end of today is as it stands now: read from the programme's own
    # tables, not from the audit trail.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as read:
        today = selectors.programme_tree(programme, as_of=timezone.localdate())
    assert today[0].priority.name == "Mielen hyvinvointi ja resilienssi"
    assert not [q for q in read.captured_queries if "historical" in q["sql"]]
    assert [
        (n.priority.pk, [(g.goal.pk, [m.pk for m in g.measures]) for g in n.goals]) for n in today
    ] == [
        (n.priority.pk, [(g.goal.pk, [m.pk for m in g.measures]) for g in n.goals])
        for n in selectors.programme_tree(programme)
    ]
    assert (
        selectors.programme_tree(programme)[0].priority.name == "Mielen hyvinvointi ja resilienssi"
    )
    year = (timezone.localdate() - timedelta(days=200)).year
    if year in programme.years:
        text = report.as_docx(programme, year)
        assert text.startswith(b"PK")


def test_idea_becomes_a_measure_with_the_link_both_ways(client, login, programme):
    measure = Measure.objects.get(name="Tunnetaitojen tuokiot kouluihin")
    idea = measure.source_idea
    assert idea.taken_forward
    page = client.get(
        reverse("programme:measure", kwargs={"area": "pohjois-karjala", "pk": measure.pk})
    ).content.decode()
    assert "Mistä toimenpide on peräisin" in page
    assert idea.group.minutes.meeting.title in page
    login("paakayttaja")
    minutes_page = client.get(
        reverse("meetings:minutes", kwargs={"area": "pohjois-karjala", "pk": idea.group.minutes.pk})
    ).content.decode()
    assert "→ Tunnetaitojen tuokiot kouluihin" in minutes_page
    other = (
        ThemeWorkIdea.objects.exclude(pk=idea.pk).filter(group__minutes=idea.group.minutes).first()
    )
    goal = Goal.objects.filter(priority__programme=programme).first()
    response = client.post(
        reverse("programme:promote_idea", kwargs={"area": "pohjois-karjala", "idea": other.pk}),
        {"goal": goal.pk, "lead": measure.lead_id, "name": "Uusi toimenpide ideasta"},
    )
    assert response.status_code == 302
    assert Measure.objects.get(name="Uusi toimenpide ideasta").source_idea == other


@pytest.mark.usefixtures("no_public_cache")
def test_progress_query_count_does_not_grow(client, programme, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    target = url("programme:progress", pk=programme.pk) + "?year=2026"  # still open
    with CaptureQueriesContext(connection) as before:
        client.get(target)
    goal = Goal.objects.filter(priority__programme=programme).first()
    for i in range(10):
        measure = Measure.objects.create(
            goal=goal,
            name=f"Lisä {i}",
            lead=goal.measures.first().lead,
            starts_year=2025,
            ends_year=2028,
        )
        services.measure_report(
            measure=measure, organisation=measure.lead, year=2026, status="done", account=""
        )
        IndicatorValue.objects.create(
            indicator=goal.indicators.first(), year=1990 + i, value=Decimal("10")
        )
    with CaptureQueriesContext(connection) as after:
        client.get(target)
    assert len(after.captured_queries) == len(before.captured_queries)


def test_follow_up_reminders_go_to_those_with_unreported_measures(programme):
    from django.core.management import call_command

    from yhdyspinta.programme.models import FollowUpRound

    round = FollowUpRound.objects.get(programme=programme, year=2026)
    round.deadline = timezone.localdate() + timedelta(days=3)
    round.save()
    out = io.StringIO()
    call_command("send_follow_up_reminders", stdout=out)
    deliver_due()
    assert "reminders sent: " in out.getvalue()
    [to_joensuu] = [m for m in mail.outbox if m.to == ["joensuu@example.org"]]
    assert "Muistutus" in to_joensuu.subject
    assert "/follow-up/" in to_joensuu.body  # the link the request already had


def test_follow_up_leaves_unreported_measures_unreported(client, login, programme):
    """A measure reported done last year is not silently "ongoing" this year: the form
    starts at "not reported", shows last year's status, and stores only what is chosen."""
    from yhdyspinta.parties.models import Organisation

    joensuu = Organisation.objects.get(area=programme.area, municipality_number="167")
    measures = services.measures_of(programme=programme, organisation=joensuu, year=2026)
    assert len(measures) >= 2
    first, second = measures[0], measures[1]
    # Reported while 2025 was still open (the demo has closed it since).
    FollowUpRound.objects.filter(programme=programme, year=2025).update(status="open")
    services.measure_report(
        measure=second, organisation=joensuu, year=2025, status="done", account="Valmis."
    )
    login("joensuu")
    url = reverse(
        "programme:tasks",
        kwargs={
            "area": "pohjois-karjala",
            "pk": programme.pk,
            "year": 2026,
            "organisation": joensuu.pk,
        },
    )
    page = client.get(url).content.decode()
    assert "ei raportoitu" in page
    assert "2025: Toteutettu" in page
    before = MeasureReport.objects.filter(year=2026, organisation=joensuu).count()
    data = {f"m{m.pk}-status": "" for m in measures}
    data[f"m{first.pk}-status"] = "ongoing"
    assert client.post(url, data).status_code == 302
    reports = MeasureReport.objects.filter(year=2026, organisation=joensuu)
    assert reports.count() == before + 1
    assert not reports.filter(measure=second).exists()
    refused = client.post(url, {**data, f"m{second.pk}-account": "Tehtiin jotain."})
    assert "Valitse tila" in refused.content.decode()


def test_editing_a_measure_keeps_its_goal(client, login, programme):
    measure = Measure.objects.filter(goal__priority__programme=programme).first()
    login("paakayttaja")
    url = reverse(
        "programme:measure_edit",
        kwargs={"area": "pohjois-karjala", "pk": programme.pk, "measure": measure.pk},
    )
    form = client.get(url).context["form"]
    assert form["goal"].value() == measure.goal_id


def test_an_area_wide_value_is_recorded_once_even_with_nulls(demo):
    """The uniqueness holds with NULL organisation and sub-region (the whole area), on
    SQLite and PostgreSQL alike."""
    from django.db import IntegrityError, transaction

    from yhdyspinta.programme.models import Indicator, IndicatorValue

    indicator = Indicator.objects.filter(goal__priority__programme__area=demo["nk"]).first()
    IndicatorValue.objects.filter(indicator=indicator, year=2031).delete()
    IndicatorValue.objects.create(indicator=indicator, year=2031, level="area", value=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValue.objects.create(indicator=indicator, year=2031, level="area", value=2)


def test_the_follow_up_page_shows_who_reported_what_was_sent_and_closes_on_yes(
    client, login, demo, deliver
):
    """One status board, the delivery report and a close that asks first; closed, the
    year's reports are the record: refused at the model and in the database."""
    from datetime import date

    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction
    from django.urls import reverse

    from yhdyspinta.programme import services
    from yhdyspinta.programme.models import MeasureReport, Programme

    programme = Programme.objects.filter(area=demo["nk"]).first()
    round_ = services.follow_up_open(
        access=Access.installation(), programme=programme, year=2027, deadline=date(2028, 1, 31)
    )
    deliver()
    login("paakayttaja")
    page = client.get(round_.get_absolute_url()).content.decode()
    assert "Raportit organisaatioittain" in page
    assert "Toimitusraportti" in page
    assert "ei sähköpostiosoitetta" in page or "Lähetetty" in page
    close = reverse(
        "programme:follow_up_action",
        kwargs={"area": "pohjois-karjala", "pk": programme.pk, "year": 2027, "action": "close"},
    )
    asked = client.post(close).content.decode()
    assert "eivät ole raportoineet kaikkia" in asked
    round_.refresh_from_db()
    assert round_.is_open
    client.post(close, {"confirm": "yes"})
    round_.refresh_from_db()
    assert not round_.is_open
    measure = programme.priorities.first().goals.first().measures.first()
    with pytest.raises(ValidationError, match="suljettu"):
        services.measure_report(
            measure=measure, organisation=measure.lead, year=2027, status="done", account=""
        )
    closed_2025 = MeasureReport.objects.filter(
        measure__goal__priority__programme=programme, year=2025
    )
    assert closed_2025.exists()  # the demo's closed year
    with pytest.raises(IntegrityError), transaction.atomic():
        closed_2025.update(status="done")


def test_measures_are_searched_in_the_database(client, programme):
    page = url("programme:programme", pk=programme.pk)
    everything = client.get(page).content.decode()
    assert "Koulujen hyvinvointitunnit" in everything
    found = client.get(page, {"q": "hyvinvointitunnit"})
    html = found.content.decode()
    assert "Koulujen hyvinvointitunnit" in html
    measures = [m for node in found.context["tree"] for g in node.goals for m in g.measures]
    assert [m.name for m in measures] == ["Koulujen hyvinvointitunnit"]
    assert len(found.context["tree"]) == 1  # only the priority that has the measure
    lead = measures[0].lead.name
    by_lead = client.get(page, {"q": lead}).context["tree"]
    assert all(
        lead in (m.lead.name if m.lead else "") or lead in [p.name for p in m.participants.all()]
        for node in by_lead
        for g in node.goals
        for m in g.measures
    )
    nothing = client.get(page, {"q": "ei tällaista toimenpidettä"})
    assert "Hakua vastaavaa toimenpidettä ei löytynyt." in nothing.content.decode()
