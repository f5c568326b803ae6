"""Responders: their details, their numbers, and giving one a login."""

import pytest
from django.contrib.auth import authenticate

from haven.accounts.models import Role, User
from haven.audit.models import AuditEvent
from haven.network.models import PartnerMembership, Responder
from haven.network.phones import BadNumber, e164

RESPONDER = {"name": "Meera Joshi", "phone": "+91 98765 43212", "alert_channel": "sms"}


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("+91 98765 43210", "+919876543210"),
        ("+44 (0)20 7946 0000", "+442079460000"),
        ("0091-98765-43210", "+919876543210"),
        ("+1 (415) 555-0100", "+14155550100"),
    ],
)
def test_mobile_numbers_are_kept_in_international_form(typed, kept):
    assert e164(typed) == kept


@pytest.mark.parametrize(
    "typed", ["98765 43210", "+0 123456789", "+91 98765 4321O", "+12", "+1234567890123456", ""]
)
def test_numbers_that_are_not_international_are_refused(typed):
    with pytest.raises(BadNumber):
        e164(typed)


def test_a_supervisor_adds_a_responder_with_a_normalised_number(supervisor_client, ngo):
    response = supervisor_client.post(f"/network/partners/{ngo.pk}/responders/new/", RESPONDER)
    assert response.status_code == 302
    responder = Responder.objects.get(name="Meera Joshi")
    assert responder.phone == "+919876543212" and responder.partner == ngo
    event = AuditEvent.objects.get(action="network.responder_created")
    assert "phone" not in event.detail  # a responder's number is not copied into the log


def test_a_bad_phone_number_is_refused_beside_the_field(supervisor_client, ngo):
    response = supervisor_client.post(
        f"/network/partners/{ngo.pk}/responders/new/", {**RESPONDER, "phone": "98765 43212"}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Enter the mobile number in international form" in body
    assert 'href="#id_phone"' in body
    assert not Responder.objects.filter(name="Meera Joshi").exists()


def test_a_responder_alerted_by_sms_needs_a_number_and_by_email_an_address(supervisor_client, ngo):
    url = f"/network/partners/{ngo.pk}/responders/new/"
    response = supervisor_client.post(url, {**RESPONDER, "phone": ""})
    assert "Give a mobile number: alerts reach them by SMS." in response.content.decode()
    response = supervisor_client.post(url, {**RESPONDER, "alert_channel": "both", "email": ""})
    assert "Give an e-mail address: alerts reach them by e-mail." in response.content.decode()


def test_editing_a_responders_number_logs_only_that_it_changed(supervisor_client, asha):
    response = supervisor_client.post(
        f"/network/responders/{asha.pk}/edit/",
        {
            "name": "Asha Patil",
            "phone": "+91 90000 00000",
            "email": "asha@saathi.example",
            "alert_channel": "both",
            "active": "on",
        },
    )
    assert response.status_code == 302
    changes = AuditEvent.objects.get(action="network.responder_changed").detail["changes"]
    assert changes["phone"] == ["…", "…"]
    assert changes["alert_channel"] == ["sms", "both"]


def test_a_supervisor_gives_a_responder_a_login_shown_once(
    supervisor_client, organisation, asha, ngo
):
    form = supervisor_client.get(f"/network/responders/{asha.pk}/login/")
    assert 'value="asha.patil"' in form.content.decode()
    response = supervisor_client.post(
        f"/network/responders/{asha.pk}/login/",
        {"username": "asha.patil", "email": "asha@saathi.example"},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = response.context["login"].password
    assert password in response.content.decode()
    user = User.objects.get(username="asha.patil")
    assert user.role == Role.RESPONDER and user.organisation == organisation
    assert PartnerMembership.objects.get(user=user).partner == ngo
    asha.refresh_from_db()
    assert asha.user == user
    assert authenticate(username="asha.patil", password=password) == user
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-2:] == ["accounts.user_created", "network.responder_login_created"]
    assert password not in str(list(AuditEvent.objects.values_list("detail", flat=True)))


def test_a_new_responder_login_must_set_up_two_factor_before_the_portal(client, asha, supervisor):
    from haven.network import responders
    from haven.network.views.common import Actor

    login = responders.give_login(
        asha, username="asha.patil", email="", actor=Actor.for_user(supervisor)
    )
    client.force_login(login.user)
    response = client.get("/network/portal/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/")


def test_a_taken_username_is_refused(supervisor_client, asha, supervisor):
    response = supervisor_client.post(
        f"/network/responders/{asha.pk}/login/", {"username": "SAM", "email": ""}
    )
    assert response.status_code == 400
    assert "That username is taken" in response.content.decode()
    asha.refresh_from_db()
    assert asha.user is None


def test_a_responder_with_a_login_is_not_given_another(supervisor_client, asha, responder_user):
    response = supervisor_client.post(
        f"/network/responders/{asha.pk}/login/", {"username": "asha2", "email": ""}, follow=True
    )
    assert "already has a login" in response.content.decode()
    assert not User.objects.filter(username="asha2").exists()


def test_deactivating_a_responder_switches_off_their_login_and_reactivating_on(
    supervisor_client, asha, responder_user
):
    supervisor_client.post(f"/network/responders/{asha.pk}/deactivate/")
    responder_user.refresh_from_db()
    assert not responder_user.is_active
    supervisor_client.post(
        f"/network/responders/{asha.pk}/edit/",
        {
            "name": "Asha Patil",
            "phone": "+919876543210",
            "email": "asha@saathi.example",
            "alert_channel": "sms",
            "active": "on",
        },
    )
    responder_user.refresh_from_db()
    assert responder_user.is_active
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"accounts.user_deactivated", "accounts.user_reactivated"} <= actions
