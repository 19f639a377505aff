import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
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


def test_a_level_with_many_bodies_draws_four_lines_and_links_the_rest(
    client, demo, django_assert_num_queries
):
    """A level draws at most twenty boxes: nineteen bodies and one that counts the rest and
    opens the list of the level's working bodies. The page makes the same number of
    queries whatever the number of bodies."""
    from django.contrib.auth import get_user_model

    from yhdyspinta.overview.selectors import MAX_BOXES
    from yhdyspinta.testing.factories import BodyFactory

    url = reverse("areas:overview", kwargs={"area": "pohjois-karjala"})
    nk = demo["nk"]
    # A logged-in user gets a page made for them (not the public's kept copy).
    client.force_login(get_user_model().objects.get(username="paakayttaja"))
    client.get(url)
    with CaptureQueriesContext(connection) as demo_queries:
        client.get(url)
    convener = Body.objects.filter(area=nk).first().convener
    operative = Body.objects.filter(area=nk, level="operative", ended_on__isnull=True).count()
    for i in range(MAX_BOXES + 2 - operative):
        BodyFactory(area=nk, convener=convener, level="operative", name=f"Ryhmä {i:02d}")
    picture = structure_picture(area=nk)
    [row] = [r for r in picture.rows if r.level == "operative"]
    assert len(row.boxes) == MAX_BOXES - 1
    assert row.more.count == 3
    assert row.lines == 4
    assert row.more.y == row.y + 3 * 150
    assert row.more.width == row.boxes[0].width
    with django_assert_num_queries(len(demo_queries)):
        html = client.get(url).content.decode()
    more = [
        a
        for a in svg_of(html).findall(f".//{SVG}a")
        if a.get("href") == "/pohjois-karjala/bodies/?level=operative&state=current"
    ]
    assert len(more) == 1
    assert "+ 3 muuta toimielintä tällä tasolla" in " ".join(more[0].itertext())
    assert html.count("?level=operative&amp;state=current") == 2  # the picture and the list
    drawn = {box.body.pk for box in row.boxes}
    for body in Body.objects.filter(area=nk, level="operative"):
        assert (f'/bodies/{body.pk}/"' in html) == (body.pk in drawn)
    for i in range(30):
        BodyFactory(area=nk, convener=convener, level="operative", name=f"Lisää {i:02d}")
        BodyFactory(area=nk, convener=convener, level="working_group", name=f"Työ {i:02d}")
    [row] = [r for r in structure_picture(area=nk).rows if r.level == "operative"]
    assert row.more.count == 33
    with django_assert_num_queries(len(demo_queries)):
        client.get(url)


def test_the_picture_and_the_working_list_hold_the_same_bodies(client, demo):
    """A body that an agreement ends later (say at the turn of the year) still works
    until then: the picture draws it and the list counts it as working; a body whose end
    has come is in neither."""
    from datetime import timedelta

    from django.utils import timezone

    from yhdyspinta.bodies.selectors import body_list

    nk = demo["nk"]
    ending, ended = Body.objects.filter(area=nk, ended_on__isnull=True).order_by("pk")[:2]
    today = timezone.localdate()
    Body.objects.filter(pk=ending.pk).update(ended_on=today + timedelta(days=30))
    Body.objects.filter(pk=ended.pk).update(ended_on=today)
    picture = structure_picture(area=nk)
    drawn = {box.body.pk for row in picture.rows for box in row.boxes}
    working = set(body_list(area=nk, state="current").values_list("pk", flat=True))
    assert drawn == working
    assert ending.pk in drawn
    assert ended.pk not in drawn
    assert set(body_list(area=nk, state="ended").values_list("pk", flat=True)) >= {ended.pk}
    html = client.get(reverse("bodies:bodies", kwargs={"area": nk.slug}) + "?state=current")
    assert ending.name in html.content.decode()
