import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yhdyspinta.indicators import importer, imports, selectors
from yhdyspinta.indicators.models import (
    FollowedIndicator,
    ImportRun,
    SotkanetIndicator,
    SotkanetRegion,
    SotkanetValue,
)
from yhdyspinta.parties.models import Organisation

pytestmark = [pytest.mark.django_db, pytest.mark.pages]


def url(name, **kwargs):
    return reverse(name, kwargs={"area": "pohjois-karjala", **kwargs})


@pytest.fixture
def joensuu(demo):
    return Organisation.objects.get(area=demo["nk"], municipality_number="167")


def test_rates_are_weighted_and_counts_added(demo):
    rate = SotkanetIndicator.objects.create(id=1, title="Osuus", aggregation="rate")
    count = SotkanetIndicator.objects.create(id=2, title="Määrä", aggregation="sum")
    a = SotkanetRegion.objects.create(id=501, code="x1", category="KUNTA", title="A")
    b = SotkanetRegion.objects.create(id=502, code="x2", category="KUNTA", title="B")
    SotkanetValue.objects.bulk_create(
        [
            SotkanetValue(
                indicator=rate, region=a, year=2024, gender="total", value=10.0, abs_value=100
            ),
            SotkanetValue(
                indicator=rate, region=b, year=2024, gender="total", value=20.0, abs_value=400
            ),
            SotkanetValue(
                indicator=count, region=a, year=2024, gender="total", value=7, abs_value=7
            ),
            SotkanetValue(
                indicator=count, region=b, year=2024, gender="total", value=5, abs_value=5
            ),
        ]
    )
    # 500 cases out of 1 000 + 2 000 people: 16.7 %, not the plain mean 15 %.
    assert selectors.computed_series(rate, [501, 502], "total") == ([(2024, 16.7)], False)
    assert selectors.computed_series(count, [501, 502], "total") == ([(2024, 12.0)], False)
    assert selectors.computed_series(rate, [501, 502, 503], "total") == ([(2024, 16.7)], True)
    rate.aggregation = "none"
    assert selectors.computed_series(rate, [501, 502], "total") == ([], False)


def test_indicator_page_with_csv(client, joensuu):
    page = client.get(url("indicators:indicator", indicator=900001), {"municipality": joensuu.pk})
    html = page.content.decode()
    assert "Keskinen" in html
    assert "Koko maa" in html
    assert "CC BY 4.0" in html
    assert "<polyline" in html
    csv = client.get(
        url("indicators:indicator", indicator=900001), {"municipality": joensuu.pk, "format": "csv"}
    ).content.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("Alue;Vuosi;Arvo")
    assert "THL, Sotkanet.fi, CC BY 4.0" in csv
    female = client.get(
        url("indicators:indicator", indicator=900001),
        {"municipality": joensuu.pk, "gender": "female"},
    )
    assert 'value="female" selected' in female.content.decode()


def test_comparison_is_sorted_and_profile_ranks(client, joensuu):
    page = client.get(url("indicators:comparison", indicator=900004))
    items = page.context["items"]
    assert len(items) == 13
    assert [v for _n, v in items] == sorted((v for _n, v in items), reverse=True)
    profile = client.get(url("indicators:profile", pk=joensuu.pk))
    rows = profile.context["rows"]
    # Every followed indicator with a Sotkanet binding: the agreed five, the kerroin's
    # seven and the two bound rows of THL's minimum list.
    assert (
        len(rows)
        == FollowedIndicator.objects.filter(area=joensuu.area, sotkanet__isnull=False).count()
        == 14
    )
    assert all(row.of == 13 for row in rows)
    assert "Sijoitus alueella" in profile.content.decode()


def test_only_the_superuser_imports_national_data(client, login, demo):
    target = url("indicators:upload")
    assert client.get(target).status_code == 302
    data = (
        b'[{"indicator": 900001, "region": 10167, "year": 2030, "gender": "total", "value": 1.5}]'
    )
    for role in ("joensuu", "paakayttaja", "etelasavo"):
        login(role)
        upload = io.BytesIO(data)
        upload.name = "uusi.json"
        assert client.post(target, {"kind": "data", "file": upload}).status_code == 403
    assert not SotkanetValue.objects.filter(year=2030).exists()
    superuser = login("admin")
    upload = io.BytesIO(data)
    upload.name = "uusi.json"
    response = client.post(target, {"kind": "data", "file": upload})
    run = ImportRun.objects.get(filename="uusi.json")
    assert response["Location"].endswith(f"/indicators/import/{run.pk}/")
    assert run.status == ImportRun.Status.QUEUED  # the worker imports it, not the request
    assert "Odottaa" in client.get(response["Location"]).content.decode()
    assert imports.run_import.call(run.pk) == ImportRun.Status.DONE
    report = client.get(response["Location"]).content.decode()
    assert "Valmis" in report
    assert SotkanetValue.objects.filter(year=2030).count() == 1
    run.refresh_from_db()
    assert (run.user, run.inserted, run.stored_file) == (superuser, 1, "")


def test_renaming_a_national_indicator_is_recorded_with_who_and_when(client, login, demo):
    superuser = login("admin")
    upload = io.BytesIO(b'[{"id": 900001, "title": {"fi": "Uusi nimi"}}]')
    upload.name = "indikaattorit.json"
    client.post(url("indicators:upload"), {"kind": "indicators", "file": upload})
    imports.run_import.call(ImportRun.objects.get(filename="indikaattorit.json").pk)
    indicator = SotkanetIndicator.objects.get(pk=900001)
    assert indicator.title == "Uusi nimi"
    latest = indicator.history.first()
    assert latest.history_user == superuser
    assert latest.history_date is not None


def test_sources_annex_links_the_decision(client, demo):
    html = client.get(url("indicators:sources")).content.decode()
    assert "Kouluterveyskysely (THL)" in html
    assert "Valtuustokauden neuvottelu" in html


@pytest.mark.usefixtures("no_public_cache")
@pytest.mark.parametrize("page", ["indicator", "comparison", "profile"])
def test_query_counts_do_not_grow_with_values(client, joensuu, page):
    urls = {
        "indicator": url("indicators:indicator", indicator=900001) + f"?municipality={joensuu.pk}",
        "comparison": url("indicators:comparison", indicator=900001),
        "profile": url("indicators:profile", pk=joensuu.pk),
    }
    with CaptureQueriesContext(connection) as before:
        client.get(urls[page])
    extra = [
        {
            "indicator": 900001,
            "region": r,
            "year": year,
            "gender": "total",
            "value": 10.0,
            "absValue": 5,
        }
        for r in SotkanetRegion.objects.filter(category="KUNTA").values_list("id", flat=True)
        for year in range(1990, 2000)
    ]
    importer.import_values(io.BytesIO(json.dumps(extra).encode()), "more.json")
    with CaptureQueriesContext(connection) as after:
        client.get(urls[page])
    assert len(after.captured_queries) == len(before.captured_queries)


def test_area_admin_edits_the_data_sources_annex(client, login, demo):
    from yhdyspinta.bodies.models import Body, Level
    from yhdyspinta.indicators.models import DataSource, FollowedIndicator

    strategic = Body.objects.get(area=demo["nk"], level=Level.STRATEGIC)
    login("paakayttaja")
    response = client.post(
        url("indicators:source_create"),
        {
            "name": "Lasten ja nuorten hyvinvointimittari",
            "description": "Kunnan oma kysely.",
            "decided_by": strategic.pk,
            "decided_on": "2026-05-20",
        },
    )
    assert response.status_code == 302
    source = DataSource.objects.get(name="Lasten ja nuorten hyvinvointimittari")
    assert source.decided_by == strategic
    assert source.history.count() == 1
    # an unknown Sotkanet number is refused with a message, and nothing is saved
    response = client.post(
        url("indicators:followed_create"), {"source": source.pk, "sotkanet": "99999999"}
    )
    assert "Tällaista Sotkanet-indikaattoria ei ole tuotu." in response.content.decode()
    assert not FollowedIndicator.objects.filter(source=source).exists()
    client.post(
        url("indicators:followed_create"),
        {"source": source.pk, "sotkanet": "900001", "theme": demo["nk"].themes.first().pk},
    )
    followed = FollowedIndicator.objects.get(source=source)
    assert followed.area == demo["nk"]
    assert followed.sotkanet_id == 900001
    html = client.get(url("indicators:sources")).content.decode()
    assert "Lasten ja nuorten hyvinvointimittari" in html
    # a source of another area cannot be picked
    other = DataSource.objects.filter(area=demo["es"]).first() or DataSource.objects.create(
        area=demo["es"], name="Toisen alueen lähde"
    )
    response = client.post(url("indicators:followed_create"), {"source": other.pk, "name": "X"})
    assert response.status_code == 200
    assert not FollowedIndicator.objects.filter(source=other, name="X").exists()


def test_an_import_too_large_is_refused_before_anything_is_stored(client, login, demo, settings):
    settings.IMPORT_MAX_BYTES = 1024
    login("admin")
    upload = io.BytesIO(b"[" + b" " * 4096 + b"]")
    upload.name = "iso.json"
    response = client.post(url("indicators:upload"), {"kind": "data", "file": upload})
    assert response.status_code == 200
    assert "Tiedosto on liian suuri" in response.content.decode()
    assert not ImportRun.objects.filter(filename="iso.json").exists()


def test_a_bad_file_fails_with_its_line_and_imports_nothing(client, login, demo):
    login("admin")
    upload = io.BytesIO(
        b'[{"indicator": 900001, "region": 10167, "year": 2031, "gender": "total", '
        b'"value": 1.5}, {"indicator": 900001, "region": 10167, "year": 2032, '
        b'"gender": "total", "value": NaN}]'
    )
    upload.name = "nan.json"
    location = client.post(url("indicators:upload"), {"kind": "data", "file": upload})["Location"]
    run = ImportRun.objects.get(filename="nan.json")
    assert imports.run_import.call(run.pk) == ImportRun.Status.FAILED
    report = client.get(location).content.decode()
    assert "Mitään ei tuotu" in report
    assert not SotkanetValue.objects.filter(year__in=(2031, 2032)).exists()


def test_an_import_whose_worker_died_is_marked_failed_not_left_running(client, login, demo):
    """A worker killed mid-import leaves no heartbeat: the run is marked failed (its
    transaction was rolled back), never shown as running forever."""
    from datetime import timedelta

    from django.utils import timezone

    login("admin")
    run = ImportRun.objects.create(
        filename="kesken.json", kind="data", status=ImportRun.Status.RUNNING, size=1000
    )
    ImportRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - timedelta(minutes=5))
    page = client.get(url("indicators:import_run", pk=run.pk)).content.decode()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert "keskeytyi" in run.error or "pysähtyi" in run.error
    assert "Mitään ei tuotu" in page
    # A run still beating is left alone.
    alive = ImportRun.objects.create(
        filename="kaynnissa.json", kind="data", status=ImportRun.Status.RUNNING, size=1000
    )
    ImportRun.objects.filter(pk=alive.pk).update(started_at=timezone.now() - timedelta(minutes=5))
    imports._report(alive.pk, read=500, alive=__import__("time").time())
    html = client.get(url("indicators:import_run", pk=alive.pk)).content.decode()
    assert 'value="50"' in html
    alive.refresh_from_db()
    assert alive.status == ImportRun.Status.RUNNING


@pytest.mark.parametrize("who", ["area", "municipality"])
def test_the_reports_indicator_table_reads_a_fixed_number_of_queries_and_the_same_values(
    demo, joensuu, who
):
    """The welfare report's table of every followed indicator reads the values of all of
    them at once: the same numbers as each indicator's own series, and no more queries
    with twice the indicators."""
    area = demo["nk"]
    municipality = joensuu if who == "municipality" else None

    def table():
        with CaptureQueriesContext(connection) as queries:
            rows = selectors.level_table(area, municipality, until=2024)
        return rows, len(queries)

    rows, first = table()
    regions = selectors.area_regions(area)
    own = next(r for r in regions if r.organisation_id == joensuu.pk)
    sub_ids = [r.pk for r in regions if r.organisation.sub_region_id == joensuu.sub_region_id]
    country = selectors.country_region()
    assert len(rows) > 5
    assert any(row.levels.get("area") is not None for row in rows)
    for row in rows:
        indicator, year = row.followed.sotkanet, row.year
        area_points, computed, _partial = selectors.area_series(indicator, area, "total", regions)
        expected = {
            "area": selectors._at(area_points, year),
            "country": selectors._at(selectors._series(indicator, country.pk, "total"), year),
        }
        if municipality:
            expected["municipality"] = selectors._at(
                selectors._series(indicator, own.pk, "total"), year
            )
            sub_points, _partial = selectors.computed_series(indicator, sub_ids, "total")
            expected["sub_region"] = selectors._at(sub_points, year)
            women = selectors._series(indicator, own.pk, "female")
        else:
            women = selectors.area_series(indicator, area, "female", regions)[0]
        assert row.levels == expected, indicator
        assert row.women == selectors._at(women, year)
        assert ("area" in row.computed) == computed
    followed = list(FollowedIndicator.objects.filter(area=area, sotkanet__isnull=False))
    for item in followed:
        item.pk, item.row_key = None, f"{item.row_key}-again"
        item.save()
    again, second = table()
    assert len(again) == 2 * len(rows)
    assert second == first
