"""Sending SMS: replies to children and alerts to responders.

`send_sms` chooses the channel, seals the number and the text, writes one
OutboundMessage per part and queues the durable job `messaging.send`, all in the
caller's transaction: the message exists before anything is sent, and is sent only
once that transaction commits. The job (`deliver`) calls the provider. An outage, a
timeout or "slow down" is retried with the job system's back-off (20 s, 40 s, 80 s…)
until `HAVEN_JOB_MAX_ATTEMPTS`; a refusal that retrying cannot cure (bad credentials, a
number the provider refuses) fails at once. A failed message keeps its reason, and the
chat message it carries is marked failed with it, so the counsellor sees that the SMS
did not go.

Longer texts than one provider message takes (1600 characters) are split into numbered
parts, "(1/2) …", sent in order: each part's job queues the next once it has gone.
"""

import logging
import re

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from haven.audit.services import Actor, record
from haven.chat.models import ChatMessage, DeliveryStatus
from haven.helpline.identity import normalise_handle, seal, unseal
from haven.jobs.services import enqueue
from haven.messaging.models import OutboundMessage, OutboundStatus, SmsChannel
from haven.messaging.providers import ProviderError, StatusUpdate, get_provider

log = logging.getLogger(__name__)

# Twilio takes at most 1600 characters in one API message (and itself splits them into
# the 160- or 70-character segments phones receive). Counted in UTF-16 units, as the
# network counts them: an emoji is two.
MAX_BODY_CHARS = 1600
MAX_PARTS = 10
# "(10/10) " at most: room kept in every part for its number.
_MARK_ROOM = 8
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
JOB = "messaging.send"
ERROR_LENGTH = 300
# How far each status is along the way: a report never moves a message backwards
# (a late "sent" after "delivered"), and delivered and failed are both final.
_PROGRESS: dict[str, int] = {
    OutboundStatus.QUEUED: 0,
    OutboundStatus.SENT: 1,
    OutboundStatus.DELIVERED: 2,
    OutboundStatus.FAILED: 2,
}


class Purpose:
    CHAT = "chat"
    ALERT = "alert"
    TEST = "test"


class SendLater(Exception):
    """The provider may take it later: raised so that the job system retries the job."""


# --- Choosing a channel -----------------------------------------------------------------


def alert_channel(organisation) -> SmsChannel | None:
    """Where alerts to responders go out: the active channel marked for alerts, else
    the first active channel; None when the organisation has none."""
    return (
        SmsChannel.objects.filter(organisation=organisation, active=True)
        .order_by("-used_for_alerts", "pk")
        .first()
    )


def choose_channel(
    organisation, *, purpose: str, chat_message=None, channel: SmsChannel | None = None
) -> SmsChannel | None:
    """The channel named, else the conversation's (a reply goes out on the number the
    child texted), else the alert channel for alerts, else the first active one. An
    inactive or foreign channel is passed over."""
    candidates = [channel]
    if chat_message is not None:
        channel_id = chat_message.conversation.sms_channel_id
        candidates.append(SmsChannel.objects.filter(pk=channel_id).first() if channel_id else None)
    for candidate in candidates:
        if (
            candidate is not None
            and candidate.active
            and candidate.organisation_id == organisation.pk
        ):
            return candidate
    if purpose == Purpose.ALERT:
        return alert_channel(organisation)
    return SmsChannel.objects.filter(organisation=organisation, active=True).order_by("pk").first()


# --- Queueing -------------------------------------------------------------------------


def send_sms(
    organisation,
    *,
    to: str,
    body: str,
    purpose: str,
    chat_message=None,
    channel: SmsChannel | None = None,
    actor: Actor | None = None,
) -> OutboundMessage | None:
    """Queue a message (see the module docstring). Returns its first part, or None when
    the organisation has no active channel (the caller falls back and records it).

    A number that is not in international format, or an empty text, is not sent: the
    message is recorded as failed with the reason (and so is the chat message).
    """
    chosen = choose_channel(
        organisation, purpose=purpose, chat_message=chat_message, channel=channel
    )
    if chosen is None:
        log.warning(
            "organisation %s has no active SMS channel: %s not sent", organisation.pk, purpose
        )
        return None
    return queue(chosen, to=to, body=body, purpose=purpose, chat_message=chat_message, actor=actor)


def send_test(channel: SmsChannel, to: str, by, *, actor: Actor | None = None) -> OutboundMessage:
    """A supervisor's test message, on this channel even while it is inactive (to try the
    credentials before switching it on)."""
    body = f"Test message from Haven: the channel {channel.name} can send."
    return queue(channel, to=to, body=body, purpose=Purpose.TEST, actor=actor or Actor.for_user(by))


def queue(
    channel: SmsChannel,
    *,
    to: str,
    body: str,
    purpose: str,
    chat_message=None,
    actor: Actor | None = None,
) -> OutboundMessage:
    if chat_message is not None:
        earlier = OutboundMessage.objects.filter(chat_message=chat_message).first()
        if earlier is not None:
            return earlier  # asked twice for one chat message: it goes once
    number = normalise_handle(to)
    parts = split(body)
    problem = refusal(number, parts)
    status = OutboundStatus.FAILED if problem else OutboundStatus.QUEUED
    with transaction.atomic():
        messages = [
            OutboundMessage.objects.create(
                organisation_id=channel.organisation_id,
                channel=channel,
                to_sealed=seal(number),
                body_sealed=seal(part),
                purpose=purpose,
                chat_message=chat_message if index == 0 else None,
                status=status,
                error=problem,
            )
            for index, part in enumerate(parts[:1] if problem else parts)
        ]
        head = messages[0]
        if chat_message is not None:
            _set_delivery(chat_message.pk, status, problem)
        record(
            actor or Actor.system("messaging"),
            "sms.refused" if problem else "sms.queued",
            head,
            organisation_id=channel.organisation_id,
            purpose=purpose,
            channel=channel.name,
            parts=len(messages),
            reason=problem,
        )
        if not problem:
            enqueue(JOB, outbound_id=head.pk, rest=[message.pk for message in messages[1:]])
    return head


def refusal(number: str, parts: list[str]) -> str:
    if not E164.match(number):
        return (
            "Not sent: the number is not in international format "
            "(+ then the country code and number, e.g. +44 7700 900123)."
        )
    if not parts[0].strip():
        return "Not sent: the message is empty."
    if len(parts) > MAX_PARTS:
        return f"Not sent: the message is longer than {MAX_PARTS} SMS; shorten it."
    return ""


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split(body: str, limit: int = MAX_BODY_CHARS) -> list[str]:
    """The text as one part, or as numbered parts "(1/3) …" of at most `limit` UTF-16
    units each, cut between words where a word boundary is near."""
    text = (body or "").strip()
    if utf16_length(text) <= limit:
        return [text]
    chunks: list[str] = []
    while text:
        if utf16_length(text) <= limit - _MARK_ROOM:
            chunks.append(text)
            break
        cut = _cut(text, limit - _MARK_ROOM)
        chunks.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return [f"({n}/{len(chunks)}) {chunk}" for n, chunk in enumerate(chunks, 1)]


def _cut(text: str, size: int) -> int:
    """Where to cut: the longest start of `text` within `size` units, shortened to the
    last space in its second half when there is one."""
    units = end = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > size:
            break
        end = index + 1
    for index in range(end, end // 2, -1):
        if index < len(text) and text[index].isspace():
            return index
    return max(end, 1)


# --- Sending (the `messaging.send` job) -------------------------------------------------


def max_attempts() -> int:
    return int(settings.JOB_MAX_ATTEMPTS)


def deliver(outbound_id: int, rest=(), head: int | None = None) -> OutboundMessage | None:
    """Send one queued message; None when it is not waiting (sent already, or failed).

    Raises SendLater when the provider may take it later, so the job is retried with
    back-off; at the last attempt the message fails instead, with the reason.
    """
    message = _claim(outbound_id)
    if message is None:
        return None
    head = head or message.pk
    try:
        to, body = unseal(message.to_sealed), unseal(message.body_sealed)
    except InvalidToken:
        _fail(message, "Not sent: the message cannot be decrypted (the key changed).", rest, head)
        return message
    try:
        result = get_provider(message.channel).send(to, body)
    except ProviderError as error:
        _not_sent(message, error.message or "The provider refused it.", error.retryable, rest, head)
        return message
    except Exception as exc:  # a bug, or something the adapter did not expect: retry
        log.exception("outbound SMS %s: unexpected failure", message.pk)
        reason = f"Unexpected error ({type(exc).__name__}); see the logs."
        _not_sent(message, reason, True, rest, head)
        return message
    with transaction.atomic():
        _sent(message, result.provider_message_id)
        if rest:
            enqueue(JOB, outbound_id=rest[0], rest=list(rest[1:]), head=head)
    return message


def _claim(outbound_id: int) -> OutboundMessage | None:
    with transaction.atomic():
        message = (
            OutboundMessage.objects.select_for_update(of=("self",))
            .select_related("channel")
            .filter(pk=outbound_id, status=OutboundStatus.QUEUED)
            .first()
        )
        if message is None:
            return None
        message.attempts += 1
        message.save(update_fields=["attempts"])
    return message


def _not_sent(message: OutboundMessage, reason: str, retryable: bool, rest, head: int) -> None:
    if retryable and message.attempts < max_attempts():
        log.warning("outbound SMS %s, attempt %s: %s", message.pk, message.attempts, reason)
        error = f"Attempt {message.attempts} failed, trying again: {reason}"
        with transaction.atomic():
            OutboundMessage.objects.filter(pk=message.pk).update(error=error[:ERROR_LENGTH])
        raise SendLater(reason)
    if retryable:
        reason = f"{reason} Gave up after {message.attempts} attempts."
    _fail(message, reason, rest, head)


def _sent(message: OutboundMessage, provider_message_id: str) -> None:
    message.status, message.error = OutboundStatus.SENT, ""
    message.provider_message_id, message.sent_at = provider_message_id, timezone.now()
    message.save(update_fields=["status", "error", "provider_message_id", "sent_at"])
    if message.chat_message_id:
        _set_delivery(message.chat_message_id, OutboundStatus.SENT, "")
    record(
        Actor.system("messaging"),
        "sms.sent",
        message,
        organisation_id=message.organisation_id,
        purpose=message.purpose,
        channel=message.channel.name,
        attempts=message.attempts,
    )


def _fail(message: OutboundMessage, reason: str, rest, head: int) -> None:
    reason = reason[:ERROR_LENGTH]
    with transaction.atomic():
        OutboundMessage.objects.filter(pk=message.pk).update(
            status=OutboundStatus.FAILED, error=reason
        )
        # The later parts of a split message would arrive without the start: not sent.
        OutboundMessage.objects.filter(pk__in=list(rest), status=OutboundStatus.QUEUED).update(
            status=OutboundStatus.FAILED, error="Not sent: an earlier part of this message failed."
        )
        chat_message_id = (
            OutboundMessage.objects.filter(pk=head)
            .values_list("chat_message_id", flat=True)
            .first()
        )
        if chat_message_id:
            _set_delivery(chat_message_id, OutboundStatus.FAILED, reason)
        record(
            Actor.system("messaging"),
            "sms.failed",
            message,
            organisation_id=message.organisation_id,
            purpose=message.purpose,
            channel=message.channel.name,
            attempts=message.attempts,
            reason=reason,
        )
    log.warning("outbound SMS %s failed: %s", message.pk, reason)


# --- Delivery reports -----------------------------------------------------------------


def record_status(channel: SmsChannel, update: StatusUpdate) -> OutboundMessage | None:
    """Apply a provider's delivery report to the message it is about (None: no such
    message, or a report that says nothing new)."""
    if not update.status or not update.provider_message_id:
        return None
    with transaction.atomic():
        message = (
            OutboundMessage.objects.select_for_update()
            .filter(channel=channel, provider_message_id=update.provider_message_id)
            .order_by("-pk")
            .first()
        )
        if message is None or not _moves_forward(message.status, update.status):
            return message
        message.status = update.status
        if update.status == OutboundStatus.FAILED:
            message.error = (update.error or "The provider reports the message failed.")[
                :ERROR_LENGTH
            ]
        message.save(update_fields=["status", "error"])
        if message.chat_message_id:
            _set_delivery(message.chat_message_id, message.status, message.error)
        if update.status == OutboundStatus.FAILED:
            record(
                Actor.system("messaging"),
                "sms.undelivered",
                message,
                organisation_id=message.organisation_id,
                purpose=message.purpose,
                reason=message.error,
            )
    return message


def _moves_forward(current: str, new: str) -> bool:
    return _PROGRESS.get(new, 0) > _PROGRESS.get(current, 0)


def _set_delivery(chat_message_id: int, status: str, error: str) -> None:
    """The chat message's delivery follows its SMS, forward only (see _PROGRESS)."""
    behind: list[str] = [DeliveryStatus.STORED] + [
        earlier for earlier, progress in _PROGRESS.items() if progress < _PROGRESS[status]
    ]
    ChatMessage.objects.filter(pk=chat_message_id, delivery__in=behind).update(
        delivery=status, delivery_error=error[:ERROR_LENGTH]
    )
