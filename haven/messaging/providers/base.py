"""What every SMS provider adapter does, and the plain values it hands back.

An adapter sends one message, checks that a webhook call really comes from the
provider, and reads the provider's inbound-message and delivery-status webhooks into
`InboundSms` and `StatusUpdate`. Nothing here writes to the database: the callers
(`haven.messaging.sending`, `haven.messaging.webhooks`) decide what to keep.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse

from haven.messaging.credentials import TokenUnreadable, unseal_token
from haven.messaging.models import SmsChannel

# A provider's message id, an error text, a phone number: longer is not a real one.
MAX_ID_LENGTH = 80
MAX_NUMBER_LENGTH = 40


class ProviderError(Exception):
    """The provider did not take the message. `retryable`: trying again later may work
    (an outage, a timeout, "slow down"); otherwise it will not (bad credentials, a
    number the provider refuses). The message is a sentence for staff, never a secret
    and never the recipient's number."""

    def __init__(self, message: str = "", *, retryable: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable


class MalformedWebhook(ValueError):
    """A webhook call signed correctly but missing what it must carry."""


@dataclass(frozen=True)
class SendResult:
    provider_message_id: str


@dataclass(frozen=True)
class InboundSms:
    from_number: str
    to_number: str
    body: str
    provider_message_id: str


@dataclass(frozen=True)
class StatusUpdate:
    provider_message_id: str
    status: str  # an OutboundStatus value, or "" for a report that changes nothing
    error: str = ""


class Provider(ABC):
    """One channel's provider. Built per channel by `get_provider(channel)`."""

    kind: str = ""
    signature_header: str = ""  # the HTTP header carrying the webhook signature

    def __init__(self, channel: SmsChannel) -> None:
        self.channel = channel

    @abstractmethod
    def send(self, to: str, body: str) -> SendResult:
        """Hand one message to the provider, or raise ProviderError."""

    def verify_webhook(self, request: HttpRequest, url: str) -> bool:
        """Whether the call is signed by the provider for this channel; `url` is the
        full address the provider called (Haven's public address + path + query)."""
        return not self.signature_problem(request, url)

    @abstractmethod
    def signature_problem(self, request: HttpRequest, url: str) -> str:
        """Why the signature is not acceptable ("" when it is), for the rejection log."""

    @abstractmethod
    def parse_inbound(self, request: HttpRequest) -> InboundSms:
        """The message a child sent, or MalformedWebhook."""

    @abstractmethod
    def parse_status(self, request: HttpRequest) -> StatusUpdate:
        """A delivery report for a message Haven sent, or MalformedWebhook."""

    def inbound_response(self) -> HttpResponse:
        """What the provider expects back once an inbound message is stored."""
        return HttpResponse(status=200)

    def secret(self) -> str:
        """The channel's auth token (or shared secret); raises TokenUnreadable."""
        return unseal_token(self.channel.auth_token_sealed)

    def secret_problem(self) -> tuple[str, str]:
        """(secret, "") or ("", why the stored secret cannot be used)."""
        try:
            secret = self.secret()
        except TokenUnreadable:
            return "", "auth token unreadable (the key changed): enter it again"
        return (secret, "") if secret else ("", "no auth token stored for the channel")


def field(request: HttpRequest, name: str, *, required: bool = True, limit: int = 0) -> str:
    """One form field of a webhook call, checked for presence and length."""
    value = request.POST.get(name, "")
    if required and not value.strip():
        raise MalformedWebhook(f"missing {name}")
    if limit and len(value) > limit:
        raise MalformedWebhook(f"{name} too long")
    return value
