"""The SMS channel pages: who may see them, the sealed token, the webhook addresses,
the test message and the simulated phone."""

import json

import pytest
from django.urls import reverse

from conftest import make_user
from haven.accounts.models import Role
from haven.audit.models import AuditEvent
from haven.messaging.credentials import unseal_token
from haven.messaging.models import (
    OutboundMessage,
    OutboundStatus,
    ProviderKind,
    RejectedWebhook,
    SmsChannel,
)
from haven.messaging.providers import FakeProvider
from haven.messaging.tests.conftest import CHILD, PUBLIC, make_channel

pytestmark = pytest.mark.django_db

TWILIO = {
    "name": "Helpline SMS",
    "provider": "twilio",
    "number": "+44 1234 567890",
    "account_id": "AC0123456789abcdef",
    "auth_token": "s3cret-auth-token-value",
    "api_base_url": "",
}
CHANNEL_PAGES = [
    ("messaging:channel_edit", "get"),
    ("messaging:channel_edit", "post"),
    ("messaging:channel_deactivate", "post"),
    ("messaging:channel_test", "post"),
    ("messaging:channel_simulate", "get"),
    ("messaging:channel_simulate", "post"),
]


def test_a_supervisor_adds_a_channel_whose_token_is_sealed_and_never_shown_again(
    supervisor_client, organisation
):
    response = supervisor_client.post("/messaging/channels/new/", TWILIO)
    assert response.status_code == 302
    channel = SmsChannel.objects.get()
    assert channel.organisation == organisation and channel.number == "+441234567890"
    assert len(channel.public_id) >= 22
    assert TWILIO["auth_token"] not in channel.auth_token_sealed
    assert unseal_token(channel.auth_token_sealed) == TWILIO["auth_token"]
    for url in ("/messaging/channels/", f"/messaging/channels/{channel.pk}/edit/"):
        assert TWILIO["auth_token"] not in supervisor_client.get(url).content.decode()
    event = AuditEvent.objects.get(action="sms_channel.created")
    assert TWILIO["auth_token"] not in json.dumps(event.detail)


def test_the_list_shows_the_webhook_addresses_to_paste_into_the_provider(
    supervisor_client, organisation, django_assert_max_num_queries
):
    channel = make_channel(organisation, ProviderKind.TWILIO)
    make_channel(organisation, name="Demo phone")
    with django_assert_max_num_queries(10):
        body = supervisor_client.get("/messaging/channels/").content.decode()
    assert f"{PUBLIC}/messaging/inbound/{channel.public_id}/" in body
    assert f"{PUBLIC}/messaging/status/{channel.public_id}/" in body
    assert "Nothing leaves this machine" in body
    assert 'aria-label="Helpline"' in body  # the helpline menu


def test_the_list_shows_recent_messages_masked_and_refusals_by_reason_only(
    supervisor_client, organisation, fake_channel
):
    from haven.helpline.identity import seal

    OutboundMessage.objects.create(
        organisation=organisation,
        channel=fake_channel,
        to_sealed=seal(CHILD),
        body_sealed=seal("secret words"),
        purpose="chat",
        status=OutboundStatus.FAILED,
        error="Not delivered: the number is unknown or no longer in service (error 30005).",
    )
    RejectedWebhook.objects.create(channel=fake_channel, reason="bad signature")
    body = supervisor_client.get("/messaging/channels/").content.decode()
    assert CHILD not in body and "secret words" not in body
    assert "•" * 8 + "23" in body
    assert "no longer in service" in body and "bad signature" in body


def test_editing_keeps_the_token_unless_a_new_one_is_given(supervisor_client, organisation):
    supervisor_client.post("/messaging/channels/new/", TWILIO)
    channel = SmsChannel.objects.get()
    edit = f"/messaging/channels/{channel.pk}/edit/"
    data = TWILIO | {"auth_token": "", "name": "Renamed", "active": "on"}
    assert supervisor_client.post(edit, data).status_code == 302
    channel.refresh_from_db()
    assert (
        channel.name == "Renamed"
        and unseal_token(channel.auth_token_sealed) == "s3cret-auth-token-value"
    )
    supervisor_client.post(edit, data | {"auth_token": "new-token"})
    channel.refresh_from_db()
    assert unseal_token(channel.auth_token_sealed) == "new-token"
    changed = AuditEvent.objects.filter(action="sms_channel.changed").order_by("pk")
    assert [event.detail["token_changed"] for event in changed] == [False, True]
    assert "new-token" not in json.dumps([event.detail for event in changed])


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"number": "07700 900123"}, "number", "international format"),
        ({"account_id": ""}, "account_id", "account SID"),
        ({"auth_token": ""}, "auth_token", "auth token"),
        ({"api_base_url": "http://sms.example.net"}, "api_base_url", "https://"),
        ({"api_base_url": "https://10.0.0.1/api"}, "api_base_url", "may not connect"),
        ({"provider": "carrier-pigeon"}, "provider", "from the list"),
    ],
)
def test_a_channel_that_cannot_work_is_refused_with_the_reason_beside_the_field(
    supervisor_client, change, field, message
):
    response = supervisor_client.post("/messaging/channels/new/", TWILIO | change)
    assert response.status_code == 400
    assert message in " ".join(str(e) for e in response.context["form"].errors[field])
    assert not SmsChannel.objects.exists()


def test_a_fake_channel_gets_a_random_secret_and_is_refused_in_production(
    supervisor_client, settings
):
    fake = {"name": "Demo", "provider": "fake", "number": "+441234567890"}
    assert supervisor_client.post("/messaging/channels/new/", fake).status_code == 302
    assert len(unseal_token(SmsChannel.objects.get().auth_token_sealed)) >= 24
    settings.PRODUCTION = True
    response = supervisor_client.post("/messaging/channels/new/", fake | {"name": "Other"})
    assert response.status_code == 400
    assert "not for a helpline in production" in response.content.decode()


def test_one_channel_at_most_is_marked_for_alerts(supervisor_client, organisation):
    first = make_channel(organisation, used_for_alerts=True)
    supervisor_client.post(
        "/messaging/channels/new/", TWILIO | {"name": "Alerts", "used_for_alerts": "on"}
    )
    first.refresh_from_db()
    assert not first.used_for_alerts
    assert SmsChannel.objects.get(name="Alerts").used_for_alerts


def test_a_supervisor_deactivates_a_channel(supervisor_client, fake_channel):
    url = f"/messaging/channels/{fake_channel.pk}/deactivate/"
    assert supervisor_client.post(url).status_code == 302
    fake_channel.refresh_from_db()
    assert not fake_channel.active
    assert AuditEvent.objects.filter(action="sms_channel.deactivated").count() == 1
    page = supervisor_client.post(url, follow=True)
    assert "already inactive" in page.content.decode()


def test_a_test_message_goes_out_on_the_channel(
    supervisor_client, fake_channel, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = supervisor_client.post(
            f"/messaging/channels/{fake_channel.pk}/test/", {"to": CHILD}, follow=True
        )
    assert [(sms.to, sms.from_number) for sms in FakeProvider.outbox] == [
        (CHILD, fake_channel.number)
    ]
    assert "Test message from Haven" in FakeProvider.outbox[0].body
    assert OutboundMessage.objects.get().purpose == "test"
    assert "queued" in response.content.decode() or "went out" in response.content.decode()
    event = AuditEvent.objects.get(action="sms.queued")
    assert event.actor.username == "sam"


def test_a_test_message_to_a_bad_number_says_why(supervisor_client, fake_channel):
    response = supervisor_client.post(
        f"/messaging/channels/{fake_channel.pk}/test/", {"to": "12"}, follow=True
    )
    assert "international format" in response.content.decode()
    assert FakeProvider.outbox == []


def test_the_simulated_phone_texts_the_helpline_and_shows_the_replies(
    supervisor_client, fake_channel, chat_inbox, django_capture_on_commit_callbacks
):
    url = f"/messaging/channels/{fake_channel.pk}/simulate/"
    response = supervisor_client.post(url, {"from_number": CHILD, "body": "I need help"})
    assert response.status_code == 302 and "number=%2B447700900123" in response["Location"]
    [(channel, number, body, stored_id)] = chat_inbox.received
    assert (channel, number, body) == (fake_channel, CHILD, "I need help")
    assert stored_id.startswith(f"{fake_channel.pk}/sim-")
    assert AuditEvent.objects.filter(action="sms.simulated").exists()

    from haven.messaging.services import send_sms

    with django_capture_on_commit_callbacks(execute=True):
        send_sms(fake_channel.organisation, to=CHILD, body="We are here for you.", purpose="chat")
    page = supervisor_client.get(response["Location"]).content.decode()
    assert "We are here for you." in page


def test_only_a_fake_channel_can_be_texted_from_the_browser(supervisor_client, organisation):
    channel = make_channel(organisation, ProviderKind.TWILIO)
    url = f"/messaging/channels/{channel.pk}/simulate/"
    assert supervisor_client.get(url).status_code == 404
    assert supervisor_client.post(url, {"from_number": CHILD, "body": "x"}).status_code == 404


def test_the_simulated_phone_is_off_in_production(supervisor_client, fake_channel, settings):
    settings.PRODUCTION = True
    assert (
        supervisor_client.get(f"/messaging/channels/{fake_channel.pk}/simulate/").status_code == 404
    )


# --- Who may ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.COUNSELLOR, Role.ANALYST])
def test_staff_who_do_not_supervise_are_refused_every_channel_page(
    client, organisation, fake_channel, role
):
    from conftest import verified_client

    verified_client(client, make_user(organisation, "staff", role))
    assert client.get("/messaging/channels/").status_code == 403
    assert client.get("/messaging/channels/new/").status_code == 403
    for name, method in CHANNEL_PAGES:
        url = reverse(name, args=[fake_channel.pk])
        assert getattr(client, method)(url).status_code == 403, (name, method)


def test_another_organisations_supervisor_finds_none_of_the_channels(outsider_client, fake_channel):
    for name, method in CHANNEL_PAGES:
        url = reverse(name, args=[fake_channel.pk])
        assert getattr(outsider_client, method)(url).status_code == 404, (name, method)
    body = outsider_client.get("/messaging/channels/").content.decode()
    assert fake_channel.public_id not in body
    fake_channel.refresh_from_db()
    assert fake_channel.active and FakeProvider.outbox == []


def test_another_organisations_messages_and_refusals_are_not_listed(
    outsider_client, organisation, fake_channel
):
    OutboundMessage.objects.create(
        organisation=organisation,
        channel=fake_channel,
        to_sealed="",
        body_sealed="",
        purpose="chat",
        error="northern-only error",
    )
    RejectedWebhook.objects.create(channel=fake_channel, reason="northern-only reason")
    body = outsider_client.get("/messaging/channels/").content.decode()
    assert "northern-only" not in body


def test_the_pages_need_a_signed_in_supervisor(client, fake_channel):
    response = client.get("/messaging/channels/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_message_sent_on_a_fake_channel_links_to_what_the_phone_received(
    supervisor_client, organisation, fake_channel, twilio_channel
):
    from haven.helpline.identity import seal

    for channel in (fake_channel, twilio_channel):
        OutboundMessage.objects.create(
            organisation=organisation,
            channel=channel,
            to_sealed=seal(CHILD),
            body_sealed=seal("Alert EM-1"),
            purpose="alert",
        )
    body = supervisor_client.get("/messaging/channels/").content.decode()
    phone = reverse("messaging:channel_simulate", args=[fake_channel.pk])
    assert body.count("What the phone received") == 1
    assert f'href="{phone}?number={CHILD.replace("+", "%2B")}#replies"' in body
    assert "Alert EM-1" in supervisor_client.get(phone, {"number": CHILD}).content.decode()
