"""The escalation clock: a responder who does not answer, a list that runs out,
supervisors re-alerted, two schedulers at once, and the target passing."""

from datetime import timedelta

from django.core import mail

from haven.audit.models import AuditEvent
from haven.audit.services import Actor
from haven.emergencies import escalation, services
from haven.emergencies.models import Alert, AlertRole, Emergency, EmergencyStatus
from haven.emergencies.tests.conftest import WHERE, mails_to, sms_to
from haven.messaging.providers import FakeProvider
from haven.network.models import RotaShift


def _escalate(run_jobs, now=None) -> int:
    with run_jobs():
        return escalation.escalate_due(now)


def test_nothing_happens_before_the_acknowledgement_time(open_in_north, run_jobs, clock):
    emergency = open_in_north()
    clock.advance(minutes=4, seconds=59)
    assert _escalate(run_jobs) == 0
    assert Emergency.objects.get(pk=emergency.pk).escalation_level == 0
    assert len(FakeProvider.outbox) == 1


def test_no_acknowledgement_alerts_the_next_responder_and_the_supervisors(
    open_in_north, network, supervisor, run_jobs, clock
):
    emergency = open_in_north()
    clock.advance(minutes=5)
    assert _escalate(run_jobs) == 1

    emergency.refresh_from_db()
    assert emergency.escalation_level == 1 and emergency.status == EmergencyStatus.ALERTING
    assert emergency.next_escalation_at == clock.now + timedelta(minutes=5)
    ben_alert = emergency.alerts.get(responder=network.ben)
    assert ben_alert.level == 1
    assert mails_to(network.ben.email), "the next responder on the rota is alerted"
    [to_supervisor] = mails_to(supervisor.email)
    assert "No acknowledgement yet: Ben (Safe Hands) was alerted next" in to_supervisor.subject
    assert emergency.alerts.filter(user=supervisor, role=AlertRole.SUPERVISOR, level=1).count() == 2
    escalated = emergency.events.get(kind="escalated")
    assert escalated.detail["level"] == 1 and escalated.detail["responder"] == "Ben"


def test_a_responder_who_never_answers_is_passed_over_then_supervisors_are_realerted(
    open_in_north, network, supervisor, run_jobs, clock
):
    """Asha, Ben and Chandra never answer: each is alerted in turn, 5 minutes apart, and
    then the supervisors every 10 minutes until someone acts."""
    emergency = open_in_north()
    for minutes, responder in ((5, network.ben), (5, network.chandra)):
        clock.advance(minutes=minutes)
        _escalate(run_jobs)
        assert emergency.alerts.filter(responder=responder).exists()
    assert len(mails_to(supervisor.email)) == 2

    clock.advance(minutes=5)  # the list is exhausted: supervisors only
    _escalate(run_jobs)
    emergency.refresh_from_db()
    assert emergency.escalation_level == 3 and emergency.status == EmergencyStatus.ALERTING
    assert emergency.next_escalation_at == clock.now + timedelta(minutes=10)
    assert emergency.alerts.filter(level=3, role=AlertRole.RESPONDER).count() == 0
    assert "all on call were alerted: assign a responder" in mails_to(supervisor.email)[-1].body
    assert len(mails_to(supervisor.email)) == 3

    clock.advance(minutes=9)
    assert _escalate(run_jobs) == 0
    clock.advance(minutes=1)
    assert _escalate(run_jobs) == 1
    assert len(mails_to(supervisor.email)) == 4
    alerted_responders = set(
        emergency.alerts.filter(role=AlertRole.RESPONDER).values_list("responder__name", flat=True)
    )
    assert alerted_responders == {"Asha", "Ben", "Chandra"}, "nobody is alerted twice"


def test_an_acknowledged_emergency_is_not_escalated(open_in_north, network, run_jobs, clock):
    emergency = open_in_north()
    services.acknowledge(emergency, network.asha, actor=Actor(None, "Asha"))
    clock.advance(minutes=30)
    assert _escalate(run_jobs) == 0
    assert len(FakeProvider.outbox) == 1


def test_running_the_scheduler_twice_at_the_same_moment_escalates_once(
    open_in_north, supervisor, run_jobs, clock
):
    emergency = open_in_north()
    clock.advance(minutes=5)
    assert _escalate(run_jobs, clock.now) == 1
    assert _escalate(run_jobs, clock.now) == 0
    assert len(mails_to(supervisor.email)) == 1
    assert emergency.events.filter(kind="escalated").count() == 1
    assert AuditEvent.objects.filter(action="emergency.escalated").count() == 1


def test_a_worker_with_a_stale_view_of_the_emergency_takes_no_step(
    open_in_north, supervisor, run_jobs, clock
):
    """Two workers read the same due emergency; the one that claims second finds its
    (level, due time) gone and does nothing."""
    emergency = open_in_north()
    clock.advance(minutes=5)
    seen = (emergency.pk, emergency.escalation_level, emergency.next_escalation_at)
    with run_jobs():
        assert escalation._escalate(*seen, clock.now) is True
        assert escalation._escalate(*seen, clock.now) is False
    assert len(mails_to(supervisor.email)) == 1


def test_an_unassigned_emergency_realerts_supervisors_every_realert_minutes(
    organisation, network, sms_channel, counsellor, supervisor, run_jobs, clock
):
    with run_jobs():
        emergency = services.open_emergency(
            Actor.for_user(counsellor), organisation, district=network.empty, location=WHERE
        )
    assert len(mails_to(supervisor.email)) == 1
    clock.advance(minutes=10)
    _escalate(run_jobs)
    clock.advance(minutes=10)
    _escalate(run_jobs)
    emergency.refresh_from_db()
    assert emergency.status == EmergencyStatus.UNASSIGNED and emergency.escalation_level == 2
    assert len(mails_to(supervisor.email)) == 3
    assert FakeProvider.outbox == []


def test_an_unassigned_emergency_alerts_a_responder_whose_shift_has_begun(
    organisation, network, sms_channel, counsellor, run_jobs, clock
):
    shift = RotaShift.objects.get(responder=network.owl)
    shift.starts_at = clock.now + timedelta(minutes=8)
    shift.save()
    with run_jobs():
        emergency = services.open_emergency(
            Actor.for_user(counsellor), organisation, district=network.quiet, location=WHERE
        )
    assert emergency.status == EmergencyStatus.UNASSIGNED
    clock.advance(minutes=10)
    _escalate(run_jobs)
    emergency.refresh_from_db()
    assert emergency.status == EmergencyStatus.ALERTING
    assert emergency.partner == network.night_owls
    assert sms_to(network.owl.phone)


def test_the_target_passing_without_arrival_is_recorded_once(
    open_in_north, network, run_jobs, clock
):
    emergency = open_in_north()
    services.acknowledge(emergency, network.asha, actor=Actor(None, "Asha"))
    clock.advance(minutes=59)
    _escalate(run_jobs)
    assert not emergency.events.filter(kind="target_missed").exists()
    clock.advance(minutes=1)
    _escalate(run_jobs)
    _escalate(run_jobs)
    missed = emergency.events.get(kind="target_missed")
    assert missed.at == emergency.target_at
    emergency.refresh_from_db()
    assert emergency.target_missed_at == clock.now
    assert AuditEvent.objects.filter(action="emergency.target_missed").count() == 1


def test_arrival_within_the_target_is_recorded_as_met(open_in_north, network, run_jobs, clock):
    emergency = open_in_north()
    services.acknowledge(emergency, network.asha, actor=Actor(None, "Asha"))
    clock.advance(minutes=42)
    services.arrive(emergency, actor=Actor(None, "Asha"), responder=network.asha)
    clock.advance(minutes=30)
    _escalate(run_jobs)
    kinds = list(emergency.events.values_list("kind", flat=True))
    assert "target_met" in kinds and "target_missed" not in kinds
    arrived = emergency.events.get(kind="arrived")
    assert arrived.detail["minutes"] == 42.0 and arrived.detail["within_target"] is True


def test_a_late_arrival_records_the_target_missed(open_in_north, network, clock):
    emergency = open_in_north()
    services.acknowledge(emergency, network.asha, actor=Actor(None, "Asha"))
    clock.advance(minutes=75)
    services.arrive(emergency, actor=Actor(None, "Asha"), responder=network.asha)
    assert emergency.events.filter(kind="target_missed").count() == 1
    assert emergency.events.get(kind="arrived").detail["within_target"] is False


def test_supervisors_with_no_email_address_are_still_alerted_in_the_app(
    organisation, network, sms_channel, counsellor, supervisor, run_jobs
):
    supervisor.email = ""
    supervisor.save()
    with run_jobs():
        emergency = services.open_emergency(
            Actor.for_user(counsellor), organisation, district=network.empty
        )
    assert list(emergency.alerts.values_list("channel", flat=True)) == ["app"]
    assert mail.outbox == []


def test_the_periodic_task_has_its_fixed_name(open_in_north, clock):
    from haven.emergencies.tasks import escalate_due_task

    assert escalate_due_task.name == "haven.emergencies.escalate_due"
    open_in_north()
    clock.advance(minutes=5)
    assert escalate_due_task.delay().get() == 1
    assert Alert.objects.filter(level=1).exists()
