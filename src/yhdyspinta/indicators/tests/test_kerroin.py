"""The HYTE-kerroin cockpit, the indicator sets and the one indicator world: a kerroin
computed on a small constructed data set against a hand calculation, ranks and quartiles,
sets as data (bad files refused, unconfirmed ids unbound), following a set in one step,
a programme indicator that takes its values from the imported data, and the public page."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yhdyspinta.accounts.permissions import Access
from yhdyspinta.indicators import cockpit, imports, services, sets
from yhdyspinta.indicators.models import (
    FollowedIndicator,
    KerroinParameters,
    SotkanetIndicator,
    SotkanetRegion,
    SotkanetValue,
)
from yhdyspinta.parties.models import Organisation
from yhdyspinta.programme.models import Indicator, IndicatorValue, Programme
from yhdyspinta.programme.services import indicator_value_save

pytestmark = pytest.mark.django_db
KERROIN_SET = "hyte-kerroin-hyvinvointialue-2026"
PROCESS, OUTCOME = 900011, 900013  # the demo's synthetic twins of two rows of the set


def url(name, area="pohjois-karjala", **kwargs):
    return reverse(name, kwargs={"area": area, **kwargs})


@pytest.fixture
def admin_access(demo, django_user_model):
    return Access(django_user_model.objects.get(username="paakayttaja"))


@pytest.fixture
def constructed(demo):
    """Four counties only, two indicators with values: a data set small enough to be
    computed by hand (see the test below)."""
    SotkanetValue.objects.filter(indicator_id__in=range(900011, 900018)).delete()
    counties = list(SotkanetRegion.objects.filter(category="HYVINVOINTIALUE").order_by("pk"))
    own = next(r for r in counties if r.area_id == demo["nk"].pk)
    a, b, c = [r for r in counties if r.pk != own.pk][:3]
    # process (higher is better) and outcome (lower is better) values in 2024
    table = {own: (30, 0.8), a: (50, 2.0), b: (10, 0.4), c: (20, 1.2)}
    rows = [
        SotkanetValue(indicator_id=i, region=r, year=2024, gender="total", value=v)
        for r, (p, o) in table.items()
        for i, v in ((PROCESS, p), (OUTCOME, o))
    ]
    rows.append(
        SotkanetValue(indicator_id=PROCESS, region=own, year=2023, gender="total", value=28)
    )
    SotkanetValue.objects.bulk_create(rows)
    KerroinParameters.objects.filter(area=demo["nk"]).update(
        process_weight=0.5,
        outcome_weight=0.5,
        hyte_share_percent=1,
        funding_eur=10_000_000_000,
        population=200_000,
        national_population=5_000_000,
    )
    return own


def test_scores_ranks_and_quartiles_by_hand():
    values = [10.0, 20.0, 30.0, 50.0]
    assert [cockpit.score(v, values, "up") for v in values] == [0.0, 25.0, 50.0, 100.0]
    assert [cockpit.score(v, values, "down") for v in values] == [100.0, 75.0, 50.0, 0.0]
    assert cockpit.rank_of(30.0, values, "up") == 2
    assert cockpit.rank_of(30.0, values, "down") == 3
    assert cockpit.rank_of(20.0, [20.0, 20.0, 10.0], "up") == 1  # equal values share a rank
    # Quartiles (inclusive): q1 = 17.5, q3 = 35 for these four values.
    assert cockpit.best_quartile(values, "up") == 35.0
    assert cockpit.best_quartile(values, "down") == 17.5
    assert cockpit.distance_to(30.0, 35.0, "up") == 5.0
    assert cockpit.distance_to(40.0, 35.0, "up") == 0.0
    assert cockpit.score(5.0, [5.0, 5.0], "up") == 50.0


def test_kerroin_of_a_constructed_data_set_matches_the_hand_calculation(demo, constructed):
    """By hand: process 30 among 10, 20, 30, 50 scores (30 − 10) / 40 = 50; outcome 0.8
    among 0.4 … 2.0, lower is better, scores 1 − (0.8 − 0.4) / 1.6 = 75; the kerroin is
    (50 + 75) / 2 = 62.5. The peers: (100 + 0) / 2 = 50, (0 + 100) / 2 = 50,
    (25 + 50) / 2 = 37.5, so 62.5 is 1st of 4 and the mean is 50. One point is worth
    10^10 € × 1 % × 200 000 / (5 000 000 × 50) = 80 000 €."""
    data = cockpit.cockpit(demo["nk"])
    rows = {r.followed.sotkanet_id: r for r in data.rows}
    process, outcome = rows[PROCESS], rows[OUTCOME]
    assert (process.value, process.score, process.rank, process.of) == (30, 50.0, 2, 4)
    assert (process.best_quartile, process.distance) == (35.0, 5.0)
    assert process.previous == 28
    assert process.trend == "better"
    assert (outcome.value, outcome.score, outcome.rank, outcome.best_quartile) == (
        0.8,
        75.0,
        2,
        0.7,
    )
    assert outcome.distance == 0.1
    estimate = data.estimate
    assert (estimate.kerroin, estimate.process, estimate.outcome) == (62.5, 50.0, 75.0)
    assert (estimate.rank, estimate.of, estimate.peers_mean) == (1, 4, 50.0)
    assert estimate.euro_per_point == 80_000
    # The weakest first; indicators without values last, with their reason, never zero.
    assert [r.followed.sotkanet_id for r in data.rows][:2] == [PROCESS, OUTCOME]
    missing = [r for r in data.rows if r.value is None]
    assert len(missing) == 5
    assert all(r.missing and r.score is None for r in missing)


def test_weights_are_data_the_estimate_reads(demo, constructed):
    KerroinParameters.objects.filter(area=demo["nk"]).update(process_weight=1, outcome_weight=3)
    # (1 × 50 + 3 × 75) / 4 = 68.75
    assert cockpit.cockpit(demo["nk"]).estimate.kerroin == 68.8


def test_a_municipality_is_ranked_among_all_municipalities(demo):
    joensuu = Organisation.objects.get(area=demo["nk"], municipality_number="167")
    data = cockpit.cockpit(demo["nk"], joensuu)
    municipalities = SotkanetRegion.objects.filter(category="KUNTA").count()
    bound = [r for r in data.rows if r.value is not None]
    assert bound
    assert all(r.of == municipalities for r in bound)
    assert data.estimate.euro_per_point is None  # the euro effect is the county's


def test_a_municipal_kerroin_set_is_the_municipality_cockpits_own(
    client, demo, admin_access, monkeypatch
):
    """A kerroin set of the municipal level, once the area follows it, is what each
    municipality's cockpit reads; the county's page keeps the county set."""
    joensuu = Organisation.objects.get(area=demo["nk"], municipality_number="167")
    page = url("indicators:kerroin_municipality", pk=joensuu.pk)
    assert "Alue ei vielä seuraa kuntien HYTE-kertoimen" in client.get(page).content.decode()
    municipal = sets.parse(
        json.dumps(
            {
                "key": "hyte-kerroin-kunta",
                "year": 2026,
                "name": "Kuntien HYTE-kerroin",
                "level": "municipality",
                "kerroin": True,
                "indicators": [
                    {
                        "key": "p",
                        "name": "Prosessi",
                        "kind": "process",
                        "good": "up",
                        "unit": "percent",
                        "sotkanet_id": 900011,
                    },
                    {
                        "key": "o",
                        "name": "Tulos",
                        "kind": "outcome",
                        "good": "down",
                        "unit": "percent",
                        "sotkanet_id": 900013,
                    },
                ],
            }
        ),
        "hyte-kerroin-kunta-2026.json",
    )
    shipped = sets.all_sets()
    monkeypatch.setattr(sets, "all_sets", lambda: (*shipped, municipal))
    county_rows = len(cockpit.cockpit(demo["nk"]).rows)
    assert not cockpit.cockpit(demo["nk"], joensuu).own_sets
    assert services.follow_set(access=admin_access, area=demo["nk"], code=municipal.code) == (2, 2)
    data = cockpit.cockpit(demo["nk"], joensuu)
    assert data.own_sets
    assert [r.row.key for r in data.rows if r.row.kind == "process"] == ["p"]
    assert {r.followed.set_code for r in data.rows} == {municipal.code}
    assert data.estimate.kerroin is not None  # one process and one outcome indicator
    assert len(cockpit.cockpit(demo["nk"]).rows) == county_rows  # the county's own set
    assert "Alue ei vielä seuraa" not in client.get(page).content.decode()


def test_set_files_are_data_and_bad_ones_are_refused():
    shipped = sets.by_code(KERROIN_SET)
    assert shipped
    assert shipped.kerroin
    assert len(shipped.rows) == 7
    assert {r.kind for r in shipped.rows} == {"process", "outcome"}
    # No id is guessed: every row the file could not confirm is unbound.
    assert all(r.sotkanet_id is None and r.id_status == "unconfirmed" for r in shipped.rows)
    good = {"key": "x", "year": 2026, "name": "X", "indicators": []}
    row = {"key": "a", "name": "A", "kind": "process", "good": "up", "unit": "percent"}
    for broken, message in (
        ("{", "x.json"),
        ("[]", "not an object"),
        (json.dumps({**good, "indicators": [row, row]}), "used twice"),
        (json.dumps({**good, "indicators": [{**row, "kind": "input"}]}), "'kind'"),
        (json.dumps({**good, "indicators": [{**row, "sotkanet_id": "189"}]}), "sotkanet_id"),
        (json.dumps({**good, "expected_rows": "67"}), "expected_rows"),
    ):
        with pytest.raises(sets.SetFileError, match=message):
            sets.parse(broken, "x.json")


def test_an_incomplete_list_says_so_and_is_not_passed_off_as_the_whole(client, demo):
    minimum = sets.by_code("thl-vahimmaistiedot-kunta-2023")
    assert minimum.welfare_report
    assert not minimum.kerroin
    assert not minimum.complete
    assert (len(minimum.rows), minimum.expected_rows) == (6, 67)
    assert all(r.sotkanet_id is None for r in minimum.rows)
    assert sets.by_code(KERROIN_SET).complete
    page = client.get(reverse("indicators:sets", kwargs={"area": "pohjois-karjala"}))
    html = page.content.decode()
    assert "Vajaa: tässä tiedostossa on 6 listan 67 indikaattorista" in html


def test_following_a_set_is_one_step_and_idempotent(demo, django_user_model, monkeypatch):
    area = demo["es"]
    admin_access = Access(django_user_model.objects.get(username="etelasavo"))
    FollowedIndicator.objects.filter(area=area, set_code=KERROIN_SET).delete()
    # A row whose confirmed id is not imported stays unbound, with the reason.
    shipped = sets.by_code(KERROIN_SET)
    confirmed = sets.SetRow(
        **{**shipped.rows[0].__dict__, "sotkanet_id": 424242, "id_status": "confirmed"}
    )
    patched = sets.IndicatorSet(**{**shipped.__dict__, "rows": (confirmed, *shipped.rows[1:])})
    monkeypatch.setattr(
        sets, "by_code", lambda code, area=None: patched if code == KERROIN_SET else None
    )
    assert services.follow_set(access=admin_access, area=area, code=KERROIN_SET) == (7, 0)
    assert services.follow_set(access=admin_access, area=area, code=KERROIN_SET) == (0, 0)
    followed = FollowedIndicator.objects.filter(area=area, set_code=KERROIN_SET)
    assert followed.count() == 7
    assert not followed.filter(sotkanet__isnull=False).exists()
    reasons = {r.row.key: r.missing for r in cockpit.cockpit(area).rows}
    assert "ei ole tuotu" in reasons[confirmed.key]  # its indicator has not been imported
    assert "vahvistaa" in reasons[shipped.rows[1].key]  # the file could not confirm the id
    monkeypatch.undo()
    with pytest.raises(ValidationError):
        services.follow_set(access=admin_access, area=area, code="no-such-set-2026")


def test_only_the_area_administrator_follows_a_set(client, login, demo):
    login("jasen")
    response = client.post(url("indicators:sets"), {"code": KERROIN_SET})
    assert response.status_code == 403
    login("paakayttaja")
    FollowedIndicator.objects.filter(area=demo["nk"], set_code=KERROIN_SET).delete()
    response = client.post(url("indicators:sets"), {"code": KERROIN_SET}, follow=True)
    assert "7 indikaattoria lisättiin" in response.content.decode()
    client.post(url("indicators:sets"), {"code": KERROIN_SET})  # a double click adds nothing
    assert FollowedIndicator.objects.filter(area=demo["nk"], set_code=KERROIN_SET).count() == 7


def test_a_bound_programme_indicator_takes_its_values_from_the_import(demo, admin_access):
    programme = Programme.objects.get(area=demo["nk"])
    indicator = Indicator.objects.filter(goal__priority__programme=programme).exclude(
        source="sotkanet"
    )[0]
    assert indicator.values.exists()  # typed by hand so far
    sotkanet = SotkanetIndicator.objects.get(pk=900002)
    written = services.bind_programme_indicator(
        access=admin_access, indicator=indicator, sotkanet=sotkanet
    )
    joensuu = Organisation.objects.get(area=demo["nk"], municipality_number="167")
    region = SotkanetRegion.objects.get(organisation=joensuu)
    imported = dict(
        SotkanetValue.objects.filter(indicator=sotkanet, region=region, gender="total").values_list(
            "year", "value"
        )
    )
    mine = dict(
        indicator.values.filter(level="municipality", organisation=joensuu).values_list(
            "year", "value"
        )
    )
    assert written
    assert {y: float(v) for y, v in mine.items()} == imported
    assert not indicator.values.exclude(source="sotkanet").exists()  # nothing typed twice
    assert indicator.values.filter(level="area").count() == len(imported)
    # A later import reaches the programme on the worker, with no hand in between.
    change = [
        {"indicator": 900002, "region": region.pk, "year": 2024, "gender": "total", "value": 3.5}
    ]
    run = imports.queue_import(
        SimpleUploadedFile("muutos.json", json.dumps(change).encode()), kind="data", user=None
    )
    imports.run_import.call(run.pk)
    assert indicator.values.get(level="municipality", organisation=joensuu, year=2024).value == (
        pytest.approx(3.5)
    )
    # Typing a value for it is refused, in the service as on the form.
    with pytest.raises(ValidationError):
        indicator_value_save(
            access=Access.installation(),
            value=IndicatorValue(indicator=indicator, year=2030, value=1),
        )


def test_a_bound_indicator_with_no_imported_data_has_no_values_not_zeros(demo, admin_access):
    programme = Programme.objects.get(area=demo["nk"])
    indicator = Indicator.objects.filter(goal__priority__programme=programme)[0]
    ghost = SotkanetIndicator.objects.create(id=999_001, title="Ei tietoja")
    assert (
        services.bind_programme_indicator(access=admin_access, indicator=indicator, sotkanet=ghost)
        == 0
    )
    assert not indicator.values.exists()


def test_the_cockpit_is_public_and_names_nobody(client, demo):
    response = client.get(url("indicators:kerroin"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "HYTE-kerroin" in html
    assert "synteettinen" in html.lower()
    assert "arvio" in html  # the estimate says it is one
    assert "Elintapaneuvonta" in html  # the measure aimed at an indicator
    joensuu = Organisation.objects.get(area=demo["nk"], municipality_number="167")
    assert client.get(url("indicators:kerroin_municipality", pk=joensuu.pk)).status_code == 200
    assert client.get(url("indicators:kerroin_parameters_create")).status_code == 302  # login
    for person in demo["nk"].people.all()[:50]:
        assert person.last_name not in html


def test_the_cockpit_reads_in_constant_queries(client, demo, constructed):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("indicators:kerroin")).status_code == 200
        return len(captured)

    before = queries()
    taken = set(
        SotkanetValue.objects.filter(indicator_id__in=(PROCESS, OUTCOME)).values_list(
            "region_id", flat=True
        )
    )
    more = SotkanetRegion.objects.filter(category="HYVINVOINTIALUE").exclude(pk__in=taken)
    SotkanetValue.objects.bulk_create(
        SotkanetValue(indicator_id=i, region=r, year=y, gender="total", value=r.pk % 7 + 1)
        for i in range(900011, 900018)
        for r in more
        for y in (2022, 2023, 2024)
    )
    assert more.count() > 10
    assert max(r.of for r in cockpit.cockpit(demo["nk"]).rows) > 10  # more peers now
    assert queries() == before


def test_an_area_chooses_its_sotkanet_region_and_a_new_import_keeps_it(client, login, demo):
    """Real Sotkanet titles are inflected ("Pohjois-Karjalan hyvinvointialue"): no name
    matches the area's, so the cockpit has no region until the administrator chooses it;
    importing the regions again does not undo the choice."""
    import io

    from yhdyspinta.indicators import importer

    own = SotkanetRegion.objects.get(area=demo["nk"], category="HYVINVOINTIALUE")
    real = [{"id": own.pk, "code": own.code, "category": "HYVINVOINTIALUE"}]
    real[0]["title"] = {"fi": "Pohjois-Karjalan hyvinvointialue"}
    SotkanetRegion.objects.filter(pk=own.pk).update(area=None)
    importer.import_regions(io.BytesIO(json.dumps(real).encode()))
    assert cockpit.cockpit(demo["nk"]).region is None
    login("paakayttaja")
    page = client.get(url("indicators:kerroin")).content.decode()
    assert url("indicators:area_region") in page  # the way to fix it, where it shows
    response = client.post(url("indicators:area_region"), {"region": own.pk})
    assert response.status_code == 302
    assert cockpit.cockpit(demo["nk"]).region.pk == own.pk
    importer.import_regions(io.BytesIO(json.dumps(real).encode()))  # the same file again
    assert cockpit.cockpit(demo["nk"]).region.pk == own.pk
    # Another area cannot take the same region.
    login("etelasavo")
    taken = client.post(url("indicators:area_region", area="etela-savo"), {"region": own.pk})
    assert "on jo alueen" in taken.content.decode()
    login("jasen")
    assert client.post(url("indicators:area_region"), {"region": own.pk}).status_code == 403
