"""A provider that never leaves the machine: for tests and demonstrations.

`send` appends to `FakeProvider.outbox` (one list for the whole process) and answers
with ids "fake-1", "fake-2"… in order; `FakeProvider.failures` holds ProviderErrors that
the next sends raise, first first, so tests can play an outage or a refused number.

Its webhooks carry X-Haven-Fake-Signature: the hex HMAC-SHA256 of the raw request body
keyed with the channel's auth token (`FakeProvider.sign`). Inbound form fields: from,
to (default: the channel's number), body, id; status fields: id, status (sent,
delivered or failed) and error.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from dataclasses import dataclass
from typing import ClassVar

from django.http import HttpRequest

from haven.messaging.models import OutboundStatus, ProviderKind
from haven.messaging.providers.base import (
    MAX_ID_LENGTH,
    MAX_NUMBER_LENGTH,
    InboundSms,
    MalformedWebhook,
    Provider,
    ProviderError,
    SendResult,
    StatusUpdate,
    field,
)

SIGNATURE_HEADER = "X-Haven-Fake-Signature"
# A long-running demo process keeps only the latest messages in memory.
MAX_OUTBOX = 1000
STATUSES = {status.value: status.value for status in OutboundStatus if status.value != "queued"}


@dataclass(frozen=True)
class FakeSms:
    channel_id: int
    from_number: str
    to: str
    body: str
    provider_message_id: str


class FakeProvider(Provider):
    kind = ProviderKind.FAKE
    signature_header = SIGNATURE_HEADER

    outbox: ClassVar[list[FakeSms]] = []
    failures: ClassVar[list[ProviderError]] = []
    _count: ClassVar[int] = 0
    _lock: ClassVar[threading.Lock] = threading.Lock()

    @classmethod
    def reset(cls) -> None:
        """Empty the outbox and the planned failures; ids start at "fake-1" again."""
        with FakeProvider._lock:
            FakeProvider.outbox.clear()
            FakeProvider.failures.clear()
            FakeProvider._count = 0

    @staticmethod
    def sign(secret: str, body: bytes) -> str:
        return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()

    def send(self, to: str, body: str) -> SendResult:
        with FakeProvider._lock:
            if FakeProvider.failures:
                raise FakeProvider.failures.pop(0)
            FakeProvider._count += 1
            message_id = f"fake-{FakeProvider._count}"
            FakeProvider.outbox.append(
                FakeSms(self.channel.pk, self.channel.number, to, body, message_id)
            )
            del FakeProvider.outbox[:-MAX_OUTBOX]
        return SendResult(message_id)

    def signature_problem(self, request: HttpRequest, url: str) -> str:
        given = request.headers.get(SIGNATURE_HEADER, "")
        if not given:
            return "missing signature"
        secret, problem = self.secret_problem()
        if problem:
            return problem
        expected = self.sign(secret, request.body)
        return "" if hmac.compare_digest(expected.encode(), given.encode()) else "bad signature"

    def parse_inbound(self, request: HttpRequest) -> InboundSms:
        to = field(request, "to", required=False, limit=MAX_NUMBER_LENGTH)
        return InboundSms(
            from_number=field(request, "from", limit=MAX_NUMBER_LENGTH),
            to_number=to or self.channel.number,
            body=field(request, "body", required=False),
            provider_message_id=field(request, "id", limit=MAX_ID_LENGTH).strip(),
        )

    def parse_status(self, request: HttpRequest) -> StatusUpdate:
        message_id = field(request, "id", limit=MAX_ID_LENGTH).strip()
        status = field(request, "status").strip().lower()
        if status not in STATUSES:
            raise MalformedWebhook("unknown status")
        error = field(request, "error", required=False, limit=300).strip()
        if status == OutboundStatus.FAILED and not error:
            error = "The provider reports the message failed."
        return StatusUpdate(message_id, STATUSES[status], error)
