from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from yhdyspinta.accounts.permissions import Access
from yhdyspinta.bodies.models import Body, Level
from yhdyspinta.meetings.models import Meeting, Minutes
from yhdyspinta.meetings.selectors import meeting_members

pytestmark = [pytest.mark.django_db, pytest.mark.pages]


def url(name, **kwargs):
    return reverse(name, kwargs={"area": "pohjois-karjala", **kwargs})


def planned_meeting(body, title: str) -> Meeting:
    """A meeting a month ahead, planned and not yet invited."""
    start = timezone.now() + timedelta(days=30)
    return Meeting.objects.create(
        body=body,
        title=title,
        convener=body.convener,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )


@pytest.fixture
def coordinators(demo):
    return Body.objects.get(area=demo["nk"], level=Level.COORDINATOR_NETWORK)


def test_secretary_creates_a_meeting_and_bad_times_are_explained(client, login, coordinators):
    login("sihteeri")
    start = (timezone.localtime() + timedelta(days=20)).replace(second=0, microsecond=0)
    data = {
        "kind": "meeting",
        "title": "Syksyn työkokous",
        "convener": coordinators.convener_id,
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "place": "Joensuu",
    }
    bad = client.post(url("meetings:meeting_create", body=coordinators.pk), data)
    assert bad.status_code == 200
    html = bad.content.decode()
    assert "Kokouksen on päätyttävä alkamisensa jälkeen." in html
    assert 'value="Syksyn työkokous"' in html
    data["ends_at"] = (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    good = client.post(url("meetings:meeting_create", body=coordinators.pk), data)
    assert good.status_code == 302
    meeting = Meeting.objects.get(title="Syksyn työkokous")
    assert meeting.status == "planned"
    other = Body.objects.get(area=coordinators.area, name="Keskinen alueen kumppanuusryhmä")
    assert client.get(url("meetings:meeting_create", body=other.pk)).status_code == 403


def test_member_cannot_write_minutes(client, login, demo):
    draft = Meeting.objects.get(title="Läntinen: lakisääteinen hyte-neuvottelu 2026").minutes.get()
    login("jasen")
    assert client.get(url("meetings:minutes", pk=draft.pk)).status_code == 200  # may read
    assert client.get(url("meetings:minutes_edit", pk=draft.pk)).status_code == 403
    response = client.post(
        url("meetings:minutes_action", pk=draft.pk, action="approve"), {"method": "chair"}
    )
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == Minutes.Status.DRAFT


def test_published_minutes_are_public_at_a_stable_address_and_drafts_are_not(client, demo):
    published = Meeting.objects.get(title="Keskinen: lakisääteinen hyte-neuvottelu 2024")
    response = client.get(url("meetings:published_minutes", pk=published.pk))
    assert response.status_code == 200
    assert "Päätös" in response.content.decode()
    draft = Meeting.objects.get(title="Läntinen: lakisääteinen hyte-neuvottelu 2026")
    assert client.get(url("meetings:published_minutes", pk=draft.pk)).status_code == 404
    assert client.get(url("meetings:minutes", pk=draft.minutes.get().pk)).status_code == 302


def test_editing_approved_minutes_is_refused_with_a_way_forward(client, login, demo):
    login("paakayttaja")
    approved = Meeting.objects.get(
        title="Keskinen: lakisääteinen hyte-neuvottelu 2024"
    ).minutes.get()
    response = client.post(
        url("meetings:minutes_edit", pk=approved.pk),
        {"summary": "muutettu", "items-TOTAL_FORMS": "0", "items-INITIAL_FORMS": "0"},
        follow=True,
    )
    assert "Aloita korjaus" in response.content.decode()
    approved.refresh_from_db()
    assert approved.summary == ""
    correction = client.post(
        url("meetings:minutes_action", pk=approved.pk, action="correct"),
        {"note": "Läsnäolijoista puuttui yksi"},
    )
    assert correction.status_code == 302
    assert approved.meeting.minutes.count() == 2


def test_minutes_workflow_through_the_pages(client, login, demo):
    login("paakayttaja")
    meeting = Meeting.objects.get(title="Läntinen: lakisääteinen hyte-neuvottelu 2026")
    draft = meeting.minutes.get()
    items = list(draft.items.all())
    data = {
        "summary": "Hyvä keskustelu.",
        "items-TOTAL_FORMS": str(len(items)),
        "items-INITIAL_FORMS": str(len(items)),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    for i, item in enumerate(items):
        data.update(
            {
                f"items-{i}-id": item.pk,
                f"items-{i}-minutes": draft.pk,
                f"items-{i}-discussion": "Keskusteltiin.",
                f"items-{i}-decision": f"Päätös {i}",
            }
        )
    assert client.post(url("meetings:minutes_edit", pk=draft.pk), data).status_code == 302
    group = {
        "name": "Ryhmä A",
        "topic": "Osallisuus",
        "scribes": "Kaksi kirjuria",
        "ideas-TOTAL_FORMS": "3",
        "ideas-INITIAL_FORMS": "0",
        "ideas-MIN_NUM_FORMS": "1",
        "ideas-MAX_NUM_FORMS": "3",
    }
    empty = client.post(url("meetings:theme_group_create", pk=draft.pk), group)
    assert empty.status_code == 200  # at least one idea is needed
    group.update(
        {
            "ideas-0-text": "Yhteinen kohtaamispaikka",
            "ideas-0-mode": "together",
            "ideas-1-mode": "together",
            "ideas-2-mode": "together",
        }
    )
    assert client.post(url("meetings:theme_group_create", pk=draft.pk), group).status_code == 302
    approve = url("meetings:minutes_action", pk=draft.pk, action="approve")
    today = timezone.localdate()
    # Nothing is preselected: an approval without its way or day is refused.
    refused = client.post(approve, {"approved_on": today.isoformat()}, follow=True)
    assert "Tämä kenttä vaaditaan" in refused.content.decode()
    future = client.post(
        approve,
        {"method": "chair", "approved_on": (today + timedelta(days=1)).isoformat()},
        follow=True,
    )
    assert "ei voi olla tulevaisuudessa" in future.content.decode()
    draft.refresh_from_db()
    assert draft.status == Minutes.Status.DRAFT
    page = client.get(url("meetings:minutes", pk=draft.pk)).content.decode()
    assert "Puheenjohtaja hyväksyi (" in page  # the chair's name is on the choice
    day = timezone.localtime(meeting.starts_at).date() + timedelta(days=3)
    client.post(approve, {"method": "chair", "approved_on": day.isoformat()})
    draft.refresh_from_db()
    assert draft.status == Minutes.Status.APPROVED
    assert timezone.localtime(draft.approved_at).date() == day
    assert draft.approved_by.username == "paakayttaja"
    client.post(url("meetings:minutes_action", pk=draft.pk, action="publish"))
    meeting.refresh_from_db()
    assert meeting.status == "published"
    # The body's members are told where the minutes are.
    from yhdyspinta.communications.models import OutgoingMessage

    notices = OutgoingMessage.objects.filter(about_id=meeting.pk, kind="minutes_published")
    assert notices.count() == len(meeting_members(meeting))
    assert all(f"/meetings/{meeting.pk}/minutes/" in n.link for n in notices)
    public = client.get(url("meetings:published_minutes", pk=meeting.pk)).content.decode()
    assert "Päätös 1" in public
    assert "Yhteinen kohtaamispaikka" in public


def test_meeting_page_shows_parties_present_and_absent_members(client, login, demo):
    login("jasen")
    meeting = Meeting.objects.get(
        title="Valtuustokauden neuvottelu kuntien ja hyvinvointialueen kesken"
    )
    html = client.get(url("meetings:meeting", pk=meeting.pk)).content.decode()
    assert "Läsnä olleet osapuolet" in html
    assert "Poissa olleet jäsenet" in html
    assert "Juuan kunta" in html.split("Poissa olleet jäsenet")[1]


def test_editing_an_invited_meeting_asks_whether_to_send_an_update(client, login, coordinators):
    from yhdyspinta.communications.models import OutgoingMessage
    from yhdyspinta.meetings.services import meeting_invite

    login("sihteeri")
    meeting = planned_meeting(coordinators, "Verkoston kokous")
    meeting_invite(access=Access.installation(), meeting=meeting)
    invited = OutgoingMessage.objects.filter(about_id=meeting.pk).count()
    edit = url("meetings:meeting_edit", pk=meeting.pk)
    form = client.get(edit).content.decode()
    reached = [m for m in meeting_members(meeting) if m.person.email]
    # Before the save it says how many get it, and who.
    assert f"Lähetä päivitetty kutsu {len(reached)} jäsenelle, joilla on osoite" in form
    assert str(reached[0].person) in form
    data = {
        "kind": meeting.kind,
        "title": meeting.title,
        "convener": meeting.convener_id,
        "starts_at": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(meeting.ends_at).strftime("%Y-%m-%dT%H:%M"),
        "place": "Korjattu kirjoitusvirhe",
    }
    assert client.post(edit, data).status_code == 302  # notify unticked
    assert OutgoingMessage.objects.filter(about_id=meeting.pk).count() == invited
    assert client.post(edit, {**data, "place": "Uusi sali", "notify": "on"}).status_code == 302
    updates = OutgoingMessage.objects.filter(about_id=meeting.pk, kind="update")
    assert updates.count() == invited


def test_approved_minutes_freeze_the_attendance(client, login, demo):
    """Attendance of a meeting whose minutes are approved cannot change: not through the
    page, not through the service, not through the model."""
    from django.core.exceptions import ValidationError

    from yhdyspinta.meetings import services
    from yhdyspinta.meetings.models import Attendance

    meeting = Meeting.objects.get(title="Keskinen: lakisääteinen hyte-neuvottelu 2024")
    assert meeting.attendance_locked
    before = list(meeting.attendances.values_list("person_id", "capacity"))
    login("paakayttaja")
    page = url("meetings:attendance", pk=meeting.pk)
    assert "Muistio on hyväksytty" in client.get(page).content.decode()
    client.post(page, {})  # "nobody was present"
    assert list(meeting.attendances.values_list("person_id", "capacity")) == before
    with pytest.raises(ValidationError):
        services.attendance_set(access=Access.installation(), meeting=meeting, present={})
    attendance = meeting.attendances.first()
    attendance.capacity = "political"
    with pytest.raises(ValidationError):
        attendance.save()
    with pytest.raises(ValidationError):
        attendance.delete()
    assert Attendance.objects.filter(pk=attendance.pk).exists()


def test_invitation_is_previewed_with_its_recipients_then_sent_with_cover_and_agenda(
    client, login, coordinators, deliver
):
    from yhdyspinta.communications.models import OutgoingMessage

    login("sihteeri")
    meeting = planned_meeting(coordinators, "Syksyn verkostokokous")
    invite = url("meetings:meeting_action", pk=meeting.pk, action="invite")
    preview = client.post(invite)
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "Tarkista kutsu" in html
    assert "Syksyn verkostokokous" in html
    assert not OutgoingMessage.objects.filter(about_id=meeting.pk).exists()  # nothing yet
    sent = client.post(
        invite, {"confirm": "yes", "cover": "Tervetuloa, käsitellään syksyn teemat."}
    )
    assert sent.status_code == 302
    messages = deliver()
    assert messages
    message = messages[0]
    assert message.body.startswith("Tervetuloa, käsitellään syksyn teemat.")
    names = [name for name, _content, _type in message.attachments]
    assert "kutsu.ics" in names
    assert any(name.startswith("esityslista-") and name.endswith(".pdf") for name in names)
    # The agenda is stored once, however many members get it; each has its own calendar.
    from yhdyspinta.communications.models import Attachment

    assert len(messages) > 1
    agendas = Attachment.objects.filter(name__startswith="esityslista-")
    assert agendas.count() == 1
    assert agendas.get().messages.count() == len(messages)
    assert Attachment.objects.filter(name="kutsu.ics").count() == len(messages)


def test_cancelling_asks_first(client, login, coordinators):
    """A meeting never invited: the confirmation promises no message, and none is sent."""
    from yhdyspinta.communications.models import OutgoingMessage

    login("sihteeri")
    meeting = planned_meeting(coordinators, "Peruttava kokous")
    cancel = url("meetings:meeting_action", pk=meeting.pk, action="cancel")
    asked = client.post(cancel).content.decode()
    assert "Perutaanko kokous?" in asked
    assert "kenellekään ei lähetetä mitään" in asked
    assert "kullekin oma viesti" not in asked
    meeting.refresh_from_db()
    assert meeting.status == "planned"
    done = client.post(cancel, {"confirm": "yes"}, follow=True).content.decode()
    meeting.refresh_from_db()
    assert meeting.status == "cancelled"
    assert "mitään ei lähetetty" in done
    assert not OutgoingMessage.objects.filter(about_id=meeting.pk).exists()


def test_an_invited_meeting_cancelled_says_how_many_get_the_notice(client, login, coordinators):
    from yhdyspinta.communications.models import OutgoingMessage
    from yhdyspinta.meetings.services import meeting_invite

    login("sihteeri")
    meeting = planned_meeting(coordinators, "Kutsuttu ja peruttu")
    meeting_invite(access=Access.installation(), meeting=meeting)
    reached = [m for m in meeting_members(meeting) if m.person.email]
    cancel = url("meetings:meeting_action", pk=meeting.pk, action="cancel")
    asked = client.post(cancel).content.decode()
    assert f"{len(reached)} jäsenelle, kullekin oma viesti" in asked
    done = client.post(cancel, {"confirm": "yes"}, follow=True).content.decode()
    assert f"ilmoitus on jonossa {len(reached)} jäsenelle" in done
    sent = OutgoingMessage.objects.filter(about_id=meeting.pk, kind="cancellation")
    assert sent.exclude(recipient="").count() == len(reached)


def test_a_meeting_ahead_is_not_moved_into_the_past(client, login, coordinators):
    login("sihteeri")
    meeting = planned_meeting(coordinators, "Tuleva kokous")
    edit = url("meetings:meeting_edit", pk=meeting.pk)
    past = timezone.localtime(timezone.now() - timedelta(days=3))
    refused = client.post(
        edit,
        {
            "kind": meeting.kind,
            "title": meeting.title,
            "convener": meeting.convener_id,
            "starts_at": past.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (past + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert refused.status_code == 200
    assert "Tulevaa kokousta ei voi siirtää menneisyyteen" in refused.content.decode()
    meeting.refresh_from_db()
    assert meeting.starts_at > timezone.now()


def test_minutes_are_not_approved_before_the_meeting_nor_a_meeting_with_minutes_cancelled(
    coordinators,
):
    from django.core.exceptions import ValidationError

    from yhdyspinta.meetings import services

    start = timezone.now() - timedelta(days=2)
    meeting = Meeting.objects.create(
        body=coordinators,
        title="Pidetty",
        convener=coordinators.convener,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        status="held",
    )
    minutes = services.minutes_start(access=Access.installation(), meeting=meeting)
    with pytest.raises(ValidationError, match="ennen kokousta"):
        services.minutes_approve(
            access=Access.installation(),
            minutes=minutes,
            method="chair",
            at=start - timedelta(days=1),
        )
    minutes.refresh_from_db()
    assert minutes.status == "draft"
    Meeting.objects.filter(pk=meeting.pk).update(status="planned")  # as if reverted by hand
    meeting.refresh_from_db()
    with pytest.raises(ValidationError, match="muistio"):
        services.meeting_cancel(access=Access.installation(), meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.status == "planned"


def test_the_attendance_sheet_starts_from_leadership_everyone_or_the_previous_meeting(
    client, login, demo
):
    from yhdyspinta.meetings.selectors import previous_attendance

    login("paakayttaja")
    strategic = Body.objects.get(area=demo["nk"], legal_basis="611_14")
    meeting = planned_meeting(strategic, "Valtuustokauden neuvottelu, jatko")
    sheet = url("meetings:attendance", pk=meeting.pk)
    page = client.get(sheet)
    rows = page.context["rows"]
    assert rows
    by_leadership = {}
    for membership, form in rows:
        assert form.initial["present"] is False  # nobody is marked by default
        by_leadership.setdefault(membership.person.leadership, set()).add(form.initial["capacity"])
    # Nobody resets politicians by hand: the capacity starts from the person's position
    # (or from their capacity at the previous meeting).
    assert by_leadership.get("political") == {"political"}
    assert "Aloita kaikki läsnä" in page.content.decode()
    everyone = client.get(sheet, {"start": "all"}).context["rows"]
    assert all(form.initial["present"] for _m, form in everyone)
    previous = previous_attendance(meeting)
    assert previous
    again = client.get(sheet, {"start": "previous"}).context["rows"]
    assert {m.person_id for m, f in again if f.initial["present"]} == (
        {m.person_id for m, _f in again} & set(previous)
    )
    assert not meeting.attendances.exists()  # a starting point saves nothing


def test_a_meeting_created_on_a_holiday_is_saved_with_a_warning(client, login, coordinators):
    from datetime import datetime

    from yhdyspinta.testing.factories import HELSINKI

    login("sihteeri")
    start = datetime(2027, 12, 6, 10, 0, tzinfo=HELSINKI)  # Independence Day
    data = {
        "kind": "meeting",
        "title": "Itsenäisyyspäivän kokous",
        "convener": coordinators.convener_id,
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "place": "Joensuu",
    }
    page = client.post(url("meetings:meeting_create", body=coordinators.pk), data, follow=True)
    assert Meeting.objects.filter(title="Itsenäisyyspäivän kokous").exists()
    assert "6.12. on yleinen vapaapäivä (Itsenäisyyspäivä)" in page.content.decode()


def test_an_agenda_starts_from_the_previous_meetings(client, login, coordinators):
    login("sihteeri")
    meeting = planned_meeting(coordinators, "Kevään verkostokokous")
    previous = (
        Meeting.objects.filter(body=coordinators, starts_at__lt=meeting.starts_at)
        .filter(agenda_items__isnull=False)
        .order_by("-starts_at")
        .first()
    )
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Aloita edellisen kokouksen esityslistasta" in page
    action = url("meetings:meeting_action", pk=meeting.pk, action="previous-agenda")
    client.post(action)
    titles = list(meeting.agenda_items.order_by("order").values_list("title", flat=True))
    assert titles == list(previous.agenda_items.order_by("order").values_list("title", flat=True))
    again = client.post(action, follow=True)
    assert "Esityslistalla on jo asiakohtia." in again.content.decode()
    assert meeting.agenda_items.count() == len(titles)


def test_the_meeting_list_writes_each_row_escaped_in_local_time_and_language(client, coordinators):
    """The rows are written in Python (meeting_tags): the day and time are Joensuu's,
    the title links to the meeting's page, every text is escaped, and the kind and status
    are in the reader's language."""
    from datetime import datetime

    from yhdyspinta.testing.factories import HELSINKI

    start = datetime(2031, 5, 6, 0, 30, tzinfo=HELSINKI)  # 5 May in UTC
    meeting = Meeting.objects.create(
        body=coordinators,
        title='<script>alert("x")</script> & työpaja',
        kind="workshop",
        convener=coordinators.convener,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    html = client.get(url("meetings:meetings")).content.decode()
    row = html[html.index("<tr><td>6.5.2031 00:30</td>") :].split("</tr>", 1)[0]
    assert (
        f'<a href="{meeting.get_absolute_url()}">'
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; työpaja</a>"
    ) in row
    assert f"<td>{coordinators.name}</td><td>Työpaja</td>" in row
    assert '<span class="status status-planned">Suunniteltu</span>' in row
    assert "<script>alert" not in html
    client.cookies["django_language"] = "sv"
    html = client.get(url("meetings:meetings")).content.decode()
    row = html[html.index("<tr><td>6.5.2031 00:30</td>") :].split("</tr>", 1)[0]
    assert f"<td>{coordinators.name}</td><td>Workshop</td>" in row
    assert '<span class="status status-planned">Planerat</span>' in row
    empty = client.get(url("meetings:meetings"), {"q": "ei tällaista kokousta"})
    assert empty.content.decode().count('<td colspan="5">Inga möten.</td>') == 2


def test_a_refused_move_into_the_past_keeps_the_page_as_saved_and_the_corrected_form_saves(
    client, login, demo
):
    """The meeting service refuses; the page shows why at the field, its heading still
    names the meeting as saved (not the refused day), and the same form corrected saves."""
    from yhdyspinta.web.tests.test_no_lost_update import form_data

    login("paakayttaja")
    ahead = (
        Meeting.objects.filter(
            body__area=demo["nk"], status="planned", starts_at__gt=timezone.now()
        )
        .order_by("starts_at")
        .first()
    )
    saved_day = timezone.localtime(ahead.starts_at).strftime("%d.%m.%Y")
    edit = url("meetings:meeting_edit", pk=ahead.pk)
    data = form_data(client.get(edit).content.decode())
    data.update(starts_at=["2020-02-10T13:00"], ends_at=["2020-02-10T15:00"])
    refused = client.post(edit, data)
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Tulevaa kokousta ei voi siirtää menneisyyteen" in page
    assert f"Muokkaa kokousta: {ahead.title} {saved_day}" in page
    assert "10.02.2020" not in page.split("<h1")[1].split("</h1>")[0]
    ahead.refresh_from_db()
    assert timezone.localtime(ahead.starts_at).strftime("%d.%m.%Y") == saved_day
    later = timezone.localtime(ahead.starts_at) + timedelta(days=1)
    data.update(
        starts_at=[later.strftime("%Y-%m-%dT%H:%M")],
        ends_at=[(later + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")],
    )
    assert client.post(edit, data).status_code == 302
    ahead.refresh_from_db()
    assert timezone.localtime(ahead.starts_at).date() == later.date()
