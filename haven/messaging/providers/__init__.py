"""SMS providers behind one interface: Twilio's REST API (and compatible providers) and
a local fake for tests and demonstrations. `get_provider(channel)` picks the adapter."""

from haven.messaging.models import ProviderKind, SmsChannel
from haven.messaging.providers.base import (
    InboundSms,
    MalformedWebhook,
    Provider,
    ProviderError,
    SendResult,
    StatusUpdate,
)
from haven.messaging.providers.fake import FakeProvider, FakeSms
from haven.messaging.providers.twilio import TwilioProvider

__all__ = [
    "FakeProvider",
    "FakeSms",
    "InboundSms",
    "MalformedWebhook",
    "Provider",
    "ProviderError",
    "SendResult",
    "StatusUpdate",
    "TwilioProvider",
    "get_provider",
]

_ADAPTERS: dict[str, type[Provider]] = {
    ProviderKind.TWILIO: TwilioProvider,
    ProviderKind.FAKE: FakeProvider,
}


def get_provider(channel: SmsChannel) -> Provider:
    try:
        adapter = _ADAPTERS[channel.provider]
    except KeyError:
        raise ValueError(f"unknown SMS provider {channel.provider!r}") from None
    return adapter(channel)
