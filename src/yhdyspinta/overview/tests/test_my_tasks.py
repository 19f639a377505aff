"""After login each user lands in their area on what waits for them, with links that
lead to the work itself."""

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.pages]


def tasks_url(area="pohjois-karjala"):
    return reverse("areas:my_tasks", kwargs={"area": area})


def test_logging_in_lands_on_my_tasks_in_my_area(client, demo):
    from yhdyspinta.demo.loader import DEMO_PASSWORD

    response = client.post(
        reverse("login"), {"username": "joensuu", "password": DEMO_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == tasks_url()
    assert "Omat tehtävät" in response.content.decode()
    client.logout()
    south = client.post(
        reverse("login"), {"username": "etelasavo", "password": DEMO_PASSWORD}, follow=True
    )
    assert south.redirect_chain[-1][0] == tasks_url("etela-savo")


def test_an_organisation_contact_reaches_its_requests_and_reports(client, login, demo):
    login("joensuu")
    page = client.get(tasks_url())
    groups = page.context["groups"]
    html = page.content.decode()
    assert "Vastattavat pyynnöt" in html
    assert "Erääntyvät raportit" in html
    tasks = [t for ts in groups.values() for t in ts]
    assert any("Keskinen alueen kumppanuusryhmä" in t.title for t in tasks)
    for task in tasks:  # every task leads to a page this user may open
        assert client.get(task.url).status_code == 200, task.url


def test_the_administrator_sees_minutes_invitations_and_the_clock(client, login, demo):
    from datetime import timedelta

    from django.utils import timezone

    from yhdyspinta.meetings.models import Meeting

    # The demo's planned meetings are fixed dates and today moves: one of them is put
    # ten days ahead, so that the test does not depend on the day it runs.
    planned = Meeting.objects.filter(body__area=demo["nk"], status="planned").first()
    planned.starts_at = timezone.now() + timedelta(days=10)
    planned.ends_at = planned.starts_at + timedelta(hours=2)
    planned.save()
    login("paakayttaja")
    page = client.get(tasks_url())
    html = page.content.decode()
    assert "Hyväksy muistio" in html
    assert "Lähetä kutsu" in html
    tasks = [t for ts in page.context["groups"].values() for t in ts]
    for task in tasks:
        assert client.get(task.url).status_code == 200, task.url


def test_a_reader_has_nothing_waiting_and_the_public_must_log_in(client, login, demo):
    assert client.get(tasks_url()).status_code == 302  # to the login page
    login("jasen")
    assert "Sinulla ei ole nyt odottavia tehtäviä." in client.get(tasks_url()).content.decode()


def test_rounds_closing_soon_wait_for_the_administrator(client, login, demo):
    from datetime import timedelta

    from django.utils import timezone

    from yhdyspinta.consultations.models import Round
    from yhdyspinta.nominations.models import NominationRound

    # The demo's deadlines are fixed dates and today moves: every other open round of the
    # area closes well after the window, so the test does not depend on the day it runs.
    today = timezone.localdate()
    Round.objects.filter(area=demo["nk"], status="open").update(deadline=today + timedelta(60))
    round_ = NominationRound.objects.filter(area=demo["nk"], status="open").first()
    round_.deadline = today + timedelta(days=3)
    round_.save()
    login("paakayttaja")
    page = client.get(tasks_url())
    closing = page.context["groups"]["Päättyvät kierrokset"]
    assert [t.title for t in closing] == [round_.title]
    assert client.get(closing[0].url).status_code == 200


def test_due_dates_come_from_the_areas_deadlines_and_say_so(client, login, demo):
    """An invitation is due before the meeting (14 days unless the area says otherwise),
    minutes after it; each due date names the rule it comes from."""
    from datetime import timedelta

    from django.utils import timezone

    from yhdyspinta.meetings.models import Meeting

    area = demo["nk"]
    planned = Meeting.objects.filter(body__area=area, status="planned").first()
    planned.starts_at = timezone.now() + timedelta(days=20)
    planned.ends_at = planned.starts_at + timedelta(hours=2)
    planned.save()
    day = timezone.localtime(planned.starts_at).date()
    login("paakayttaja")
    page = client.get(tasks_url())
    tasks = [t for ts in page.context["groups"].values() for t in ts]
    [invite] = [t for t in tasks if t.title.startswith("Lähetä kutsu") and planned.title in t.title]
    assert invite.due == day - timedelta(days=14)
    assert invite.rule == "alueen sääntö: kutsu 14 päivää ennen kokousta"
    assert invite.rule in page.content.decode()
    drafts = [t for t in tasks if t.title.startswith("Hyväksy muistio")]
    assert drafts
    assert all(t.due and "14 päivän kuluessa" in t.rule for t in drafts)
    # The administrator changes the area's rule; the due date follows.
    edit = reverse("areas:deadlines_edit", kwargs={"area": area.slug})
    form = client.get(edit)
    assert form.status_code == 200
    saved = client.post(
        edit,
        {
            "invitation_days_before": 21,
            "minutes_days_after": 7,
            "_edited_from": form.context["edited_from"],
        },
    )
    assert saved.status_code == 302
    later = client.get(tasks_url())
    tasks = [t for ts in later.context["groups"].values() for t in ts]
    [invite] = [t for t in tasks if t.title.startswith("Lähetä kutsu") and planned.title in t.title]
    assert invite.due == day - timedelta(days=21)
    assert "kutsu 21 päivää ennen kokousta" in later.content.decode()
    login("jasen")
    assert client.get(edit).status_code == 403


def test_page_titles_name_the_page_the_area_and_a_list_page(client, login, demo):
    import re

    def title(path, **query):
        html = client.get(path, query).content.decode()
        return re.search(r"<title>(.*?)</title>", html, re.S).group(1)

    assert (
        title("/pohjois-karjala/bodies/") == "Yhteistyön toimielimet – Pohjois-Karjala – Yhdyspinta"
    )
    login("paakayttaja")
    first = title("/pohjois-karjala/people/")
    assert first.endswith(" – Pohjois-Karjala – Yhdyspinta")
    assert title("/pohjois-karjala/people/", page=2) == first.replace(
        " – Pohjois-Karjala", " (sivu 2) – Pohjois-Karjala"
    )
    assert title("/etela-savo/obligations/").endswith(" – Etelä-Savo – Yhdyspinta")
