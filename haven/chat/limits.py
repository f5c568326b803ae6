"""Limits that keep the web chat answering when someone abuses it: how many chats one
sender may start, how many connections one side of a conversation may hold open, how
fast one connection may send frames, how much of the transcript one answer may carry,
and how long an ended chat stays readable.

Senders are counted by a keyed hash of their address (haven.reports.throttle): no
address is stored. Connections are counted in the web process that holds them (each
process enforces its own cap, so N processes allow N times as many); counts of requests
(sends, polls) are kept in the shared cache, so they hold across processes.
"""

import threading
import time
from collections import deque
from datetime import timedelta

from django.conf import settings

from haven.reports import throttle

# An ended chat stays readable this long, so that the child can read the goodbye; then
# nothing of it is served any more (docs/chat.md, "After a chat ends").
ENDED_GRACE = timedelta(minutes=10)
# Open WebSockets and waiting long-polls per conversation and side (the child; each
# member of staff), in one web process. A child has one; a few spare cover a reconnect
# made before the server noticed the old socket had gone.
CONNECTIONS_PER_SIDE = 4
# Frames (WebSocket) or requests (send, long-poll) one connection or side may make in
# WINDOW_SECONDS, refused ones included; beyond twice as many a WebSocket is closed.
WINDOW_SECONDS = 10
FRAMES_PER_WINDOW = 30
# Asking for earlier messages again ("resume" to a number before what was sent): at
# most once in this many seconds per WebSocket.
REWIND_EVERY_SECONDS = 5.0
# One answer (on connecting, after a resume, or to a long-poll that is far behind)
# carries at most the latest this many messages, as the chat page shows.
REPLAY_MESSAGES = 200


def starts_per_hour() -> int:
    """Chats one sender may start in an hour (HAVEN_CHAT_STARTS_PER_HOUR when the
    settings define it). Mobile networks put many phones behind one address: keep it
    a small multiple of what one child needs, not one."""
    return getattr(settings, "CHAT_STARTS_PER_HOUR", 20)


def may_start_chat(ip_address: str | None) -> bool:
    """Count a start from this address and say whether it is within the hour's limit.
    Refused tries count too, so a sender who keeps trying stays refused."""
    return throttle.within_hourly_limit(
        "chat_start", throttle.sender(ip_address), starts_per_hour()
    )


def _now() -> float:
    return time.time()


def within_window(kind: str, key: str) -> bool:
    """Count one more `kind` request for `key` (a conversation and side) in the current
    WINDOW_SECONDS window of the shared cache; whether it is within FRAMES_PER_WINDOW."""
    window = int(_now() // WINDOW_SECONDS)
    count = throttle.increment(f"chat.{kind}.{key}.{window}", 2 * WINDOW_SECONDS)
    return count <= FRAMES_PER_WINDOW


class ConnectionSlots:
    """Open connections per (conversation, side) in this process."""

    def __init__(self) -> None:
        self._open: dict[tuple, int] = {}
        self._lock = threading.Lock()

    def acquire(self, key: tuple) -> bool:
        with self._lock:
            count = self._open.get(key, 0)
            if count >= CONNECTIONS_PER_SIDE:
                return False
            self._open[key] = count + 1
            return True

    def release(self, key: tuple) -> None:
        with self._lock:
            count = self._open.get(key, 0) - 1
            if count > 0:
                self._open[key] = count
            else:
                self._open.pop(key, None)

    def count(self, key: tuple) -> int:
        with self._lock:
            return self._open.get(key, 0)


slots = ConnectionSlots()

ALLOW, SLOW_DOWN, CLOSE = "allow", "slow_down", "close"


class FrameBudget:
    """One WebSocket's frames in the last WINDOW_SECONDS, refused ones included: up to
    FRAMES_PER_WINDOW are handled, the next as many are answered "slow down" unread,
    and past that the socket is closed."""

    def __init__(self, clock=time.monotonic) -> None:
        self._clock = clock
        self._seen: deque[float] = deque()

    def take(self) -> str:
        now = self._clock()
        while self._seen and now - self._seen[0] >= WINDOW_SECONDS:
            self._seen.popleft()
        self._seen.append(now)
        count = len(self._seen)
        if count <= FRAMES_PER_WINDOW:
            return ALLOW
        return SLOW_DOWN if count <= 2 * FRAMES_PER_WINDOW else CLOSE
