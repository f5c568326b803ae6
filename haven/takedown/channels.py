"""How a notice reaches a host: by e-mail (SMTP in production), or by a host's notice API.

Every channel has one method, `send(notice, contact)`, which returns when the notice is
handed over and raises `DeliveryFailed(reason)` when it is not. `FakeChannel` keeps
notices in memory for tests.

The API payload (POST, JSON, `Authorization: Bearer <token>`), for hosts that implement
it (see docs/takedown.md):

    {"url": "https://…",            the address to remove
     "reference": "TD-ABCDE-FGHJK", quote it when answering
     "kind": "first" | "reminder" | "escalation",
     "language": "en",
     "subject": "…", "body": "…",   the notice as text, as it would be e-mailed
     "hashes": [{"type": "sha256", "value": "…"}, …],
     "classification": [{"scheme": "INTERPOL", "label": "Baseline"}, …],
     "reply_url": "https://…/takedown/answer/…/"}

Any 2xx answer means delivered. No material is ever attached, by any channel. The call
goes through `haven.fetching.outbound`: https only (unless `TAKEDOWN_API_ALLOW_HTTP`), the
address policy of the fetcher, no redirects followed, one deadline and a size cap on the
answer.
"""

import smtplib
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.core.mail import BadHeaderError, EmailMessage, get_connection

from haven.fetching import outbound
from haven.takedown.seams import ContactLike

# Seconds to wait for a mail server or a host's API before calling the notice failed.
SEND_TIMEOUT_SECONDS = 30
API_CONNECT_TIMEOUT_SECONDS = 10
# A host's answer is only looked at for its status; more than this is not a notice API.
API_MAX_ANSWER_BYTES = 64 * 1024
ERROR_MAX_LENGTH = 300


class DeliveryFailed(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason[:ERROR_MAX_LENGTH]


@dataclass(frozen=True)
class OutgoingNotice:
    """A rendered notice and the facts a machine reader wants beside its text."""

    reference: str
    kind: str
    language: str
    subject: str
    body: str
    url: str
    reply_url: str
    hashes: list[dict[str, str]] = field(default_factory=list)
    classification: list[dict[str, str]] = field(default_factory=list)
    reply_to: str = ""

    def payload(self) -> dict:
        return {
            "url": self.url,
            "reference": self.reference,
            "kind": self.kind,
            "language": self.language,
            "subject": self.subject,
            "body": self.body,
            "hashes": self.hashes,
            "classification": self.classification,
            "reply_url": self.reply_url,
        }


class NoticeChannel(Protocol):
    def send(self, notice: OutgoingNotice, contact: ContactLike) -> None: ...


class EmailChannel:
    """Plain-text e-mail through Django's mail backend (EMAIL_* settings)."""

    def send(self, notice: OutgoingNotice, contact: ContactLike) -> None:
        message = EmailMessage(
            subject=notice.subject,
            body=notice.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[contact.recipient],
            reply_to=[notice.reply_to] if notice.reply_to else None,
            headers={"X-Haven-Takedown": notice.reference},
            connection=get_connection(fail_silently=False, timeout=SEND_TIMEOUT_SECONDS),
        )
        try:
            sent = message.send(fail_silently=False)
        except (smtplib.SMTPException, OSError, BadHeaderError, ValueError) as error:
            raise DeliveryFailed(f"The mail server refused it: {error}") from error
        if sent != 1:
            raise DeliveryFailed("The mail server accepted nothing.")


class ApiChannel:
    """A JSON POST to the host's notice API, with the host's token."""

    def send(self, notice: OutgoingNotice, contact: ContactLike) -> None:
        try:
            # A redirect is not followed (it would carry the token elsewhere): it comes
            # back as a 3xx answer, which is not a delivery.
            response = outbound.post_json(
                contact.recipient,
                notice.payload(),
                headers={"Authorization": f"Bearer {contact.api_token}"},
                timeout=SEND_TIMEOUT_SECONDS,
                connect_timeout=API_CONNECT_TIMEOUT_SECONDS,
                max_bytes=API_MAX_ANSWER_BYTES,
                allow_http=api_http_allowed(),
            )
        except outbound.OutboundError as error:
            raise DeliveryFailed(_api_failure(error)) from error
        if not 200 <= response.status < 300:
            raise DeliveryFailed(f"The host's API answered HTTP {response.status}.")


def api_http_allowed() -> bool:
    """Whether a notice API may be called over plain http, which would carry the token
    in clear (HAVEN_TAKEDOWN_API_ALLOW_HTTP: tests and closed networks only)."""
    return bool(getattr(settings, "TAKEDOWN_API_ALLOW_HTTP", False))


def _api_failure(error: outbound.OutboundError) -> str:
    if error.reason in ("not_https", "insecure_redirect"):
        return (
            f"The host's notice API was not called: {error} Its address must start with "
            "https://; correct it in the hosting directory."
        )
    if error.refused:
        return f"The host's notice API was not called: {error} Correct it in the directory."
    if error.reason == "timeout":
        return f"The host's API did not answer within {SEND_TIMEOUT_SECONDS:g} seconds."
    if error.reason == "too_large":
        return f"The host's API answer was too large: {error}"
    return f"The host's API could not be reached: {error}"


@dataclass
class FakeChannel:
    """Keeps what it is given; fails with `fail_with` when that is set."""

    sent: list[tuple[OutgoingNotice, ContactLike]] = field(default_factory=list)
    fail_with: str = ""

    def send(self, notice: OutgoingNotice, contact: ContactLike) -> None:
        if self.fail_with:
            raise DeliveryFailed(self.fail_with)
        self.sent.append((notice, contact))
