"""The staff pages: the board and its JSON, the emergency's page, raising an emergency
from a contact, a report or by hand; and who may reach each of them."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_user, verified_client
from haven.accounts.models import Role
from haven.audit.models import AuditEvent
from haven.audit.services import Actor
from haven.emergencies import board, services
from haven.emergencies.models import Emergency, EmergencyStatus, Outcome
from haven.emergencies.tests.conftest import WHAT, WHERE
from haven.helpline.identity import seal
from haven.helpline.services import start_contact
from haven.network.models import PartnerMembership
from haven.reports.intake import ReportInput, submit_report
from haven.reports.models import Category, Source


@pytest.fixture
def emergency(open_in_north) -> Emergency:
    return open_in_north()


@pytest.fixture
def contact(organisation, counsellor, network):
    contact = start_contact(
        Actor.for_user(counsellor), organisation, channel="phone", counsellor=counsellor
    )
    contact.district = network.north
    contact.location_sealed = seal(WHERE)
    contact.save()
    return contact


@pytest.fixture
def report(organisation):
    data = ReportInput(category=Category.DANGER_NOW, description="He said he would come tonight")
    return submit_report(organisation, Source.PUBLIC, data, Actor.public()).report


def _pages(emergency, contact, report) -> list[tuple[str, str]]:
    ref = emergency.reference
    return [
        ("get", reverse("emergencies:detail", args=[ref])),
        ("post", reverse("emergencies:reveal", args=[ref])),
        ("post", reverse("emergencies:confirm", args=[ref])),
        ("post", reverse("emergencies:acknowledge", args=[ref])),
        ("post", reverse("emergencies:arrived", args=[ref])),
        ("post", reverse("emergencies:assign", args=[ref])),
        ("post", reverse("emergencies:close", args=[ref])),
        ("get", reverse("emergencies:open_from_contact", args=[contact.reference])),
        ("post", reverse("emergencies:open_from_contact", args=[contact.reference])),
        ("post", reverse("emergencies:open_from_report", args=[report.reference])),
        ("get", reverse("emergencies:partner_detail", args=[ref])),
        ("get", reverse("emergencies:partner_list")),
    ]


# --- Who may reach what -------------------------------------------------------------------


def test_someone_from_another_organisation_gets_404_on_every_emergency_url(
    outsider_client, emergency, contact, report
):
    for method, url in _pages(emergency, contact, report):
        response = getattr(outsider_client, method)(url, {"close-outcome": "false_alarm"})
        assert response.status_code == 404, (method, url)
    assert Emergency.objects.get(pk=emergency.pk).status == EmergencyStatus.ALERTING
    assert Emergency.objects.count() == 1
    assert not AuditEvent.objects.filter(
        action__in=["emergency.viewed", "emergency.revealed"], actor__isnull=False
    ).exists()


def test_the_outsiders_board_does_not_list_this_organisations_emergencies(
    outsider_client, emergency
):
    html = outsider_client.get(reverse("emergencies:board")).content.decode()
    assert emergency.reference not in html
    data = outsider_client.get(reverse("emergencies:board_data")).json()
    assert data["open"] == []


def test_a_responder_login_gets_404_on_the_staff_pages(client, emergency, responder_user):
    signed_in = verified_client(client, responder_user)
    for url in (
        reverse("emergencies:board"),
        reverse("emergencies:board_data"),
        reverse("emergencies:new"),
        reverse("emergencies:detail", args=[emergency.reference]),
    ):
        assert signed_in.get(url).status_code == 404, url


def test_a_responder_sees_only_emergencies_alerted_to_their_own_partner(
    client, organisation, emergency, network
):
    owl_user = make_user(organisation, "owl", Role.RESPONDER)
    PartnerMembership.objects.create(user=owl_user, partner=network.night_owls)
    signed_in = verified_client(client, owl_user)
    page = reverse("emergencies:partner_detail", args=[emergency.reference])
    assert signed_in.get(page).status_code == 404
    assert signed_in.post(page, {"step": "going"}).status_code == 404
    listing = signed_in.get(reverse("emergencies:partner_list")).content.decode()
    assert emergency.reference not in listing


def test_a_responder_whose_partner_was_alerted_sees_the_emergency(
    client, emergency, responder_user
):
    signed_in = verified_client(client, responder_user)
    page = signed_in.get(reverse("emergencies:partner_detail", args=[emergency.reference]))
    assert page.status_code == 200 and WHERE in page.content.decode()


def test_anyone_not_signed_in_is_sent_to_sign_in(client, emergency):
    response = client.get(reverse("emergencies:detail", args=[emergency.reference]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_counsellor_who_cannot_see_a_contact_cannot_raise_an_emergency_from_it(
    client, organisation, contact
):
    other = make_user(organisation, "kim", Role.COUNSELLOR)
    signed_in = verified_client(client, other)
    url = reverse("emergencies:open_from_contact", args=[contact.reference])
    assert signed_in.get(url).status_code == 404


# --- Raising an emergency -----------------------------------------------------------------


def test_a_counsellor_raises_an_emergency_from_a_contact_prefilled_with_where(
    counsellor_client, contact, network, sms_channel, run_jobs
):
    url = reverse("emergencies:open_from_contact", args=[contact.reference])
    html = counsellor_client.get(url).content.decode()
    assert WHERE in html and f'value="{network.north.pk}" selected' in html
    assert AuditEvent.objects.filter(action="contact.location_viewed").exists()
    with run_jobs():
        response = counsellor_client.post(
            url, {"district": network.north.pk, "location": WHERE, "situation": WHAT}
        )
    emergency = Emergency.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("emergencies:detail", args=[emergency.reference])
    assert emergency.contact == contact and emergency.status == EmergencyStatus.ALERTING
    again = counsellor_client.get(url).content.decode()
    assert "An emergency is already open for this" in again and emergency.reference in again


def test_the_form_prefilled_with_a_contacts_location_is_never_cached(counsellor_client, contact):
    url = reverse("emergencies:open_from_contact", args=[contact.reference])
    response = counsellor_client.get(url)
    assert WHERE in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_raising_without_where_is_refused_with_a_clear_error(counsellor_client, contact):
    url = reverse("emergencies:open_from_contact", args=[contact.reference])
    response = counsellor_client.post(url, {"district": "", "location": " "})
    assert response.status_code == 400
    assert "Say where the child is, or choose the district" in response.content.decode()
    assert not Emergency.objects.exists()


def test_a_report_page_offers_to_raise_an_emergency(analyst_client, report, network):
    html = analyst_client.get(reverse("triage:detail", args=[report.reference])).content.decode()
    assert 'id="panel-emergencies"' in html
    assert reverse("emergencies:open_from_report", args=[report.reference]) in html
    assert "Raise emergency" in html and "North" in html


def test_an_analyst_raises_an_emergency_from_a_report(
    analyst_client, report, network, sms_channel, run_jobs
):
    url = reverse("emergencies:open_from_report", args=[report.reference])
    with run_jobs():
        response = analyst_client.post(
            url,
            {
                "emergency-district": network.north.pk,
                "emergency-location": WHERE,
                "emergency-situation": WHAT,
            },
        )
    emergency = Emergency.objects.get()
    assert response.status_code == 302 and emergency.report == report
    assert emergency.events.get(kind="opened").detail["via"] == "report"
    html = analyst_client.get(reverse("triage:detail", args=[report.reference])).content.decode()
    assert emergency.reference in html


def test_a_refused_report_emergency_shows_the_error_and_the_way_back(analyst_client, report):
    url = reverse("emergencies:open_from_report", args=[report.reference])
    response = analyst_client.post(url, {"emergency-location": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Say where the child is" in html and "?panel=emergencies" in html
    assert analyst_client.get(url).status_code == 405


def test_staff_open_an_emergency_by_hand_from_the_board(
    supervisor_client, network, sms_channel, run_jobs
):
    assert "New emergency" in supervisor_client.get(reverse("emergencies:board")).content.decode()
    with run_jobs():
        response = supervisor_client.post(
            reverse("emergencies:new"), {"district": network.empty.pk, "location": WHERE}
        )
    emergency = Emergency.objects.get()
    assert emergency.status == EmergencyStatus.UNASSIGNED
    page = supervisor_client.get(response["Location"]).content.decode()
    assert "no responder could be alerted. No partner responds in Empty: assign a " in page


# --- The board and its JSON ---------------------------------------------------------------


def test_the_board_lists_open_emergencies_by_time_left_with_red_for_trouble(
    counsellor_client, organisation, network, sms_channel, counsellor, run_jobs, clock, emergency
):
    clock.advance(minutes=30)
    with run_jobs():
        unassigned = services.open_emergency(
            Actor.for_user(counsellor), organisation, district=network.empty, location=WHERE
        )
    response = counsellor_client.get(reverse("emergencies:board"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index(emergency.reference) < html.index(unassigned.reference)
    assert "30 min left" in html and "60 min left" in html
    assert "Needs a supervisor" in html and 'class="is-red"' in html
    assert '<meta http-equiv="refresh" content="30">' in html
    assert 'data-board-url="/emergencies/board.json"' in html
    assert 'include "helpline/_nav.html"' not in html and 'class="sub-nav"' in html
    assert WHERE not in html
    assert AuditEvent.objects.filter(action="emergency.board_viewed").exists()


def test_an_overdue_emergency_is_red_and_says_by_how_much(counsellor_client, emergency, clock):
    clock.advance(minutes=72)
    html = counsellor_client.get(reverse("emergencies:board")).content.decode()
    assert "Overdue by 12 min" in html and 'class="is-red"' in html


def test_the_board_json_gives_times_status_and_no_child_details(
    counsellor_client, emergency, network, clock
):
    clock.advance(minutes=10)
    services.acknowledge(emergency, network.asha, actor=Actor(None, "Asha"))
    response = counsellor_client.get(reverse("emergencies:board_data"))
    assert response.status_code == 200 and "no-cache" in response["Cache-Control"]
    data = response.json()
    assert data["now_ms"] == int(clock.now.timestamp() * 1000)
    [item] = data["open"]
    assert item["reference"] == emergency.reference and item["status"] == "acknowledged"
    assert item["seconds_left"] == 50 * 60 and item["responder"] == "Asha"
    assert item["partner"] == "Safe Hands" and item["red"] is False
    assert item["target_ms"] == int(emergency.target_at.timestamp() * 1000)
    assert WHERE not in json.dumps(data) and WHAT not in json.dumps(data)


def test_closed_emergencies_show_below_with_their_response_times(
    counsellor_client, emergency, network, counsellor, clock
):
    clock.advance(minutes=4)
    services.acknowledge(emergency, network.asha, actor=Actor(None, "Asha"))
    clock.advance(minutes=40)
    services.arrive(emergency, actor=Actor(None, "Asha"), responder=network.asha)
    clock.advance(minutes=6)
    services.close(emergency, Outcome.SHELTER, actor=Actor.for_user(counsellor))
    html = counsellor_client.get(reverse("emergencies:board")).content.decode()
    closed = html[html.index("Closed in the last 24 hours") :]
    assert emergency.reference in closed
    assert "4.0 min" in closed and "44.0 min" in closed and "50.0 min" in closed
    assert "Met" in closed and "Child taken to a shelter" in closed
    assert counsellor_client.get(reverse("emergencies:board_data")).json()["closed"] == [
        emergency.reference
    ]
    clock.advance(hours=25)
    assert board.closed_rows(Emergency.objects.all()) == []


def test_the_board_queries_do_not_grow_with_the_number_of_emergencies(
    counsellor_client, open_in_north, django_assert_max_num_queries
):
    for _ in range(5):
        open_in_north()
    with django_assert_max_num_queries(15):
        counsellor_client.get(reverse("emergencies:board_data"))


# --- The emergency's page -----------------------------------------------------------------


def test_the_page_masks_where_and_what_until_revealed_and_audits_both(
    counsellor_client, emergency, counsellor
):
    url = reverse("emergencies:detail", args=[emergency.reference])
    html = counsellor_client.get(url).content.decode()
    assert WHERE not in html and "B•••••••" in html
    assert AuditEvent.objects.filter(action="emergency.viewed", actor=counsellor).exists()
    revealed = counsellor_client.post(reverse("emergencies:reveal", args=[emergency.reference]))
    assert WHERE in revealed.content.decode() and WHAT in revealed.content.decode()
    assert AuditEvent.objects.get(action="emergency.revealed").actor == counsellor


def test_the_page_shows_the_timeline_the_alerts_and_the_countdown(
    counsellor_client, emergency, clock
):
    clock.advance(minutes=6)
    html = counsellor_client.get(
        reverse("emergencies:detail", args=[emergency.reference])
    ).content.decode()
    assert "Emergency opened" in html and "Alert sent" in html
    assert "Asha (Safe Hands)" in html and "(SMS sent)" in html
    assert "54 min left" in html and 'data-target-ms="' in html
    assert 'class="sub-nav"' in html


def test_staff_record_steps_on_the_page(counsellor_client, emergency, network, clock):
    ref = emergency.reference
    response = counsellor_client.post(
        reverse("emergencies:acknowledge", args=[ref]), {"ack-responder": network.asha.pk}
    )
    assert response.status_code == 302
    clock.advance(minutes=12)
    counsellor_client.post(reverse("emergencies:arrived", args=[ref]))
    counsellor_client.post(
        reverse("emergencies:close", args=[ref]),
        {"close-outcome": Outcome.SAFE_WITH_FAMILY, "close-note": "Grandmother took her in"},
    )
    emergency.refresh_from_db()
    assert emergency.status == EmergencyStatus.CLOSED and emergency.arrived_at is not None
    html = counsellor_client.get(reverse("emergencies:detail", args=[ref])).content.decode()
    assert "Grandmother" not in html, "the outcome note is masked like the location"
    assert "Closed" in html and "12.0 min after opening" in html


def test_a_refused_step_shows_the_page_again_with_the_reason(counsellor_client, emergency):
    response = counsellor_client.post(
        reverse("emergencies:close", args=[emergency.reference]), {"close-outcome": "nonsense"}
    )
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    response = counsellor_client.post(
        reverse("emergencies:arrived", args=[emergency.reference]), follow=True
    )
    assert "No responder has said they are going yet" in response.content.decode()


def test_a_supervisor_assigns_a_responder_on_the_page(
    supervisor_client, emergency, network, run_jobs
):
    with run_jobs():
        response = supervisor_client.post(
            reverse("emergencies:assign", args=[emergency.reference]),
            {"assign-responder": network.chandra.pk, "assign-confirmed": "on"},
        )
    assert response.status_code == 302
    emergency.refresh_from_db()
    assert emergency.responder == network.chandra
    assert emergency.status == EmergencyStatus.ACKNOWLEDGED


def test_the_page_links_to_open_a_case(counsellor_client, emergency):
    html = counsellor_client.get(
        reverse("emergencies:detail", args=[emergency.reference])
    ).content.decode()
    assert reverse("cases:open_from_emergency", args=[emergency.reference]) in html


def test_an_unknown_reference_is_a_404(counsellor_client, db):
    assert counsellor_client.get(reverse("emergencies:detail", args=["EM-NOPE"])).status_code == 404


def test_anonymised_details_say_so(counsellor_client, emergency, counsellor, clock):
    from haven.emergencies.retention import anonymise_due

    services.close(emergency, Outcome.FALSE_ALARM, actor=Actor.for_user(counsellor))
    clock.advance(hours=2)  # (a day would outlast the signed-in session)
    anonymise_due(emergency.organisation, clock.now - timedelta(hours=1))
    html = counsellor_client.get(
        reverse("emergencies:detail", args=[emergency.reference])
    ).content.decode()
    assert "Removed when this emergency was anonymised" in html
    assert Emergency.objects.get().location_sealed == ""


def test_a_supervisor_alerted_in_the_app_sees_it_first_on_the_board(
    supervisor_client, organisation, network, sms_channel, counsellor, run_jobs
):
    with run_jobs():
        emergency = services.open_emergency(
            Actor.for_user(counsellor), organisation, district=network.empty, location=WHERE
        )
    html = supervisor_client.get(reverse("emergencies:board")).content.decode()
    assert "You were alerted: 1 emergency still without a responder" in html
    assert html.index("You were alerted") < html.index("Open: 1")
    assert emergency.reference in html


def test_a_counsellor_not_alerted_sees_no_alert_banner(counsellor_client, emergency):
    html = counsellor_client.get(reverse("emergencies:board")).content.decode()
    assert "You were alerted" not in html


def test_an_outcome_note_is_announced_before_the_details_are_shown(
    counsellor, counsellor_client, emergency
):
    services.close(
        emergency, Outcome.SHELTER, "Taken to the night shelter by Asha", actor=counsellor
    )
    url = reverse("emergencies:detail", args=[emergency.reference])
    html = counsellor_client.get(url).content.decode()
    assert 'Outcome note: <span class="muted">(hidden — reveal to read)</span>' in html
    assert "night shelter" not in html
    revealed = counsellor_client.post(reverse("emergencies:reveal", args=[emergency.reference]))
    assert "Taken to the night shelter by Asha" in revealed.content.decode()


def test_supervisors_can_read_what_the_responder_received_on_a_fake_channel_only(
    counsellor, supervisor_client, emergency, sms_channel, network
):
    url = reverse("emergencies:detail", args=[emergency.reference])
    phone = reverse("messaging:channel_simulate", args=[sms_channel.pk])
    html = supervisor_client.get(url).content.decode()
    assert f'href="{phone}?number=%2B919876543210#replies">What the responder received' in html
    counsellor_client = verified_client(Client(), counsellor)
    assert "What the responder received" not in counsellor_client.get(url).content.decode()
    received = supervisor_client.get(f"{phone}?number=%2B919876543210").content.decode()
    assert emergency.reference in received and "/emergencies/respond/" in received

    sms_channel.provider = "twilio"
    sms_channel.save()
    assert "What the responder received" not in supervisor_client.get(url).content.decode()
