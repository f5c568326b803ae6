"""Anonymising closed emergencies past the retention period."""

from datetime import timedelta

from haven.audit.models import AuditEvent
from haven.audit.services import Actor
from haven.emergencies import services
from haven.emergencies.models import Emergency, Outcome
from haven.emergencies.retention import anonymise_due


def _closed(open_in_north, network, counsellor, clock, note="Grandmother took her in"):
    emergency = open_in_north()
    services.acknowledge(emergency, network.asha, actor=Actor(None, "Asha"))
    clock.advance(minutes=30)
    services.arrive(emergency, actor=Actor(None, "Asha"), responder=network.asha)
    return services.close(
        emergency, Outcome.SAFE_WITH_FAMILY, note, actor=Actor.for_user(counsellor)
    )


def test_closed_emergencies_past_the_cutoff_lose_what_identifies_the_child(
    open_in_north, network, counsellor, clock, organisation
):
    emergency = _closed(open_in_north, network, counsellor, clock)
    clock.advance(days=3)
    assert anonymise_due(organisation, clock.now - timedelta(days=1)) == 1

    emergency.refresh_from_db()
    assert emergency.location_sealed == "" and emergency.situation_sealed == ""
    assert emergency.outcome_note == "" and emergency.anonymised_at == clock.now
    # What statistics need stays.
    assert emergency.outcome == Outcome.SAFE_WITH_FAMILY and emergency.district == network.north
    assert emergency.arrived_at is not None and emergency.partner == network.safe_hands
    for event in emergency.events.all():
        assert "responder" not in event.detail and "partner" not in event.detail
        assert "error" not in event.detail and "reason" not in event.detail
    assert emergency.events.get(kind="arrived").detail["minutes"] == 30.0
    assert AuditEvent.objects.get(action="emergency.anonymised").detail["count"] == 1


def test_open_and_recently_closed_emergencies_are_kept(
    open_in_north, network, counsellor, clock, organisation
):
    still_open = open_in_north()
    recent = _closed(open_in_north, network, counsellor, clock)
    assert anonymise_due(organisation, clock.now - timedelta(days=1)) == 0
    for emergency in (still_open, recent):
        assert Emergency.objects.get(pk=emergency.pk).location_sealed != ""


def test_anonymising_twice_changes_nothing_more(
    open_in_north, network, counsellor, clock, organisation
):
    _closed(open_in_north, network, counsellor, clock)
    clock.advance(days=3)
    assert anonymise_due(organisation, clock.now) == 1
    assert anonymise_due(organisation, clock.now) == 0


def test_another_organisations_emergencies_are_not_touched(
    open_in_north, network, counsellor, clock, other_organisation
):
    emergency = _closed(open_in_north, network, counsellor, clock)
    clock.advance(days=3)
    assert anonymise_due(other_organisation, clock.now) == 0
    assert Emergency.objects.get(pk=emergency.pk).anonymised_at is None
