"""No lost update on any page that edits a shared record: two people open the same page,
one saves, and the other's save is refused with what the first one changed; nothing
is overwritten, and the second person's input stays on the page."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse

from yhdyspinta.accounts.permissions import Access
from yhdyspinta.agreements.models import Agreement, Comment
from yhdyspinta.agreements.services import version_new_draft
from yhdyspinta.areas.models import Area
from yhdyspinta.bodies.models import Body
from yhdyspinta.meetings.models import Meeting, Minutes
from yhdyspinta.nominations.models import NominationRequest
from yhdyspinta.parties.models import Organisation, Person
from yhdyspinta.programme.models import Measure

pytestmark = pytest.mark.django_db
NK = "pohjois-karjala"


class _Form(HTMLParser):
    """The fields of the form that carries `_edited_from`, as a browser would post them."""

    def __init__(self):
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append([])
        elif not self.forms:
            return
        elif tag == "input" and a.get("name") and "disabled" not in a:
            kind = a.get("type", "text")
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            if kind in {"submit", "button", "file"}:
                return
            self.forms[-1].append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and "disabled" not in a:
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.forms[-1].append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.forms[-1].append((self._textarea, self._text.lstrip("\n")))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text += data


def form_data(html: str, marker: str = "_edited_from") -> dict[str, list[str]]:
    """What the browser would post of the form that carries `marker`."""
    parser = _Form()
    parser.feed(html)
    form = next(f for f in parser.forms if any(n == marker for n, _v in f))
    data: dict[str, list[str]] = {}
    for name, value in form:
        data.setdefault(name, []).append(value)
    return data


def _client(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _organisation(area):
    org = Organisation.objects.get(area=area, municipality_number="167")
    return reverse("parties:organisation_edit", kwargs={"area": NK, "pk": org.pk}), "email"


def _kerroin_parameters(area):
    from yhdyspinta.indicators.models import KerroinParameters

    parameters = KerroinParameters.objects.get(area=area)
    url = reverse("indicators:kerroin_parameters_edit", kwargs={"area": NK, "pk": parameters.pk})
    return url, "source"


def _letter(area):
    from yhdyspinta.outreach.models import Letter

    letter = Letter.objects.get(area=area, status="draft")
    return reverse("outreach:letter_edit", kwargs={"area": NK, "pk": letter.pk}), "title"


def _forum(area):
    from yhdyspinta.outreach.models import Forum

    forum = Forum.objects.filter(area=area).first()
    return reverse("outreach:forum_edit", kwargs={"area": NK, "pk": forum.pk}), "place"


def _person(area):
    person = Person.objects.filter(organisation__area=area).first()
    return reverse("parties:person_edit", kwargs={"area": NK, "pk": person.pk}), "title"


def _body(area):
    body = Body.objects.filter(area=area).first()
    return reverse("bodies:body_edit", kwargs={"area": NK, "pk": body.pk}), "name"


def _draft_version(area):
    """The newest version of the area's agreement, as a draft (a copy when signed)."""
    agreement = Agreement.objects.filter(area=area).first()
    latest = agreement.versions.order_by("-number").first()
    if latest.parties.filter(signed_on__isnull=False).exists():
        return version_new_draft(access=Access.installation(), agreement=agreement)
    return latest


def _version(area):
    v = _draft_version(area)
    kwargs = {"area": NK, "pk": v.agreement.pk, "number": v.number}
    return reverse("agreements:version_edit", kwargs=kwargs), "change_note"


def _section(area):
    v = _draft_version(area)
    kwargs = {"area": NK, "pk": v.agreement.pk, "number": v.number}
    section = v.sections.first()
    return reverse("agreements:section_edit", kwargs={**kwargs, "section": section.pk}), "text"


def _measure(area):
    measure = Measure.objects.filter(goal__priority__programme__area=area).first()
    programme = measure.goal.priority.programme
    url = reverse(
        "programme:measure_edit", kwargs={"area": NK, "pk": programme.pk, "measure": measure.pk}
    )
    return url, "description"


def _minutes(area):
    minutes = Minutes.objects.filter(
        meeting__body__area=area, status=Minutes.Status.DRAFT, items__isnull=False
    ).first()
    return reverse("meetings:minutes_edit", kwargs={"area": NK, "pk": minutes.pk}), r"-decision$"


def _attendance(area):
    meeting = next(
        m
        for m in Meeting.objects.filter(body__area=area).order_by("-starts_at")
        if not m.attendance_locked and m.attendances.exists()
    )
    return reverse("meetings:attendance", kwargs={"area": NK, "pk": meeting.pk}), r"-capacity$"


def _tasks(area):
    measure = Measure.objects.filter(goal__priority__programme__area=area).first()
    programme = measure.goal.priority.programme
    url = reverse(
        "programme:tasks",
        kwargs={
            "area": NK,
            "pk": programme.pk,
            "organisation": measure.lead_id,
            "year": 2026,  # open (the demo closed 2025)
        },
    )
    return url, r"-account$"


PAGES: dict[str, Callable] = {
    "organisation": _organisation,
    "person": _person,
    "body": _body,
    "agreement version": _version,
    "agreement section": _section,
    "measure": _measure,
    "minutes": _minutes,
    "attendance": _attendance,
    "follow-up report": _tasks,
    "kerroin parameters": _kerroin_parameters,
    "hyte letter": _letter,
    "hyte forum": _forum,
}


def _with(data: dict[str, list[str]], field: str, value: str) -> dict[str, list[str]]:
    changed = dict(data)
    if field.endswith("-capacity$"):
        name = next(n for n in data if re.search(field, n))
        present = name.replace("-capacity", "-present")
        changed[present] = ["on"]
        changed[name] = [value]
        return changed
    name = next(n for n in data if re.search(field, n))
    if field.endswith("-account$"):
        changed[name.replace("-account", "-status")] = ["ongoing"]
    changed[name] = [value]
    return changed


@pytest.mark.parametrize("page", list(PAGES))
def test_two_people_saving_one_record_lose_nothing(demo, page):
    url, field = PAGES[page](demo["nk"])
    first, second = _client("paakayttaja"), _client("paakayttaja")
    opened_first = first.get(url)
    opened_second = second.get(url)
    assert opened_first.status_code == 200, url
    data_first = form_data(opened_first.content.decode())
    data_second = form_data(opened_second.content.decode())
    theirs, mine = _values(field)

    saved = second.post(url, _with(data_second, field, theirs))
    assert saved.status_code == 302, saved.content.decode()[:3000]

    refused = first.post(url, _with(data_first, field, mine))
    html = refused.content.decode()
    assert refused.status_code == 200, f"{page}: the second save went through"
    assert "Joku muu tallensi" in html
    if not field.endswith("-capacity$"):
        assert theirs in html  # what the other person saved is shown
        assert mine in html  # what this user typed is kept on the page
    assert theirs in second.get(url).content.decode() or field.endswith("-capacity$")

    # Saving again, having seen the difference, keeps this user's version on purpose.
    again = first.post(url, _with(form_data(html), field, mine))
    assert again.status_code == 302, again.content.decode()[:3000]


def _values(field: str) -> tuple[str, str]:
    if field.endswith("-capacity$"):
        return "political", "official"
    if field == "email":
        return "kirjaamo@joensuu.example.org", "vanha@joensuu.example.org"
    return "Toisen käyttäjän teksti", "Minun tekstini"


def _open_comment(area) -> Comment:
    """A submitted comment in an open round (a closed round's handling is frozen)."""
    from datetime import date

    from django.utils import timezone

    from yhdyspinta.agreements.models import CommentRound
    from yhdyspinta.agreements.services import comment_round_create

    version = _draft_version(area)
    organisation = version.parties.first().organisation
    round = comment_round_create(
        access=Access.installation(),
        round=CommentRound(
            version=version, title="Lausunnot", deadline=date(2031, 1, 31), status="open"
        ),
        organisations=[organisation],
    )
    request = round.requests.get()
    request.submitted_at = timezone.now()
    request.save()
    return Comment.objects.create(request=request, text="Lisätään liikunta.")


def test_two_people_handling_one_comment_lose_nothing(demo):
    comment = _open_comment(demo["nk"])
    round = comment.request.round
    url = reverse(
        "agreements:comment_respond", kwargs={"area": NK, "pk": round.pk, "comment": comment.pk}
    )
    page = round.get_absolute_url()
    first, second = _client("paakayttaja"), _client("paakayttaja")
    html_first, html_second = first.get(page).content.decode(), second.get(page).content.decode()

    def token(html: str) -> str:
        start = html.index(url)
        return re.search(r'name="_edited_from" value="([^"]+)"', html[start:]).group(1)

    prefix = f"c{comment.pk}"
    ok = second.post(
        url,
        {
            f"{prefix}-response": "partly",
            f"{prefix}-reason": "Osin: toisen perustelu",
            "_edited_from": token(html_second),
        },
    )
    assert ok.status_code == 302
    refused = first.post(
        url,
        {
            f"{prefix}-response": "accepted",
            f"{prefix}-reason": "",
            "_edited_from": token(html_first),
        },
        follow=True,
    )
    assert "Joku muu tallensi" in refused.content.decode()
    comment.refresh_from_db()
    assert comment.response == "partly"
    assert comment.response_reason == "Osin: toisen perustelu"


# --- a create form posted twice creates once ------------------------------------------


def _creates(area):
    from yhdyspinta.agreements.models import ApprovalStep, CommentRound, Section
    from yhdyspinta.meetings.models import AgendaItem, ThemeWorkGroup
    from yhdyspinta.nominations.models import NominationRound
    from yhdyspinta.outreach.models import Forum, Letter

    version = _draft_version(area)
    v = {"area": NK, "pk": version.agreement.pk, "number": version.number}
    body = Body.objects.filter(area=area, meetings__isnull=False).first()
    meeting = (
        Meeting.objects.filter(body=body, minutes__isnull=True).first() or body.meetings.first()
    )
    minutes = Minutes.objects.filter(meeting__body__area=area, status="draft").first()
    measure = Measure.objects.filter(goal__priority__programme__area=area).first()
    programme = measure.goal.priority.programme
    from yhdyspinta.bodies.models import Membership
    from yhdyspinta.indicators.models import DataSource, FollowedIndicator, KerroinParameters
    from yhdyspinta.parties.models import NamedRole
    from yhdyspinta.programme.models import FollowUpRound

    source = DataSource.objects.filter(area=area).first()
    organisation = Organisation.objects.get(area=area, municipality_number="167")
    person = Person.objects.filter(organisation=organisation).first()
    return {
        "data source": (
            reverse("indicators:source_create", kwargs={"area": NK}),
            DataSource,
            {"name": "Uusi tietolähde"},
        ),
        "followed indicator": (
            reverse("indicators:followed_create", kwargs={"area": NK}),
            FollowedIndicator,
            {"source": str(source.pk), "name": "Uusi seurattava"},
        ),
        "kerroin parameters": (
            reverse("indicators:kerroin_parameters_create", kwargs={"area": NK}),
            KerroinParameters,
            {
                "year": "2027",
                "process_weight": "0.5",
                "outcome_weight": "0.5",
                "hyte_share_percent": "1.5",
                "source": "HE 38/2025",
            },
        ),
        "hyte letter": (
            reverse("outreach:letter_create", kwargs={"area": NK}),
            Letter,
            {"title": "Uusi kirje", "text": "Teksti", "subscribers": "on"},
        ),
        "hyte forum": (
            reverse("outreach:forum_create", kwargs={"area": NK}),
            Forum,
            {
                "title": "Uusi foorumi",
                "starts_at": "2031-03-10T09:00",
                "ends_at": "2031-03-10T12:00",
                "registration_deadline": "2031-03-03T16:00",
                "place": "Joensuu",
            },
        ),
        "follow-up": (
            reverse("programme:follow_up_open", kwargs={"area": NK, "pk": programme.pk}),
            FollowUpRound,
            {"year": "2027", "deadline": "2028-01-31"},
        ),
        "named role": (
            reverse(
                "parties:namedrole_create", kwargs={"area": NK, "organisation": organisation.pk}
            ),
            NamedRole,
            {"kind": "preparedness", "person": str(person.pk), "starts_on": "2026-01-01"},
        ),
        "membership": (
            reverse("bodies:membership_create", kwargs={"area": NK, "body": body.pk}),
            Membership,
            {
                "person": str(person.pk),
                "organisation": str(organisation.pk),
                "role": "member",
                "starts_on": "2031-01-01",
            },
        ),
        "approval step": (
            reverse("agreements:step_create", kwargs=v),
            ApprovalStep,
            {"position": "9", "title": "Uusi käsittely", "organisation": str(organisation.pk)},
        ),
        "agreement": (
            reverse("agreements:agreement_create", kwargs={"area": NK}),
            Agreement,
            {
                "title": "Uusi sopimus",
            },
        ),
        "section": (
            reverse("agreements:section_create", kwargs=v),
            Section,
            {
                "number": "99",
                "title": "Uusi luku",
                "text": "Tekstiä.",
                "position": "99",
            },
        ),
        "comment round": (
            reverse("agreements:round_create", kwargs=v),
            CommentRound,
            {
                "kind": "comments",
                "title": "Uusi lausuntokierros",
                "deadline": "2031-01-31",
            },
        ),
        "body": (
            reverse("bodies:body_create", kwargs={"area": NK}),
            Body,
            {
                "name": "Uusi toimielin",
                "level": "operative",
                "convener": str(Organisation.objects.filter(area=area).first().pk),
            },
        ),
        "meeting": (
            reverse("meetings:meeting_create", kwargs={"area": NK, "body": body.pk}),
            Meeting,
            {
                "title": "Uusi kokous",
                "starts_at": "2031-02-03 13:00",
                "ends_at": "2031-02-03 15:00",
            },
        ),
        "agenda item": (
            reverse("meetings:agenda_create", kwargs={"area": NK, "pk": meeting.pk}),
            AgendaItem,
            {"order": "99", "title": "Uusi asia"},
        ),
        "theme group": (
            reverse("meetings:theme_group_create", kwargs={"area": NK, "pk": minutes.pk}),
            ThemeWorkGroup,
            {"name": "Uusi ryhmä", "ideas-0-text": "Yhteinen kävelytapahtuma"},
        ),
        "nomination round": (
            reverse("nominations:round_create", kwargs={"area": NK}),
            NominationRound,
            {
                "title": "Uusi nimeämiskierros",
                "bodies": [str(body.pk)],
                "deadline": "2031-01-31",
                "term_starts_on": "2031-03-01",
            },
        ),
        "measure": (
            reverse("programme:measure_create", kwargs={"area": NK, "pk": programme.pk}),
            Measure,
            {
                "goal": str(measure.goal_id),
                "name": "Uusi toimenpide",
                "lead": str(measure.lead_id),
            },
        ),
    }


CREATES = [
    "kerroin parameters",
    "data source",
    "followed indicator",
    "follow-up",
    "named role",
    "membership",
    "approval step",
    "agreement",
    "section",
    "comment round",
    "body",
    "meeting",
    "agenda item",
    "theme group",
    "nomination round",
    "measure",
    "hyte letter",
    "hyte forum",
]


@pytest.mark.parametrize("name", CREATES)
def test_every_create_form_posted_twice_creates_once(demo, name):
    url, model, fields = _creates(demo["nk"])[name]
    client = _client("paakayttaja")
    data = form_data(client.get(url).content.decode(), "_form_key")
    data.update({k: v if isinstance(v, list) else [v] for k, v in fields.items()})
    before = model.objects.count()
    first = client.post(url, data)
    assert first.status_code == 302, first.content.decode()[:4000]
    second = client.post(url, data)
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    assert model.objects.count() == before + 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="select_for_update outside a transaction fails only on PostgreSQL",
)
def test_every_locked_page_opens_outside_a_test_transaction(committed_demo):
    """As in production, without the test's own transaction around the request: the
    lock's row read on opening a page must run in a transaction of its own."""
    area = Area.objects.get(slug=NK)
    client = _client("paakayttaja")
    for page, build in PAGES.items():
        url, _field = build(area)
        assert client.get(url).status_code == 200, page
    request = NominationRequest.objects.filter(round__area=area, round__status="open").first()
    answer = reverse("nominations:answer", kwargs={"area": NK, "pk": request.pk})
    assert client.get(answer).status_code == 200
