"""The addresses a provider calls: built from HAVEN_PUBLIC_BASE_URL, the address the
operator pastes into the provider's console (and that Twilio signs)."""

from django.conf import settings
from django.urls import reverse

from haven.messaging.models import SmsChannel


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
