"""Throttles for the public pages, counted by a keyed hash of the client's address.

No address is ever stored: the cache holds a SHA-256 of the secret key and the address,
for as long as the window lasts. The status page counts attempts in a fixed window
(`increment`); reports of a child in danger are counted per clock hour, with the hour
before weighted by how much of it still falls within the last 60 minutes, so that a
burst across the turn of an hour counts as one (a sliding-window counter).
"""

import hashlib
import ipaddress
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

HOUR_SECONDS = 3600


def keyed(kind: str, value: str) -> str:
    # Hashed so that the cache holds no readable address or reference.
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()[:32]
    return f"reports.throttle.{kind}.{digest}"


def increment(key: str, timeout: int) -> int:
    cache.add(key, 0, timeout)
    try:
        return cache.incr(key)
    except ValueError:
        # The entry expired between add and incr: this is the first try of a new window.
        cache.add(key, 1, timeout)
        return 1


def sender(ip_address: str | None) -> str:
    """What one sender is: the address, or for IPv6 its /64, which one household or
    phone usually holds whole (counting single IPv6 addresses would let one sender
    pass as millions)."""
    if not ip_address:
        return "unknown"
    try:
        parsed = ipaddress.ip_address(ip_address)
    except ValueError:
        return ip_address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def within_hourly_limit(kind: str, value: str, limit: int, now: datetime | None = None) -> bool:
    """Count one more from `value` and say whether the last hour holds at most `limit`.
    Refused tries count too, so that a sender who keeps trying stays refused."""
    seconds = (now or timezone.now()).timestamp()
    hour, into_hour = divmod(int(seconds), HOUR_SECONDS)
    # Kept two hours: this hour's count is the previous hour's in the next one.
    this_hour = increment(keyed(kind, f"{value}:{hour}"), 2 * HOUR_SECONDS)
    previous = cache.get(keyed(kind, f"{value}:{hour - 1}"), 0)
    still_counted = previous * (HOUR_SECONDS - into_hour) / HOUR_SECONDS
    return this_hour + still_counted <= limit


def may_open_emergency(ip_address: str | None) -> bool:
    """Whether a public report of a child in danger from this address may open an
    emergency: at most settings.PUBLIC_DANGER_REPORTS_PER_HOUR an hour from one sender."""
    return within_hourly_limit(
        "danger", sender(ip_address), settings.PUBLIC_DANGER_REPORTS_PER_HOUR
    )
