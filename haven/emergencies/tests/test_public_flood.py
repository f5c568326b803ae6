"""Flood guards on the public form's "a child is in danger right now": a sender past its
hourly limit keeps its report but opens no emergency; an organisation past its hourly
limit of public emergencies gets them "needs confirmation", alerting supervisors only
until a member of staff confirms; and the board says which came from the public form."""

import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse

from conftest import verified_client
from haven.audit.models import AuditEvent
from haven.audit.services import Actor
from haven.emergencies import escalation, services
from haven.emergencies.models import Alert, AlertRole, Emergency, EmergencyStatus
from haven.emergencies.tests.conftest import mails_to, sms_to
from haven.messaging.providers import FakeProvider
from haven.reports import throttle
from haven.reports.models import Report, Urgency
from haven.triage.actions import InvalidTransition

REPORT_URL = reverse("reports:report")
FLOODER = "203.0.113.9"


@pytest.fixture(autouse=True)
def _top_of_the_hour(clock):
    # Ten minutes into an hour, so that "59 minutes later" is in the next clock hour.
    clock.now = clock.now.replace(minute=10, second=0)


def _danger(client, network, address=FLOODER, where="The shed behind the temple"):
    return client.post(
        REPORT_URL,
        {
            "category": "danger_now",
            "description": "A boy is locked in the shed",
            "in_danger": "on",
            "danger_district": network.north.pk,
            "danger_location": where,
        },
        REMOTE_ADDR=address,
    )


# --- (a) One sender's limit ---------------------------------------------------------------


def test_a_fourth_danger_report_from_one_address_in_an_hour_opens_no_emergency_but_is_kept(
    client, network, sms_channel, run_jobs
):
    with run_jobs():
        for number in range(4):
            assert _danger(client, network, where=f"Shed {number}").status_code == 302
    assert Report.objects.count() == 4 and Emergency.objects.count() == 3
    assert len(FakeProvider.outbox) == 3  # the fourth sent no SMS to anyone
    held = Report.objects.get(emergencies=None)
    assert held.urgency == Urgency.DANGER_NOW
    assert "A boy is locked in the shed" in held.description  # what they wrote, kept
    assert "Shed 3" in held.description and "North" in held.description
    assert "No emergency was opened" in held.description
    assert AuditEvent.objects.get(action="report.emergency_throttled").target_id == str(held.pk)
    page = client.get(reverse("reports:sent")).content.decode()
    assert "it is marked urgent" in page and "Call 112 now" in page


def test_a_danger_report_kept_back_goes_to_the_top_of_the_queue_whatever_its_category(
    client, network, sms_channel, run_jobs, settings
):
    settings.PUBLIC_DANGER_REPORTS_PER_HOUR = 0
    client.post(
        REPORT_URL,
        {
            "category": "bullying",
            "description": "They said they will hurt him after school",
            "in_danger": "on",
            "danger_location": "School gate",
        },
        REMOTE_ADDR=FLOODER,
    )
    report = Report.objects.get()
    assert not Emergency.objects.exists()
    assert report.urgency == Urgency.DANGER_NOW
    assert report.due_at <= report.received_at + timedelta(hours=1)


def test_the_same_address_opens_emergencies_again_once_the_hour_has_passed(
    client, network, sms_channel, run_jobs, clock
):
    for _ in range(4):
        _danger(client, network)
    clock.advance(minutes=50)  # the next clock hour, but the last 60 minutes hold 4
    _danger(client, network)
    assert Emergency.objects.count() == 3
    clock.advance(hours=2)
    _danger(client, network)
    assert Emergency.objects.count() == 4


def test_another_address_is_not_held_back_by_a_flooding_one(client, network, sms_channel):
    for _ in range(5):
        _danger(client, network)
    _danger(client, network, address="198.51.100.7")
    assert Emergency.objects.count() == 4  # three from the flooder, one from the other


def test_the_throttle_keeps_no_address_only_a_keyed_hash(client, network, sms_channel, clock):
    _danger(client, network)
    hour = int(clock.now.timestamp()) // throttle.HOUR_SECONDS
    key = throttle.keyed("danger", f"{FLOODER}:{hour}")
    assert cache.get(key) == 1
    assert FLOODER not in key


def test_addresses_in_one_ipv6_64_count_as_one_sender():
    assert throttle.sender("2001:db8:1:2::1") == throttle.sender("2001:db8:1:2:ffff::9")
    assert throttle.sender("2001:db8:1:3::1") != throttle.sender("2001:db8:1:2::1")
    assert throttle.sender("::ffff:203.0.113.9") == throttle.sender("203.0.113.9")
    assert throttle.sender(None) == "unknown"


# --- (b) The organisation's limit ---------------------------------------------------------


@pytest.fixture
def limit_of_two(settings):
    settings.PUBLIC_EMERGENCIES_PER_HOUR = 2


def _from_three_addresses(client, network, run_jobs) -> Emergency:
    with run_jobs():
        for number in range(3):
            _danger(client, network, address=f"198.51.100.{number + 1}")
    return Emergency.objects.order_by("opened_at", "pk").last()


def test_past_the_hourly_limit_a_public_emergency_needs_confirmation_and_alerts_supervisors_only(
    client, network, sms_channel, run_jobs, supervisor, limit_of_two
):
    third = _from_three_addresses(client, network, run_jobs)
    assert Emergency.objects.filter(needs_confirmation=False).count() == 2
    assert third.needs_confirmation and third.status == EmergencyStatus.UNASSIGNED
    assert third.from_public_form and third.partner is None
    assert not third.alerts.filter(role=AlertRole.RESPONDER).exists()
    assert third.alerts.filter(role=AlertRole.SUPERVISOR, user=supervisor).exists()
    assert len(sms_to(network.asha.phone)) == 2  # the first two only
    mail = mails_to(supervisor.email)[-1]
    assert third.reference in mail.subject and "confirm" in mail.body
    assert third.events.filter(kind="held").exists()


def test_a_held_emergency_escalates_to_supervisors_and_never_to_responders(
    client, network, sms_channel, run_jobs, supervisor, limit_of_two, clock
):
    third = _from_three_addresses(client, network, run_jobs)
    for _ in range(3):
        clock.advance(minutes=10)
        with run_jobs():
            escalation.escalate_due()
    third.refresh_from_db()
    assert third.escalation_level == 3 and third.needs_confirmation
    assert not third.alerts.filter(role=AlertRole.RESPONDER).exists()
    assert third.alerts.filter(role=AlertRole.SUPERVISOR, level=3).exists()
    assert not any(third.reference in sms.body for sms in FakeProvider.outbox)


def test_confirming_a_held_emergency_alerts_the_responder_on_call_and_is_audited(
    client, network, sms_channel, run_jobs, supervisor, limit_of_two, counsellor_client
):
    third = _from_three_addresses(client, network, run_jobs)
    page = counsellor_client.get(reverse("emergencies:detail", args=[third.reference]))
    html = page.content.decode()
    assert "Confirm and alert responders" in html and "From the public form" in html
    before = len(sms_to(network.asha.phone))
    with run_jobs():
        response = counsellor_client.post(reverse("emergencies:confirm", args=[third.reference]))
    assert response.status_code == 302
    third.refresh_from_db()
    assert not third.needs_confirmation and third.status == EmergencyStatus.ALERTING
    assert third.confirmed_by.username == "chris" and third.partner == network.safe_hands
    assert len(sms_to(network.asha.phone)) == before + 1
    confirmed = AuditEvent.objects.get(action="emergency.confirmed")
    assert confirmed.actor.username == "chris" and confirmed.detail["via"] == "confirm"
    assert third.events.filter(kind="confirmed", actor_label="chris").exists()
    again = counsellor_client.post(reverse("emergencies:confirm", args=[third.reference]))
    assert again.status_code == 302
    assert AuditEvent.objects.filter(action="emergency.confirmed").count() == 1


def test_assigning_a_responder_to_a_held_emergency_confirms_it(
    client, network, sms_channel, run_jobs, supervisor, limit_of_two
):
    third = _from_three_addresses(client, network, run_jobs)
    services.assign(third, network.ben, actor=Actor.for_user(supervisor))
    third.refresh_from_db()
    assert not third.needs_confirmation and third.confirmed_by == supervisor
    assert AuditEvent.objects.get(action="emergency.confirmed").detail["via"] == "assign"
    with pytest.raises(InvalidTransition):
        services.confirm(third, actor=Actor.for_user(supervisor))


def test_a_closed_held_emergency_cannot_be_confirmed(
    client, network, sms_channel, run_jobs, supervisor, limit_of_two
):
    third = _from_three_addresses(client, network, run_jobs)
    services.close(third, "false_alarm", actor=Actor.for_user(supervisor))
    with pytest.raises(InvalidTransition):
        services.confirm(third, actor=Actor.for_user(supervisor))
    assert not third.alerts.filter(role=AlertRole.RESPONDER).exists()


def test_the_public_limit_counts_the_last_hour_only(
    client, network, sms_channel, run_jobs, limit_of_two, clock
):
    _from_three_addresses(client, network, run_jobs)
    clock.advance(minutes=61)
    _danger(client, network, address="198.51.100.50")
    assert not Emergency.objects.order_by("opened_at", "pk").last().needs_confirmation


def test_staff_emergencies_are_never_held(organisation, network, counsellor, settings):
    settings.PUBLIC_EMERGENCIES_PER_HOUR = 0
    emergency = services.open_emergency(
        Actor.for_user(counsellor), organisation, district=network.north, location="Mill"
    )
    assert not emergency.needs_confirmation and not emergency.from_public_form
    assert emergency.status == EmergencyStatus.ALERTING


def test_another_organisation_cannot_confirm(
    client, network, sms_channel, run_jobs, limit_of_two, outsider_client
):
    third = _from_three_addresses(client, network, run_jobs)
    response = outsider_client.post(reverse("emergencies:confirm", args=[third.reference]))
    assert response.status_code == 404
    assert Emergency.objects.get(pk=third.pk).needs_confirmation


# --- (c) The board ------------------------------------------------------------------------


def test_the_board_marks_emergencies_from_the_public_form_and_those_to_confirm(
    client, network, sms_channel, run_jobs, limit_of_two, organisation, counsellor, supervisor
):
    third = _from_three_addresses(client, network, run_jobs)
    staff = services.open_emergency(
        Actor.for_user(counsellor), organisation, district=network.north, location="Mill"
    )
    signed_in = verified_client(client, supervisor)
    html = signed_in.get(reverse("emergencies:board")).content.decode()
    assert html.count("From the public form</span>") == 3
    row = html.split(f'data-reference="{third.reference}"')[1].split("</tr>")[0]
    assert "Needs confirmation" in row and "is-red" in html
    staff_row = html.split(f'data-reference="{staff.reference}"')[1].split("</tr>")[0]
    assert "From the public form" not in staff_row
    data = json.loads(signed_in.get(reverse("emergencies:board_data")).content)
    rows = {row["reference"]: row for row in data["open"]}
    assert rows[third.reference]["from_public"] and rows[third.reference]["held"]
    assert rows[third.reference]["red"]
    assert not rows[staff.reference]["from_public"] and not rows[staff.reference]["held"]


def test_alerts_for_a_held_emergency_go_to_active_supervisors_only(
    client, network, sms_channel, run_jobs, limit_of_two, supervisor, counsellor
):
    third = _from_three_addresses(client, network, run_jobs)
    alerted = set(Alert.objects.filter(emergency=third).values_list("user__username", flat=True))
    assert alerted == {"sam"}
