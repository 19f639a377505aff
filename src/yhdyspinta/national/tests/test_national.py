"""The national view: every area's statutory year on one public page, in the API and as
CSV, the same numbers as each area's own public obligations page; an area may leave it;
a write in one area makes only that area's row anew."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from yhdyspinta.accounts.visibility import PUBLIC
from yhdyspinta.areas.models import Area
from yhdyspinta.national import selectors
from yhdyspinta.obligations import engine
from yhdyspinta.obligations.models import Rule

pytestmark = [pytest.mark.django_db, pytest.mark.pages]

YEAR = 2025  # the demo's last complete year: both areas have their negotiations in it


def _engine_says(area: Area, year: int) -> dict:
    report = engine.evaluate(area=area, year=year, audience=PUBLIC)
    sixes = [row[Rule.MUNICIPALITY_612_6] for _m, row in report.municipality_rows]
    terms = [
        row[Rule.TERM_611_14] for _m, row in report.municipality_rows if Rule.TERM_611_14 in row
    ]
    return {
        "negotiation_status": report.area_results[0].status,
        "municipalities": len(sixes),
        "municipalities_met": sum(r.status == engine.MET for r in sixes),
        "term_judged": len(terms),
        "term_met": sum(r.status == engine.MET for r in terms),
    }


def test_the_page_the_api_and_the_csv_name_every_area_with_the_engines_numbers(client, demo):
    page = client.get(reverse("national:page"), {"year": YEAR})
    assert page.status_code == 200
    html = page.content.decode()
    for area in demo.values():
        assert area.name in html
        assert f'href="/{area.slug}/obligations/?year={YEAR}"' in html
    assert "Pohjois-Karjalan hyvinvointialue" in html  # the county of the national list
    assert "✓ Täyttyy" in html
    assert ": ." not in html  # no sentence left without its words

    api = client.get("/api/v1/national/obligations", {"year": YEAR}).json()
    by_slug = {row["area"]: row for row in api["areas"]}
    assert set(by_slug) == {"pohjois-karjala", "etela-savo"}
    assert api["left_out"] == []
    for area in demo.values():
        says = _engine_says(area, YEAR)
        row = by_slug[area.slug]
        assert {k: row[k] for k in says} == says
        assert row["municipalities"] == area.organisations.filter(kind="municipality").count()
    nk = by_slug["pohjois-karjala"]
    assert nk["negotiation_status"] == engine.MET
    assert nk["negotiation_on"] is not None
    assert nk["bodies_by_level"]["strategic"] >= 1

    sheet = client.get(reverse("national:csv"), {"year": YEAR})
    rows = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Alue", "Hyvinvointialue", "Vuosi"]
    by_name = {r[0]: r for r in rows[1:]}
    nk_csv = by_name["Pohjois-Karjala"]
    assert nk_csv[5:7] == [str(nk["municipalities"]), str(nk["municipalities_met"])]
    assert nk_csv[3] == "Täyttyy"


def test_an_area_that_leaves_is_named_but_not_shown(client, demo):
    Area.objects.filter(slug="etela-savo").update(in_national_view=False)
    html = client.get(reverse("national:page")).content.decode()
    assert "Alueet, jotka ovat valinneet, ettei niitä näytetä täällä: Etelä-Savo." in html
    assert 'href="/etela-savo/obligations/' not in html
    api = client.get("/api/v1/national/obligations").json()
    assert [row["area"] for row in api["areas"]] == ["pohjois-karjala"]
    assert api["left_out"] == ["Etelä-Savo"]


def test_the_administrator_chooses_to_leave(client, login, demo):
    login("paakayttaja")
    url = reverse("areas:national_view_edit", kwargs={"area": "pohjois-karjala"})
    assert client.get(url).status_code == 200
    client.post(url, {"in_national_view": ""})
    assert not Area.objects.get(slug="pohjois-karjala").in_national_view
    login("jasen")
    assert client.get(url).status_code == 403


def test_a_write_in_one_area_makes_only_that_areas_row_anew(demo, settings, monkeypatch):
    from yhdyspinta.web import public_cache

    settings.PUBLIC_CACHE_SECONDS = 300
    made = []
    real = selectors._row
    monkeypatch.setattr(
        selectors,
        "_row",
        lambda area, year, today: made.append(area.slug) or real(area, year, today),
    )
    first = selectors.rows(YEAR)
    assert sorted(made) == ["etela-savo", "pohjois-karjala"]
    made.clear()
    assert selectors.rows(YEAR) == first
    assert made == []
    public_cache.new_version("etela-savo")  # what a committed write of the area asks for
    selectors.rows(YEAR)
    assert made == ["etela-savo"]


def test_sorted_by_a_column_either_way_with_the_missing_last(demo):
    rows = selectors.rows(YEAR)
    no_kerroin = selectors.AreaRow(
        **{**rows[0].__dict__, "slug": "x", "name": "X", "kerroin": None}
    )
    found = [*rows, no_kerroin]
    for descending in (False, True):
        ordered = selectors.sort(found, "kerroin", descending)
        assert ordered[-1].slug == "x"
        values = [r.kerroin for r in ordered[:-1]]
        assert values == sorted(values, reverse=descending)
    by_name = selectors.sort(found, "name", True)
    assert [r.name for r in by_name] == sorted((r.name for r in found), key=str.lower, reverse=True)


def test_the_page_is_swedish_too(client, demo):
    client.cookies["django_language"] = "sv"
    html = client.get(reverse("national:page"), {"year": YEAR}, HTTP_ACCEPT_LANGUAGE="sv").content
    text = html.decode()
    assert "Den nationella bilden" in text
    assert "Norra Karelens välfärdsområde" in text
