"""Pages to embed on a municipality's own site: the structure picture, the obligations
table and the annual clock, without the site's navigation, framed only by the sites the
area lists, and found through oEmbed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from yhdyspinta.areas.forms import NationalViewForm
from yhdyspinta.areas.models import Area
from yhdyspinta.parties.models import Person

pytestmark = [pytest.mark.django_db, pytest.mark.pages]

WIDGETS = ["areas:embed_structure", "areas:embed_obligations", "areas:embed_clock"]


@pytest.mark.parametrize("name", WIDGETS)
def test_a_widget_is_framed_only_by_the_areas_sites(client, demo, name):
    url = reverse(name, kwargs={"area": "pohjois-karjala"})
    alone = client.get(url)
    assert alone.status_code == 200
    assert "frame-ancestors 'self';" in alone["Content-Security-Policy"] + ";"
    assert "X-Frame-Options" not in alone
    html = alone.content.decode()
    assert 'class="site-header"' not in html  # no navigation of the site
    assert "Avaa Yhdyspinnassa" in html
    Area.objects.filter(slug="pohjois-karjala").update(
        embed_origins="https://www.joensuu.fi\nhttps://www.kitee.fi"
    )
    listed = client.get(url)  # anonymous again: the kept page gets the new policy too
    assert (
        "frame-ancestors 'self' https://www.joensuu.fi https://www.kitee.fi"
        in listed["Content-Security-Policy"]
    )
    # Every other page still refuses every frame.
    assert "frame-ancestors 'none'" in client.get("/pohjois-karjala/")["Content-Security-Policy"]


def test_a_logged_in_user_gets_the_publics_widget(client, login, demo):
    login("paakayttaja")
    html = client.get(
        reverse("areas:embed_obligations", kwargs={"area": "pohjois-karjala"}), {"year": 2025}
    ).content.decode()
    assert "Lakisääteiset velvoitteet 2025" in html
    names = [f"{p.first_name} {p.last_name}" for p in Person.objects.filter(area=demo["nk"])]
    assert not [n for n in names if n in html]


def test_the_full_pages_name_their_oembed(client, demo):
    for path in ("/pohjois-karjala/", "/pohjois-karjala/obligations/", "/pohjois-karjala/clock/"):
        html = client.get(path).content.decode()
        assert 'type="application/json+oembed"' in html
        href = html.split('type="application/json+oembed" href="')[1].split('"')[0]
        answer = client.get(href.replace("&amp;", "&")).json()
        assert "/embed/" in answer["html"]


def test_oembed_gives_the_frame_for_a_widget_or_its_full_page(client, demo):
    full = client.get("/oembed", {"url": "http://testserver/pohjois-karjala/clock/?year=2026"})
    assert full.status_code == 200
    answer = full.json()
    assert answer["type"] == "rich"
    assert answer["version"] == "1.0"
    assert 'src="http://testserver/pohjois-karjala/embed/clock/?year=2026"' in answer["html"]
    assert answer["title"] == "Pohjois-Karjala: Vuosikello"
    small = client.get(
        "/oembed",
        {"url": "http://testserver/pohjois-karjala/embed/structure/", "maxwidth": "400"},
    ).json()
    assert small["width"] == 400
    assert "/embed/structure/" in small["html"]
    assert (
        client.get("/oembed", {"url": "http://testserver/pohjois-karjala/people/"}).status_code
        == 404
    )
    assert client.get("/oembed", {"url": "http://testserver/no/such/page/"}).status_code == 404
    assert client.get("/oembed", {"url": "/pohjois-karjala/", "format": "xml"}).status_code == 501


def test_the_sites_are_addresses_without_a_path(demo):
    area = demo["nk"]
    bad = NationalViewForm(
        data={"in_national_view": "on", "embed_origins": "www.joensuu.fi\nhttps://x.fi/sivu"},
        instance=area,
        area=area,
    )
    assert not bad.is_valid()
    assert "www.joensuu.fi, https://x.fi/sivu" in str(bad.errors["embed_origins"])
    good = NationalViewForm(
        data={
            "in_national_view": "on",
            "embed_origins": "https://www.joensuu.fi/\nhttp://localhost:8080",
        },
        instance=area,
        area=area,
    )
    assert good.is_valid(), good.errors
    assert good.save().embed_origin_list == ["https://www.joensuu.fi", "http://localhost:8080"]
