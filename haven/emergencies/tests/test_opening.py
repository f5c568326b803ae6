"""Opening an emergency: who is alerted, how, with what, and what happens when nobody can
be."""

from datetime import timedelta

from django.core import mail

from haven.audit.models import AuditEvent
from haven.audit.services import Actor
from haven.cases.services import open_case
from haven.emergencies import alerts, services
from haven.emergencies.models import Alert, AlertStatus, Emergency, EmergencyStatus
from haven.emergencies.tests.conftest import WHAT, WHERE, link_in, mails_to, sms_to, token_in
from haven.helpline.identity import unseal
from haven.helpline.services import settings_for, start_contact
from haven.messaging.providers import FakeProvider


def test_opening_alerts_the_first_responder_on_call_by_sms_with_a_link(
    open_in_north, network, clock
):
    emergency = open_in_north()

    assert emergency.status == EmergencyStatus.ALERTING
    assert emergency.reference.startswith("EM-")
    assert emergency.partner == network.safe_hands and emergency.responder is None
    assert emergency.target_at == clock.now + timedelta(minutes=60)
    assert emergency.next_escalation_at == clock.now + timedelta(minutes=5)
    [sms] = sms_to(network.asha.phone)
    assert emergency.reference in sms.body and "North" in sms.body
    assert link_in(sms.body).startswith("/emergencies/respond/")
    assert len(FakeProvider.outbox) == 1, "only the first on the rota is alerted at first"
    alert = Alert.objects.get(emergency=emergency, channel="sms")
    assert alert.status == AlertStatus.SENT and alert.level == 0
    assert alert.responder == network.asha and alert.outbound_message is not None


def test_the_sms_says_nothing_about_the_child_beyond_reference_district_and_link(
    open_in_north, network
):
    open_in_north()
    [sms] = sms_to(network.asha.phone)
    assert "Station Road" not in sms.body and "uncle" not in sms.body


def test_only_the_digest_of_the_link_token_is_stored(open_in_north, network):
    emergency = open_in_north()
    token = token_in(sms_to(network.asha.phone)[0].body)
    alert = Alert.objects.get(emergency=emergency, channel="sms")
    assert alert.token_digest == alerts.digest(token) and token not in alert.token_digest
    assert alerts.for_token(token) == alert


def test_location_and_situation_are_sealed_at_rest(open_in_north):
    emergency = open_in_north()
    assert WHERE not in emergency.location_sealed and WHAT not in emergency.situation_sealed
    assert unseal(emergency.location_sealed) == WHERE
    assert unseal(emergency.situation_sealed) == WHAT


def test_the_target_and_acknowledgement_times_are_the_organisations_own(
    organisation, open_in_north, clock
):
    times = settings_for(organisation)
    times.emergency_target_minutes, times.acknowledge_minutes = 45, 3
    times.save()
    emergency = open_in_north()
    assert emergency.target_at == clock.now + timedelta(minutes=45)
    assert emergency.next_escalation_at == clock.now + timedelta(minutes=3)


def test_a_responder_alerted_by_email_gets_the_link_by_email(open_in_north, network, organisation):
    # Ben (e-mail) first on the rota.
    network.asha.shifts.update(position=9)
    open_in_north()
    [message] = mails_to(network.ben.email)
    assert "North" in message.subject and link_in(message.body)
    assert "Station Road" not in message.body


def test_a_responder_alerted_on_both_channels_gets_one_alert_per_channel(open_in_north, network):
    network.asha.shifts.update(position=9)
    network.ben.shifts.update(position=8)
    emergency = open_in_north()
    assert sorted(emergency.alerts.values_list("channel", flat=True)) == ["email", "sms"]
    assert sms_to(network.chandra.phone) and mails_to(network.chandra.email)
    assert token_in(sms_to(network.chandra.phone)[0].body) != token_in(
        mails_to(network.chandra.email)[0].body
    )


def test_a_responder_with_a_login_is_also_alerted_in_the_app(open_in_north, responder_user):
    emergency = open_in_north()
    app = emergency.alerts.get(channel="app")
    assert app.user == responder_user and app.status == AlertStatus.SENT


def test_without_an_sms_channel_the_alert_fails_and_goes_by_email_if_it_can(
    organisation, network, counsellor, run_jobs
):
    network.asha.email = "asha@safehands.example"
    network.asha.save()
    with run_jobs():
        emergency = services.open_emergency(
            Actor.for_user(counsellor), organisation, district=network.north, location=WHERE
        )
    sms = emergency.alerts.get(channel="sms")
    assert sms.status == AlertStatus.FAILED and "no active SMS channel" in sms.error
    assert sms.token_digest is None
    assert link_in(mails_to("asha@safehands.example")[0].body)
    assert emergency.events.filter(kind="alert_failed").exists()
    assert emergency.events.filter(kind="alert_sent", detail__channel="email").exists()


def test_an_unknown_district_opens_unassigned_and_alerts_supervisors_at_once(
    organisation, network, sms_channel, counsellor, supervisor, run_jobs, clock
):
    with run_jobs():
        emergency = services.open_emergency(
            Actor.for_user(counsellor), organisation, location="Somewhere near the market"
        )
    assert emergency.status == EmergencyStatus.UNASSIGNED
    assert emergency.next_escalation_at == clock.now + timedelta(minutes=10)
    assert FakeProvider.outbox == []
    [message] = mails_to(supervisor.email)
    assert emergency.reference in message.subject and "district is not known" in message.body
    assert "market" not in message.body
    assert emergency.alerts.filter(user=supervisor, channel="app").exists()


def test_a_district_with_no_partner_opens_unassigned_and_alerts_supervisors(
    organisation, network, sms_channel, counsellor, supervisor, run_jobs
):
    with run_jobs():
        emergency = services.open_emergency(
            Actor.for_user(counsellor), organisation, district=network.empty, location=WHERE
        )
    assert emergency.status == EmergencyStatus.UNASSIGNED and emergency.partner is None
    [message] = mails_to(supervisor.email)
    assert "No partner responds in Empty: assign a responder by hand." in message.body
    assert "no responder:" not in message.body and "no responder:" not in message.subject
    assert emergency.events.filter(kind="unassigned").exists()


def test_a_district_with_nobody_on_call_opens_unassigned(
    organisation, network, sms_channel, counsellor, supervisor, run_jobs
):
    with run_jobs():
        emergency = services.open_emergency(
            Actor.for_user(counsellor), organisation, district=network.quiet, location=WHERE
        )
    assert emergency.status == EmergencyStatus.UNASSIGNED
    assert "No responder is on call in Quiet now" in mails_to(supervisor.email)[0].body
    assert FakeProvider.outbox == []


def test_another_organisations_district_is_never_used(
    organisation, other_organisation, network, sms_channel, counsellor, run_jobs
):
    from haven.network.models import District

    theirs = District.objects.create(organisation=other_organisation, name="Far", code="far")
    with run_jobs():
        emergency = services.open_emergency(
            Actor.for_user(counsellor), organisation, district=theirs, location=WHERE
        )
    assert emergency.district is None and emergency.status == EmergencyStatus.UNASSIGNED


def test_opening_is_audited_and_timed(open_in_north, counsellor):
    emergency = open_in_north()
    event = AuditEvent.objects.get(action="emergency.opened")
    assert event.actor == counsellor and event.target_id == str(emergency.pk)
    assert WHERE not in str(event.detail)
    assert list(emergency.events.values_list("kind", flat=True)) == ["opened", "alert_sent"]


def test_an_alert_for_an_emergency_closed_before_sending_is_not_sent(
    organisation, network, sms_channel, counsellor
):
    emergency = services.open_emergency(
        Actor.for_user(counsellor), organisation, district=network.north, location=WHERE
    )
    services.close(emergency, "false_alarm", actor=Actor.for_user(counsellor))
    alert = alerts.deliver(emergency.alerts.get().pk)
    assert alert is not None and alert.status == AlertStatus.FAILED
    assert FakeProvider.outbox == []


def test_an_alert_is_delivered_once_even_when_its_job_runs_twice(
    organisation, network, sms_channel, counsellor, run_jobs
):
    emergency = services.open_emergency(
        Actor.for_user(counsellor), organisation, district=network.north, location=WHERE
    )
    alert = emergency.alerts.get()
    with run_jobs():
        alerts.deliver(alert.pk)
        assert alerts.deliver(alert.pk) is None
    assert len(FakeProvider.outbox) == 1


def test_a_failing_mail_server_is_recorded_on_the_alert(
    open_in_north, network, supervisor, monkeypatch
):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(alerts, "send_mail", refuse)
    network.asha.shifts.update(position=9)
    emergency = open_in_north()
    email = emergency.alerts.get(responder=network.ben)
    assert email.status == AlertStatus.FAILED and "could not be sent" in email.error
    assert not Emergency.objects.filter(status=EmergencyStatus.CLOSED).exists()
    assert mail.outbox == []


def test_an_emergency_raised_from_a_contact_in_a_case_joins_that_case(
    open_in_north, organisation, counsellor
):
    contact = start_contact(counsellor, organisation, channel="phone", counsellor=counsellor)
    case = open_case(counsellor, organisation, contact=contact)
    contact.refresh_from_db()

    emergency = open_in_north(contact=contact)

    assert Emergency.objects.get(pk=emergency.pk).case == case
