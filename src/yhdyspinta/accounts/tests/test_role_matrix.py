"""Every URL × every role, including a user of another area: each gets what it should."""

import io

import pytest
from django.urls import reverse

from yhdyspinta.agreements.models import Agreement, CommentRequest, CommentRound
from yhdyspinta.bodies.models import Body, Level, Membership
from yhdyspinta.meetings.models import Meeting, Minutes
from yhdyspinta.nominations.models import NominationRequest, NominationRound
from yhdyspinta.outreach.models import Forum, Letter, Subscriber
from yhdyspinta.parties.models import CounterpartPair, NamedRole, Organisation, Person
from yhdyspinta.programme.models import Indicator as ProgrammeIndicator
from yhdyspinta.programme.models import Measure, Programme

# Who may open what is decided in Python, not by the database: the matrix (some 300
# requests) runs once, in the PostgreSQL pass.
pytestmark = [pytest.mark.django_db, pytest.mark.once]

ROLES = ["anonymous", "jasen", "joensuu", "sihteeri", "paakayttaja", "etelasavo", "admin"]
OK, LOGIN, FORBIDDEN, NOT_FOUND = 200, "login", 403, 404


def outcome(default, **overrides):
    return {role: overrides.get(role, default) for role in ROLES}


PUBLIC = outcome(OK)
PRIVATE = outcome(OK, anonymous=LOGIN, etelasavo=FORBIDDEN)
ADMIN = outcome(FORBIDDEN, anonymous=LOGIN, paakayttaja=OK, admin=OK)
JOENSUU_EDIT = outcome(FORBIDDEN, anonymous=LOGIN, joensuu=OK, paakayttaja=OK, admin=OK)
SECRETARY_EDIT = outcome(FORBIDDEN, anonymous=LOGIN, sihteeri=OK, paakayttaja=OK, admin=OK)
SECRETARY_OR_JOENSUU = outcome(
    FORBIDDEN, anonymous=LOGIN, sihteeri=OK, joensuu=OK, paakayttaja=OK, admin=OK
)


def _objects(area):
    joensuu = Organisation.objects.get(area=area, municipality_number="167")
    kitee = Organisation.objects.get(area=area, municipality_number="260")
    coordinators = Body.objects.get(area=area, level=Level.COORDINATOR_NETWORK)
    keskinen = Body.objects.get(area=area, name="Keskinen alueen kumppanuusryhmä")
    return {
        "area": area.slug,
        "programme_indicator": ProgrammeIndicator.objects.filter(
            goal__priority__programme__area=area
        ).first(),
        "joensuu": joensuu,
        "kitee": kitee,
        "joensuu_person": Person.objects.filter(organisation=joensuu).first(),
        "kitee_person": Person.objects.filter(organisation=kitee).first(),
        "joensuu_role": NamedRole.objects.filter(organisation=joensuu).first(),
        "kitee_role": NamedRole.objects.filter(organisation=kitee).first(),
        "coordinators": coordinators,
        "keskinen": keskinen,
        "joensuu_seat": Membership.objects.get(body=coordinators, organisation=joensuu),
        "kitee_seat": Membership.objects.get(body=coordinators, organisation=kitee),
        "joensuu_pair": CounterpartPair.objects.get(municipality_person__organisation=joensuu),
        "kitee_pair": CounterpartPair.objects.get(municipality_person__organisation=kitee),
        "published": Meeting.objects.get(title="Keskinen: lakisääteinen hyte-neuvottelu 2024"),
        "coordinator_meeting": Meeting.objects.filter(body=coordinators).first(),
        "draft_minutes": Minutes.objects.get(
            meeting__title="Läntinen: lakisääteinen hyte-neuvottelu 2026"
        ),
        "round": NominationRound.objects.get(title="Kumppanuusryhmien jäsenet 2027–2028"),
        "joensuu_request": NominationRequest.objects.get(
            round__title="Kumppanuusryhmien jäsenet 2027–2028", organisation=joensuu
        ),
        "kitee_request": NominationRequest.objects.get(
            round__title="Kumppanuusryhmien jäsenet 2027–2028", organisation=kitee
        ),
        "programme": Programme.objects.get(area=area),
        "measure": Measure.objects.filter(goal__priority__programme__area=area).first(),
        "sub_region": area.sub_regions.first(),
        "theme": area.themes.first(),
        "term": area.council_terms.first(),
        "agreement": Agreement.objects.get(area=area, versions__number=2),
        "comment_round": CommentRound.objects.get(version__agreement__area=area, version__number=1),
        "joensuu_comments": CommentRequest.objects.get(
            round__version__agreement__area=area, round__version__number=1, organisation=joensuu
        ),
        "kitee_comments": CommentRequest.objects.get(
            round__version__agreement__area=area, round__version__number=1, organisation=kitee
        ),
        "sent_letter": Letter.objects.get(area=area, status="sent"),
        "draft_letter": Letter.objects.get(area=area, status="draft"),
        "forum": Forum.objects.get(area=area, title="Hyte-foorumi, syksy 2026"),
        "subscriber": Subscriber.objects.filter(area=area).first(),
    }


@pytest.fixture(scope="module")
def demo_rows(demo_db, django_db_blocker):
    """The demo's rows the matrix's addresses are built from, read once: its cases only
    read their keys (some 30 queries each of some 900 cases would be half its time)."""
    from yhdyspinta.areas.models import Area

    with django_db_blocker.unblock():
        return _objects(Area.objects.get(slug="pohjois-karjala"))


def _url(name, o, **kwargs):
    return reverse(name, kwargs={"area": o["area"], **kwargs})


CASES = {
    "home": (lambda o: reverse("home"), PUBLIC),
    "national": (lambda o: reverse("national:page"), PUBLIC),
    "national_csv": (lambda o: reverse("national:csv"), PUBLIC),
    "national_view_edit": (lambda o: _url("areas:national_view_edit", o), ADMIN),
    "embed_structure": (lambda o: _url("areas:embed_structure", o), PUBLIC),
    "embed_obligations": (lambda o: _url("areas:embed_obligations", o), PUBLIC),
    "embed_clock": (lambda o: _url("areas:embed_clock", o), PUBLIC),
    "overview": (lambda o: _url("areas:overview", o), PUBLIC),
    "settings": (lambda o: _url("areas:settings", o), PUBLIC),
    "bodies": (lambda o: _url("bodies:bodies", o), PUBLIC),
    "body": (lambda o: _url("bodies:body", o, pk=o["keskinen"].pk), PUBLIC),
    "organisations": (lambda o: _url("parties:organisations", o), PUBLIC),
    "organisation": (lambda o: _url("parties:organisation", o, pk=o["kitee"].pk), PUBLIC),
    "people": (lambda o: _url("parties:people", o), PRIVATE),
    "person": (lambda o: _url("parties:person", o, pk=o["kitee_person"].pk), PRIVATE),
    "person_history": (
        lambda o: _url("parties:person_history", o, pk=o["kitee_person"].pk),
        PRIVATE,
    ),
    "organisation_history": (
        lambda o: _url("parties:organisation_history", o, pk=o["kitee"].pk),
        PRIVATE,
    ),
    "body_history": (lambda o: _url("bodies:body_history", o, pk=o["keskinen"].pk), PRIVATE),
    "counterparts": (lambda o: _url("parties:counterparts", o), PRIVATE),
    "subregion_create": (lambda o: _url("areas:subregion_create", o), ADMIN),
    "subregion_edit": (lambda o: _url("areas:subregion_edit", o, pk=o["sub_region"].pk), ADMIN),
    "theme_create": (lambda o: _url("areas:theme_create", o), ADMIN),
    "theme_edit": (lambda o: _url("areas:theme_edit", o, pk=o["theme"].pk), ADMIN),
    "term_create": (lambda o: _url("areas:councilterm_create", o), ADMIN),
    "term_edit": (lambda o: _url("areas:councilterm_edit", o, pk=o["term"].pk), ADMIN),
    "organisation_create": (lambda o: _url("parties:organisation_create", o), ADMIN),
    "body_create": (lambda o: _url("bodies:body_create", o), ADMIN),
    "own_organisation_edit": (
        lambda o: _url("parties:organisation_edit", o, pk=o["joensuu"].pk),
        JOENSUU_EDIT,
    ),
    "other_organisation_edit": (
        lambda o: _url("parties:organisation_edit", o, pk=o["kitee"].pk),
        ADMIN,
    ),
    "own_namedrole_create": (
        lambda o: _url("parties:namedrole_create", o, organisation=o["joensuu"].pk),
        JOENSUU_EDIT,
    ),
    "own_namedrole_edit": (
        lambda o: _url("parties:namedrole_edit", o, pk=o["joensuu_role"].pk),
        JOENSUU_EDIT,
    ),
    "other_namedrole_edit": (
        lambda o: _url("parties:namedrole_edit", o, pk=o["kitee_role"].pk),
        ADMIN,
    ),
    "person_create": (lambda o: _url("parties:person_create", o), JOENSUU_EDIT),
    "own_person_edit": (
        lambda o: _url("parties:person_edit", o, pk=o["joensuu_person"].pk),
        JOENSUU_EDIT,
    ),
    "other_person_edit": (
        lambda o: _url("parties:person_edit", o, pk=o["kitee_person"].pk),
        ADMIN,
    ),
    "secretary_body_edit": (
        lambda o: _url("bodies:body_edit", o, pk=o["coordinators"].pk),
        SECRETARY_EDIT,
    ),
    "other_body_edit": (lambda o: _url("bodies:body_edit", o, pk=o["keskinen"].pk), ADMIN),
    "membership_create": (
        lambda o: _url("bodies:membership_create", o, body=o["coordinators"].pk),
        SECRETARY_OR_JOENSUU,
    ),
    "own_seat_edit": (
        lambda o: _url("bodies:membership_edit", o, pk=o["joensuu_seat"].pk),
        SECRETARY_OR_JOENSUU,
    ),
    "own_seat_end": (
        lambda o: _url("bodies:membership_end", o, pk=o["joensuu_seat"].pk),
        SECRETARY_OR_JOENSUU,
    ),
    "other_seat_edit": (
        lambda o: _url("bodies:membership_edit", o, pk=o["kitee_seat"].pk),
        SECRETARY_EDIT,
    ),
    "counterpart_create": (lambda o: _url("parties:counterpart_create", o), JOENSUU_EDIT),
    "own_counterpart_edit": (
        lambda o: _url("parties:counterpart_edit", o, pk=o["joensuu_pair"].pk),
        JOENSUU_EDIT,
    ),
    "other_counterpart_edit": (
        lambda o: _url("parties:counterpart_edit", o, pk=o["kitee_pair"].pk),
        ADMIN,
    ),
    "meetings": (lambda o: _url("meetings:meetings", o), PUBLIC),
    "meeting": (lambda o: _url("meetings:meeting", o, pk=o["published"].pk), PUBLIC),
    "published_minutes": (
        lambda o: _url("meetings:published_minutes", o, pk=o["published"].pk),
        PUBLIC,
    ),
    "agenda_pdf": (
        lambda o: _url("meetings:agenda_file", o, pk=o["published"].pk, fmt="docx"),
        PUBLIC,
    ),
    "area_calendar": (lambda o: _url("meetings:area_feed", o), PUBLIC),
    "obligations": (lambda o: _url("obligations:dashboard", o), PUBLIC),
    "obligations_report": (lambda o: _url("obligations:report", o, fmt="docx"), PUBLIC),
    "draft_minutes": (lambda o: _url("meetings:minutes", o, pk=o["draft_minutes"].pk), PRIVATE),
    "draft_minutes_edit": (
        lambda o: _url("meetings:minutes_edit", o, pk=o["draft_minutes"].pk),
        ADMIN,
    ),
    "regional_meeting_edit": (
        lambda o: _url("meetings:meeting_edit", o, pk=o["published"].pk),
        ADMIN,
    ),
    "regional_attendance": (
        lambda o: _url("meetings:attendance", o, pk=o["published"].pk),
        ADMIN,
    ),
    "coordinator_attendance": (
        lambda o: _url("meetings:attendance", o, pk=o["coordinator_meeting"].pk),
        SECRETARY_EDIT,
    ),
    "nomination_rounds": (lambda o: _url("nominations:rounds", o), PRIVATE),
    "nomination_round": (lambda o: _url("nominations:round", o, pk=o["round"].pk), ADMIN),
    "nomination_round_create": (lambda o: _url("nominations:round_create", o), ADMIN),
    "own_nomination_answer": (
        lambda o: _url("nominations:answer", o, pk=o["joensuu_request"].pk),
        JOENSUU_EDIT,
    ),
    "other_nomination_answer": (
        lambda o: _url("nominations:answer", o, pk=o["kitee_request"].pk),
        ADMIN,
    ),
    "nomination_letter": (
        lambda o: _url("nominations:letter", o, pk=o["joensuu_request"].pk, fmt="docx"),
        JOENSUU_EDIT,
    ),
    "election": (
        lambda o: _url("nominations:election", o, pk=o["coordinators"].pk),
        SECRETARY_EDIT,
    ),
    "agreements": (lambda o: _url("agreements:agreements", o), PRIVATE),
    "agreement": (lambda o: _url("agreements:agreement", o, pk=o["agreement"].pk), PRIVATE),
    "agreement_create": (lambda o: _url("agreements:agreement_create", o), ADMIN),
    "agreement_compare": (lambda o: _url("agreements:compare", o, pk=o["agreement"].pk), PRIVATE),
    "agreement_version": (
        lambda o: _url("agreements:version", o, pk=o["agreement"].pk, number=2),
        PRIVATE,
    ),
    "agreement_docx": (
        lambda o: _url(
            "agreements:version_document", o, pk=o["agreement"].pk, number=2, fmt="docx"
        ),
        PRIVATE,
    ),
    "agreement_history": (
        lambda o: _url("agreements:version_history", o, pk=o["agreement"].pk, number=2),
        PRIVATE,
    ),
    "agreement_party_edit": (
        lambda o: _url(
            "agreements:party_edit",
            o,
            pk=o["agreement"].pk,
            number=2,
            party=o["agreement"].versions.get(number=2).parties.first().pk,
        ),
        ADMIN,
    ),
    "agreement_step_create": (
        lambda o: _url("agreements:step_create", o, pk=o["agreement"].pk, number=2),
        ADMIN,
    ),
    "responsibility_table": (
        lambda o: _url("agreements:responsibility", o, pk=o["agreement"].pk, number=2),
        PRIVATE,
    ),
    "responsibility_xlsx": (
        lambda o: _url(
            "agreements:responsibility_export", o, pk=o["agreement"].pk, number=2, fmt="xlsx"
        ),
        PRIVATE,
    ),
    "comment_round_create": (
        lambda o: _url("agreements:round_create", o, pk=o["agreement"].pk, number=2),
        ADMIN,
    ),
    "comment_round": (lambda o: _url("agreements:round", o, pk=o["comment_round"].pk), ADMIN),
    "comment_summary": (
        lambda o: _url("agreements:round_summary", o, pk=o["comment_round"].pk, fmt="docx"),
        ADMIN,
    ),
    "own_comments": (
        lambda o: _url("agreements:comment", o, pk=o["joensuu_comments"].pk),
        JOENSUU_EDIT,
    ),
    "other_comments": (lambda o: _url("agreements:comment", o, pk=o["kitee_comments"].pk), ADMIN),
    "comment_letter": (
        lambda o: _url("agreements:letter", o, pk=o["joensuu_comments"].pk, fmt="docx"),
        JOENSUU_EDIT,
    ),
    "programme": (lambda o: _url("programme:programme", o, pk=o["programme"].pk), PUBLIC),
    "progress": (lambda o: _url("programme:progress", o, pk=o["programme"].pk), PUBLIC),
    "measure": (lambda o: _url("programme:measure", o, pk=o["measure"].pk), PUBLIC),
    "programme_report": (
        lambda o: _url("programme:report", o, pk=o["programme"].pk, fmt="docx"),
        PUBLIC,
    ),
    "measure_create": (lambda o: _url("programme:measure_create", o, pk=o["programme"].pk), ADMIN),
    "follow_up_open": (lambda o: _url("programme:follow_up_open", o, pk=o["programme"].pk), ADMIN),
    "own_tasks": (
        lambda o: _url(
            "programme:tasks", o, pk=o["programme"].pk, year=2026, organisation=o["joensuu"].pk
        ),
        JOENSUU_EDIT,
    ),
    "other_tasks": (
        lambda o: _url(
            "programme:tasks", o, pk=o["programme"].pk, year=2026, organisation=o["kitee"].pk
        ),
        ADMIN,
    ),
    "situational_picture": (lambda o: _url("indicators:sources", o), PUBLIC),
    "indicator_list": (lambda o: _url("indicators:indicators", o), PUBLIC),
    "indicator": (lambda o: _url("indicators:indicator", o, indicator=900001), PUBLIC),
    "municipality_profile": (lambda o: _url("indicators:profile", o, pk=o["joensuu"].pk), PUBLIC),
    # National data: only the superuser imports it, not an area's administrator.
    "sotkanet_import": (
        lambda o: _url("indicators:upload", o),
        outcome(FORBIDDEN, anonymous=LOGIN, admin=OK),
    ),
    # The area's register workbook: its administrator's (the export names people).
    "register": (lambda o: _url("register:page", o), ADMIN),
    "register_file": (lambda o: _url("register:file", o), ADMIN),
    "register_template": (lambda o: _url("register:template", o), ADMIN),
    # A new area is the installation's superuser's.
    "new_area": (lambda o: reverse("new_area"), outcome(FORBIDDEN, anonymous=LOGIN, admin=OK)),
    "data_source_create": (lambda o: _url("indicators:source_create", o), ADMIN),
    "followed_indicator_create": (lambda o: _url("indicators:followed_create", o), ADMIN),
    "kerroin": (lambda o: _url("indicators:kerroin", o), PUBLIC),
    "kerroin_municipality": (
        lambda o: _url("indicators:kerroin_municipality", o, pk=o["joensuu"].pk),
        PUBLIC,
    ),
    "indicator_sets": (lambda o: _url("indicators:sets", o), PUBLIC),
    "own_indicator_set": (lambda o: _url("indicators:own_set", o), ADMIN),
    "own_indicator_set_template": (lambda o: _url("indicators:own_set_template", o), ADMIN),
    "area_sotkanet_region": (lambda o: _url("indicators:area_region", o), ADMIN),
    "kerroin_parameters_create": (lambda o: _url("indicators:kerroin_parameters_create", o), ADMIN),
    "bind_programme_indicator": (
        lambda o: _url("indicators:bind", o, pk=o["programme_indicator"].pk),
        ADMIN,
    ),
    "welfare_reports": (lambda o: _url("reports:reports", o), PRIVATE),
    "own_welfare_report": (
        lambda o: _url("reports:reports", o) + f"?organisation={o['joensuu'].pk}",
        PRIVATE,
    ),
    "welfare_report_file": (lambda o: _url("reports:file", o, fmt="docx"), PRIVATE),
    "annual_clock": (lambda o: _url("clock:clock", o), PUBLIC),
    "letters": (lambda o: _url("outreach:letters", o), PUBLIC),
    "sent_letter": (lambda o: _url("outreach:letter", o, pk=o["sent_letter"].pk), PUBLIC),
    # A draft is not revealed to anyone but the coordinators.
    "draft_letter": (
        lambda o: _url("outreach:letter", o, pk=o["draft_letter"].pk),
        outcome(NOT_FOUND, paakayttaja=OK, admin=OK),
    ),
    "letter_create": (lambda o: _url("outreach:letter_create", o), ADMIN),
    "letter_edit": (lambda o: _url("outreach:letter_edit", o, pk=o["draft_letter"].pk), ADMIN),
    "letter_recipients": (
        lambda o: _url("outreach:letter_recipients", o, pk=o["draft_letter"].pk),
        ADMIN,
    ),
    "subscribe": (lambda o: _url("outreach:subscribe", o), PUBLIC),
    "subscribers": (lambda o: _url("outreach:subscribers", o), ADMIN),
    "subscriber": (lambda o: _url("outreach:subscriber", o, pk=o["subscriber"].pk), ADMIN),
    "forum": (lambda o: _url("outreach:forum", o, pk=o["forum"].pk), PUBLIC),
    "forum_ics": (lambda o: _url("outreach:forum_ics", o, pk=o["forum"].pk), PUBLIC),
    "forum_create": (lambda o: _url("outreach:forum_create", o), ADMIN),
    "forum_edit": (lambda o: _url("outreach:forum_edit", o, pk=o["forum"].pk), ADMIN),
    "participants": (lambda o: _url("outreach:participants", o, pk=o["forum"].pk), ADMIN),
    "participants_xlsx": (
        lambda o: _url("outreach:participants_xlsx", o, pk=o["forum"].pk),
        ADMIN,
    ),
    "badges": (lambda o: _url("outreach:badges", o, pk=o["forum"].pk), ADMIN),
    "area_feed": (lambda o: _url("outreach:feed", o), PUBLIC),
    "users_and_roles": (lambda o: _url("accounts:users", o), ADMIN),
    "use_log": (lambda o: _url("accounts:use_log", o), ADMIN),
    # Everyone of the area has their own tokens; the administrator sees all.
    "api_tokens": (lambda o: _url("accounts:api_tokens", o), PRIVATE),
    "person_data_report": (
        lambda o: _url("accounts:person_data", o, pk=o["kitee_person"].pk),
        ADMIN,
    ),
    "person_data_docx": (
        lambda o: _url("accounts:person_data_file", o, pk=o["kitee_person"].pk, fmt="docx"),
        ADMIN,
    ),
    "annual_clock_pdf": (lambda o: _url("clock:pdf", o), PUBLIC),
    "coordinator_meeting_create": (
        lambda o: _url("meetings:meeting_create", o, body=o["coordinators"].pk),
        SECRETARY_EDIT,
    ),
}


def _wrong(response, want) -> str | None:
    """What is wrong with the answer, or None when it is what the role should get."""
    if want == LOGIN:
        if response.status_code == 302 and response.url.startswith(reverse("login")):
            return None
        return f"{response.status_code}, not a redirect to log in"
    return None if response.status_code == want else f"{response.status_code}, not {want}"


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(client, demo, demo_rows, login, role):
    """Every address as one role, logged in once: each case that answers otherwise than
    the matrix says is named."""
    _answers_as_said(client, login, role, CASES, demo_rows)


def _answers_as_said(client, login, role: str, cases: dict, rows: dict) -> None:
    """Each address of `cases` asked as `role`, logged in once; every one that answers
    otherwise than its case says is named."""
    if role != "anonymous":
        login(role)
    wrong = []
    for case, (build, expected) in cases.items():
        said = _wrong(client.get(build(rows)), expected[role])
        if said:
            wrong.append(f"{case} as {role}: {said}")
    assert not wrong, "\n".join(wrong)


CROSS_AREA = {
    "letter": (
        lambda o: reverse(
            "outreach:letter", kwargs={"area": "etela-savo", "pk": o["sent_letter"].pk}
        ),
        outcome(NOT_FOUND),
    ),
    "forum_participants": (
        lambda o: reverse(
            "outreach:participants", kwargs={"area": "etela-savo", "pk": o["forum"].pk}
        ),
        outcome(
            NOT_FOUND,
            anonymous=LOGIN,
            jasen=FORBIDDEN,
            joensuu=FORBIDDEN,
            sihteeri=FORBIDDEN,
            paakayttaja=FORBIDDEN,
        ),
    ),
    "meeting": (
        lambda o: reverse(
            "meetings:meeting", kwargs={"area": "etela-savo", "pk": o["published"].pk}
        ),
        outcome(NOT_FOUND),
    ),
    # A North Karelia row asked for under South Savo's address is never shown.
    "organisation": (
        lambda o: reverse(
            "parties:organisation", kwargs={"area": "etela-savo", "pk": o["kitee"].pk}
        ),
        outcome(NOT_FOUND),
    ),
    "body": (
        lambda o: reverse("bodies:body", kwargs={"area": "etela-savo", "pk": o["keskinen"].pk}),
        outcome(NOT_FOUND),
    ),
    "person": (
        lambda o: reverse(
            "parties:person", kwargs={"area": "etela-savo", "pk": o["kitee_person"].pk}
        ),
        outcome(FORBIDDEN, anonymous=LOGIN, etelasavo=NOT_FOUND, admin=NOT_FOUND),
    ),
    "organisation_edit": (
        lambda o: reverse(
            "parties:organisation_edit", kwargs={"area": "etela-savo", "pk": o["kitee"].pk}
        ),
        outcome(NOT_FOUND),
    ),
    "seat_end": (
        lambda o: reverse(
            "bodies:membership_end", kwargs={"area": "etela-savo", "pk": o["joensuu_seat"].pk}
        ),
        outcome(NOT_FOUND),
    ),
}


@pytest.mark.parametrize("role", ROLES)
def test_nothing_leaks_between_areas(client, demo, demo_rows, login, role):
    _answers_as_said(client, login, role, CROSS_AREA, demo_rows)


def test_forbidden_post_changes_nothing(client, demo, login):
    objects = _objects(demo["nk"])
    login("joensuu")
    kitee = objects["kitee"]
    response = client.post(
        reverse("parties:organisation_edit", kwargs={"area": "pohjois-karjala", "pk": kitee.pk}),
        {"name": "Kaapattu", "kind": "ngo"},
    )
    assert response.status_code == 403
    kitee.refresh_from_db()
    assert kitee.name == "Kiteen kaupunki"


def test_public_pages_never_show_contact_details(client, demo):
    objects = _objects(demo["nk"])
    person = objects["joensuu_person"]
    for url in (
        _url("bodies:body", objects, pk=objects["coordinators"].pk),
        _url("parties:organisation", objects, pk=objects["joensuu"].pk),
        _url("areas:overview", objects),
        _url("parties:organisations", objects),
    ):
        html = client.get(url).content.decode()
        assert "@example.org" not in html
        assert person.last_name not in html
        assert person.phone not in html


def test_logged_in_member_sees_names_and_contacts(client, demo, login):
    objects = _objects(demo["nk"])
    login("jasen")
    html = client.get(_url("parties:person", objects, pk=objects["joensuu_person"].pk)).content
    assert objects["joensuu_person"].email in html.decode()


def test_nobody_sees_another_persons_calendar_feed_address(client, demo, login):
    objects = _objects(demo["nk"])
    person = objects["joensuu_person"]
    page = _url("parties:person", objects, pk=person.pk)
    for role in ("jasen", "sihteeri", "paakayttaja", "admin"):
        login(role)
        assert "/calendar/" not in client.get(page).content.decode(), role
    user = login("joensuu")
    person.user = user
    person.save()
    assert "/calendar/" in client.get(page).content.decode()


def test_an_area_admin_cannot_change_national_indicator_data(client, demo, login):
    from yhdyspinta.indicators.models import SotkanetIndicator

    login("paakayttaja")
    before = SotkanetIndicator.objects.get(pk=900001).title
    upload = io.BytesIO(b'[{"id": 900001, "title": {"fi": "Kaapattu"}}]')
    upload.name = "indikaattorit.json"
    response = client.post(
        _url("indicators:upload", _objects(demo["nk"])), {"kind": "indicators", "file": upload}
    )
    assert response.status_code == 403
    assert SotkanetIndicator.objects.get(pk=900001).title == before
