from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from yhdyspinta.accounts.permissions import Access
from yhdyspinta.agreements import selectors, services
from yhdyspinta.agreements.models import (
    Agreement,
    AgreementParty,
    AgreementVersion,
    Section,
    SpecRhythm,
    StructureSpec,
)
from yhdyspinta.bodies.models import Body, Level
from yhdyspinta.clock.models import ClockEvent
from yhdyspinta.clock.services import clock_generate
from yhdyspinta.parties.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement(demo):
    return Agreement.objects.get(area=demo["nk"], versions__number=2)


def version(agreement, number):
    return AgreementVersion.objects.get(agreement=agreement, number=number)


def test_demo_agreement_states(agreement, demo):
    v1, v2 = version(agreement, 1), version(agreement, 2)
    assert selectors.version_state(v1) == "expired"
    assert selectors.version_state(v2) == "in_force"
    assert selectors.current_version(agreement) == v2
    assert v2.parties.count() == 15
    assert v2.approval_steps.count() == 6
    south_savo = Agreement.objects.get(area=demo["es"])
    assert selectors.version_state(south_savo.versions.get()) == "in_force"
    assert south_savo.versions.get().valid_until is None


def test_new_draft_copies_the_newest_version(agreement):
    v2 = version(agreement, 2)
    v3 = services.version_new_draft(access=Access.installation(), agreement=agreement)
    assert v3.number == 3
    assert v3.based_on == v2
    assert [s.key for s in v3.sections.all()] == [s.key for s in v2.sections.all()]
    assert {s.pk for s in v3.sections.all()}.isdisjoint({s.pk for s in v2.sections.all()})
    assert v3.parties.count() == 15
    assert not v3.parties.filter(signed_on__isnull=False).exists()
    assert v3.parties.exclude(signatory_name="").count() == 15
    assert v3.structures.count() == v2.structures.count()
    assert (
        SpecRhythm.objects.filter(spec__version=v3).count()
        == SpecRhythm.objects.filter(spec__version=v2).count()
    )
    assert v3.responsibility_tasks.count() == v2.responsibility_tasks.count() == 16
    # the copy's structures point at the copy's own sections
    assert not v3.structures.exclude(section__isnull=True).exclude(section__version=v3).exists()
    assert selectors.version_state(v3) == "draft"
    with pytest.raises(ValidationError, match="luonnos"):
        services.version_new_draft(access=Access.installation(), agreement=agreement)


def test_a_signed_version_cannot_be_edited(agreement):
    section = version(agreement, 2).sections.first()
    section.text = "muutettu"
    with pytest.raises(ValidationError, match="allekirjoitettu"):
        services.section_save(access=Access.installation(), section=section)


def test_diff_section_by_section(agreement):
    v3 = services.version_new_draft(access=Access.installation(), agreement=agreement)
    changed = v3.sections.get(number="8")
    changed.text = "Jokainen osapuoli maksaa omat kulunsa <script>alert(1)</script>."
    changed.save()
    v3.sections.get(number="9").delete()
    Section.objects.create(version=v3, number="12", title="Tietosuoja", text="Uusi kohta.")
    diff = selectors.version_diff(old=version(agreement, 2), new=v3)
    statuses = {(s.new or s.old).number: s.status for s in diff.sections}
    assert statuses["8"] == "changed"
    assert statuses["9"] == "removed"
    assert statuses["12"] == "added"
    assert statuses["10"] == "same"
    assert diff.changed_count == 3
    eight = next(s for s in diff.sections if (s.new or s.old).number == "8")
    assert "<ins>" in eight.text_right
    assert "<del>" in eight.text_left
    assert "<script>" not in eight.text_right
    assert "&lt;" in eight.text_right  # escaped, never run
    # the version 1 → 2 change renamed the coordinator network
    old_diff = selectors.version_diff(old=version(agreement, 1), new=version(agreement, 2))
    assert old_diff.validity == ("1.9.2023–31.12.2024", "1.6.2025–31.5.2029")
    assert any("Hyte-asiantuntijaverkosto" in new for _n, _o, new in old_diff.structures)


def test_markdown_is_rendered_without_raw_html():
    html = selectors.render_markdown("**tärkeä**\n\n<b onclick='x'>raaka</b>\n\n- yksi")
    assert "<strong>tärkeä</strong>" in html
    assert "<b onclick" not in html
    assert "<li>yksi</li>" in html


def test_in_force_only_when_every_party_approved_and_signed(agreement):
    v3 = services.version_new_draft(access=Access.installation(), agreement=agreement)
    today = timezone.localdate()
    v3.valid_from, v3.valid_until = today - timedelta(days=1), today + timedelta(days=400)
    v3.save()
    parties = list(v3.parties.all())
    for party in parties[:-1]:
        party.approved_on = party.signed_on = today - timedelta(days=2)
        services.party_record(access=Access.installation(), party=party)
    assert selectors.version_state(v3) == "signing"
    assert not selectors.is_in_force(v3)
    assert selectors.current_version(Agreement.objects.get(pk=agreement.pk)) == version(
        agreement, 2
    )
    last = parties[-1]
    last.signed_on = today
    with pytest.raises(ValidationError) as error:
        services.party_record(
            access=Access.installation(), party=last
        )  # signing before approving is refused
    assert "approved_on" in error.value.message_dict
    last.approved_on = today
    services.party_record(access=Access.installation(), party=last)
    assert selectors.is_in_force(v3)
    assert selectors.version_state(v3) == "in_force"
    assert selectors.version_state(version(agreement, 2)) == "superseded"
    assert not selectors.is_in_force(v3, today + timedelta(days=401))
    assert not selectors.is_in_force(v3, today - timedelta(days=2))


def test_applying_version_two_updates_the_structure_with_audit(agreement, demo):
    v2 = version(agreement, 2)
    network = Body.objects.get(area=demo["nk"], level=Level.COORDINATOR_NETWORK)
    joensuu_body = Body.objects.get(name="Joensuu: operatiivinen hyte-yhteistyö")
    changes = services.structure_changes(version=v2)
    assert len(changes) == 15  # network, 13 municipalities, strategic level
    assert services.version_apply(access=Access.installation(), version=v2) == 15
    network.refresh_from_db()
    assert network.name == "Hyte-asiantuntijaverkosto"
    record = network.history.order_by("-history_date").first()
    assert record.history_change_reason.startswith("Versio 2 otettu käyttöön")
    assert len(record.history_change_reason) <= 100
    joensuu_body.refresh_from_db()
    assert joensuu_body.name == "Joensuu: kuntatason hyte-toimijoiden neuvottelu"
    assert joensuu_body.convener.name == "Joensuun kaupunki"
    assert joensuu_body.rhythm_rules.filter(meeting_kind="negotiation", period="year").exists()
    # A body set up to hold the annual statutory negotiation gets its legal basis and its
    # composition, so that its negotiations count for 612/2021 §6–7.
    assert joensuu_body.legal_basis == "612_6_7"
    assert set(joensuu_body.required_party_kinds) >= {"county", "municipality"}
    v2.refresh_from_db()
    assert v2.applied_at is not None
    assert services.structure_changes(version=v2) == []
    assert services.version_apply(access=Access.installation(), version=v2) == 0
    # the annual clock follows the new structure
    clock_generate(access=Access.installation(), area=demo["nk"], year=2030)
    titles = set(
        ClockEvent.objects.filter(area=demo["nk"], year=2030).values_list("title", flat=True)
    )
    assert "Hyte-asiantuntijaverkosto" in titles
    assert "Hyte-koordinaattoriverkosto" not in titles


def test_obligations_follow_an_applied_version(agreement, demo):
    from yhdyspinta.obligations.engine import evaluate

    def network_rules(year):
        report = evaluate(area=demo["nk"], year=year, today=date(2026, 11, 22))
        return [
            result.title
            for body, results in report.body_rows
            if body.level == Level.COORDINATOR_NETWORK
            for result in results
        ]

    assert network_rules(2026) == ["6–8 × kokous vuodessa"]
    v3 = services.version_new_draft(access=Access.installation(), agreement=agreement)
    network = v3.structures.get(level=Level.COORDINATOR_NETWORK)
    network.rhythm.all().delete()
    SpecRhythm.objects.create(spec=network, min_count=10, max_count=12)
    for party in v3.parties.all():
        party.approved_on = party.signed_on = date(2026, 1, 2)
        services.party_record(access=Access.installation(), party=party)
    services.version_apply(access=Access.installation(), version=v3)
    assert network_rules(2026) == ["10–12 × kokous vuodessa"]


def test_only_a_fully_signed_version_can_be_applied(agreement):
    v3 = services.version_new_draft(access=Access.installation(), agreement=agreement)
    with pytest.raises(ValidationError, match="allekirjoittaneet"):
        services.version_apply(access=Access.installation(), version=v3)


def test_a_structure_left_out_of_the_new_version_ends_and_a_new_one_is_created(agreement, demo):
    v2 = version(agreement, 2)
    services.version_apply(access=Access.installation(), version=v2)
    v3 = services.version_new_draft(access=Access.installation(), agreement=agreement)
    v3.valid_from = date(2027, 1, 1)
    v3.save()
    v3.structures.get(name="Hyte-asiantuntijaverkosto").delete()
    county = Organisation.objects.get(area=demo["nk"], kind="county")
    spec = StructureSpec.objects.create(
        version=v3, name="Työllisyyden yhdyspintaryhmä", level=Level.WORKING_GROUP, convener=county
    )
    SpecRhythm.objects.create(spec=spec, min_count=4)
    for party in v3.parties.all():
        party.approved_on = party.signed_on = date(2026, 11, 1)
        services.party_record(access=Access.installation(), party=party)
    kinds = sorted(c.kind for c in services.structure_changes(version=v3))
    assert kinds == ["create", "end"]
    services.version_apply(access=Access.installation(), version=v3)
    assert Body.objects.get(name="Hyte-asiantuntijaverkosto").ended_on == date(2026, 12, 31)
    created = Body.objects.get(name="Työllisyyden yhdyspintaryhmä")
    assert created.rhythm_rules.get().min_count == 4
    spec.refresh_from_db()
    assert spec.body == created


def test_expiry_warning_six_months_ahead(agreement, demo):
    v2 = version(agreement, 2)
    today = timezone.localdate()
    assert selectors.expiry_warnings(area=demo["nk"]) == []
    v2.valid_until = today + timedelta(days=100)
    v2.save()
    [warning] = selectors.expiry_warnings(area=demo["nk"])
    assert warning.days_left == 100
    assert not warning.expired
    v2.valid_until = today - timedelta(days=1)
    v2.save()
    [warning] = selectors.expiry_warnings(area=demo["nk"])
    assert warning.expired
    v2.valid_until = today + timedelta(days=300)
    v2.save()
    assert selectors.expiry_warnings(area=demo["nk"]) == []


def test_evaluation_round_asks_every_party_once(agreement):
    v2 = version(agreement, 2)
    demo_round = services.evaluation_round_start(access=Access.installation(), version=v2)
    assert demo_round.status == "open"  # the demo's evaluation of 2026, sent
    assert (
        services.evaluation_round_start(access=Access.installation(), version=v2) == demo_round
    )  # never a second
    services.comment_round_close(access=Access.installation(), round=demo_round)
    round = services.evaluation_round_start(access=Access.installation(), version=v2)
    assert round.kind == "evaluation"
    assert round.status == "draft"
    assert round.requests.count() == 15
    assert services.evaluation_round_start(access=Access.installation(), version=v2) == round


def test_clock_shows_expiry_and_evaluation(agreement, demo):
    clock_generate(access=Access.installation(), area=demo["nk"], year=2029)
    clock_generate(access=Access.installation(), area=demo["nk"], year=2028)
    expiry = ClockEvent.objects.get(area=demo["nk"], year=2029, title__startswith="Sopimus päättyy")
    assert expiry.day == date(2029, 5, 31)
    evaluation = ClockEvent.objects.get(
        area=demo["nk"], year=2028, kind="follow_up", title__startswith="Arvioi sopimus"
    )
    assert evaluation.day == date(2028, 11, 30)


def test_party_rules(agreement):
    party = AgreementParty(version=version(agreement, 2), organisation=Organisation.objects.first())
    party.signed_on = date(2025, 1, 1)
    party.approved_on = date(2025, 2, 1)
    with pytest.raises(ValidationError) as error:
        party.full_clean()
    assert {"signatory_name", "signed_on"} <= set(error.value.message_dict)


def test_add_months_clamps_to_month_end():
    assert selectors.add_months(date(2029, 5, 31), -6) == date(2028, 11, 30)
    assert selectors.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)


def test_the_diff_shows_formatting_not_markdown(agreement):
    v3 = services.version_new_draft(access=Access.installation(), agreement=agreement)
    section = v3.sections.get(number="8")
    section.text = section.text + "\n\n- **Uusi** sääntö\n- [ohje](https://example.org/ohje)"
    section.save()
    diff = selectors.version_diff(old=version(agreement, 2), new=v3)
    eight = next(s for s in diff.sections if (s.new or s.old).number == "8")
    assert "**" not in eight.text_right
    assert "<strong><ins>Uusi</ins></strong>" in eight.text_right
    assert '<a href="https://example.org/ohje"><ins>ohje</ins></a>' in eight.text_right
    assert "<li>" in eight.text_right
    assert eight.text_right.count("<ins>") == eight.text_right.count("</ins>")
