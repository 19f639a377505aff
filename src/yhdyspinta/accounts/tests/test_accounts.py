"""Accounts in the app: invitations, roles, password rules, lockout, idle timeout, the
use log and a person's data report."""

import io
import re
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import docx
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation

from yhdyspinta.accounts.middleware import LAST_SEEN
from yhdyspinta.accounts.models import AreaRole, Invitation, UseLogEntry
from yhdyspinta.parties.models import Organisation, Person

pytestmark = pytest.mark.django_db
User = get_user_model()
STRONG = "Kuusi-koivua-rannalla-7"


def users_url(area="pohjois-karjala"):
    return reverse("accounts:users", kwargs={"area": area})


def invite(client, email, role="organisation_contact", organisation=None):
    with_callbacks = {"email": email, "role": role}
    if organisation:
        with_callbacks["organisation"] = organisation.pk
    return client.post(users_url(), with_callbacks)


def link_from_mail(message) -> str:
    return re.search(r"https?://\S+/accounts/invitation/\S+/", message.body).group(0)


def test_invitation_first_login_and_role(client, login, demo, deliver):
    joensuu = Organisation.objects.get(area=demo["nk"], municipality_number="167")
    person = Person.objects.filter(organisation=joensuu, user__isnull=True).exclude(email="")[0]
    login("paakayttaja")
    response = invite(client, person.email.upper(), organisation=joensuu)
    assert response.status_code == 302
    [message] = deliver()
    assert message.to == [person.email.lower()]
    assert "Kutsu Yhdyspintaan" in message.subject
    path = "/" + link_from_mail(message).split("/", 3)[3]
    client.logout()
    page = client.get(path)
    assert "Organisaation yhteyshenkilö" in page.content.decode()
    weak = {
        "first_name": "Uusi",
        "last_name": "Käyttäjä",
        "username": "uusi.kayttaja",
        "password1": "12345678",
        "password2": "12345678",
    }
    refused = client.post(path, weak)
    assert "Tämä salasana on liian lyhyt" in refused.content.decode()
    assert "Tämä salasana on liian yleinen" in refused.content.decode()
    assert not User.objects.filter(username="uusi.kayttaja").exists()
    response = client.post(path, {**weak, "password1": STRONG, "password2": STRONG})
    assert response.status_code == 302
    user = User.objects.get(username="uusi.kayttaja")
    role = AreaRole.objects.get(user=user)
    assert (role.role, role.organisation) == ("organisation_contact", joensuu)
    person.refresh_from_db()
    assert person.user == user
    # Logged in at once, and the role works: Joensuu's contact may edit Joensuu.
    edit = reverse(
        "parties:organisation_edit", kwargs={"area": "pohjois-karjala", "pk": joensuu.pk}
    )
    assert client.get(edit).status_code == 200
    assert UseLogEntry.objects.filter(user=user, action="invitation_used").exists()
    # Used once: a second use is refused in Finnish and creates nothing.
    client.logout()
    again = client.post(
        path, {**weak, "username": "toinen", "password1": STRONG, "password2": STRONG}
    )
    assert again.status_code == 410
    assert "Kutsu on jo käytetty" in again.content.decode()
    assert not User.objects.filter(username="toinen").exists()


def test_expired_and_forged_invitations_are_refused(client, login, demo, deliver):
    login("paakayttaja")
    invite(client, "myohassa@example.org", role="member")
    path = "/" + link_from_mail(deliver()[-1]).split("/", 3)[3]
    Invitation.objects.update(expires_at=timezone.now() - timedelta(hours=1))
    client.logout()
    expired = client.post(
        path,
        {
            "first_name": "A",
            "last_name": "B",
            "username": "myohassa",
            "password1": STRONG,
            "password2": STRONG,
        },
    )
    assert expired.status_code == 410
    assert "Kutsu on vanhentunut" in expired.content.decode()
    assert not User.objects.filter(username="myohassa").exists()
    forged = client.get(reverse("accept_invitation", kwargs={"token": "forged"}))
    assert forged.status_code == 404
    assert "Kutsulinkki ei ole voimassa" in forged.content.decode()


def test_only_the_area_admin_invites_and_removes_roles(client, login, demo):
    for role in ("jasen", "joensuu", "sihteeri", "etelasavo"):
        login(role)
        assert client.get(users_url()).status_code == 403
        assert invite(client, "luvaton@example.org", role="admin").status_code == 403
    assert not Invitation.objects.exists()
    login("paakayttaja")
    page = client.get(users_url()).content.decode()
    assert "Käyttäjät ja roolit" in page
    member = AreaRole.objects.get(area=demo["nk"], user__username="jasen")
    remove = reverse("accounts:role_remove", kwargs={"area": "pohjois-karjala", "pk": member.pk})
    assert client.post(remove).status_code == 302
    assert not AreaRole.objects.filter(pk=member.pk).exists()
    assert UseLogEntry.objects.filter(action="role_removed", area=demo["nk"]).exists()
    # A South Savo role cannot be removed from North Karelia's page.
    foreign = AreaRole.objects.filter(area=demo["es"]).first()
    foreign_url = reverse(
        "accounts:role_remove", kwargs={"area": "pohjois-karjala", "pk": foreign.pk}
    )
    assert client.post(foreign_url).status_code == 404


def test_lockout_after_failed_logins(client, demo, settings):
    settings.AXES_FAILURE_LIMIT = 3
    url = reverse("login")
    for _attempt in range(3):
        response = client.post(url, {"username": "jasen", "password": "väärä-salasana"})
    # The third failure locks; even the right password is refused now.
    response = client.post(url, {"username": "jasen", "password": "yhdyspinta-demo"})
    assert response.status_code == 429
    assert "Kirjautuminen lukittu" in response.content.decode()
    assert "_auth_user_id" not in client.session
    failures = UseLogEntry.objects.filter(action="login_failed", username="jasen")
    assert failures.count() >= 3
    assert UseLogEntry.objects.filter(action="locked_out", username="jasen").exists()
    # Another user name from the same address still gets in (town halls share addresses).
    ok = client.post(url, {"username": "sihteeri", "password": "yhdyspinta-demo"})
    assert ok.status_code == 302
    assert UseLogEntry.objects.filter(action="login", username="sihteeri").exists()


def test_idle_session_ends(client, login, demo, settings):
    settings.SESSION_IDLE_MINUTES = 30
    login("jasen")
    people = reverse("parties:people", kwargs={"area": "pohjois-karjala"})
    assert client.get(people).status_code == 200
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(people)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_use_log_records_people_pages_and_exports(client, login, demo):
    user = login("jasen")
    person = Person.objects.filter(area=demo["nk"]).first()
    client.get(reverse("parties:person", kwargs={"area": "pohjois-karjala", "pk": person.pk}))
    view = UseLogEntry.objects.get(user=user, action="view")
    assert view.area == demo["nk"]
    assert str(person) in view.target
    assert view.path.endswith(f"/people/{person.pk}/")
    assert view.ip_address == "127.0.0.1"
    minutes = demo["nk"].bodies.first()
    from yhdyspinta.meetings.models import Minutes

    minutes = Minutes.objects.filter(meeting__body__area=demo["nk"]).first()
    client.get(
        reverse(
            "meetings:minutes_file",
            kwargs={"area": "pohjois-karjala", "pk": minutes.pk, "fmt": "docx"},
        )
    )
    assert UseLogEntry.objects.filter(user=user, action="export").exists()
    # The public reading published minutes is not a view of people's data.
    client.logout()
    before = UseLogEntry.objects.count()
    client.get(reverse("parties:organisations", kwargs={"area": "pohjois-karjala"}))
    assert UseLogEntry.objects.count() == before


def test_admin_reads_and_exports_the_use_log(client, login, demo):
    login("jasen")
    client.get(reverse("parties:people", kwargs={"area": "pohjois-karjala"}))
    assert (
        client.get(reverse("accounts:use_log", kwargs={"area": "pohjois-karjala"})).status_code
        == 403
    )
    login("paakayttaja")
    page = client.get(reverse("accounts:use_log", kwargs={"area": "pohjois-karjala"}))
    assert "Katsoi henkilötietoja" in page.content.decode()
    export = client.get(
        reverse("accounts:use_log", kwargs={"area": "pohjois-karjala"}) + "?format=csv"
    )
    text = export.content.decode("utf-8-sig")
    assert "jasen;Katsoi henkilötietoja" in text
    # South Savo's administrator does not see North Karelia's log.
    login("etelasavo")
    es_log = client.get(reverse("accounts:use_log", kwargs={"area": "etela-savo"}))
    assert "jasen" not in es_log.content.decode()


def test_use_log_retention(demo, settings):
    from django.core.management import call_command

    settings.USE_LOG_RETENTION_DAYS = 730
    old = UseLogEntry.objects.create(action="login", username="vanha")
    UseLogEntry.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=731))
    recent = UseLogEntry.objects.create(action="login", username="uusi")
    call_command("prune_use_log", stdout=io.StringIO())
    assert not UseLogEntry.objects.filter(pk=old.pk).exists()
    assert UseLogEntry.objects.filter(pk=recent.pk).exists()


def test_person_data_report_page_and_docx(client, login, demo):
    from yhdyspinta.bodies.models import Membership

    seat = Membership.objects.filter(body__area=demo["nk"]).select_related("person").first()
    person = seat.person
    url = reverse("accounts:person_data", kwargs={"area": "pohjois-karjala", "pk": person.pk})
    login("jasen")
    assert client.get(url).status_code == 403
    login("paakayttaja")
    html = client.get(url).content.decode()
    assert person.email in html
    assert str(seat.body) in html
    file_url = reverse(
        "accounts:person_data_file",
        kwargs={"area": "pohjois-karjala", "pk": person.pk, "fmt": "docx"},
    )
    document = docx.Document(io.BytesIO(client.get(file_url).content))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        c.text for t in document.tables for r in t.rows for c in r.cells
    )
    assert person.email in text
    assert str(seat.body) in text
    assert UseLogEntry.objects.filter(action="export", target__contains=str(person)).exists()


def test_security_headers_and_csp(client, demo):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_inline_script_or_style_in_templates():
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for template in root.rglob("templates/**/*.html"):
        if "documents" in template.parts or template.name.endswith("_document.html"):
            continue  # PDFs are rendered by WeasyPrint, never by a browser
        if "email" in template.parts:
            continue  # read by mail programs, which keep only inline styles
        text = template.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)", text) or re.search(r"\sstyle=|<style", text):
            offenders.append(str(template.relative_to(root)))
        if re.search(r"\son[a-z]+=", text):
            offenders.append(str(template.relative_to(root)))
    assert offenders == []


def test_check_deploy_is_clean_with_the_production_environment(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "SECRET_KEY": "k" * 20 + "Zq8#tW2!pL9@vX4$mN7&bR1*cY6^dF3%" + "s" * 20,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "ALLOWED_HOSTS": "yhdyspinta.example.fi",
        "CSRF_TRUSTED_ORIGINS": "https://yhdyspinta.example.fi",
        "SITE_URL": "https://yhdyspinta.example.fi",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "EMAIL_HOST": "smtp.example.fi",
    }
    manage = Path(__file__).resolve().parents[4] / "manage.py"
    result = subprocess.run(  # noqa: S603 - a fixed command
        [sys.executable, str(manage), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr


def test_password_reset_by_email(
    client, demo, settings, deliver, django_capture_on_commit_callbacks
):
    """The page answers a known and an unknown address alike and only queues a task;
    the worker queues the message in the outbox with a link from SITE_URL (not the
    request's host name); a new password also lifts the lockout."""
    from yhdyspinta.accounts.services import password_reset_send
    from yhdyspinta.communications.models import OutgoingMessage

    settings.SITE_URL = "https://yhdyspinta.example.fi"
    settings.ALLOWED_HOSTS = ["testserver", "evil.test"]  # a host name the request claims
    settings.AXES_FAILURE_LIMIT = 2
    user = User.objects.get(username="jasen")
    user.email = "jasen@example.org"
    user.save()
    for _attempt in range(2):
        client.post(reverse("login"), {"username": "jasen", "password": "väärä"})
    answers = []
    for address in ("jasen@example.org", "tuntematon@example.org"):
        with django_capture_on_commit_callbacks(execute=False) as queued:
            answers.append(
                client.post(reverse("password_reset"), {"email": address}, HTTP_HOST="evil.test")
            )
        assert len(queued) == 1  # the task is queued after the answer, for either address
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0]["Location"] == answers[1]["Location"]
    assert not OutgoingMessage.objects.filter(kind="password_reset").exists()
    with translation.override("fi"):
        assert password_reset_send.call("jasen@example.org", "fi") == 1
        assert password_reset_send.call("tuntematon@example.org", "fi") == 0
    [queued_message] = OutgoingMessage.objects.filter(kind="password_reset")
    assert queued_message.recipient == "jasen@example.org"
    [message] = deliver()
    assert message.subject == "Yhdyspinta: salasanan vaihto"
    link = re.search(r"https?://\S+/accounts/reset/\S+/", message.body).group(0)
    assert link.startswith("https://yhdyspinta.example.fi/accounts/reset/")
    assert "evil.test" not in message.body
    path = "/" + link.split("/", 3)[3]
    form = client.get(path, follow=True)
    assert "Vaihda salasana" in form.content.decode()
    short = client.post(
        form.redirect_chain[-1][0], {"new_password1": "lyhyt", "new_password2": "lyhyt"}
    )
    assert "Tämä salasana on liian lyhyt" in short.content.decode()
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": STRONG, "new_password2": STRONG}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(STRONG)
    assert UseLogEntry.objects.filter(action="unlocked", username="jasen").exists()
    logged_in = client.post(reverse("login"), {"username": "jasen", "password": STRONG})
    assert logged_in.status_code == 302


def test_the_areas_use_log_holds_logins_failures_lockouts_and_tokens(client, login, demo, settings):
    """Logins belong to no area; the area's log shows those of its users, with the
    client's real address (only the nearest trusted proxy's word), and the tokens'
    issue and revocation, in Finnish, filtered and as CSV."""
    from yhdyspinta.accounts.models import ApiToken

    settings.AXES_FAILURE_LIMIT = 2
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    url = reverse("login")
    # The client claims to be 10.9.9.9; the proxy saw 192.0.2.7.
    forwarded = {"HTTP_X_FORWARDED_FOR": "10.9.9.9, 192.0.2.7"}
    client.post(url, {"username": "jasen", "password": "yhdyspinta-demo"}, **forwarded)
    client.logout()
    for _attempt in range(3):
        client.post(url, {"username": "sihteeri", "password": "väärä"}, **forwarded)
    login("paakayttaja")
    tokens = reverse("accounts:api_tokens", kwargs={"area": "pohjois-karjala"})
    client.post(tokens, {"name": "Asianhallinta", "days": 30})
    token = ApiToken.objects.get(name="Asianhallinta")
    client.post(tokens, {"revoke": token.pk})
    log = reverse("accounts:use_log", kwargs={"area": "pohjois-karjala"})
    html = client.get(log).content.decode()
    for label in (
        "Kirjautui sisään",
        "Epäonnistunut kirjautuminen",
        "Kirjautuminen lukittu",
        "API-avain myönnetty",
        "API-avain peruttu",
    ):
        assert label in html, label
    assert "192.0.2.7" in html
    assert "10.9.9.9" not in html
    failed = client.get(log, {"action": "login_failed"}).content.decode()
    assert "sihteeri" in failed
    assert "Kirjautui sisään</td>" not in failed
    csv = client.get(log, {"format": "csv", "action": "locked_out"}).content.decode("utf-8-sig")
    assert "sihteeri;Kirjautuminen lukittu" in csv
    # South Savo's administrator sees none of North Karelia's users' logins.
    login("etelasavo")
    south = client.get(reverse("accounts:use_log", kwargs={"area": "etela-savo"})).content
    assert b"sihteeri" not in south


def test_the_person_data_report_is_finnish_and_names_each_meeting(client, login, demo):
    from yhdyspinta.meetings.models import Attendance

    attendance = Attendance.objects.filter(meeting__body__area=demo["nk"]).first()
    person = attendance.person
    login("paakayttaja")
    url = reverse("accounts:person_data", kwargs={"area": "pohjois-karjala", "pk": person.pk})
    html = client.get(url).content.decode()
    assert "Yhteistyöalue" in html
    assert ">area<" not in html
    day = timezone.localtime(attendance.meeting.starts_at)
    assert f"{attendance.meeting.title} {day.day}.{day.month}.{day.year}: " in html


def test_the_administrator_lifts_a_lockout_and_the_log_says_so(client, login, demo, settings):
    settings.AXES_FAILURE_LIMIT = 2
    url = reverse("login")
    for _attempt in range(2):
        client.post(url, {"username": "jasen", "password": "väärä"})
    assert client.post(url, {"username": "jasen", "password": "yhdyspinta-demo"}).status_code == 429
    login("paakayttaja")
    users = reverse("accounts:users", kwargs={"area": "pohjois-karjala"})
    page = client.get(users).content.decode()
    assert "Lukittu epäonnistuneiden kirjautumisten jälkeen" in page
    done = client.post(users, {"unlock": "jasen"}, follow=True).content.decode()
    assert "jasen voi taas kirjautua" in done
    assert UseLogEntry.objects.filter(action="unlocked", target="jasen", area=demo["nk"]).exists()
    # Only a user of this area, and only when locked.
    assert (
        "ei ole lukittu"
        in client.post(users, {"unlock": "etelasavo"}, follow=True).content.decode()
    )
    client.logout()
    assert client.post(url, {"username": "jasen", "password": "yhdyspinta-demo"}).status_code == 302
