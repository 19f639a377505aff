"""The register page: only the area's administrator reaches it; an upload is previewed
on the worker and imported only when confirmed, once however often the button is
pressed; the register and the template download as workbooks."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from yhdyspinta.parties.models import Organisation
from yhdyspinta.register import selectors, workbook
from yhdyspinta.register.models import RegisterRun
from yhdyspinta.register.services import register_run
from yhdyspinta.testing import factories

pytestmark = pytest.mark.django_db


def _upload(client, area, data: bytes, name="rekisteri.xlsx"):
    return client.post(
        reverse("register:page", kwargs={"area": area.slug}),
        {"file": SimpleUploadedFile(name, data)},
    )


def _workbook(**rows) -> bytes:
    out = io.BytesIO()
    workbook.write(rows, out)
    return out.getvalue()


def test_only_the_administrator_reaches_the_register(client, small_world):
    area = small_world.area
    page = reverse("register:page", kwargs={"area": area.slug})
    client.force_login(small_world.member)
    assert client.get(page).status_code == 403
    assert client.get(reverse("register:file", kwargs={"area": area.slug})).status_code == 403
    assert _upload(client, area, b"x").status_code == 403
    client.force_login(small_world.admin)
    assert client.get(page).status_code == 200


def test_an_upload_is_previewed_then_imported_once_when_confirmed(
    client, small_world, django_capture_on_commit_callbacks
):
    area = small_world.area
    client.force_login(small_world.admin)
    rows = selectors.register_rows(area)
    rows["organisations"].append({"name": "Uusi yhdistys ry", "kind": "ngo"})
    data = _workbook(**rows)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = _upload(client, area, data)
    preview = RegisterRun.objects.get()
    assert response.url == reverse("register:run", kwargs={"area": area.slug, "pk": preview.pk})
    # The preview is queued after the commit, once.
    assert len([c for c in queued if "run_queue" in getattr(c, "__qualname__", "")]) == 1
    assert "Odottaa vuoroaan" in client.get(response.url).content.decode()

    assert register_run.call(str(preview.pk)) == "done"
    page = client.get(response.url).content.decode()
    assert "Tiedosto tekisi nämä muutokset." in page
    preview.refresh_from_db()
    organisations = Organisation.objects.filter(area=area).count()
    assert preview.report["counts"]["Organisaatiot"] == [1, 0, organisations]
    assert not Organisation.objects.filter(name="Uusi yhdistys ry").exists()
    assert register_run.call(str(preview.pk)) == "not queued"  # claimed once

    first = client.post(response.url)
    second = client.post(response.url)  # a double click
    assert first.url == second.url
    imported = RegisterRun.objects.get(preview=False)
    assert register_run.call(str(imported.pk)) == "done"
    assert "Tiedosto tuotiin." in client.get(first.url).content.decode()
    assert Organisation.objects.filter(area=area, name="Uusi yhdistys ry").count() == 1
    imported.refresh_from_db()
    assert imported.stored_file == ""  # the file is not kept once imported


def test_a_file_with_problems_says_where_and_offers_no_import(client, small_world):
    area = small_world.area
    client.force_login(small_world.admin)
    _upload(client, area, _workbook(organisations=[{"name": "Kunta X", "kind": "kaupunki"}]))
    run = RegisterRun.objects.get()
    register_run.call(str(run.pk))
    page = client.get(reverse("register:run", kwargs={"area": area.slug, "pk": run.pk}))
    text = page.content.decode()
    assert "Mitään ei tuotu: tiedostossa on 1 virhe." in text
    assert "Organisaatiot, rivi 2, sarake Tyyppi: Tuntematon arvo kaupunki." in text
    assert "Tuo tiedosto" not in text
    confirm = client.post(reverse("register:run", kwargs={"area": area.slug, "pk": run.pk}))
    assert confirm.status_code == 302
    assert not RegisterRun.objects.filter(preview=False).exists()


def test_the_register_and_the_template_download_as_workbooks(client, small_world):
    area = small_world.area
    client.force_login(small_world.admin)
    register = client.get(reverse("register:file", kwargs={"area": area.slug}))
    parsed = workbook.read(io.BytesIO(register.content))
    assert parsed.problems == []
    assert {r.values["name"] for r in parsed.rows["organisations"]} == set(
        Organisation.objects.filter(area=area).values_list("name", flat=True)
    )
    template = client.get(reverse("register:template", kwargs={"area": area.slug}))
    assert workbook.read(io.BytesIO(template.content)).rows["organisations"] == []


def test_the_superuser_starts_a_new_area_in_one_step(client, small_world):
    from yhdyspinta.accounts.models import Invitation
    from yhdyspinta.areas.models import Area
    from yhdyspinta.communications.models import OutgoingMessage

    page = reverse("new_area")
    client.force_login(small_world.admin)  # an area's administrator is not enough
    assert client.get(page).status_code == 403
    client.force_login(factories.UserFactory(is_superuser=True))
    assert "Uusi yhteistyöalue" in client.get(page).content.decode()
    # Kainuu chosen from the national list: its eight municipalities offered, all ticked.
    chosen = client.get(page, {"alue": "20"})
    form = chosen.context["form"]
    kainuu = [number for number, _ in form.fields["municipalities"].choices]
    assert kainuu == ["105", "205", "290", "578", "620", "697", "765", "777"]
    assert form.fields["municipalities"].initial == kainuu
    html = chosen.content.decode()
    assert "Kainuun hyvinvointialue" in html
    assert "Kajaani (205)" in html
    response = client.post(
        page,
        {
            "national_code": "20",
            "name": "Kainuu",
            "slug": "",
            "municipalities": [n for n in kainuu if n != "777"],  # one left out
            "sub_regions": "Ylä-Kainuu\nKehys-Kainuu\n\nYlä-Kainuu",
            "admin_email": "Koordinaattori@Example.org",
        },
    )
    area = Area.objects.get(slug="kainuu")
    assert response.url == reverse("register:page", kwargs={"area": "kainuu"})
    assert list(area.sub_regions.values_list("name", flat=True)) == ["Ylä-Kainuu", "Kehys-Kainuu"]
    assert area.national_code == "20"
    assert dict(
        area.organisations.filter(kind="municipality").values_list("municipality_number", "name")
    ) == {
        "105": "Hyrynsalmi",
        "205": "Kajaani",
        "290": "Kuhmo",
        "578": "Paltamo",
        "620": "Puolanka",
        "697": "Ristijärvi",
        "765": "Sotkamo",
    }
    assert area.organisations.get(kind="county").name == "Kainuun hyvinvointialue"
    invitation = Invitation.objects.get(area=area)
    assert (invitation.email, invitation.role) == ("koordinaattori@example.org", "admin")
    assert OutgoingMessage.objects.filter(area=area, kind="account_invitation").count() == 1

    again = client.post(page, {"name": "Kainuu", "admin_email": "toinen@example.org"})
    assert again.status_code == 200  # the address is taken: said on the form, nothing made
    assert "already exists" not in again.content.decode()
    assert Area.objects.filter(name="Kainuu").count() == 1
    # The county has its area: it is offered no more, and a second one is refused.
    offered = client.get(page).context["choice"].fields["alue"].choices
    assert "20" not in [code for code, _label in offered]
    assert "21" in [code for code, _label in offered]
    other = client.post(
        page, {"national_code": "20", "name": "Kainuu 2", "admin_email": "k2@example.org"}
    )
    assert "Tällä hyvinvointialueella on jo yhteistyöalue." in other.content.decode()
    assert not Area.objects.filter(name="Kainuu 2").exists()


def test_a_running_file_shows_how_far_it_has_come(client, small_world):
    from yhdyspinta.register.services import progress_set

    area = small_world.area
    client.force_login(small_world.admin)
    _upload(client, area, _workbook())
    run = RegisterRun.objects.get()
    progress_set(run, 100, 250)
    page = client.get(
        reverse("register:run", kwargs={"area": area.slug, "pk": run.pk}), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "100 / 250 riviä" in page
    assert 'hx-trigger="every 2s"' in page


def test_a_double_click_on_create_makes_one_area_and_one_upload(client, small_world):
    from yhdyspinta.accounts.models import Invitation
    from yhdyspinta.areas.models import Area

    client.force_login(factories.UserFactory(is_superuser=True))
    post = {"name": "Kainuu", "admin_email": "k@example.org", "_form_key": "a" * 32}
    first = client.post(reverse("new_area"), post)
    second = client.post(reverse("new_area"), post)
    assert first.url == second.url == reverse("register:page", kwargs={"area": "kainuu"})
    assert Area.objects.filter(slug="kainuu").count() == 1
    assert Invitation.objects.filter(area__slug="kainuu").count() == 1

    area = small_world.area
    client.force_login(small_world.admin)
    data = _workbook()
    for _ in range(2):
        response = client.post(
            reverse("register:page", kwargs={"area": area.slug}),
            {"file": SimpleUploadedFile("r.xlsx", data), "_form_key": "b" * 32},
        )
    assert RegisterRun.objects.filter(area=area).count() == 1
    assert response.url == reverse(
        "register:run", kwargs={"area": area.slug, "pk": RegisterRun.objects.get().pk}
    )


def test_a_file_that_changes_nothing_says_so_and_offers_no_import(client, small_world):
    area = small_world.area
    client.force_login(small_world.admin)
    _upload(client, area, _workbook(**selectors.register_rows(area)))
    run = RegisterRun.objects.get()
    register_run.call(str(run.pk))
    text = client.get(reverse("register:run", kwargs={"area": area.slug, "pk": run.pk}))
    text = text.content.decode()
    assert "Tiedosto ei muuttaisi mitään" in text
    assert "Tuo tiedosto" not in text


def test_a_preview_left_unconfirmed_for_a_day_keeps_no_file(client, small_world):
    from datetime import timedelta

    from django.core.files.storage import default_storage
    from django.utils import timezone

    area = small_world.area
    client.force_login(small_world.admin)
    _upload(client, area, _workbook())
    old = RegisterRun.objects.get()
    register_run.call(str(old.pk))
    old.refresh_from_db()
    assert old.stored_file
    assert default_storage.exists(old.stored_file)
    kept = old.stored_file
    RegisterRun.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=2))
    _upload(client, area, _workbook(), name="uusi.xlsx")
    old.refresh_from_db()
    assert old.stored_file == ""
    assert not default_storage.exists(kept)
    assert old.report  # what it would have done is still shown
    newest = RegisterRun.objects.exclude(pk=old.pk).get()
    assert newest.stored_file
    assert default_storage.exists(newest.stored_file)
