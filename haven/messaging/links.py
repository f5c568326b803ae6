"""The addresses a provider calls: built from HAVEN_PUBLIC_BASE_URL, the address the
operator pastes into the provider's console (and that Twilio signs)."""

from urllib.parse import urlencode

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.urls import reverse

from haven.helpline.identity import unseal
from haven.messaging.models import OutboundMessage, ProviderKind, SmsChannel


def public_base_url() -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/")


def inbound_url(channel: SmsChannel) -> str:
    return public_base_url() + reverse("messaging:inbound", args=[channel.public_id])


def status_url(channel: SmsChannel) -> str:
    return public_base_url() + reverse("messaging:status", args=[channel.public_id])


def called_url(request) -> str:
    """The full address the provider called, as it signed it: the public base address
    (not the Host header, which a proxy may have changed) with the path and query."""
    return public_base_url() + request.get_full_path()


def simulated_phone_url(message: OutboundMessage) -> str:
    """The browser "phone" that shows what `message`'s recipient got, or "" when there is
    none: only a fake channel has one (its numbers and texts are made up for a demo or a
    test); a real provider's messages went to a real phone and are never shown so."""
    channel = message.channel
    if channel.provider != ProviderKind.FAKE or settings.PRODUCTION:
        return ""
    try:
        number = unseal(message.to_sealed)
    except InvalidToken:
        return ""
    query = urlencode({"number": number})
    return f"{reverse('messaging:channel_simulate', args=[channel.pk])}?{query}#replies"
