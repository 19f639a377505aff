"""Demo agreements. North Karelia: the agreement of seed 002 as version 1 (texts are our
own summaries), the 2024 comment round (deadline of seed 001), the 2025 approval path of
seed 003 and version 2 with seed 003's new structure, signed by every party. Its
structure is deliberately left unapplied so that the preview and the apply button can be
tried. South Savo: its cooperation model (seed 004) as an agreement until further notice.
Dates the seeds do not give (signatures, approvals) are illustrative."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from yhdyspinta.accounts.permissions import Access
from yhdyspinta.agreements import services
from yhdyspinta.agreements.models import (
    Agreement,
    AgreementVersion,
    ApprovalStep,
    Comment,
    CommentRequest,
    CommentRound,
    Interface,
    Response,
    ResponsibilityMark,
    ResponsibilityTask,
    Section,
    SpecRhythm,
)
from yhdyspinta.areas.models import Area
from yhdyspinta.bodies.models import Body, Level
from yhdyspinta.parties.models import NamedRoleKind, Organisation, OrganisationKind, Person

from . import story
from .outbox import requests_sent

HELSINKI = ZoneInfo("Europe/Helsinki")


def _at(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    """The story's moment (story.py: the demo is always this year)."""
    return story.at(year, month, day, hour, minute)


NK_TITLE = (
    "Pohjois-Karjalan kuntien, hyvinvointialueen ja maakuntaliiton sopimus "
    "yhdyspintarakenteista, toimintamalleista, työnjaosta ja tiedonkulusta"
)

# (number, title, text, level of the structures it sets up, named roles it requires)
NK_SECTIONS_V1 = [
    (
        "1",
        "Sopimusosapuolet",
        "Sopijoina ovat hyvinvointialue, maakuntaliitto ja alueen 13 kuntaa.",
        None,
        [],
    ),
    (
        "2",
        "Sopimuksen lähtökohdat ja tarkoitus",
        "Kunnilla ja hyvinvointialueella on **yhteiset asukkaat**. Sopimuksella sovitaan "
        "yhteistyön periaatteista, maakunnan toimintamallista ja yhteisistä tavoitteista.",
        None,
        [],
    ),
    (
        "3",
        "Yhteistyön lainsäädäntöpohja",
        "- Hyvinvointialuelaki 611/2021 8 § ja 14 §\n"
        "- Sote-järjestämislaki 612/2021 6, 7, 10, 32 ja 50 §\n"
        "- Valmiuslaki 12 §, pelastuslaki ja kotoutumislaki",
        None,
        [],
    ),
    (
        "4",
        "Sovittavat periaatteet",
        "Osapuolet ovat toistensa strategisia kumppaneita. Yhteinen tilannekuva kootaan "
        "**yhteisesti sovituista tietolähteistä**, joista päätetään strategisen tason "
        "neuvotteluissa (liite).",
        None,
        [],
    ),
    (
        "5",
        "Yhteistyön tavoitteet, toimenpiteet ja mittarit",
        "Jokaiselle tavoitteelle sovitaan mittari. Vuodesta {2025} osapuolilla on yhteinen "
        "alueellinen hyvinvointikertomus. Osapuolet nimeävät viranhaltijavastinparit.",
        None,
        [NamedRoleKind.HYTE_RESPONSIBLE_PERSON],
    ),
    (
        "6",
        "Yhteistyörakenteet",
        "Yhteistyö rakentuu neljälle toisiaan täydentävälle tasolle.",
        None,
        [],
    ),
    (
        "6.1",
        "Strateginen taso",
        "Kuntien, hyvinvointialueen ja maakuntaliiton johto neuvottelee kerran "
        "valtuustokaudessa ja tapaa alueittain kerran vuodessa. Koollekutsujana on "
        "hyvinvointialue.",
        Level.STRATEGIC,
        [],
    ),
    (
        "6.2",
        "Operatiivinen taso",
        "Kunnan ja hyvinvointialueen hyte-vastuutahot kokoontuvat vähintään kahdesti "
        "vuodessa. Koollekutsujana on kunta.",
        Level.OPERATIVE,
        [NamedRoleKind.HYTE_RESPONSIBLE_BODY],
    ),
    (
        "6.3",
        "Alueellinen hv-koordinaattoriverkosto",
        "Koordinaattorit kokoavat tilannekuvasta nousevat ilmiöt neuvottelujen pohjaksi ja "
        "kokoontuvat 6–8 kertaa vuodessa hyvinvointialueen kehittämisyksikön kutsusta.",
        Level.COORDINATOR_NETWORK,
        [],
    ),
    (
        "6.4.1",
        "Alueelliset kumppanuusryhmät",
        "Neljä alueellista ryhmää: lakisääteinen neuvottelu kerran vuodessa ja 1–3 "
        "tapaamista. Ryhmät valitsevat puheenjohtajansa.",
        Level.REGIONAL_PARTNERSHIP,
        [],
    ),
    (
        "6.4.3",
        "Pohjois-Karjalan hyvinvoinnin kumppanuusryhmä",
        "Hyvinvointialueen ja maakuntaliiton yhteinen ryhmä kokoontuu neljästi vuodessa; "
        "koollekutsujana on maakuntaliitto.",
        Level.AREA_PARTNERSHIP,
        [],
    ),
    ("7", "Muut yhdyspinnat", "Vastuut on koottu vastuunjakotaulukkoon.", None, []),
    (
        "7.1",
        "Varautuminen",
        "Kunta ja hyvinvointialue nimeävät varautumisen vastuuhenkilön. Rakenteiden "
        "koordinoinnista vastaa pelastuslaitos.",
        None,
        [NamedRoleKind.PREPAREDNESS_OFFICER],
    ),
    (
        "7.2",
        "Asukkaiden työllistymisen ja työkyvyn edistäminen",
        "Palvelut sovitetaan yhteen katkeamattomiksi palvelupoluiksi (mm. TYP, "
        "kuntouttava työtoiminta).",
        None,
        [NamedRoleKind.EMPLOYMENT_CONTACT],
    ),
    (
        "7.3",
        "Kotoutumisen edistäminen",
        "Kunnalla on kokonaisvastuu kotoutumista edistävistä palveluista; hyvinvointialue "
        "vastaa sosiaali- ja terveyspalveluista.",
        None,
        [NamedRoleKind.INTEGRATION_CONTACT],
    ),
    (
        "7.4",
        "Perhekeskusverkosto",
        "Koordinaatiovastuu on hyvinvointialueella; osapuolet nimeävät "
        "perhekeskuskoordinaattorit ja kohtaamispaikat.",
        None,
        [NamedRoleKind.FAMILY_CENTRE_COORDINATOR],
    ),
    (
        "8",
        "Käytännön pelisäännöt",
        "Kukin osapuoli maksaa omien edustajiensa kulut; järjestäjä maksaa tilat ja tarjoilut.",
        None,
        [],
    ),
    ("9", "Viestintä", "Viestintävastuu on kokouksen koollekutsujalla.", None, []),
    ("10", "Seuranta", "Yhteistyötä seurataan toukokuun strategisissa tapaamisissa.", None, []),
    (
        "11",
        "Sopimuksen voimassaolo",
        "Sopimus on voimassa {31.12.2024} asti. Jatkamisesta päätetään ennen kauden loppua.",
        None,
        [],
    ),
]

# Version 2 (seed 003): the new structure and validity, section by section.
NK_CHANGES_V2 = {
    "6.1": (
        "Kuntien ja hyvinvointialueen neuvottelu",
        "Yhteistyösopimus ja maakunnallinen hyte-ohjelma tehdään valtuustokausittain "
        "(611/2021 14 §). Lisäksi pidetään **maakunnallinen hyte-neuvottelu kerran "
        "vuodessa** talousarvioiden pohjaksi. Koollekutsujana on hyvinvointialue.",
    ),
    "6.2": (
        "Kuntatason hyte-toimijoiden neuvottelu",
        "Kunnan hyteryhmä neuvottelee hyvinvointialueen, seurakuntien, järjestöjen ja "
        "elinkeinoelämän kanssa (612/2021 6–7 §). **Koollekutsujana on kunta.**",
    ),
    "6.3": (
        "Hyte-asiantuntijaverkosto",
        "Entinen koordinaattoriverkosto. Tuo neuvotteluista nousevat ilmiöt osaksi "
        "hyte-työtä ja -ohjelmia sekä seuraa hyte-kertoimia. Koollekutsujana on "
        "hyvinvointialue.",
    ),
    "11": (
        "Sopimuksen voimassaolo",
        "Sopimus on voimassa valtuustokauden {1.6.2025}–{31.5.2029}. Se arvioidaan ennen "
        "kauden loppua.",
    ),
}

NK_APPROVAL_PATH = [
    ("Kuntien hyte-koordinaattorit ja hyvinvointialueen hyte-yhdyshenkilöt", (2025, 1, 22)),
    ("Hyvinvointialuejohtaja", (2025, 3, 17)),
    ("Järjestöasiain neuvottelukunta JANE", (2025, 3, 27)),
    ("Kuntajohtajat", (2025, 3, 28)),
    ("Hyvinvointialueen johtoryhmä", (2025, 3, 31)),
    ("Alueelliset kumppanuusryhmät", (2025, 5, 20)),
]

# (interface, task, mark of the county, of each municipality, of the regional council)
NK_RESPONSIBILITIES = [
    (Interface.HYTE, "Hyte-vastuutahon ja -yhdyshenkilön nimeäminen", "R", "R", "R"),
    (Interface.HYTE, "Alueellinen hyvinvointikertomus ja -suunnitelma", "R", "P", "P"),
    (Interface.HYTE, "Kuntatason hyte-toimijoiden neuvottelun koolle kutsuminen", "P", "R", ""),
    (Interface.HYTE, "Hyte-asiantuntijaverkoston koolle kutsuminen", "R", "P", "I"),
    (Interface.HYTE, "Hyte-ohjelma, hytefoorumi ja hytekirje", "P", "P", "R"),
    (Interface.PREPAREDNESS, "Varautumisen vastuuhenkilön nimeäminen", "R", "R", ""),
    (
        Interface.PREPAREDNESS,
        "Evakuointien ensihuolto ja väestönsiirtojen suunnittelu",
        "R",
        "P",
        "",
    ),
    (Interface.PREPAREDNESS, "Evakuointitilojen luettelo", "I", "R", ""),
    (Interface.PREPAREDNESS, "Pelastustoimen palvelutasopäätöksen esittely", "R", "I", "I"),
    (Interface.EMPLOYMENT, "Monialainen yhteispalvelu (TYP)", "P", "R", ""),
    (Interface.EMPLOYMENT, "Kuntouttava työtoiminta", "R", "P", ""),
    (Interface.EMPLOYMENT, "Työ- ja toimintakyvyn selvittäminen", "R", "P", ""),
    (
        Interface.INTEGRATION,
        "Kotoutumista edistävät palvelut ja pakolaisten vastaanotto",
        "P",
        "R",
        "I",
    ),
    (Interface.INTEGRATION, "Ilman huoltajaa tulleiden alaikäisten asuminen", "R", "I", ""),
    (Interface.FAMILY_CENTRE, "Perhekeskustoiminnan koordinointi", "R", "P", ""),
    (Interface.FAMILY_CENTRE, "Perhekeskuskoordinaattorit ja kohtaamispaikat", "R", "R", ""),
]

# (organisation name, section number or None, comment, response, reason)
NK_COMMENTS = [
    (
        "Joensuun kaupunki",
        "6.3",
        "Koordinaattoriverkoston nimi ei kuvaa tehtävää; ehdotamme nimeksi "
        "hyte-asiantuntijaverkosto.",
        Response.ACCEPTED,
        "",
    ),
    (
        "Lieksan kaupunki",
        "6.2",
        "Kunnan hyteryhmän ja paikallisten toimijoiden neuvottelu kannattaa kirjata "
        "kunnan koolle kutsumaksi.",
        Response.ACCEPTED,
        "",
    ),
    (
        "Kiteen kaupunki",
        None,
        "Sopimuskausi kannattaa sitoa valtuustokauteen.",
        Response.ACCEPTED,
        "",
    ),
    (
        "Pohjois-Karjalan maakuntaliitto",
        "6.4.3",
        "Maakunnallisen kumppanuusryhmän kokousmäärä voisi olla kaksi vuodessa.",
        Response.NOT_ACCEPTED,
        "Neljä kokousta tarvitaan teemojen kattamiseen; asiaa arvioidaan seuraavalla kaudella.",
    ),
    (
        "Outokummun kaupunki",
        "7.2",
        "TYP-yhteistyön uusi malli vuodesta {2025} tulee mainita.",
        Response.PARTLY,
        "Mainitaan vastuunjakotaulukossa; tarkemmin erillisessä sopimuksessa.",
    ),
]

NK_NOT_ANSWERED = {"Rääkkylän kunta", "Juuan kunta", "Polvijärven kunta"}
SIGNATORY_TITLES = ("Hyvinvointialuejohtaja", "Maakuntajohtaja", "Kunnanjohtaja")


def _signatory(organisation: Organisation) -> Person | None:
    return (
        Person.objects.filter(organisation=organisation, title__in=SIGNATORY_TITLES)
        .order_by("pk")
        .first()
    )


def _sign_all(version: AgreementVersion, approved: date, signed: date, reference: str) -> None:
    """Every party approves and its director or manager signs (the demo has one each)."""
    for party in version.parties.select_related("organisation"):
        person = _signatory(party.organisation)
        party.signatory_name, party.signatory_title = str(person), person.title
        party.approved_on, party.approval_reference = approved, reference
        party.signed_on = signed
        services.party_record(access=Access.installation(), party=party)


def _sections(version: AgreementVersion, rows) -> dict[str, Section]:
    result = {}
    for position, (number, title, text, _level, roles) in enumerate(rows, start=1):
        result[number] = Section.objects.create(
            version=version,
            position=position * 10,
            number=number,
            title=title,
            text=story.text(text),
            named_role_kinds=[str(r) for r in roles],
        )
    return result


def load_north_karelia_agreement(area: Area) -> None:
    agreement = Agreement.objects.filter(area=area, title=NK_TITLE).first()
    if agreement is not None:
        return
    parties = list(Organisation.objects.filter(area=area, is_agreement_party=True))
    v1 = services.agreement_create(
        access=Access.installation(),
        agreement=Agreement(area=area, title=NK_TITLE),
        parties=parties,
        valid_from=story.day(2023, 9, 1),
        valid_until=story.day(2024, 12, 31),
    )
    v1.label = story.text("Sopimus {2023}–{2024}")
    v1.save()
    sections = _sections(v1, NK_SECTIONS_V1)
    services.specs_from_structure(access=Access.installation(), version=v1)
    by_level = {level: number for number, _t, _x, level, _r in NK_SECTIONS_V1 if level}
    for spec in v1.structures.all():
        spec.section = sections.get(by_level.get(spec.level))
        spec.save(update_fields=["section"])
    _sign_all(
        v1,
        story.day(2023, 8, 15),
        story.day(2023, 8, 31),
        story.text("Toimielinten päätökset elokuu {2023}"),
    )
    AgreementVersion.objects.filter(pk=v1.pk).update(applied_at=_at(2023, 9, 1, 9, 0))

    # The 2024 comment round on version 1 (seeds 001 and 003).
    round = services.comment_round_create(
        access=Access.installation(),
        round=CommentRound(
            version=v1,
            title="Lausunnot yhteistyösopimuksesta ja vastuunjakotaulukosta",
            deadline=story.day(2024, 11, 29),
            cover_letter=story.text(
                "Sopimus päättyy {31.12.2024}. Pyydämme kirjalliset kommentit sopimuksesta ja "
                "sen kehittämisestä viimeistään {29.11.2024}."
            ),
            reply_address="kirjaamo@example.org",
            status=CommentRound.Status.OPEN,
        ),
        organisations=parties,
    )
    by_number = {s.number: s for s in v1.sections.all()}
    requests = {r.organisation.name: r for r in round.requests.select_related("organisation")}
    submitted = _at(2024, 11, 27, 10, 0)
    for name, request in requests.items():
        request.sent_at = _at(2024, 11, 4, 9, 0)
        if name not in NK_NOT_ANSWERED:
            request.submitted_at = submitted
            request.channel = CommentRequest.Channel.REGISTRY
        request.save()
    for name, number, text, response, reason in NK_COMMENTS:
        Comment.objects.create(
            request=requests[name],
            section=by_number.get(number) if number else None,
            text=story.text(text),
            response=response,
            response_reason=reason,
            handled_at=_at(2024, 12, 10, 12, 0),
        )
    CommentRequest.objects.filter(round=round, submitted_at__isnull=False).exclude(
        organisation__name__in=[c[0] for c in NK_COMMENTS]
    ).update(no_comments=True)
    # Closed once answered and handled: the answers and their handling freeze with it.
    round.status, round.closed_at = CommentRound.Status.CLOSED, _at(2024, 12, 2, 12, 0)
    round.save()

    # Version 2: the corrected agreement with the new structure and the responsibility table.
    v2 = services.version_new_draft(
        access=Access.installation(),
        agreement=v1.agreement,
        label=story.text("Uusi yhteistyösopimus {2025}"),
    )
    v2.valid_from, v2.valid_until = story.day(2025, 6, 1), story.day(2029, 5, 31)
    v2.change_note = (
        "Lausuntojen perusteella: uusi rakenne (maakunnallinen hyte-neuvottelu, kuntatason "
        "hyte-toimijoiden neuvottelu, hyte-asiantuntijaverkosto), sopimuskausi "
        "valtuustokauden mittaiseksi ja vastuunjakotaulukko liitteeksi."
    )
    v2.save()
    for number, (title, text) in NK_CHANGES_V2.items():
        Section.objects.filter(version=v2, number=number).update(title=title, text=story.text(text))
    Section.objects.filter(version=v2, number="6.4.3").update(number="6.4.2")
    for spec in v2.structures.select_related("body"):
        if spec.level == Level.COORDINATOR_NETWORK:
            spec.name = "Hyte-asiantuntijaverkosto"
            spec.convener_role = "Hyvinvointialueen kehittämisyksikkö"
            spec.save()
        elif spec.level == Level.OPERATIVE:
            spec.name = spec.name.replace(
                "operatiivinen hyte-yhteistyö", "kuntatason hyte-toimijoiden neuvottelu"
            )
            spec.convener_role = "Kunnan hyteryhmä"
            spec.save()
            SpecRhythm.objects.create(spec=spec, meeting_kind="negotiation", period="year")
        elif (
            spec.level == Level.STRATEGIC
            and not spec.rhythm.filter(meeting_kind="negotiation", period="year").exists()
        ):
            SpecRhythm.objects.create(spec=spec, meeting_kind="negotiation", period="year")
    _responsibility_table(v2)
    for position, (title, day) in enumerate(NK_APPROVAL_PATH, start=1):
        ApprovalStep.objects.create(
            version=v2,
            position=position * 10,
            title=title,
            planned_on=story.day(*day),
            decided_on=story.day(*day),
            outcome=ApprovalStep.Outcome.APPROVED,
            decision_reference="Muistio" if position > 1 else "",
            body=Body.objects.filter(area=area, level=Level.REGIONAL_PARTNERSHIP).first()
            if position == len(NK_APPROVAL_PATH)
            else None,
        )
    _sign_all(
        v2,
        story.day(2025, 5, 26),
        story.day(2025, 6, 2),
        story.text("Kunnanhallitukset ja aluehallitus 5/{2025}"),
    )
    _evaluation_of_2026(v2)


def _evaluation_of_2026(version: AgreementVersion) -> None:
    """The open round of the demo: the parties evaluate how the agreement worked in its
    first full year. Its requests went out through the outbox, each with the party's
    personal link (a party without an address is recorded as skipped)."""
    round = services.evaluation_round_start(
        access=Access.installation(), version=version, on=story.day(2026, 11, 16), days=32
    )
    round.title = story.text("Yhteistyösopimuksen toimivuuden arviointi {2026}")
    round.cover_letter = story.text(
        "Sopimuksen ensimmäinen kokonainen vuosi on takana. Pyydämme jokaista osapuolta "
        "kertomaan, miten uusi rakenne ja vastuunjako ovat toimineet ja mitä pitäisi "
        "korjata ennen vuoden {2027} hyte-neuvottelua."
    )
    round.reply_address = "kirjaamo@example.org"
    round.save()
    services.comment_round_send(access=Access.installation(), round=round)
    requests_sent(round, round.all_requests, _at(2026, 11, 16, 9, 0))


def _responsibility_table(version: AgreementVersion) -> None:
    parties = list(version.parties.select_related("organisation"))
    for position, (interface, text, county, municipality, council) in enumerate(
        NK_RESPONSIBILITIES, start=1
    ):
        task = ResponsibilityTask.objects.create(
            version=version, interface=interface, text=text, position=position
        )
        marks = []
        for party in parties:
            mark = {
                OrganisationKind.COUNTY: county,
                OrganisationKind.MUNICIPALITY: municipality,
                OrganisationKind.REGIONAL_COUNCIL: council,
            }.get(party.organisation.kind, "")
            if mark:
                marks.append(
                    ResponsibilityMark(task=task, organisation_id=party.organisation_id, mark=mark)
                )
        ResponsibilityMark.objects.bulk_create(marks)


ES_TITLE = "Etelä-Savon hyvinvointialueen, maakuntaliiton ja kuntien yhteistyömalli"
ES_SECTIONS = [
    (
        "1",
        "Kunnallisasiain työryhmä",
        "Maakuntaliitossa toimiva työryhmä (maakuntaliitto, kunnat, hyvinvointialue) "
        "kokoontuu useita kertoja vuodessa. Sen toiminta täyttää 612/2021 6–7 §:n "
        "vuosittaisen hyte-neuvottelun.",
        Level.WORKING_GROUP,
        [],
    ),
    (
        "2",
        "Hyvinvointialueen ja kuntien neuvottelu",
        "Vähintään kerran valtuustokaudessa joko kunkin kunnan kanssa erikseen "
        "(vaihtoehto 1) tai kaikkien kuntien kanssa yhdessä (vaihtoehto 2), poliittisen ja "
        "viranhaltijajohdon kesken (611/2021 14 §).",
        Level.STRATEGIC,
        [],
    ),
    (
        "3",
        "Hyvinvointikertomus ja -suunnitelma",
        "Hyvinvointialue valmistelee maakunnan kertomuksen vuosittain kuntakohtaisin "
        "tiedoin yhdessä kuntien kanssa.",
        None,
        [],
    ),
    (
        "4",
        "Asiakohtaiset neuvottelut",
        "Kumpi tahansa osapuoli voi kutsua koolle asiakohtaisen neuvottelun; mukana voi "
        "olla useita kuntia.",
        None,
        [],
    ),
    (
        "5",
        "Yhteistyö kenttätasolla",
        "Hyte- ja osallisuusyhteyshenkilöt. Hyvinvointialue kutsuu hyte-toimijat "
        "vuosittain neuvottelemaan yhdyspinta-asioista (järjestöavustukset, ehkäisevä "
        "päihdetyö, kotoutuminen).",
        Level.OPERATIVE,
        [NamedRoleKind.HYTE_RESPONSIBLE_PERSON],
    ),
]


def load_south_savo_agreement(area: Area) -> None:
    if Agreement.objects.filter(area=area, title=ES_TITLE).exists():
        return
    parties = list(
        Organisation.objects.filter(
            area=area,
            kind__in=[
                OrganisationKind.COUNTY,
                OrganisationKind.REGIONAL_COUNCIL,
                OrganisationKind.MUNICIPALITY,
            ],
        )
    )
    version = services.agreement_create(
        access=Access.installation(),
        agreement=Agreement(area=area, title=ES_TITLE),
        parties=parties,
        valid_from=story.day(2023, 9, 1),
    )
    version.label = "Yhteistyömalli"
    version.save()
    sections = _sections(version, ES_SECTIONS)
    services.specs_from_structure(access=Access.installation(), version=version)
    by_level = {level: number for number, _t, _x, level, _r in ES_SECTIONS if level}
    for spec in version.structures.all():
        spec.section = sections.get(by_level.get(spec.level))
        spec.save(update_fields=["section"])
    _sign_all(
        version,
        story.day(2023, 8, 20),
        story.day(2023, 8, 30),
        "Hyväksytty kunnallisasiain työryhmässä",
    )
    AgreementVersion.objects.filter(pk=version.pk).update(applied_at=_at(2023, 9, 1, 9, 0))
