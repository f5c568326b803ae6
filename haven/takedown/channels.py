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

Any 2xx answer means delivered. No material is ever attached, by any channel.
"""

import smtplib
from dataclasses import dataclass, field
from typing import Protocol

import requests
from django.conf import settings
from django.core.mail import BadHeaderError, EmailMessage, get_connection

from haven.takedown.seams import ContactLike

# Seconds to wait for a mail server or a host's API before calling the notice failed.
SEND_TIMEOUT_SECONDS = 30
API_CONNECT_TIMEOUT_SECONDS = 10
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
            response = requests.post(
                contact.recipient,
                json=notice.payload(),
                headers={"Authorization": f"Bearer {contact.api_token}"},
                timeout=(API_CONNECT_TIMEOUT_SECONDS, SEND_TIMEOUT_SECONDS),
                # A redirect would carry the token somewhere else: refuse to follow.
                allow_redirects=False,
            )
        except requests.RequestException as error:
            raise DeliveryFailed(f"The host's API could not be reached: {error}") from error
        with response:
            if not 200 <= response.status_code < 300:
                raise DeliveryFailed(f"The host's API answered HTTP {response.status_code}.")


@dataclass
class FakeChannel:
    """Keeps what it is given; fails with `fail_with` when that is set."""

    sent: list[tuple[OutgoingNotice, ContactLike]] = field(default_factory=list)
    fail_with: str = ""

    def send(self, notice: OutgoingNotice, contact: ContactLike) -> None:
        if self.fail_with:
            raise DeliveryFailed(self.fail_with)
        self.sent.append((notice, contact))
