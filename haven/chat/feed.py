"""What a chat client is sent: the messages after the last number it has, and the
conversation's status, in the JSON that the WebSocket and the long-poll both speak.

Each side reads its own words: the child sees "You" and "Counsellor" (never a name),
the counsellor sees "Child" and who wrote each reply. System messages are stored in
English and translated here, into the reader's language.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from haven.chat.models import ChatMessage, Conversation, ConversationStatus, Sender
from haven.chat.services import SYSTEM_TEXTS

BATCH = 200


@dataclass(frozen=True)
class Viewer:
    """Who reads: "child", or "staff" with their user id; and in which language."""

    kind: str
    language: str
    user_id: int | None = None

    @classmethod
    def child(cls, conversation: Conversation) -> "Viewer":
        return cls("child", conversation.language or "en")

    @classmethod
    def staff(cls, user, language: str) -> "Viewer":
        return cls("staff", language, user.pk)


@dataclass
class Feed:
    messages: list[dict] = field(default_factory=list)
    status: dict = field(default_factory=dict)
    more: bool = False  # another batch is waiting
    # The conversation's row as read (status, counsellor, ended_at…), for the access
    # check before anything is sent; None when it no longer exists. Never sent.
    conversation: dict | None = None

    @property
    def last(self) -> int | None:
        return self.messages[-1]["seq"] if self.messages else None


class AccessLost(Exception):
    """The reader may no longer read the conversation (taken by someone else, ended
    long enough ago, signed out): nothing more is sent."""

    def __init__(self, conversation: dict | None):
        super().__init__("access lost")
        self.conversation = conversation


def read(conversation_id: int, after: int, viewer: Viewer, tail: int | None = None) -> Feed:
    """Messages numbered above `after` (at most BATCH; with `tail`, at most the latest
    `tail`) and the status, for `viewer`.

    The conversation is read first, and only messages up to its last number then: a
    message and the status change it belongs to commit together, so every message
    returned was stored under the status and counsellor returned. An access check on
    that row therefore covers every message sent with it (a chat taken by another
    counsellor between the two reads shows nothing of what followed)."""
    conversation = (
        Conversation.objects.filter(pk=conversation_id)
        .values(
            "organisation_id",
            "status",
            "ended_by",
            "ended_at",
            "channel",
            "counsellor_id",
            "next_seq",
        )
        .first()
    )
    if conversation is None:
        return Feed(status={"type": "status", "status": ConversationStatus.ENDED})
    last = conversation["next_seq"] - 1
    if tail is not None:
        after = max(after, last - tail)
    rows = list(
        ChatMessage.objects.filter(conversation_id=conversation_id, seq__gt=after, seq__lte=last)
        .order_by("seq")
        .values(
            "seq",
            "sender",
            "body",
            "created_at",
            "client_id",
            "author_id",
            "author__username",
            "delivery",
        )[: BATCH + 1]
    )
    with translation.override(viewer.language):
        messages = [message_dict(row, viewer) for row in rows[:BATCH]]
        status = status_dict(conversation, viewer)
    return Feed(messages, status, more=len(rows) > BATCH, conversation=dict(conversation))


def message_dict(row: Mapping[str, Any], viewer: Viewer) -> dict:
    mine = _is_mine(row, viewer)
    message = {
        "type": "message",
        "seq": row["seq"],
        "sender": row["sender"],
        "label": _label(row, viewer, mine),
        "mine": mine,
        "body": message_body(row["sender"], row["body"]),
        "at": row["created_at"].isoformat(),
        # As Haven shows times everywhere: 24-hour, in Haven's time zone.
        "time": formats.date_format(timezone.localtime(row["created_at"]), "H:i"),
    }
    if mine and row["client_id"]:
        message["client_id"] = row["client_id"]
    if viewer.kind == "staff" and row["sender"] == Sender.COUNSELLOR:
        message["delivery"] = row["delivery"]
    return message


def frame(message: ChatMessage, viewer: Viewer, author_username: str = "") -> dict:
    """The frame for a message just stored, without reading it back."""
    row = {
        "seq": message.seq,
        "sender": message.sender,
        "body": message.body,
        "created_at": message.created_at,
        "client_id": message.client_id,
        "author_id": message.author_id,
        "author__username": author_username,
        "delivery": message.delivery,
    }
    with translation.override(viewer.language):
        return message_dict(row, viewer)


def message_body(sender: str, body: str) -> str:
    if sender == Sender.SYSTEM and body in SYSTEM_TEXTS:
        return gettext(body)
    return body


def _is_mine(row: Mapping[str, Any], viewer: Viewer) -> bool:
    if viewer.kind == "child":
        return row["sender"] == Sender.CHILD
    return row["sender"] == Sender.COUNSELLOR and row["author_id"] == viewer.user_id


def _label(row: Mapping[str, Any], viewer: Viewer, mine: bool) -> str:
    sender = row["sender"]
    if sender == Sender.SYSTEM:
        return "Haven"
    if mine:
        return gettext("You")
    if sender == Sender.CHILD:
        return gettext("Child")
    if viewer.kind == "staff" and row["author__username"]:
        return row["author__username"]
    return gettext("Counsellor")


def status_dict(conversation: Mapping[str, Any], viewer: Viewer) -> dict:
    status = conversation["status"]
    return {
        "type": "status",
        "status": status,
        "ended_by": conversation["ended_by"],
        "text": _status_text(status, conversation["ended_by"], viewer),
    }


def _status_text(status: str, ended_by: str, viewer: Viewer) -> str:
    if viewer.kind == "child":
        texts: dict[str, str] = {
            ConversationStatus.WAITING: gettext(
                "Waiting for a counsellor. You can already write what is on your mind."
            ),
            ConversationStatus.ACTIVE: gettext("You are talking with a counsellor."),
            ConversationStatus.ENDED: gettext("This chat has ended."),
        }
        return texts.get(status, "")
    if status == ConversationStatus.ENDED:
        ended = {
            "child": gettext("The child ended the chat."),
            "counsellor": gettext("A counsellor ended the chat."),
            "idle": gettext("The chat ended because nobody wrote for a while."),
        }
        return ended.get(ended_by, gettext("This chat has ended."))
    if status == ConversationStatus.WAITING:
        return gettext("Waiting: take this chat to answer.")
    return gettext("In conversation.")


async def wait_for_news(
    conversation_id: int,
    after: int,
    viewer: Viewer,
    known_status: str,
    seconds: float,
    allowed: Callable[[dict | None], bool],
) -> Feed:
    """The long-poll: return as soon as there is a message after `after` that the
    reader did not write (their own came back in the answer to sending it), or the
    status is no longer `known_status`; else after `seconds`, with whatever there is.
    Raises AccessLost as soon as `allowed(conversation row)` is false: checked at every
    read, so a chat taken by someone else during the wait sends nothing of it.

    Reads on the chat's database thread, so the waiting request holds no connection:
    the request's own (opened by the middleware's session and two-factor look-ups) is
    closed first, on the request's thread (thread-sensitive, where they ran)."""
    import asyncio

    from asgiref.sync import sync_to_async

    from haven.chat import bus
    from haven.chat.database import database_call, release_request_connections
    from haven.chat.limits import REPLAY_MESSAGES

    await sync_to_async(release_request_connections, thread_sensitive=True)()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    async with bus.subscribe(conversation_id) as hints:
        while True:
            batch = await database_call(read)(conversation_id, after, viewer, REPLAY_MESSAGES)
            if not allowed(batch.conversation):
                raise AccessLost(batch.conversation)
            remaining = deadline - loop.time()
            news = any(not message["mine"] for message in batch.messages)
            if news or batch.status.get("status") != known_status or remaining <= 0:
                return batch
            await hints.wait(min(remaining, bus.RESYNC_SECONDS))
