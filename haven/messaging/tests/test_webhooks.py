"""The providers' webhooks: inbound messages and delivery reports, signed or refused,
delivered once or twice."""

import pytest
from django.utils import timezone

from haven.chat.models import ChatMessage, DeliveryStatus, Sender
from haven.messaging import services
from haven.messaging.models import OutboundMessage, OutboundStatus, RejectedWebhook
from haven.messaging.tests.conftest import (
    CHILD,
    chat_message,
    conversation_for,
    fake_post,
    inbound_path,
    make_channel,
    status_path,
    twilio_post,
)
from haven.messaging.webhooks import MAX_REJECTIONS_PER_MINUTE

pytestmark = pytest.mark.django_db

SID = "SM" + "f" * 32


def _twilio_sms(**fields) -> dict:
    return {"MessageSid": SID, "From": CHILD, "To": "+441234567890", "Body": "help me"} | fields


# --- Inbound messages -----------------------------------------------------------------


def test_a_signed_twilio_message_reaches_the_chat_and_is_answered_with_empty_twiml(
    client, twilio_channel, chat_inbox
):
    response = twilio_post(client, inbound_path(twilio_channel), _twilio_sms())
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml"
    assert response.content.decode().endswith("<Response/>")
    assert chat_inbox.received == [(twilio_channel, CHILD, "help me", f"{twilio_channel.pk}/{SID}")]
    assert not RejectedWebhook.objects.exists()


def test_a_signed_fake_message_reaches_the_chat(client, fake_channel, chat_inbox):
    params = {"from": CHILD, "body": "is anyone there", "id": "in-1"}
    response = fake_post(client, inbound_path(fake_channel), params)
    assert response.status_code == 200 and response.content == b""
    assert chat_inbox.received == [
        (fake_channel, CHILD, "is anyone there", f"{fake_channel.pk}/in-1")
    ]


def test_a_query_string_is_part_of_what_twilio_signs(client, twilio_channel, chat_inbox):
    path = inbound_path(twilio_channel) + "?source=console"
    assert twilio_post(client, path, _twilio_sms()).status_code == 200
    assert len(chat_inbox.received) == 1


@pytest.mark.parametrize(
    ("signature", "reason"),
    [(None, "missing signature"), ("bm90IGl0", "bad signature")],
)
def test_a_call_without_the_right_signature_is_refused_and_kept_without_content(
    client, twilio_channel, chat_inbox, signature, reason
):
    extra = {"HTTP_X_TWILIO_SIGNATURE": signature} if signature else {}
    response = client.post(inbound_path(twilio_channel), _twilio_sms(), **extra)
    assert response.status_code == 403
    assert chat_inbox.received == []
    rejection = RejectedWebhook.objects.get()
    assert rejection.channel == twilio_channel and rejection.reason == reason
    assert rejection.ip_address == "127.0.0.1"
    row = str([(f.name, getattr(rejection, f.name)) for f in rejection._meta.fields])
    assert CHILD not in row and "help me" not in row


def test_a_call_signed_with_another_token_is_refused(client, twilio_channel, chat_inbox):
    response = twilio_post(client, inbound_path(twilio_channel), _twilio_sms(), token="guess")
    assert response.status_code == 403 and chat_inbox.received == []


def test_a_fake_call_with_a_wrong_secret_or_changed_body_is_refused(
    client, fake_channel, chat_inbox
):
    params = {"from": CHILD, "body": "hi", "id": "in-1"}
    assert fake_post(client, inbound_path(fake_channel), params, secret="x").status_code == 403
    response = client.post(
        inbound_path(fake_channel),
        "from=%2B447700900123&body=changed&id=in-1",
        content_type="application/x-www-form-urlencoded",
        HTTP_X_HAVEN_FAKE_SIGNATURE="0" * 64,
    )
    assert response.status_code == 403
    assert chat_inbox.received == [] and RejectedWebhook.objects.count() == 2


def test_another_channels_signature_does_not_open_this_one(
    client, organisation, other_organisation, chat_inbox
):
    ours = make_channel(organisation, token="ours")
    theirs = make_channel(other_organisation, token="theirs")
    params = {"from": CHILD, "body": "hi", "id": "in-1"}
    response = fake_post(client, inbound_path(ours), params, secret="theirs")
    assert response.status_code == 403
    assert fake_post(client, inbound_path(theirs), params, secret="theirs").status_code == 200


def test_an_unknown_channel_is_not_found_and_nothing_is_kept(client, chat_inbox):
    response = client.post("/messaging/inbound/no-such-channel/", _twilio_sms())
    assert response.status_code == 404
    assert not RejectedWebhook.objects.exists() and chat_inbox.received == []


def test_an_inactive_channel_is_not_found_and_its_supervisor_can_see_the_calls(
    client, organisation, chat_inbox
):
    channel = make_channel(organisation, active=False)
    response = fake_post(client, inbound_path(channel), {"from": CHILD, "body": "x", "id": "1"})
    assert response.status_code == 404
    assert RejectedWebhook.objects.get().reason == "channel inactive"
    assert chat_inbox.received == []


@pytest.mark.parametrize(
    "params",
    [
        {"MessageSid": SID, "Body": "no sender"},
        {"From": CHILD, "Body": "no id"},
        {"MessageSid": "S" * 200, "From": CHILD},
    ],
)
def test_a_signed_call_without_what_it_must_carry_is_a_bad_request(
    client, twilio_channel, chat_inbox, params
):
    response = twilio_post(client, inbound_path(twilio_channel), params)
    assert response.status_code == 400
    assert RejectedWebhook.objects.get().reason.startswith("malformed:")
    assert chat_inbox.received == []


def test_only_post_is_answered(client, twilio_channel):
    assert client.get(inbound_path(twilio_channel)).status_code == 405
    assert client.get(status_path(twilio_channel)).status_code == 405


def test_a_delivery_repeated_by_the_provider_is_answered_200_and_stored_once(
    client, twilio_channel, chat_inbox
):
    for _ in range(3):
        response = twilio_post(client, inbound_path(twilio_channel), _twilio_sms())
        assert response.status_code == 200
    assert len(chat_inbox.received) == 1


def test_a_repeated_delivery_that_loses_the_race_is_still_answered_200(
    client, twilio_channel, chat_inbox
):
    # The first copy is stored; the second copy, arriving at the same moment, fails on
    # the unique provider id.
    chat_message(
        conversation_for(twilio_channel),
        body="help me",
        sender=Sender.CHILD,
        provider_message_id=f"{twilio_channel.pk}/{SID}",
    )
    chat_inbox.race_lost()
    response = twilio_post(client, inbound_path(twilio_channel), _twilio_sms())
    assert response.status_code == 200
    assert ChatMessage.objects.filter(provider_message_id=f"{twilio_channel.pk}/{SID}").count() == 1


def test_a_message_that_could_not_be_stored_is_answered_500_so_the_provider_retries(
    client, twilio_channel, chat_inbox
):
    chat_inbox.failure = RuntimeError("database unavailable")
    response = twilio_post(client, inbound_path(twilio_channel), _twilio_sms())
    assert response.status_code == 500
    chat_inbox.failure = None
    assert twilio_post(client, inbound_path(twilio_channel), _twilio_sms()).status_code == 200
    assert len(chat_inbox.received) == 1


def test_rejections_of_a_flood_are_logged_but_kept_only_up_to_a_limit(
    client, fake_channel, settings
):
    for _ in range(MAX_REJECTIONS_PER_MINUTE + 5):
        client.post(inbound_path(fake_channel), {"from": CHILD})
    assert RejectedWebhook.objects.count() == MAX_REJECTIONS_PER_MINUTE


# --- Delivery reports -------------------------------------------------------------------


@pytest.fixture
def sent_reply(organisation, twilio_channel, django_capture_on_commit_callbacks):
    reply = chat_message(conversation_for(twilio_channel))
    with django_capture_on_commit_callbacks(execute=True):
        message = services.send_sms(
            organisation, to=CHILD, body="We hear you.", purpose="chat", chat_message=reply
        )
    message.refresh_from_db()
    assert message.status == OutboundStatus.SENT
    return message


def _report(client, message, status, **fields):
    params = {"MessageSid": message.provider_message_id, "MessageStatus": status} | fields
    return twilio_post(client, status_path(message.channel), params)


def test_a_delivery_report_marks_the_message_and_its_chat_message_delivered(client, sent_reply):
    assert _report(client, sent_reply, "delivered").status_code == 200
    sent_reply.refresh_from_db()
    assert sent_reply.status == OutboundStatus.DELIVERED
    assert sent_reply.chat_message.delivery == DeliveryStatus.DELIVERED


def test_an_undelivered_report_shows_the_counsellor_why(client, sent_reply):
    assert _report(client, sent_reply, "undelivered", ErrorCode="30005").status_code == 200
    sent_reply.refresh_from_db()
    assert sent_reply.status == OutboundStatus.FAILED
    assert "no longer in service" in sent_reply.error
    assert sent_reply.chat_message.delivery == DeliveryStatus.FAILED
    assert "no longer in service" in sent_reply.chat_message.delivery_error


def test_a_late_report_never_moves_a_message_backwards(client, sent_reply):
    _report(client, sent_reply, "delivered")
    for late in ("sent", "queued", "sending", "failed"):
        assert _report(client, sent_reply, late).status_code == 200
    sent_reply.refresh_from_db()
    assert sent_reply.status == OutboundStatus.DELIVERED
    assert sent_reply.chat_message.delivery == DeliveryStatus.DELIVERED


def test_a_report_about_an_unknown_message_changes_nothing(client, twilio_channel):
    response = twilio_post(
        client, status_path(twilio_channel), {"MessageSid": "SMother", "MessageStatus": "failed"}
    )
    assert response.status_code == 200


def test_a_report_about_another_channels_message_changes_nothing(client, organisation, sent_reply):
    other = make_channel(organisation)
    params = {"id": sent_reply.provider_message_id, "status": "failed"}
    assert fake_post(client, status_path(other), params).status_code == 200
    sent_reply.refresh_from_db()
    assert sent_reply.status == OutboundStatus.SENT


def test_a_report_with_a_bad_signature_is_refused(client, sent_reply):
    params = {"MessageSid": sent_reply.provider_message_id, "MessageStatus": "failed"}
    response = twilio_post(client, status_path(sent_reply.channel), params, token="wrong")
    assert response.status_code == 403
    assert RejectedWebhook.objects.get().reason == "bad signature"
    sent_reply.refresh_from_db()
    assert sent_reply.status == OutboundStatus.SENT


def test_a_malformed_report_is_a_bad_request(client, twilio_channel):
    response = twilio_post(client, status_path(twilio_channel), {"MessageSid": "SM1"})
    assert response.status_code == 400


def test_reports_still_reach_a_channel_deactivated_after_sending(client, sent_reply):
    sent_reply.channel.active = False
    sent_reply.channel.save()
    assert _report(client, sent_reply, "delivered").status_code == 200
    sent_reply.refresh_from_db()
    assert sent_reply.status == OutboundStatus.DELIVERED


def test_fake_delivery_reports_work_like_twilios(client, organisation, fake_channel):
    message = OutboundMessage.objects.create(
        organisation=organisation,
        channel=fake_channel,
        to_sealed="",
        body_sealed="",
        purpose="alert",
        status=OutboundStatus.SENT,
        provider_message_id="fake-7",
        sent_at=timezone.now(),
    )
    params = {"id": "fake-7", "status": "failed", "error": "Phone off."}
    assert fake_post(client, status_path(fake_channel), params).status_code == 200
    message.refresh_from_db()
    assert (message.status, message.error) == (OutboundStatus.FAILED, "Phone off.")
    bad = fake_post(client, status_path(fake_channel), {"id": "fake-7", "status": "lost"})
    assert bad.status_code == 400
