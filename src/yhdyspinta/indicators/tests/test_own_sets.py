"""An indicator set from the area's own file: THL's list (here in its CSV form) is read,
its columns mapped on a preview, saved as a version, followed like a shipped set, and the
welfare report reads it; a bad list is refused row by row and saves nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from yhdyspinta.indicators import sets, tables
from yhdyspinta.indicators.models import FollowedIndicator, OwnSet
from yhdyspinta.indicators.services import SetColumns, own_set_rows

pytestmark = pytest.mark.django_db

THL_LIST = (
    "\ufeffTunniste;Indikaattori;Osa-alue;Sotkanet-id;Yksikkö;Suunta\n"
    "1;Koettu terveys keskinkertainen tai huono (20-64 v.);Terveys;4510;%;alas\n"
    "2;Yksinäisyyttä kokevat nuoret;Osallisuus;;%;alas\n"
    "3;Liikunta-aktiivisuus;Elintavat;3227;prosentti;ylös\n"
)


def _page(area):
    return reverse("indicators:own_set", kwargs={"area": area.slug})


def test_a_list_is_read_mapped_saved_as_versions_and_followed(client, small_world):
    area = small_world.area
    client.force_login(small_world.admin)
    upload = client.post(
        _page(area), {"file": SimpleUploadedFile("thl-vahimmaistiedot.csv", THL_LIST.encode())}
    )
    text = upload.content.decode()
    assert "Koettu terveys keskinkertainen" in text  # the preview
    form = upload.context["form"]
    assert (form["name_col"].initial, form["sotkanet_col"].initial) == ("1", "3")  # guessed
    assert form["good_col"].initial == "5"
    data = {
        "stored": form["stored"].initial,
        "filename": "thl-vahimmaistiedot.csv",
        "name": "Vähimmäistiedot",
        "key": "oma-vahimmaistiedot",
        "year": 2026,
        "level": "municipality",
        "welfare_report": "on",
        "name_col": "1",
        "key_col": "0",
        "group_col": "2",
        "sotkanet_col": "3",
        "unit_col": "4",
        "good_col": "5",
        "kind_col": "",
        "unit_default": "percent",
        "good_default": "up",
        "kind_default": "outcome",
    }
    saved = client.post(_page(area), data)
    assert saved.status_code == 302
    own = OwnSet.objects.get(area=area)
    assert (own.version, len(own.indicators)) == (1, 3)
    found = sets.by_code("oma-vahimmaistiedot-2026", area)
    assert [r.sotkanet_id for r in found.rows] == [4510, None, 3227]
    assert [r.good for r in found.rows] == ["down", "down", "up"]
    assert found.welfare_report
    assert found in sets.report_sets(area)
    assert sets.by_code("oma-vahimmaistiedot-2026") is None  # another area's view
    assert (
        "Vähimmäistiedot"
        in client.get(reverse("indicators:sets", kwargs={"area": area.slug})).content.decode()
    )

    # Followed like a shipped set: the row without a number stays unbound.
    client.post(reverse("indicators:sets", kwargs={"area": area.slug}), {"code": found.code})
    followed = FollowedIndicator.objects.filter(area=area, set_code=found.code)
    assert followed.count() == 3

    # The same short name and year again: a second version, the newest is the set.
    again = client.post(
        _page(area),
        {"file": SimpleUploadedFile("korjattu.csv", THL_LIST.replace("4510", "4511").encode())},
    )
    client.post(_page(area), {**data, "stored": again.context["form"]["stored"].initial})
    assert OwnSet.objects.filter(area=area).count() == 2
    assert sets.by_code(found.code, area).rows[0].sotkanet_id == 4511


def test_a_bad_list_is_refused_by_row_and_column_and_saves_nothing(client, small_world):
    table = tables.read(
        io.BytesIO(b"Nimi,Suunta,Sotkanet\nA,ylos,12\n,alas,13\nA,alas,x\n"), "lista.csv"
    )
    _rows, problems = own_set_rows(table, SetColumns(name=0, good=1, sotkanet_id=2))
    assert problems == [
        "rivi 2, sarake Suunta: Tuntematon arvo ylos. Sallitut: ylös, suurempi parempi, "
        "alas, pienempi parempi.",
        "rivi 3, sarake Nimi: Indikaattorilla ei ole nimeä.",
        "rivi 4, sarake Nimi: Sama indikaattori kuin rivillä 2.",
    ]
    area = small_world.area
    client.force_login(small_world.admin)
    refused = client.post(_page(area), {"file": SimpleUploadedFile("lista.pdf", b"%PDF-1.4")})
    assert "Anna lista Excel-työkirjana (.xlsx) tai CSV-tiedostona." in refused.content.decode()
    assert not OwnSet.objects.exists()


def test_only_the_administrator_brings_a_set(client, small_world):
    client.force_login(small_world.member)
    assert client.get(_page(small_world.area)).status_code == 403
    template = reverse("indicators:own_set_template", kwargs={"area": small_world.area.slug})
    assert client.get(template).status_code == 403
    client.force_login(small_world.admin)
    read = tables.read(io.BytesIO(client.get(template).content), "pohja.xlsx")
    assert read.header[:2] == ["Avain", "Nimi"]


def test_rows_are_removed_and_added_in_the_app_as_the_next_version(client, small_world):
    from yhdyspinta.accounts.permissions import Access
    from yhdyspinta.indicators.services import own_set_save

    area = small_world.area
    rows, _problems = own_set_rows(
        tables.read(io.BytesIO(THL_LIST.encode()), "lista.csv"),
        SetColumns(name=1, key=0, sotkanet_id=3),
    )
    own_set_save(
        access=Access.installation(),
        area=area,
        user=None,
        key="oma",
        name="Oma",
        year=2026,
        level="area",
        welfare_report=False,
        rows=rows,
        source="lista.csv",
    )
    page = reverse(
        "indicators:own_set_rows", kwargs={"area": area.slug, "key": "oma", "year": 2026}
    )
    client.force_login(small_world.member)
    assert client.get(page).status_code == 403
    client.force_login(small_world.admin)
    assert "Yksinäisyyttä kokevat nuoret" in client.get(page).content.decode()
    client.post(
        page,
        {
            "remove": ["2"],
            "name": "Harrastavat lapset",
            "sotkanet_id": "5001",
            "unit": "percent",
            "good": "up",
            "kind": "outcome",
        },
    )
    newest = sets.by_code("oma-2026", area)
    assert [r.name for r in newest.rows] == [
        "Koettu terveys keskinkertainen tai huono (20-64 v.)",
        "Liikunta-aktiivisuus",
        "Harrastavat lapset",
    ]
    assert newest.rows[-1].sotkanet_id == 5001
    assert list(OwnSet.objects.values_list("version", flat=True).order_by("version")) == [1, 2]


def test_a_row_is_bound_by_searching_sotkanets_indicators(client, login, demo):
    followed = FollowedIndicator.objects.filter(area=demo["nk"]).first()
    page = reverse(
        "indicators:followed_edit", kwargs={"area": "pohjois-karjala", "pk": followed.pk}
    )
    login("paakayttaja")
    found = client.get(page, {"q": "yksinäisyyttä"}).content.decode()
    assert "900002 Yksinäisyyttä kokevat nuoret" in found
    chosen = client.get(page, {"q": "yksinäisyyttä", "sotkanet": "900002"})
    assert chosen.context["form"]["sotkanet"].value() == 900002
    assert "ei vastaa" not in client.get(page, {"q": "900002"}).content.decode()


def test_the_followed_indicators_form_speaks_finnish_and_swedish(client, login, demo):
    from django.utils import translation

    followed = FollowedIndicator.objects.filter(area=demo["nk"]).first()
    page = reverse(
        "indicators:followed_edit", kwargs={"area": "pohjois-karjala", "pk": followed.pk}
    )
    login("paakayttaja")
    for language, (source, theme) in (
        ("fi", ("Tietolähde", "Teema")),
        ("sv", ("Datakälla", "Tema")),
    ):
        with translation.override(language):
            client.cookies["django_language"] = language
            text = client.get(page).content.decode()
        assert f'for="id_source">{source}' in text, language
        assert f'for="id_theme">{theme}' in text, language


def test_the_same_set_saved_twice_is_one_version(small_world):
    from yhdyspinta.accounts.permissions import Access
    from yhdyspinta.indicators.services import own_set_save

    rows, _problems = own_set_rows(
        tables.read(io.BytesIO(THL_LIST.encode()), "lista.csv"), SetColumns(name=1, key=0)
    )
    values = {
        "access": Access.installation(),
        "area": small_world.area,
        "user": None,
        "key": "oma",
        "name": "Oma",
        "year": 2026,
        "level": "area",
        "welfare_report": False,
        "rows": rows,
        "source": "lista.csv",
    }
    first, second = own_set_save(**values), own_set_save(**values)  # a double click
    assert first.pk == second.pk
    assert OwnSet.objects.count() == 1
