"""The live chat over WebSocket: the child's at /chat/c/<chat_token>/ws and the
counsellor's at /chat/ws/<conversation_id>.

Protocol (JSON text frames):

  client → server  {"type": "message", "body": "...", "client_id": "..."}
                   {"type": "resume", "after": <seq>}
  server → client  {"type": "message", "seq", "sender", "label", "mine", "body", "at"}
                   {"type": "ack", "client_id", "seq"}
                   {"type": "status", "status", "ended_by", "text"}
                   {"type": "error", "code", "message", "client_id"}

The server never pushes a message it has not stored. A pump per connection reads the
messages after the last it sent, whenever the bus hints and at least every
RESYNC_SECONDS; the client dedupes by seq and, after a reconnect, says where it got to
with "resume" (or ?after=N on the URL).
"""

import asyncio
import contextlib
import logging
import time
from urllib.parse import parse_qs

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.http import Http404
from django.utils import translation

from haven.chat import bus, feed
from haven.chat.access import access_conversation, two_factor_verified
from haven.chat.database import database_call
from haven.chat.models import Conversation, Sender
from haven.chat.services import (
    ChatRefused,
    conversation_for_token,
    post_message,
    reply,
    touch_child,
)

log = logging.getLogger(__name__)

# WebSocket close codes (4000-4999 are the application's): the client stops retrying.
CLOSE_REFUSED = 4403
PRESENCE_SECONDS = 60.0


class ChatSocket(AsyncJsonWebsocketConsumer):
    """What both sides share: the pump from the database and the protocol."""

    conversation: Conversation
    viewer: feed.Viewer
    sender: str
    author_username = ""

    async def connect(self):
        conversation = await self.authorise()
        if conversation is None:
            await self.close(code=CLOSE_REFUSED)
            return
        self.conversation = conversation
        self.cursor = _int(_query(self.scope).get("after"), 0)
        self.rewind: int | None = None
        self.status_sent: dict | None = None
        self.send_lock = asyncio.Lock()
        self.subscription_context = bus.subscribe(conversation.pk)
        self.subscription = await self.subscription_context.__aenter__()
        await self.accept()
        self.pump = asyncio.get_running_loop().create_task(self.run_pump())

    async def authorise(self) -> Conversation | None:
        raise NotImplementedError

    async def disconnect(self, code):
        pump = getattr(self, "pump", None)
        if pump is not None:
            pump.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await pump
        context = getattr(self, "subscription_context", None)
        if context is not None:
            await context.__aexit__(None, None, None)
            self.subscription_context = None

    async def receive_json(self, content, **kwargs):
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "message":
            await self.post(content)
        elif kind == "resume":
            self.rewind = max(0, _int(content.get("after"), 0))
            self.subscription.hint()
        else:
            await self.error("bad_request", "Unknown message type.")

    async def decode_json(self, text_data):
        try:
            return await super().decode_json(text_data)
        except ValueError:
            return None

    async def post(self, content: dict) -> None:
        client_id = str(content.get("client_id") or "")[:64]
        body = content.get("body")
        if not isinstance(body, str):
            await self.error("bad_request", "A message needs a body.", client_id)
            return
        try:
            message = await database_call(self.store)(body, client_id)
        except ChatRefused as refusal:
            with translation.override(self.viewer.language):
                text = str(refusal.message)
            await self.error(refusal.code, text, client_id)
            return
        await self.send_frame({"type": "ack", "client_id": client_id, "seq": message.seq})
        if message.seq == self.cursor + 1 and self.rewind is None:
            # The next message for this side is its own: send it from memory, so that
            # the hint it brings needs no read here.
            self.cursor = message.seq
            await self.send_frame(feed.frame(message, self.viewer, self.author_username))

    def store(self, body: str, client_id: str):
        raise NotImplementedError

    async def error(self, code: str, message: str, client_id: str = "") -> None:
        await self.send_frame(
            {"type": "error", "code": code, "message": message, "client_id": client_id}
        )

    async def send_frame(self, frame: dict) -> None:
        async with self.send_lock:
            await self.send_json(frame)

    async def run_pump(self) -> None:
        try:
            while True:
                await self.send_new()
                await self.wait_for_news()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("chat: the pump of conversation %s failed", self.conversation.pk)
            await self.close(code=1011)

    async def wait_for_news(self) -> None:
        """Until a hint says there is something this side has not been sent, a resume
        asks for a rewind, or RESYNC_SECONDS pass (then read anyway)."""
        while await self.subscription.wait(bus.RESYNC_SECONDS):
            if self.rewind is not None or self.subscription.news_after(self.cursor):
                return

    async def send_new(self) -> None:
        """Send every stored message after the cursor, then the status if it changed."""
        if self.rewind is not None:
            self.cursor, self.rewind = self.rewind, None
        self.subscription.news_after(self.cursor)  # reading now covers any hint so far
        while True:
            batch = await database_call(feed.read)(self.conversation.pk, self.cursor, self.viewer)
            for message in batch.messages:
                if message["seq"] <= self.cursor:
                    continue  # sent meanwhile by post()
                # The cursor moves before the await, so post() never sends it twice.
                self.cursor = message["seq"]
                await self.send_frame(message)
            if not batch.more:
                break
        if batch.status != self.status_sent:
            await self.send_frame(batch.status)
            self.status_sent = batch.status


class ChildChatSocket(ChatSocket):
    """The child's side: the token in the URL is the only key."""

    sender = Sender.CHILD

    async def authorise(self) -> Conversation | None:
        token = self.scope["url_route"]["kwargs"]["chat_token"]
        conversation = await database_call(conversation_for_token)(token)
        if conversation is not None:
            self.viewer = feed.Viewer.child(conversation)
            self.seen_at = 0.0
        return conversation

    def store(self, body: str, client_id: str):
        message, _created = post_message(
            self.conversation, sender=Sender.CHILD, body=body, client_id=client_id
        )
        return message

    async def send_new(self) -> None:
        await super().send_new()
        if time.monotonic() - self.seen_at > PRESENCE_SECONDS:
            self.seen_at = time.monotonic()
            await database_call(touch_child)(self.conversation.pk)


class CounsellorChatSocket(ChatSocket):
    """A counsellor's side: signed in with both factors, staff of the conversation's
    organisation, and its counsellor, a supervisor, or looking at a waiting chat."""

    sender = Sender.COUNSELLOR

    async def authorise(self) -> Conversation | None:
        return await database_call(self._authorise)()

    def _authorise(self) -> Conversation | None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            return None
        if not two_factor_verified(user, self.scope.get("session")):
            return None
        try:
            conversation = access_conversation(
                user, self.scope["url_route"]["kwargs"]["conversation_id"]
            )
        except Http404:
            return None
        self.user = user
        self.author_username = user.get_username()
        self.viewer = feed.Viewer.staff(user, _language(self.scope, user))
        return conversation

    def store(self, body: str, client_id: str):
        return reply(self.user, self.conversation, body=body, client_id=client_id)


def _query(scope) -> dict[str, str]:
    raw = scope.get("query_string", b"").decode("latin-1")
    return {key: values[-1] for key, values in parse_qs(raw).items()}


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _language(scope, user) -> str:
    from django.conf import settings

    wanted = _query(scope).get("lang", "")
    known = {code for code, _name in settings.LANGUAGES}
    return wanted if wanted in known else settings.LANGUAGE_CODE
