"""How a stored message reaches the chats open in this web process and in the others.

A message is always written to the database first (services.post_message). After the
commit, the bus passes on a *hint*: "conversation 42 has something new". Every open
connection (a WebSocket or a waiting long-poll) then reads the messages after the last
one it sent from the database. A lost hint therefore costs latency, never a message, and
each connection also re-reads every RESYNC_SECONDS whatever the bus says.

Three buses, chosen by settings.CHAT_BUS:

- "memory": hints stay in the process (tests; one web process only).
- "poll" (the embedded default): each process that has chats open asks the database
  every CHAT_POLL_SECONDS for message ids above the last it saw — one query per process,
  however many chats are open. Works with any number of gunicorn processes on SQLite or
  PostgreSQL, with no server to run.
- "redis://host:6379/0": Redis publish/subscribe, for several machines or many processes.

Every bus also hints the publishing process's own chats at once, so a counsellor and a
child served by the same process never wait for a poll.

Hints are delivered to a `Hub` per event loop (uvicorn runs one loop per process; tests
run one per test). Publishing is called from whichever thread committed the message, so
it reaches each loop with call_soon_threadsafe.
"""

import asyncio
import contextlib
import contextvars
import functools
import logging
import threading
import time
from collections.abc import AsyncIterator

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Max, Q

from haven.chat.database import database_call
from haven.chat.models import ChatMessage

log = logging.getLogger(__name__)

# A connection re-reads the database at least this often even with no hint.
RESYNC_SECONDS = 15.0
# A hub's watcher keeps running this long after its last chat closed, so that long-polls
# coming and going do not restart it every time.
WATCHER_LINGER_SECONDS = 30.0
# How long subscribing waits for a (re)starting watcher before reading anyway.
READY_TIMEOUT_SECONDS = 5.0
REDIS_CHANNEL = "haven:chat"


class Subscription:
    """One open connection's interest in one conversation. A hint names the number of
    the new message when it is known, so that a connection that has already sent that
    message (its own, sent as soon as it was stored) need not read at all."""

    def __init__(self, conversation_id: int):
        self.conversation_id = conversation_id
        self.latest = 0  # the highest message number hinted
        self.unsure = False  # a hint without a number: read whatever it says
        self._event = asyncio.Event()

    def hint(self, seq: int | None = None) -> None:
        if seq is None:
            self.unsure = True
        else:
            self.latest = max(self.latest, seq)
        self._event.set()

    def news_after(self, cursor: int) -> bool:
        """Whether a hint says there is something after `cursor`. Clears the unsure
        flag: call it just before reading."""
        unsure, self.unsure = self.unsure, False
        return unsure or self.latest > cursor

    async def wait(self, timeout: float) -> bool:
        """Wait for a hint (True) or the timeout (False). Either way the caller reads the
        database next: the hint is cleared here, before that read, so a hint arriving
        during the read wakes the next wait at once."""
        try:
            await asyncio.wait_for(self._event.wait(), timeout)
        except TimeoutError:
            return False
        finally:
            self._event.clear()
        return True


class Hub:
    """The subscriptions of one event loop, and the watcher that hints them."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self.subscriptions: dict[int, set[Subscription]] = {}
        self.watcher: asyncio.Task | None = None
        self.ready = asyncio.Event()
        self._linger: asyncio.TimerHandle | None = None

    def notify(self, conversation_id: int, seq: int | None = None) -> None:
        for subscription in list(self.subscriptions.get(conversation_id, ())):
            subscription.hint(seq)

    def notify_all(self) -> None:
        for subscriptions in list(self.subscriptions.values()):
            for subscription in list(subscriptions):
                subscription.hint()

    @property
    def conversation_ids(self) -> set[int]:
        return set(self.subscriptions)

    def add(self, subscription: Subscription) -> None:
        self.subscriptions.setdefault(subscription.conversation_id, set()).add(subscription)
        if self._linger is not None:
            self._linger.cancel()
            self._linger = None

    def remove(self, subscription: Subscription) -> None:
        subscriptions = self.subscriptions.get(subscription.conversation_id)
        if subscriptions is not None:
            subscriptions.discard(subscription)
            if not subscriptions:
                del self.subscriptions[subscription.conversation_id]
        if not self.subscriptions and self._linger is None:
            self._linger = self.loop.call_later(WATCHER_LINGER_SECONDS, self.stop_watcher)

    def stop_watcher(self) -> None:
        self._linger = None
        if not self.subscriptions and self.watcher is not None:
            self.watcher.cancel()
            self.watcher = None


_hubs: dict[asyncio.AbstractEventLoop, Hub] = {}
_hubs_lock = threading.Lock()


def _notify_local(conversation_id: int, seq: int | None) -> None:
    """Hint this process's chats of `conversation_id`, from any thread."""
    with _hubs_lock:
        hubs = list(_hubs.values())
    for hub in hubs:
        if hub.loop.is_closed():
            continue
        try:
            hub.loop.call_soon_threadsafe(hub.notify, conversation_id, seq)
        except RuntimeError:  # the loop closed meanwhile
            continue


class Bus:
    """Hints from this process (`publish`) and from the others (`watch`)."""

    def publish(self, conversation_id: int, seq: int | None = None) -> None:
        """Called after the commit that stored message `seq`, in any thread."""
        _notify_local(conversation_id, seq)
        self.broadcast(conversation_id, seq)

    def broadcast(self, conversation_id: int, seq: int | None = None) -> None:
        """Tell the other processes (nothing to do for an in-process bus)."""

    async def watch(self, hub: Hub) -> None:
        """Until cancelled: hint `hub` of messages that other processes stored. Sets
        `hub.ready` once anything committed from then on will be noticed."""
        hub.ready.set()
        await asyncio.Event().wait()


class InProcessBus(Bus):
    """Hints within one process only: tests, and a single web process."""


class PollingBus(Bus):
    """Watches the database: one query per process every CHAT_POLL_SECONDS while any
    chat is open in it."""

    async def watch(self, hub: Hub) -> None:
        cursor = MessageCursor()
        while True:
            try:
                await database_call(cursor.start)()
                break
            except Exception:
                log.exception("chat bus: cannot read the message table; retrying")
                hub.ready.set()  # connections still read for themselves meanwhile
                await asyncio.sleep(1.0)
        hub.ready.set()
        while True:
            await asyncio.sleep(settings.CHAT_POLL_SECONDS)
            if not hub.subscriptions:
                continue
            try:
                changed = await database_call(cursor.fetch)()
            except Exception:
                log.exception("chat bus: polling failed; retrying")
                await asyncio.sleep(1.0)
                continue
            for conversation_id, seq in changed.items():
                hub.notify(conversation_id, seq)


class MessageCursor:
    """How far a polling watcher has read the message table.

    Ids are handed out when a row is inserted, not when it commits: on PostgreSQL a
    message with a lower id can become visible after a higher one. So the cursor
    remembers the ids it skipped over ("holes") and asks for them again until they
    appear or are older than GAP_SECONDS (a rolled-back insert leaves a hole for ever).
    On SQLite writes are serialised and holes only come from deleted rows.
    """

    GAP_SECONDS = 60.0
    START_WINDOW = 200  # ids below the top at start that may still be in flight
    BATCH = 1000
    MAX_HOLES = 5000

    def __init__(self) -> None:
        self.last = 0
        self.holes: dict[int, float] = {}

    def start(self) -> None:
        top = ChatMessage.objects.aggregate(top=Max("pk"))["top"] or 0
        low = max(1, top - self.START_WINDOW + 1)
        present = set(ChatMessage.objects.filter(pk__gte=low).values_list("pk", flat=True))
        now = time.monotonic()
        self.last = top
        self.holes = {pk: now for pk in range(low, top + 1) if pk not in present}

    def fetch(self) -> dict[int, int]:
        """The conversations with messages that appeared since the last fetch, each with
        the highest new message number."""
        wanted = Q(pk__gt=self.last)
        if self.holes:
            wanted |= Q(pk__in=list(self.holes))
        rows = list(
            ChatMessage.objects.filter(wanted)
            .order_by("pk")
            .values_list("pk", "conversation_id", "seq")[: self.BATCH]
        )
        now = time.monotonic()
        changed: dict[int, int] = {}
        for pk, conversation_id, seq in rows:
            changed[conversation_id] = max(seq, changed.get(conversation_id, 0))
            self.holes.pop(pk, None)
            if pk > self.last:
                for missing in range(self.last + 1, pk):
                    self.holes[missing] = now
                self.last = pk
        self._forget_old_holes(now)
        return changed

    def _forget_old_holes(self, now: float) -> None:
        expired = [pk for pk, seen in self.holes.items() if now - seen > self.GAP_SECONDS]
        for pk in expired:
            del self.holes[pk]
        if len(self.holes) > self.MAX_HOLES:
            for pk in sorted(self.holes)[: len(self.holes) - self.MAX_HOLES]:
                del self.holes[pk]


class RedisBus(Bus):
    """Redis publish/subscribe: every process publishes each new message's conversation
    id and listens for the others'."""

    def __init__(self, url: str):
        self.url = url
        self._client = None
        self._client_lock = threading.Lock()

    def _sync_client(self):
        import redis

        with self._client_lock:
            if self._client is None:
                self._client = redis.Redis.from_url(self.url, socket_timeout=2.0)
            return self._client

    def broadcast(self, conversation_id: int, seq: int | None = None) -> None:
        try:
            self._sync_client().publish(REDIS_CHANNEL, f"{conversation_id}:{seq or 0}")
        except Exception:
            # The message is stored; other processes' chats find it at their next resync.
            log.warning("chat bus: could not publish to Redis", exc_info=True)

    async def watch(self, hub: Hub) -> None:
        import redis.asyncio as aioredis

        while True:
            client = aioredis.Redis.from_url(self.url)
            pubsub = client.pubsub()
            try:
                await pubsub.subscribe(REDIS_CHANNEL)
                hub.ready.set()
                # Anything published while we were not listening: read again.
                hub.notify_all()
                while True:
                    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5)
                    if message is not None and message.get("type") == "message":
                        conversation_id, _, seq = message["data"].decode().partition(":")
                        hub.notify(int(conversation_id), int(seq or 0) or None)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("chat bus: Redis connection lost; reconnecting", exc_info=True)
                hub.ready.set()
                await asyncio.sleep(1.0)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
                    await client.aclose()


@functools.cache
def _bus_for(spec: str) -> Bus:
    if spec == "memory":
        return InProcessBus()
    if spec == "poll":
        return PollingBus()
    if spec.startswith(("redis://", "rediss://", "unix://")):
        return RedisBus(spec)
    raise ImproperlyConfigured(
        f"HAVEN_CHAT_BUS must be 'poll', 'memory' or a redis:// URL, not {spec!r}"
    )


def get_bus() -> Bus:
    return _bus_for(settings.CHAT_BUS)


def publish(conversation_id: int, seq: int | None = None) -> None:
    """Tell every open chat of the conversation to read the database (after commit)."""
    get_bus().publish(conversation_id, seq)


def _hub_for_running_loop() -> Hub:
    loop = asyncio.get_running_loop()
    with _hubs_lock:
        for other in [known for known in _hubs if known.is_closed()]:
            del _hubs[other]
        hub = _hubs.get(loop)
        if hub is None:
            hub = _hubs[loop] = Hub(loop)
    if hub.watcher is None or hub.watcher.done():
        hub.ready.clear()
        # A context of its own: the watcher outlives the request or connection that
        # started it, so it must not run its database calls in that request's thread.
        hub.watcher = loop.create_task(get_bus().watch(hub), context=contextvars.Context())
    return hub


@contextlib.asynccontextmanager
async def subscribe(conversation_id: int) -> AsyncIterator[Subscription]:
    """Hints for one conversation while the block runs. Subscribe *before* reading the
    database: whatever is committed after the read then brings a hint."""
    hub = _hub_for_running_loop()
    subscription = Subscription(conversation_id)
    hub.add(subscription)
    try:
        if not hub.ready.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(hub.ready.wait(), READY_TIMEOUT_SECONDS)
        yield subscription
    finally:
        hub.remove(subscription)
