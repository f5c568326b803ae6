"""Anonymising closed emergencies past the retention period, and closing (then
anonymising) the ones nobody closed or acted on for that long."""

from datetime import timedelta

from haven.audit.models import AuditEvent
from haven.audit.services import Actor
from haven.emergencies import escalation, services
from haven.emergencies.models import Emergency, Outcome
from haven.emergencies.retention import RETENTION_NOTE, anonymise_due


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


def test_an_emergency_nobody_closed_or_acted_on_for_the_retention_period_is_closed_and_anonymised(
    open_in_north, counsellor, clock, organisation, run_jobs
):
    forgotten = open_in_north()
    # The scheduler keeps escalating it: its own steps do not count as anyone acting.
    for _ in range(3):
        clock.advance(days=1)
        with run_jobs():
            escalation.escalate_due()
    assert anonymise_due(organisation, clock.now - timedelta(hours=12)) == 1

    forgotten.refresh_from_db()
    assert forgotten.status == "closed" and forgotten.outcome == Outcome.OTHER
    assert forgotten.outcome_note == RETENTION_NOTE and forgotten.closed_at == clock.now
    assert forgotten.location_sealed == "" and forgotten.situation_sealed == ""
    assert forgotten.anonymised_at == clock.now and forgotten.next_escalation_at is None
    closed = AuditEvent.objects.get(action="emergency.closed")
    assert closed.detail["via"] == "retention" and closed.actor is None
    assert AuditEvent.objects.get(action="emergency.anonymised").detail["closed_by_retention"] == 1
    assert forgotten.events.get(kind="closed").detail["via"] == "retention"


def test_an_open_emergency_someone_acted_on_since_the_cutoff_is_kept_open(
    open_in_north, network, clock, organisation
):
    emergency = open_in_north()
    clock.advance(days=3)
    services.acknowledge(emergency, network.asha, actor=Actor(None, "Asha"))
    clock.advance(days=1)
    assert anonymise_due(organisation, clock.now - timedelta(days=2)) == 0
    emergency.refresh_from_db()
    assert emergency.status == "acknowledged" and emergency.location_sealed != ""
