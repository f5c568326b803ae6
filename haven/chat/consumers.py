"""The live chat over WebSocket: the child's at /chat/room/ws (the chat cookie is the
key) and the counsellor's at /chat/ws/<conversation_id>.

Protocol (JSON text frames):

  client → server  {"type": "message", "body": "...", "client_id": "..."}
                   {"type": "resume", "after": <seq>}
  server → client  {"type": "message", "seq", "sender", "label", "mine", "body", "at", "time"}
                   {"type": "ack", "client_id", "seq"}
                   {"type": "status", "status", "ended_by", "text"}
                   {"type": "error", "code", "message", "client_id"}

The server never pushes a message it has not stored. A pump per connection reads the
messages after the last it sent, whenever the bus hints and at least every
RESYNC_SECONDS; the client dedupes by seq and, after a reconnect, says where it got to
with "resume" (or ?after=N on the URL).

A socket is authorised when it opens and again for everything it delivers or sends:
each batch is read with the conversation's current status and counsellor and sent only
if this side may still read it; a counsellor's session is checked again every
RECHECK_SECONDS. When access is lost the socket says why (an "error" frame) and closes
with CLOSE_REFUSED. Limits (limits.py): connections per side, frames per connection,
how often and how far back "resume" may go.
"""

import asyncio
import contextlib
import logging
import time
from urllib.parse import parse_qs

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext

from haven.audit.services import Actor, client_ip, record
from haven.chat import bus, cookie, feed, limits
from haven.chat.access import (
    access_conversation,
    child_may_read,
    signed_in_staff,
    staff_may_read,
)
from haven.chat.database import database_call
from haven.chat.models import Conversation, ConversationStatus, Sender
from haven.chat.services import (
    ChatRefused,
    conversation_for_token,
    post_message,
    refused,
    reply,
    touch_child,
)

log = logging.getLogger(__name__)

# WebSocket close codes (4000-4999 are the application's): the client stops retrying
# after CLOSE_REFUSED, and waits before retrying after CLOSE_TOO_MANY.
CLOSE_REFUSED = 4403
CLOSE_TOO_MANY = 4429
PRESENCE_SECONDS = 60.0
# How often an open counsellor socket checks that its session is still signed in.
RECHECK_SECONDS = 60.0


class AccessLost(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(code)
        self.code = code
        self.message = message


class ChatSocket(AsyncJsonWebsocketConsumer):
    """What both sides share: the pump from the database, the protocol and its limits."""

    conversation: Conversation
    viewer: feed.Viewer
    sender: str
    author_username = ""
    slot: tuple | None = None
    closed = False
    rewind: int | None = None  # where the next read starts, when a client asked
    status_sent: dict | None = None

    async def connect(self):
        conversation = await self.authorise()
        if conversation is None:
            await self.close(code=CLOSE_REFUSED)
            return
        self.conversation = conversation
        slot = self.slot_key()
        if not limits.slots.acquire(slot):
            # Accepted, then closed with a code that says why: the page waits and tries
            # again instead of giving up.
            await self.accept()
            await self.close_with(CLOSE_TOO_MANY)
            return
        self.slot = slot
        self.cursor = 0
        # What the client has is where reading starts; at most the latest
        # REPLAY_MESSAGES are sent (limits.py).
        self.rewind = max(0, _int(_query(self.scope).get("after"), 0))
        self.rewound_at = time.monotonic()
        self.send_lock = asyncio.Lock()
        self.budget = limits.FrameBudget()
        self.subscription_context = bus.subscribe(conversation.pk)
        self.subscription = await self.subscription_context.__aenter__()
        await self.accept()
        await self.opened()
        self.pump = asyncio.get_running_loop().create_task(self.run_pump())

    async def authorise(self) -> Conversation | None:
        raise NotImplementedError

    def slot_key(self) -> tuple:
        raise NotImplementedError

    async def opened(self) -> None:
        """Called once the socket is accepted."""

    async def disconnect(self, code):
        self.closed = True
        pump = getattr(self, "pump", None)
        if pump is not None and pump is not asyncio.current_task():
            pump.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await pump
        context = getattr(self, "subscription_context", None)
        if context is not None:
            await context.__aexit__(None, None, None)
            self.subscription_context = None
        if self.slot is not None:
            limits.slots.release(self.slot)
            self.slot = None

    async def close_with(self, code: int) -> None:
        if not self.closed:
            self.closed = True
            await self.close(code=code)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        """Every frame counts against the connection's budget before it is read, the
        refused ones (too long, not JSON, unknown) too."""
        if self.closed:
            return
        verdict = self.budget.take()
        if verdict == limits.CLOSE:
            await self.close_with(CLOSE_TOO_MANY)
            return
        if verdict == limits.SLOW_DOWN:
            await self.refuse_frame(text_data)
            return
        if not text_data:
            await self.error("bad_request", "Send JSON text frames.")
            return
        await super().receive(text_data=text_data, **kwargs)

    async def refuse_frame(self, text_data) -> None:
        """Over the frame budget: "slow down", naming the message if it names itself,
        so that the page puts its words back in the box."""
        client_id = ""
        if text_data and len(text_data) <= 4096:
            content = await self.decode_json(text_data)
            if isinstance(content, dict):
                client_id = str(content.get("client_id") or "")[:64]
        await self.refusal(refused("slow_down"), client_id)

    async def receive_json(self, content, **kwargs):
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "message":
            await self.post(content)
        elif kind == "resume":
            await self.resume(max(0, _int(content.get("after"), 0)))
        else:
            await self.error("bad_request", "Unknown message type.")

    async def resume(self, after: int) -> None:
        """Send again what came after `after`. Going back (re-sending what this socket
        already sent) is allowed once every REWIND_EVERY_SECONDS: a client asking for
        the whole transcript again and again would otherwise cost a full read each."""
        if after < self.cursor:
            if time.monotonic() - self.rewound_at < limits.REWIND_EVERY_SECONDS:
                # Too soon: only what is new. This socket delivered the rest already
                # (in order), so a client that follows the protocol misses nothing.
                self.subscription.hint()
                return
            self.rewound_at = time.monotonic()
        self.rewind = after
        self.subscription.hint()

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
            await self.refusal(refusal, client_id)
            if refusal.code == "not_yours":
                await self.close_with(CLOSE_REFUSED)
            return
        await self.send_frame({"type": "ack", "client_id": client_id, "seq": message.seq})
        if message.seq == self.cursor + 1 and self.rewind is None:
            # The next message for this side is its own: send it from memory, so that
            # the hint it brings needs no read here.
            self.cursor = message.seq
            await self.send_frame(feed.frame(message, self.viewer, self.author_username))

    def store(self, body: str, client_id: str):
        raise NotImplementedError

    async def refusal(self, refusal: ChatRefused, client_id: str = "") -> None:
        with translation.override(self.viewer.language):
            text = str(refusal.message)
        await self.error(refusal.code, text, client_id)

    async def error(self, code: str, message: str, client_id: str = "") -> None:
        await self.send_frame(
            {"type": "error", "code": code, "message": message, "client_id": client_id}
        )

    async def send_frame(self, frame: dict) -> None:
        async with self.send_lock:
            if not self.closed:
                await self.send_json(frame)

    async def run_pump(self) -> None:
        try:
            while True:
                await self.check_access()
                await self.send_new()
                await self.wait_for_news()
        except asyncio.CancelledError:
            raise
        except AccessLost as lost:
            await self.error(lost.code, lost.message)
            await self.close_with(CLOSE_REFUSED)
        except Exception:
            log.exception("chat: the pump of conversation %s failed", self.conversation.pk)
            await self.close_with(1011)

    async def check_access(self) -> None:
        """Checks beyond the conversation's row (which send_new checks for each batch);
        raises AccessLost."""

    def may_read(self, conversation: dict | None) -> bool:
        raise NotImplementedError

    def lost(self, conversation: dict | None) -> AccessLost:
        raise NotImplementedError

    async def wait_for_news(self) -> None:
        """Until a hint says there is something this side has not been sent, a resume
        asks for a rewind, or RESYNC_SECONDS pass (then read anyway)."""
        while await self.subscription.wait(bus.RESYNC_SECONDS):
            if self.rewind is not None or self.subscription.news_after(self.cursor):
                return

    async def send_new(self) -> None:
        """Send every stored message after the cursor, then the status if it changed —
        each batch only if this side may still read the conversation as it was read."""
        tail = None
        if self.rewind is not None:
            self.cursor, self.rewind, tail = self.rewind, None, limits.REPLAY_MESSAGES
        self.subscription.news_after(self.cursor)  # reading now covers any hint so far
        while True:
            batch = await database_call(feed.read)(
                self.conversation.pk, self.cursor, self.viewer, tail
            )
            tail = None
            if not self.may_read(batch.conversation):
                raise self.lost(batch.conversation)
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
    """The child's side: the token in the chat cookie is the only key, and it opens
    nothing once the chat has been over for limits.ENDED_GRACE."""

    sender = Sender.CHILD

    async def authorise(self) -> Conversation | None:
        token = cookie.token_from(self.scope.get("cookies"))
        conversation = await database_call(conversation_for_token)(token)
        if conversation is None or not child_may_read(conversation):
            return None
        self.viewer = feed.Viewer.child(conversation)
        self.seen_at = 0.0
        return conversation

    def slot_key(self) -> tuple:
        return (self.conversation.pk, "child")

    def may_read(self, conversation: dict | None) -> bool:
        return child_may_read(conversation)

    def lost(self, conversation: dict | None) -> AccessLost:
        with translation.override(self.viewer.language):
            return AccessLost("gone", gettext("This chat has ended."))

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
    organisation, and its counsellor, a supervisor, or looking at a waiting chat — when
    it opens, for every batch it delivers, and (the session) every RECHECK_SECONDS."""

    sender = Sender.COUNSELLOR

    async def authorise(self) -> Conversation | None:
        return await database_call(self._authorise)()

    def _session_key(self) -> str | None:
        session = self.scope.get("session")
        return getattr(session, "session_key", None) if session is not None else None

    def _authorise(self) -> Conversation | None:
        user = signed_in_staff(self._session_key())
        if user is None:
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
        self.checked_at = time.monotonic()
        return conversation

    def slot_key(self) -> tuple:
        return (self.conversation.pk, "staff", self.user.pk)

    async def opened(self) -> None:
        # Reading a conversation over its socket is a view of it, as the page is.
        await database_call(self._audit_view)()

    def _audit_view(self) -> None:
        actor = Actor.for_user(self.user, _socket_ip(self.scope))
        record(actor, "conversation.viewed", self.conversation, via="websocket")

    async def check_access(self) -> None:
        if time.monotonic() - self.checked_at < RECHECK_SECONDS:
            return
        self.checked_at = time.monotonic()
        if not await database_call(self._still_signed_in)():
            with translation.override(self.viewer.language):
                raise AccessLost(
                    "signed_out", gettext("You are signed out. Sign in again to continue.")
                )

    def _still_signed_in(self) -> bool:
        user = signed_in_staff(self._session_key())
        if user is None:
            return False
        self.user = user  # as the account is now: a supervisor no more, say
        return True

    def may_read(self, conversation: dict | None) -> bool:
        return staff_may_read(self.user, conversation)

    def lost(self, conversation: dict | None) -> AccessLost:
        with translation.override(self.viewer.language):
            if conversation is not None and conversation["status"] == ConversationStatus.ACTIVE:
                return AccessLost("not_yours", str(refused("not_yours").message))
            return AccessLost("forbidden", gettext("You can no longer read this chat."))

    def store(self, body: str, client_id: str):
        return reply(self.user, self.conversation, body=body, client_id=client_id)


class _ScopeRequest:
    """Just enough of a request for audit.services.client_ip."""

    def __init__(self, scope):
        headers = dict(scope.get("headers") or [])
        client = scope.get("client") or (None, None)
        self.META = {
            "REMOTE_ADDR": client[0] or "",
            "HTTP_X_FORWARDED_FOR": headers.get(b"x-forwarded-for", b"").decode("latin-1"),
        }


def _socket_ip(scope) -> str | None:
    return client_ip(_ScopeRequest(scope))


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
