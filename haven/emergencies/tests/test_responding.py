"""Responding: through the link in the alert (no login), through a responder's login,
and staff recording the steps a responder told them by phone."""

from datetime import timedelta

import pytest
from django.urls import reverse

from conftest import make_user, verified_client
from haven.accounts.models import Role
from haven.audit.models import AuditEvent
from haven.audit.services import Actor
from haven.emergencies import escalation, services
from haven.emergencies.models import Emergency, EmergencyStatus, Outcome
from haven.emergencies.tests.conftest import WHAT, WHERE, link_in, mails_to, sms_to
from haven.network.models import PartnerMembership, Responder
from haven.triage.actions import InvalidInput, InvalidTransition


@pytest.fixture
def asha_link(open_in_north, network):
    emergency = open_in_north()
    return emergency, link_in(sms_to(network.asha.phone)[0].body)


def _ben_link(network, run_jobs, clock) -> str:
    clock.advance(minutes=5)
    with run_jobs():
        escalation.escalate_due()
    return link_in(mails_to(network.ben.email)[0].body)


# --- The link -----------------------------------------------------------------------------


def test_the_link_shows_where_the_child_is_and_the_viewing_is_audited(client, asha_link):
    emergency, link = asha_link
    response = client.get(link)
    html = response.content.decode()
    assert response.status_code == 200
    assert emergency.reference in html and "North" in html
    assert WHERE in html and "her uncle hit her" in html
    assert "I'm going" in html
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    )
    viewed = AuditEvent.objects.get(action="emergency.viewed")
    assert viewed.actor is None and "Asha" in viewed.actor_label
    assert emergency.events.filter(kind="link_opened").count() == 1
    client.get(link)
    assert emergency.events.filter(kind="link_opened").count() == 1, "the first opening only"
    assert AuditEvent.objects.filter(action="emergency.viewed").count() == 2


def test_im_going_acknowledges_and_stops_the_escalation(client, asha_link, clock):
    emergency, link = asha_link
    clock.advance(minutes=3)
    response = client.post(link, {"step": "going"})
    assert response.status_code == 302 and response["Location"] == link
    emergency.refresh_from_db()
    assert emergency.status == EmergencyStatus.ACKNOWLEDGED
    assert emergency.responder.name == "Asha" and emergency.acknowledged_at == clock.now
    assert emergency.next_escalation_at is None
    event = emergency.events.get(kind="acknowledged")
    assert event.detail["minutes"] == 3.0 and event.detail["via"] == "link"
    page = client.get(link).content.decode()
    assert "the helpline knows you are going" in page
    assert "I've reached the child" in page


def test_the_first_acknowledger_wins_and_the_second_sees_who_is_going(
    client, asha_link, network, run_jobs, clock
):
    emergency, asha = asha_link
    ben = _ben_link(network, run_jobs, clock)
    client.post(ben, {"step": "going"})
    response = client.post(asha, {"step": "going"})
    assert response.status_code == 302
    emergency.refresh_from_db()
    assert emergency.responder == network.ben
    assert emergency.events.filter(kind="acknowledged").count() == 1
    page = client.get(asha).content.decode()
    assert "Ben (Safe Hands) is going to this child" in page
    assert WHERE not in page, "someone not going is not shown where the child is"


def test_acknowledging_twice_at_once_lets_one_win(asha_link, network):
    emergency, _ = asha_link
    first = services.acknowledge(emergency, network.asha, actor=Actor(None, "Asha"))
    second = services.acknowledge(emergency, network.ben, actor=Actor(None, "Ben"))
    assert first[1] is True and second[1] is False
    assert Emergency.objects.get(pk=emergency.pk).responder == network.asha


def test_arrival_and_outcome_close_the_emergency_through_the_link(client, asha_link, clock):
    emergency, link = asha_link
    client.post(link, {"step": "going"})
    clock.advance(minutes=38)
    client.post(link, {"step": "arrived"})
    emergency.refresh_from_db()
    assert emergency.status == EmergencyStatus.ARRIVED and emergency.arrived_at == clock.now
    clock.advance(minutes=20)
    response = client.post(
        link, {"step": "outcome", "outcome": Outcome.SHELTER, "note": "Taken to the shelter"}
    )
    assert response.status_code == 302
    emergency.refresh_from_db()
    assert emergency.status == EmergencyStatus.CLOSED and emergency.outcome == Outcome.SHELTER
    assert emergency.outcome_note == "Taken to the shelter"
    assert emergency.events.get(kind="closed").detail["minutes"] == 58.0
    page = client.get(link).content.decode()
    assert "This emergency is closed" in page and WHERE not in page


def test_an_outcome_without_a_choice_is_refused_with_a_message(client, asha_link):
    emergency, link = asha_link
    client.post(link, {"step": "going"})
    response = client.post(link, {"step": "outcome", "note": "?"})
    assert response.status_code == 400
    assert "Choose what happened." in response.content.decode()
    assert Emergency.objects.get(pk=emergency.pk).status == EmergencyStatus.ACKNOWLEDGED


def test_a_responder_not_going_cannot_record_arrival(asha_link, network, run_jobs, clock, client):
    emergency, asha = asha_link
    ben = _ben_link(network, run_jobs, clock)
    client.post(asha, {"step": "going"})
    client.post(ben, {"step": "arrived"})
    assert Emergency.objects.get(pk=emergency.pk).arrived_at is None
    with pytest.raises(InvalidTransition):
        services.arrive(emergency, actor=Actor(None, "Ben"), responder=network.ben)


def test_an_unknown_link_is_a_404_whatever_it_looks_like(client, asha_link):
    for token in ("nope", "x" * 43, "a" * 200):
        response = client.get(reverse("emergencies:respond", args=[token]))
        assert response.status_code == 404
        assert "This link does not work" in response.content.decode()
    assert (
        client.post(reverse("emergencies:respond", args=["nope"]), {"step": "going"}).status_code
        == 404
    )


def test_the_link_expires_a_grace_period_after_the_emergency_closes(
    client, asha_link, counsellor, clock
):
    emergency, link = asha_link
    services.close(emergency, Outcome.FALSE_ALARM, actor=Actor.for_user(counsellor))
    clock.advance(minutes=119)
    assert client.get(link).status_code == 200
    clock.advance(minutes=2)
    assert client.get(link).status_code == 404


def test_the_link_expires_after_its_maximum_age_even_while_open(client, asha_link, clock):
    _, link = asha_link
    clock.advance(hours=47)
    assert client.get(link).status_code == 200
    clock.advance(hours=2)
    assert client.get(link).status_code == 404


def test_a_responder_taken_off_the_network_loses_their_link(client, asha_link, network):
    _, link = asha_link
    assert client.get(link).status_code == 200
    Responder.objects.filter(pk=network.asha.pk).update(active=False)
    response = client.get(link)
    assert response.status_code == 404 and "This link does not work" in response.content.decode()
    assert client.post(link, {"step": "going"}).status_code == 404
    assert Emergency.objects.get().status == EmergencyStatus.ALERTING


def test_a_deactivated_partners_responders_lose_their_links(client, asha_link, network):
    _, link = asha_link
    network.safe_hands.active = False
    network.safe_hands.save()
    assert client.get(link).status_code == 404


def test_a_responder_whose_login_was_deactivated_loses_their_link(
    client, asha_link, responder_user
):
    _, link = asha_link
    assert client.get(link).status_code == 200
    responder_user.is_active = False
    responder_user.save()
    assert client.get(link).status_code == 404


def test_the_link_needs_no_login_and_no_second_factor(client, asha_link, counsellor, settings):
    settings.REQUIRE_TWO_FACTOR = True
    client.force_login(counsellor)  # signed in with a password only
    assert client.get(asha_link[1]).status_code == 200


# --- A responder's login ------------------------------------------------------------------


def test_a_responder_with_a_login_acts_on_the_partner_page(
    client, asha_link, responder_user, clock
):
    emergency, _ = asha_link
    signed_in = verified_client(client, responder_user)
    page = reverse("emergencies:partner_detail", args=[emergency.reference])
    html = signed_in.get(page).content.decode()
    assert WHERE in html
    signed_in.post(page, {"step": "going"})
    signed_in.post(page, {"step": "arrived"})
    signed_in.post(page, {"step": "outcome", "outcome": Outcome.SAFE_WITH_FAMILY})
    emergency.refresh_from_db()
    assert emergency.status == EmergencyStatus.CLOSED and emergency.responder.name == "Asha"
    assert emergency.events.get(kind="acknowledged").detail["via"] == "partner page"
    listing = signed_in.get(reverse("emergencies:partner_list")).content.decode()
    assert emergency.reference in listing


def test_a_responder_login_without_a_rota_entry_can_see_but_not_answer(
    client, organisation, asha_link, network
):
    colleague = make_user(organisation, "desk", Role.RESPONDER)
    PartnerMembership.objects.create(user=colleague, partner=network.safe_hands)
    emergency, _ = asha_link
    signed_in = verified_client(client, colleague)
    page = reverse("emergencies:partner_detail", args=[emergency.reference])
    assert "not linked to a responder" in signed_in.get(page).content.decode()
    signed_in.post(page, {"step": "going"})
    assert Emergency.objects.get(pk=emergency.pk).acknowledged_at is None


# --- Staff acting on a responder's behalf -------------------------------------------------


def test_staff_record_an_acknowledgement_and_arrival_told_by_phone(
    asha_link, network, counsellor, clock
):
    emergency, _ = asha_link
    actor = Actor.for_user(counsellor)
    services.acknowledge_for(emergency, network.asha, actor=actor)
    clock.advance(minutes=20)
    emergency = services.arrive(emergency, actor=actor, via="staff")
    assert emergency.status == EmergencyStatus.ARRIVED
    assert emergency.events.get(kind="acknowledged").actor_label == counsellor.username
    assert emergency.events.get(kind="arrived").detail["via"] == "staff"


def test_staff_cannot_record_an_acknowledgement_for_someone_never_alerted(
    asha_link, network, counsellor
):
    emergency, _ = asha_link
    with pytest.raises(InvalidInput):
        services.acknowledge_for(emergency, network.chandra, actor=Actor.for_user(counsellor))


def test_staff_cannot_record_arrival_before_anyone_is_going(asha_link, counsellor):
    with pytest.raises(InvalidTransition):
        services.arrive(asha_link[0], actor=Actor.for_user(counsellor), via="staff")


def test_a_supervisor_assigns_any_partners_responder_where_no_partner_covers_the_district(
    organisation, network, sms_channel, counsellor, supervisor, run_jobs
):
    with run_jobs():
        emergency = services.open_emergency(
            Actor.for_user(counsellor), organisation, district=network.empty, location=WHERE
        )
        emergency = services.assign(emergency, network.owl, actor=Actor.for_user(supervisor))
    assert emergency.status == EmergencyStatus.ALERTING and emergency.partner == network.night_owls
    assert sms_to(network.owl.phone), "the assigned responder gets their own link"
    assert emergency.events.filter(kind="assigned").exists()


def test_where_a_partner_covers_the_district_only_its_responders_may_be_assigned(
    asha_link, network, supervisor
):
    with pytest.raises(InvalidInput):
        services.assign(asha_link[0], network.owl, actor=Actor.for_user(supervisor))


def test_an_assignment_confirmed_on_the_phone_is_on_the_way_at_once(
    asha_link, network, supervisor, run_jobs, clock
):
    emergency, _ = asha_link
    with run_jobs():
        emergency = services.assign(
            emergency, network.chandra, actor=Actor.for_user(supervisor), confirmed=True
        )
    assert emergency.status == EmergencyStatus.ACKNOWLEDGED
    assert emergency.responder == network.chandra and emergency.next_escalation_at is None
    assert sms_to(network.chandra.phone)
    clock.advance(minutes=30)
    with run_jobs():
        assert escalation.escalate_due() == 0


def test_staff_close_with_an_outcome_and_cannot_close_twice(asha_link, counsellor):
    emergency, _ = asha_link
    actor = Actor.for_user(counsellor)
    services.close(emergency, Outcome.FALSE_ALARM, "The caller was mistaken", actor=actor)
    assert AuditEvent.objects.get(action="emergency.closed").detail["note_given"] is True
    assert "mistaken" not in str(AuditEvent.objects.get(action="emergency.closed").detail)
    with pytest.raises(InvalidTransition):
        services.close(emergency, Outcome.FALSE_ALARM, actor=actor)
    with pytest.raises(InvalidInput):
        services.close(Emergency.objects.get(pk=emergency.pk), "made-up", actor=actor)


def test_a_deactivated_responder_cannot_be_assigned(asha_link, network, supervisor):
    Responder.objects.filter(pk=network.ben.pk).update(active=False)
    with pytest.raises(InvalidInput):
        services.assign(asha_link[0], network.ben, actor=Actor.for_user(supervisor))


def test_the_timeline_times_every_step(client, asha_link, clock):
    emergency, link = asha_link
    clock.advance(minutes=2)
    client.get(link)
    clock.advance(minutes=1)
    client.post(link, {"step": "going"})
    clock.advance(minutes=30)
    client.post(link, {"step": "arrived"})
    client.post(link, {"step": "outcome", "outcome": Outcome.HOSPITAL})
    steps = [
        (event.kind, round((event.at - emergency.opened_at) / timedelta(minutes=1)))
        for event in emergency.events.all()
    ]
    assert steps == [
        ("opened", 0),
        ("alert_sent", 0),
        ("link_opened", 2),
        ("acknowledged", 3),
        ("arrived", 33),
        ("target_met", 33),
        ("closed", 33),
    ]
    assert WHAT not in str(list(emergency.events.values_list("detail", flat=True)))
