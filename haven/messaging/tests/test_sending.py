"""Sending: the channel chosen, the sealed message, the durable job, and what each of
the provider's answers leads to (against a local fake Twilio on 127.0.0.1)."""

import base64
import socket

import pytest

from haven.audit.models import AuditEvent
from haven.chat.models import DeliveryStatus
from haven.helpline.identity import unseal
from haven.jobs.models import Job
from haven.jobs.services import run_job
from haven.messaging import services
from haven.messaging.models import OutboundMessage, OutboundStatus, ProviderKind
from haven.messaging.providers import FakeProvider, ProviderError, get_provider
from haven.messaging.tests.conftest import (
    CHILD,
    PUBLIC,
    TWILIO_TOKEN,
    chat_message,
    conversation_for,
    make_channel,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """send_sms, with the job run as a worker would once the transaction commits."""

    def sending(organisation, **kwargs):
        kwargs.setdefault("to", CHILD)
        kwargs.setdefault("body", "We are here. Are you safe now?")
        kwargs.setdefault("purpose", services.Purpose.CHAT)
        with django_capture_on_commit_callbacks(execute=True):
            message = services.send_sms(organisation, **kwargs)
        if message is not None:
            message.refresh_from_db()
        return message

    return sending


def _retry_job(clock, seconds: int, django_capture_on_commit_callbacks) -> None:
    job = Job.objects.get(name="messaging.send", failed_at=None)
    clock.advance(seconds=seconds)
    with django_capture_on_commit_callbacks(execute=True):
        run_job(job.pk)


# --- Twilio over HTTP -------------------------------------------------------------------


def test_a_reply_goes_to_twilio_with_the_number_the_text_and_the_status_callback(
    organisation, twilio_channel, twilio_server, send
):
    message = send(organisation)

    assert message.status == OutboundStatus.SENT
    assert message.provider_message_id == "SM" + "0" * 31 + "1"
    assert message.sent_at is not None and message.attempts == 1 and message.error == ""
    [call] = twilio_server.calls
    assert call.path == "/2010-04-01/Accounts/AC0123456789abcdef/Messages.json"
    expected = base64.b64encode(f"AC0123456789abcdef:{TWILIO_TOKEN}".encode()).decode()
    assert call.headers["authorization"] == f"Basic {expected}"
    assert call.form == {
        "To": CHILD,
        "From": "+441234567890",
        "Body": "We are here. Are you safe now?",
        "StatusCallback": f"{PUBLIC}/messaging/status/{twilio_channel.public_id}/",
    }
    assert not Job.objects.exists()


def test_the_number_and_text_are_sealed_at_rest(organisation, twilio_channel, send):
    message = send(organisation)
    assert CHILD not in message.to_sealed and "safe" not in message.body_sealed
    assert unseal(message.to_sealed) == CHILD
    assert unseal(message.body_sealed) == "We are here. Are you safe now?"
    queued = AuditEvent.objects.get(action="sms.queued")
    assert CHILD not in str(queued.detail) and "safe" not in str(queued.detail)


def test_a_refused_message_is_not_retried_and_the_counsellor_sees_why(
    organisation, twilio_channel, twilio_server, send
):
    twilio_server.answer(
        400,
        {"code": 21211, "message": f"The 'To' number {CHILD} is not a valid phone number."},
    )
    reply = chat_message(conversation_for(twilio_channel))

    message = send(organisation, chat_message=reply)

    assert message.status == OutboundStatus.FAILED
    assert "HTTP 400" in message.error and "error 21211" in message.error
    assert CHILD not in message.error  # the provider's words, without the number
    assert len(twilio_server.calls) == 1 and not Job.objects.exists()
    reply.refresh_from_db()
    assert reply.delivery == DeliveryStatus.FAILED and reply.delivery_error == message.error
    assert AuditEvent.objects.filter(action="sms.failed").count() == 1


def test_refused_credentials_fail_at_once(organisation, twilio_channel, twilio_server, send):
    twilio_server.answer(401, {"code": 20003, "message": "Authenticate"})
    message = send(organisation)
    assert message.status == OutboundStatus.FAILED
    assert "refused the account SID or auth token" in message.error
    assert not Job.objects.exists()


def test_a_provider_outage_is_retried_with_back_off_until_it_is_sent(
    organisation, twilio_channel, twilio_server, send, clock, django_capture_on_commit_callbacks
):
    twilio_server.answer(500, {"message": "oops"})
    twilio_server.answer(429, {"message": "slow down"})
    reply = chat_message(conversation_for(twilio_channel))

    message = send(organisation, chat_message=reply)
    assert message.status == OutboundStatus.QUEUED and message.attempts == 1
    assert message.error.startswith("Attempt 1 failed, trying again:")
    reply.refresh_from_db()
    assert reply.delivery == DeliveryStatus.QUEUED

    # The job system's back-off: not before it has passed.
    job = Job.objects.get(name="messaging.send")
    assert run_job(job.pk) is False
    assert len(twilio_server.calls) == 1

    _retry_job(clock, 21, django_capture_on_commit_callbacks)  # 429: slow down
    message.refresh_from_db()
    assert message.status == OutboundStatus.QUEUED and message.attempts == 2
    assert "HTTP 429" in message.error

    _retry_job(clock, 41, django_capture_on_commit_callbacks)
    message.refresh_from_db()
    assert message.status == OutboundStatus.SENT and message.attempts == 3
    assert message.error == "" and len(twilio_server.calls) == 3
    reply.refresh_from_db()
    assert reply.delivery == DeliveryStatus.SENT
    assert not Job.objects.exists()


def test_a_provider_that_does_not_answer_in_time_is_retried_then_given_up(
    organisation,
    twilio_channel,
    twilio_server,
    send,
    clock,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.SMS_API_TIMEOUT_SECONDS = 0.3
    settings.JOB_MAX_ATTEMPTS = 2
    twilio_server.answer(201, {"sid": "SMlate"}, delay=3)
    twilio_server.answer(201, {"sid": "SMlate2"}, delay=3)

    message = send(organisation)
    assert message.status == OutboundStatus.QUEUED
    assert "did not answer within 0.3 seconds" in message.error

    _retry_job(clock, 21, django_capture_on_commit_callbacks)
    message.refresh_from_db()
    assert message.status == OutboundStatus.FAILED and message.attempts == 2
    assert message.error.endswith("Gave up after 2 attempts.")
    assert not Job.objects.exists()


def test_plain_http_is_refused_unless_allowed_and_nothing_is_sent(
    organisation, twilio_channel, twilio_server, send, settings
):
    settings.SMS_API_ALLOW_HTTP = False
    message = send(organisation)
    assert message.status == OutboundStatus.FAILED
    assert "must start with https://" in message.error
    assert twilio_server.calls == []


def test_an_unreachable_provider_is_retried(organisation, send, settings):
    settings.SMS_API_ALLOW_HTTP = True
    settings.FETCH_TEST_ALLOW_NETWORKS = ["127.0.0.1/32"]
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        dead = free.getsockname()[1]
    make_channel(organisation, ProviderKind.TWILIO, api_base_url=f"http://127.0.0.1:{dead}")
    message = send(organisation)
    assert message.status == OutboundStatus.QUEUED
    assert "Could not reach the provider" in message.error


# --- Choosing the channel ---------------------------------------------------------------


def test_without_an_active_channel_nothing_is_queued(organisation, send):
    make_channel(organisation, active=False)
    assert send(organisation) is None
    assert not OutboundMessage.objects.exists()


def test_a_reply_goes_out_on_the_number_the_child_texted(organisation, send):
    make_channel(organisation, name="First")
    texted = make_channel(organisation, name="Texted", number="+441111111111")
    reply = chat_message(conversation_for(texted))
    message = send(organisation, chat_message=reply)
    assert message.channel == texted and message.chat_message == reply
    assert FakeProvider.outbox[-1].from_number == "+441111111111"


def test_a_reply_falls_back_to_an_active_channel_when_the_childs_is_inactive(organisation, send):
    first = make_channel(organisation, name="First")
    texted = make_channel(organisation, name="Texted", active=False)
    message = send(organisation, chat_message=chat_message(conversation_for(texted)))
    assert message.channel == first


def test_alerts_use_the_alert_channel_else_the_first_active_one(
    organisation, other_organisation, send
):
    assert services.alert_channel(organisation) is None
    first = make_channel(organisation, name="First")
    make_channel(other_organisation, name="Theirs", used_for_alerts=True)
    assert services.alert_channel(organisation) == first
    alerts = make_channel(organisation, name="Alerts", used_for_alerts=True)
    assert services.alert_channel(organisation) == alerts
    message = send(organisation, purpose=services.Purpose.ALERT, body="Emergency E-1: call now")
    assert message.channel == alerts
    assert send(organisation, body="reply").channel == first


def test_another_organisations_channel_is_never_used(organisation, other_organisation, send):
    ours = make_channel(organisation)
    theirs = make_channel(other_organisation)
    assert send(organisation, channel=theirs).channel == ours


# --- Refusals, long texts, the fake ---------------------------------------------------


@pytest.mark.parametrize(("to", "body"), [("07700 900123", "hello"), (CHILD, "   ")])
def test_a_bad_number_or_empty_text_is_recorded_as_failed_and_not_sent(
    organisation, fake_channel, send, to, body
):
    reply = chat_message(conversation_for(fake_channel))
    message = send(organisation, to=to, body=body, chat_message=reply)
    assert message.status == OutboundStatus.FAILED and message.error.startswith("Not sent:")
    assert FakeProvider.outbox == [] and not Job.objects.exists()
    reply.refresh_from_db()
    assert reply.delivery == DeliveryStatus.FAILED
    assert AuditEvent.objects.filter(action="sms.refused").exists()


def test_a_number_is_sent_in_its_normal_form(organisation, fake_channel, send):
    send(organisation, to=" +44 (7700) 900-123 ")
    assert FakeProvider.outbox[-1].to == CHILD


def test_a_long_text_is_split_into_numbered_parts_sent_in_order(organisation, fake_channel, send):
    words = " ".join(f"word{n}" for n in range(700))  # about 5,500 characters
    reply = chat_message(conversation_for(fake_channel))
    head = send(organisation, body=words, chat_message=reply)
    parts = [sms.body for sms in FakeProvider.outbox]
    assert len(parts) == 4
    assert [part.split(" ", 1)[0] for part in parts] == ["(1/4)", "(2/4)", "(3/4)", "(4/4)"]
    assert all(len(part) <= services.MAX_BODY_CHARS for part in parts)
    assert " ".join(part.split(" ", 1)[1] for part in parts) == words  # cut between words
    assert head.chat_message == reply
    assert OutboundMessage.objects.filter(status=OutboundStatus.SENT).count() == 4


def test_splitting_counts_emoji_as_two_units():
    parts = services.split("🙂" * 1000)
    assert len(parts) == 2
    assert all(services.utf16_length(part) <= 1600 for part in parts)
    assert services.split("x" * 1600) == ["x" * 1600]


def test_when_a_part_fails_the_later_parts_are_not_sent(
    organisation, fake_channel, send, monkeypatch
):
    reply = chat_message(conversation_for(fake_channel))
    original = FakeProvider.send
    bodies: list[str] = []

    def second_part_refused(self, to, body):
        bodies.append(body)
        if len(bodies) == 2:
            raise ProviderError("Refused.", retryable=False)
        return original(self, to, body)

    monkeypatch.setattr(FakeProvider, "send", second_part_refused)
    send(organisation, body=" ".join(f"word{n}" for n in range(700)), chat_message=reply)

    assert len(bodies) == 2
    statuses = list(OutboundMessage.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == [OutboundStatus.SENT] + [OutboundStatus.FAILED] * 3
    reply.refresh_from_db()
    assert reply.delivery == DeliveryStatus.FAILED and reply.delivery_error == "Refused."


def test_asking_twice_for_one_chat_message_sends_it_once(organisation, fake_channel, send):
    reply = chat_message(conversation_for(fake_channel))
    first = send(organisation, chat_message=reply)
    again = send(organisation, chat_message=reply)
    assert first == again and len(FakeProvider.outbox) == 1


def test_the_send_job_is_registered_when_the_app_starts():
    from haven.jobs.registry import handler_for
    from haven.messaging.jobs import send as send_job

    assert handler_for("messaging.send") is send_job


def test_the_fake_provider_keeps_what_it_sent_and_plays_planned_failures(
    organisation, fake_channel
):
    provider = get_provider(fake_channel)
    assert provider.send(CHILD, "one").provider_message_id == "fake-1"
    FakeProvider.failures.append(ProviderError("Down.", retryable=True))
    with pytest.raises(ProviderError) as raised:
        provider.send(CHILD, "two")
    assert raised.value.retryable
    assert provider.send(CHILD, "three").provider_message_id == "fake-2"
    assert [(sms.to, sms.body) for sms in FakeProvider.outbox] == [(CHILD, "one"), (CHILD, "three")]
    assert FakeProvider.outbox[0].channel_id == fake_channel.pk
