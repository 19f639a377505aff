import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from yhdyspinta.bodies.models import Body
from yhdyspinta.overview.selectors import structure_picture
from yhdyspinta.web.history import history_entries

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def svg_of(html: str) -> ET.Element:
    match = re.search(r"<svg.*?</svg>", html, re.S)
    assert match, "the page has an SVG picture"
    return ET.fromstring(match.group(0))  # noqa: S314 - our own page


def test_picture_has_every_current_body_once_with_level_rows(demo):
    picture = structure_picture(area=demo["nk"])
    drawn = [box.body.pk for row in picture.rows for box in row.boxes]
    assert sorted(drawn) == sorted(
        Body.objects.filter(area=demo["nk"]).values_list("pk", flat=True)
    )
    assert [row.level for row in picture.rows] == [
        "strategic",
        "operative",
        "coordinator_network",
        "area_partnership",
        "regional_partnership",
    ]
    # Every body that reports to another is joined to it by a line.
    assert len(picture.edges) == Body.objects.filter(area=demo["nk"], parent__isnull=False).count()
    for row in picture.rows:
        for box in row.boxes:
            assert box.x >= 0
            assert box.x + box.width <= picture.width
            assert row.y <= box.y
            assert box.y + box.height <= row.y + row.height


def test_overview_draws_valid_svg_with_title_and_links(client, demo):
    html = client.get(
        reverse("areas:overview", kwargs={"area": "pohjois-karjala"})
    ).content.decode()
    svg = svg_of(html)
    assert svg.get("role") == "group"
    title = svg.find(f"{SVG}title")
    assert title is not None
    assert "Pohjois-Karjala" in title.text
    links = svg.findall(f".//{SVG}a")
    assert len(links) == Body.objects.filter(area=demo["nk"]).count()
    texts = " ".join(t for t in svg.itertext())
    assert "Strateginen taso" in texts
    assert "6–8 × kokous vuodessa" in texts
    # The same content as a list for screen readers and printing.
    assert "Rakenne luettelona" in html
    for body in Body.objects.filter(area=demo["nk"]):
        assert body.name in html


def test_south_savo_draws_its_own_structure(client, demo):
    html = client.get(reverse("areas:overview", kwargs={"area": "etela-savo"})).content.decode()
    texts = " ".join(svg_of(html).itertext())
    assert "Työryhmä" in texts
    assert "Kunnallisasiain" in texts
    assert "Pohjois-Karjalan" not in html


def test_history_shows_theme_changes_by_name(demo):
    body = Body.objects.get(area=demo["nk"], level="coordinator_network")
    themes = list(demo["nk"].themes.all())
    body.themes.set(themes[:2])
    body.description = "Uusi tehtävä"
    body.save()
    changes = {}  # the newest change of each field
    for entry in history_entries(body):
        for label, old, new in entry.changes:
            changes.setdefault(label, (old, new))
    assert changes["tehtävä"][1] == "Uusi tehtävä"
    old, new = changes["teemat"]
    assert themes[5].name in old
    assert themes[5].name not in new
    assert themes[0].name in new
