"""SMS channels of the Northern Hotline (a Twilio one against a local fake Twilio, and a
fake one), and a stand-in for the chat's `receive_sms` where a test is about the
webhook rather than the chat."""

import importlib
import sys
import types
from urllib.parse import urlencode

import pytest
from django.db import IntegrityError
from django.utils import timezone

from haven.chat.models import ChatMessage, Conversation, ConversationChannel, Sender
from haven.messaging.credentials import seal_token
from haven.messaging.models import ProviderKind, SmsChannel
from haven.messaging.providers import FakeProvider
from haven.messaging.providers.twilio import signature
from haven.messaging.tests.twilio_server import FakeTwilio

PUBLIC = "https://haven.example.org"
TWILIO_TOKEN = "twilio-auth-token-0123456789"
FAKE_SECRET = "fake-shared-secret"
CHILD = "+447700900123"


@pytest.fixture(autouse=True)
def _empty_fake_provider(settings):
    settings.PUBLIC_BASE_URL = PUBLIC
    FakeProvider.reset()
    yield
    FakeProvider.reset()


@pytest.fixture
def twilio_server(settings):
    """The fake Twilio, reachable over plain http on 127.0.0.1 (tests only)."""
    settings.SMS_API_ALLOW_HTTP = True
    settings.FETCH_TEST_ALLOW_NETWORKS = ["127.0.0.1/32"]
    settings.SMS_API_TIMEOUT_SECONDS = 5.0
    server = FakeTwilio()
    yield server
    server.close()


def make_channel(organisation, provider=ProviderKind.FAKE, **fields) -> SmsChannel:
    token = fields.pop("token", TWILIO_TOKEN if provider == ProviderKind.TWILIO else FAKE_SECRET)
    defaults = {
        "name": "Helpline SMS" if provider == ProviderKind.TWILIO else "Demo SMS",
        "number": "+441234567890",
        "public_id": f"{provider}-{organisation.pk}-{SmsChannel.objects.count()}",
        "account_id": "AC0123456789abcdef" if provider == ProviderKind.TWILIO else "",
    }
    return SmsChannel.objects.create(
        organisation=organisation,
        provider=provider,
        auth_token_sealed=seal_token(token) if token else "",
        **(defaults | fields),
    )


@pytest.fixture
def fake_channel(organisation) -> SmsChannel:
    return make_channel(organisation)


@pytest.fixture
def twilio_channel(organisation, twilio_server) -> SmsChannel:
    return make_channel(organisation, ProviderKind.TWILIO, api_base_url=twilio_server.url)


def conversation_for(channel: SmsChannel, number: str = CHILD) -> Conversation:
    from haven.helpline.identity import contact_key, seal

    return Conversation.objects.create(
        organisation_id=channel.organisation_id,
        channel=ConversationChannel.SMS,
        sms_channel=channel,
        address_sealed=seal(number),
        contact_key=contact_key(channel.organisation_id, number),
        last_activity_at=timezone.now(),
    )


def chat_message(conversation: Conversation, body="Are you safe tonight?", **fields):
    seq = conversation.messages.count() + 1
    return ChatMessage.objects.create(
        conversation=conversation,
        seq=seq,
        sender=fields.pop("sender", Sender.COUNSELLOR),
        body=body,
        created_at=timezone.now(),
        **fields,
    )


# --- Signed webhook calls -------------------------------------------------------------


def twilio_post(client, path: str, params: dict, token: str = TWILIO_TOKEN, **extra):
    body = urlencode(params)
    signed = signature(token, PUBLIC + path, sorted(params.items()))
    return client.post(
        path,
        body,
        content_type="application/x-www-form-urlencoded",
        HTTP_X_TWILIO_SIGNATURE=signed,
        **extra,
    )


def fake_post(client, path: str, params: dict, secret: str = FAKE_SECRET, **extra):
    body = urlencode(params)
    return client.post(
        path,
        body,
        content_type="application/x-www-form-urlencoded",
        HTTP_X_HAVEN_FAKE_SIGNATURE=FakeProvider.sign(secret, body.encode()),
        **extra,
    )


def inbound_path(channel: SmsChannel) -> str:
    return f"/messaging/inbound/{channel.public_id}/"


def status_path(channel: SmsChannel) -> str:
    return f"/messaging/status/{channel.public_id}/"


# --- The chat, stood in for -----------------------------------------------------------


class ChatInbox:
    """What `receive_sms` was given; stores each provider id once, like the chat."""

    def __init__(self) -> None:
        self.received: list[tuple] = []
        self.failure: Exception | None = None

    def __call__(self, sms_channel, from_number, body, provider_message_id):
        if self.failure is not None:
            raise self.failure
        if any(entry[3] == provider_message_id for entry in self.received):
            return None
        self.received.append((sms_channel, from_number, body, provider_message_id))
        return provider_message_id

    def race_lost(self) -> None:
        """The next call fails as the losing copy of a duplicate would."""
        self.failure = IntegrityError("UNIQUE constraint failed: provider_message_id")


@pytest.fixture
def chat_inbox(monkeypatch) -> ChatInbox:
    inbox = ChatInbox()
    try:
        module = importlib.import_module("haven.chat.services")
    except ImportError:
        module = types.ModuleType("haven.chat.services")
        monkeypatch.setitem(sys.modules, "haven.chat.services", module)
    monkeypatch.setattr(module, "receive_sms", inbox, raising=False)
    return inbox
