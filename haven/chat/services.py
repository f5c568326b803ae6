"""Chat: every write goes through these functions.

A message is numbered and stored in one transaction, and only after the commit is
anyone told (bus.publish): so nothing is shown that could still roll back, and a client
that asks for "everything after seq N" always gets every message. Numbers come from an
atomic UPDATE of Conversation.next_seq, which locks the conversation's row until the
commit: concurrent senders (and an `end` racing a message) wait for each other, on
PostgreSQL by the row lock and on SQLite by Haven's write lock.

Sending twice is safe: a message carries the sender's own `client_id` (web) or the
provider's id (SMS), and a second delivery returns the stored message.

Status changes (taken, ended) each store a system message in the same transaction, so
whatever tells chats about new messages tells them about the change too.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from haven.audit.services import Actor, record
from haven.chat import bus
from haven.chat.models import (
    ChatMessage,
    Conversation,
    ConversationChannel,
    ConversationStatus,
    DeliveryStatus,
    Sender,
)
from haven.helpline import identity

__all__ = [
    "ChatRefused",
    "conversation_for_token",
    "end",
    "open_web_conversation",
    "post_message",
    "receive_sms",
    "refused",
    "reply",
    "rotate_token",
    "take",
    "touch_child",
]

FLOOD_WINDOW = timedelta(seconds=10)
PRESENCE_EVERY = timedelta(seconds=60)
OPEN_STATUSES = (ConversationStatus.WAITING, ConversationStatus.ACTIVE)

# System messages are stored in English and shown in each reader's language (their
# text is the translation's msgid; see feed.message_body).
JOINED = gettext_noop("A counsellor has joined the chat.")
ENDED = gettext_noop("This chat has ended.")
ENDED_IDLE = gettext_noop("This chat has ended because nobody wrote for a while.")
SYSTEM_TEXTS = (JOINED, ENDED, ENDED_IDLE)

# Topics a child may pick on the start page: the counsellor sees it in the queue.
TOPICS = {
    "family": _("Family or home"),
    "school": _("School or friends"),
    "feelings": _("Feelings"),
    "online": _("Something online"),
    "body": _("My body or health"),
    "hurt": _("Someone is hurting me"),
    "other": _("Something else"),
}


@dataclass
class ChatRefused(Exception):
    """A message or action refused, with a code the client can act on and a message
    to show the person (translated when shown)."""

    code: str
    message: Any  # str, or a lazy translation

    def __str__(self) -> str:
        return str(self.message)


def refused(code: str) -> ChatRefused:
    messages = {
        "empty": _("Write something before sending."),
        "too_long": _(
            "That message is too long. Please split it into shorter messages "
            "(at most %(limit)d characters each)."
        )
        % {"limit": settings.CHAT_MAX_MESSAGE_CHARS},
        "slow_down": _(
            "You are sending messages very fast. Please wait a few seconds, then send "
            "this one again."
        ),
        "ended": _("This chat has ended. You can start a new chat."),
        "not_taken": _("Take this chat before writing in it."),
        "taken": _("Another counsellor has just taken this chat."),
        # A counsellor writing in a chat someone else took after they opened it.
        "not_yours": _("This chat was taken by another counsellor."),
    }
    return ChatRefused(code, messages[code])


# --- Opening --------------------------------------------------------------------------


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_web_conversation(organisation, language: str, topic: str = "") -> tuple[Conversation, str]:
    """A new waiting web chat, and the child's token for it (the only key to it; only
    its SHA-256 is stored)."""
    token = secrets.token_urlsafe(24)
    now = timezone.now()
    with transaction.atomic():
        conversation = Conversation.objects.create(
            organisation=organisation,
            channel=ConversationChannel.WEB,
            language=language,
            topic=topic if topic in TOPICS else "",
            token_digest=token_digest(token),
            last_activity_at=now,
            child_seen_at=now,
        )
        record(
            Actor.public(),
            "chat.opened",
            conversation,
            organisation_id=organisation.pk,
            channel=ConversationChannel.WEB,
            language=language,
        )
    return conversation, token


def rotate_token(conversation: Conversation) -> str:
    """Give the chat a new token (the old one stops working) and return it: re-attaching
    with a link from /chat/c/<token>/ uses that link up (views.rejoin)."""
    token = secrets.token_urlsafe(24)
    Conversation.objects.filter(pk=conversation.pk).update(token_digest=token_digest(token))
    conversation.token_digest = token_digest(token)
    return token


def conversation_for_token(token: str) -> Conversation | None:
    if not token or len(token) > 100:
        return None
    return (
        Conversation.objects.filter(token_digest=token_digest(token), anonymised_at=None)
        .select_related("organisation")
        .first()
    )


def touch_child(conversation_id: int) -> None:
    """Note that the child's page is still open (at most one write a minute)."""
    now = timezone.now()
    Conversation.objects.filter(
        pk=conversation_id, status__in=OPEN_STATUSES, child_seen_at__lt=now - PRESENCE_EVERY
    ).update(child_seen_at=now)


# --- Messages -------------------------------------------------------------------------


def post_message(
    conversation: Conversation,
    *,
    sender: str,
    body: str,
    author=None,
    client_id: str = "",
    provider_message_id: str | None = None,
) -> tuple[ChatMessage, bool]:
    """Store a message and tell the open chats after the commit. Returns (message,
    created): a resend with the same client_id or provider id gets the stored message
    and False. Raises ChatRefused for an empty or too long message, a child sending too
    fast (web only: the client keeps the text to send again), a counsellor writing in a
    chat nobody has taken, and any message to an ended chat."""
    client_id = (client_id or "")[:64]
    body = _clean(body)
    from_provider = provider_message_id is not None
    if not body:
        raise refused("empty")
    # An SMS is never refused: the child cannot be asked to send it again.
    if len(body) > settings.CHAT_MAX_MESSAGE_CHARS and not from_provider:
        raise refused("too_long")
    try:
        with transaction.atomic():
            # Inside the transaction: on SQLite it holds the write lock already, so a
            # resend racing the original is seen here; on PostgreSQL the unique
            # constraints catch that race below.
            existing = _stored(conversation.pk, sender, client_id, provider_message_id)
            if existing is not None:
                return existing, False
            message = _store(
                conversation,
                sender,
                body,
                author=author,
                client_id=client_id,
                provider_message_id=provider_message_id,
                flood_control=sender == Sender.CHILD and not from_provider,
            )
    except IntegrityError:
        existing = _stored(conversation.pk, sender, client_id, provider_message_id)
        if existing is None:
            raise
        return existing, False
    return message, True


def _clean(body) -> str:
    text = str(body or "").replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\x00", "").strip()


def _stored(conversation_id, sender, client_id, provider_message_id) -> ChatMessage | None:
    if provider_message_id:
        return ChatMessage.objects.filter(provider_message_id=provider_message_id).first()
    if client_id:
        return ChatMessage.objects.filter(
            conversation_id=conversation_id, sender=sender, client_id=client_id
        ).first()
    return None


def _store(
    conversation: Conversation,
    sender: str,
    body: str,
    *,
    author=None,
    client_id: str = "",
    provider_message_id: str | None = None,
    flood_control: bool = False,
    system: bool = False,
) -> ChatMessage:
    """Number and store one message; call inside a transaction."""
    now = timezone.now()
    seq = _next_seq(conversation.pk, sender, now, system)
    if flood_control:
        recent = ChatMessage.objects.filter(
            conversation_id=conversation.pk,
            sender=Sender.CHILD,
            created_at__gt=now - FLOOD_WINDOW,
        ).count()
        if recent >= settings.CHAT_MAX_MESSAGES_PER_10S:
            raise refused("slow_down")
    message = ChatMessage.objects.create(
        conversation_id=conversation.pk,
        seq=seq,
        sender=sender,
        author=author,
        body=body,
        created_at=now,
        client_id=client_id,
        provider_message_id=provider_message_id or None,
    )
    if conversation.channel == ConversationChannel.SMS and sender == Sender.COUNSELLOR:
        _send_reply_by_sms(conversation, message)
    conversation_id = conversation.pk
    transaction.on_commit(lambda: bus.publish(conversation_id, seq))
    return message


def _next_seq(conversation_id: int, sender: str, now, system: bool) -> int:
    """Take the next number (and the conversation's lock) atomically."""
    rows = Conversation.objects.filter(pk=conversation_id)
    if not system:
        allowed = [ConversationStatus.ACTIVE]
        if sender == Sender.CHILD:
            allowed.append(ConversationStatus.WAITING)
        rows = rows.filter(status__in=allowed)
    if not rows.update(next_seq=F("next_seq") + 1, last_activity_at=now):
        status = Conversation.objects.filter(pk=conversation_id).values_list("status", flat=True)
        if status.first() == ConversationStatus.WAITING:
            raise refused("not_taken")
        raise refused("ended")
    return Conversation.objects.values_list("next_seq", flat=True).get(pk=conversation_id) - 1


def _send_reply_by_sms(conversation: Conversation, message: ChatMessage) -> None:
    from haven.messaging.services import send_sms

    outbound = send_sms(
        conversation.organisation,
        to=identity.unseal(conversation.address_sealed),
        body=message.body,
        purpose="chat",
        chat_message=message,
        channel=conversation.sms_channel,
    )
    message.refresh_from_db(fields=["delivery", "delivery_error"])
    if outbound is None:
        message.delivery = DeliveryStatus.FAILED
        message.delivery_error = "No active SMS channel: the reply was not sent."
        message.save(update_fields=["delivery", "delivery_error"])
    elif message.delivery == DeliveryStatus.STORED:
        message.delivery = DeliveryStatus.QUEUED
        message.save(update_fields=["delivery"])


def reply(user, conversation: Conversation, *, body: str, client_id: str = "") -> ChatMessage:
    """A counsellor's message: only in a chat that is taken, by the counsellor who took
    it or a supervisor stepping in."""
    from haven.chat.access import may_write

    conversation.refresh_from_db(fields=["status", "counsellor"])
    if not may_write(user, conversation):
        if conversation.status == ConversationStatus.WAITING:
            raise refused("not_taken")
        if conversation.status == ConversationStatus.ACTIVE:
            raise refused("not_yours")
        raise refused("ended")
    message, _created = post_message(
        conversation, sender=Sender.COUNSELLOR, body=body, author=user, client_id=client_id
    )
    return message


def _system(conversation: Conversation, text: str) -> ChatMessage:
    return _store(conversation, Sender.SYSTEM, text, system=True)


# --- Taking and ending ----------------------------------------------------------------


def take(counsellor, conversation: Conversation, actor: Actor | None = None) -> Conversation:
    """The counsellor takes a waiting chat: one of two counsellors clicking at once wins,
    the other gets ChatRefused("taken"). Starts the helpline contact for it."""
    from haven.helpline.services import start_contact

    if conversation.organisation_id != counsellor.organisation_id:
        raise ValueError("A counsellor takes only their own organisation's chats.")
    actor = actor or Actor.for_user(counsellor)
    now = timezone.now()
    with transaction.atomic():
        claimed = Conversation.objects.filter(
            pk=conversation.pk,
            organisation_id=counsellor.organisation_id,
            status=ConversationStatus.WAITING,
        ).update(
            status=ConversationStatus.ACTIVE,
            counsellor=counsellor,
            taken_at=now,
            last_activity_at=now,
        )
        conversation.refresh_from_db()
        if not claimed:
            if conversation.status == ConversationStatus.ACTIVE:
                if conversation.counsellor_id == counsellor.pk:
                    return conversation  # a double click
                raise refused("taken")
            raise refused("ended")
        is_sms = conversation.channel == ConversationChannel.SMS
        start_contact(
            actor,
            conversation.organisation,
            channel="sms" if is_sms else "chat",
            counsellor=counsellor,
            conversation=conversation,
            handle=identity.unseal(conversation.address_sealed) if is_sms else "",
        )
        _system(conversation, JOINED)
        record(actor, "chat.taken", conversation, waited_seconds=_waited(conversation, now))
    return conversation


def _waited(conversation: Conversation, now) -> int:
    return max(0, int((now - conversation.created_at).total_seconds()))


def end(conversation: Conversation, by, actor: Actor | None = None) -> bool:
    """End a chat. `by` is the counsellor (a user) or "child", "idle" or "retention".
    Returns False if it had already ended."""
    if isinstance(by, str):
        ended_by = by
        if by == "child":
            actor = actor or Actor.public()
        else:
            actor = actor or Actor.system("retention" if by == "retention" else "chat")
    else:
        ended_by = "counsellor"
        actor = actor or Actor.for_user(by)
    with transaction.atomic():
        ended = Conversation.objects.filter(pk=conversation.pk, status__in=OPEN_STATUSES).update(
            status=ConversationStatus.ENDED, ended_at=timezone.now(), ended_by=ended_by
        )
        if not ended:
            return False
        _system(conversation, ENDED_IDLE if ended_by == "idle" else ENDED)
        record(
            actor,
            "chat.ended",
            conversation,
            organisation_id=conversation.organisation_id,
            ended_by=ended_by,
        )
    conversation.refresh_from_db()
    return True


# --- SMS ------------------------------------------------------------------------------


def receive_sms(sms_channel, from_number: str, body: str, provider_message_id: str):
    """An SMS from a child, as the provider's webhook delivered it. Adds it to the open
    SMS conversation of that number, or opens a waiting one. Returns the stored message,
    or None for a repeated delivery (same provider id) or an empty text."""
    if (
        provider_message_id
        and ChatMessage.objects.filter(provider_message_id=provider_message_id).exists()
    ):
        return None
    if not _clean(body):
        return None
    from haven.messaging.models import SmsChannel

    organisation = sms_channel.organisation
    key = identity.contact_key(organisation.pk, from_number)
    with transaction.atomic():
        # One inbound message per channel at a time: two first texts from a new number
        # arriving together open one conversation, not two.
        SmsChannel.objects.select_for_update().filter(pk=sms_channel.pk).first()
        conversation = (
            Conversation.objects.filter(
                organisation=organisation,
                channel=ConversationChannel.SMS,
                contact_key=key,
                status__in=OPEN_STATUSES,
            )
            .order_by("-created_at")
            .first()
        )
        if conversation is None:
            conversation = _open_sms_conversation(sms_channel, from_number, key)
        message, created = post_message(
            conversation,
            sender=Sender.CHILD,
            body=body,
            provider_message_id=provider_message_id or None,
        )
    return message if created else None


def _open_sms_conversation(sms_channel, from_number: str, key: str) -> Conversation:
    conversation = Conversation.objects.create(
        organisation=sms_channel.organisation,
        channel=ConversationChannel.SMS,
        sms_channel=sms_channel,
        address_sealed=identity.seal(identity.normalise_handle(from_number)),
        contact_key=key,
        last_activity_at=timezone.now(),
    )
    record(
        Actor.system("sms"),
        "chat.opened",
        conversation,
        organisation_id=sms_channel.organisation_id,
        channel=ConversationChannel.SMS,
    )
    return conversation
