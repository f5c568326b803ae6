"""Sign-in lockout: too many failures for one username, or from one address, and we refuse.

Failures live in the database (LoginFailure), not the cache, so that the count holds
across web processes and restarts. A username is locked after LOGIN_FAILURE_LIMIT
failures within LOGIN_LOCKOUT_MINUTES; an address after IP_LIMIT_FACTOR times that, so
that one machine cannot try a few passwords against every account in turn.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from haven.accounts.models import LoginFailure

IP_LIMIT_FACTOR = 4


def normalise(username: str) -> str:
    # Case-folded so that "Ana" and "ana" share one count; trimmed to fit the column.
    return username.strip().casefold()[:150]


def _window() -> timedelta:
    return timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def _lifted_at(failures, limit: int) -> datetime | None:
    """When the lock lifts: once the limit-th most recent failure leaves the window."""
    recent = list(
        failures.filter(at__gte=timezone.now() - _window())
        .order_by("-at")
        .values_list("at", flat=True)[:limit]
    )
    if len(recent) < limit:
        return None
    return recent[-1] + _window()


def locked_until(username: str, ip_address: str | None) -> datetime | None:
    """The time until which sign-in is refused for this username or address, or None."""
    limit = settings.LOGIN_FAILURE_LIMIT
    candidates = [_lifted_at(LoginFailure.objects.filter(username=normalise(username)), limit)]
    if ip_address:
        candidates.append(
            _lifted_at(LoginFailure.objects.filter(ip_address=ip_address), limit * IP_LIMIT_FACTOR)
        )
    times = [t for t in candidates if t is not None]
    return max(times) if times else None


def note_failure(username: str, ip_address: str | None) -> None:
    LoginFailure.objects.create(username=normalise(username), ip_address=ip_address)
    # Pruning here keeps the table to one lockout window of rows without a scheduled job.
    LoginFailure.objects.filter(at__lt=timezone.now() - _window()).delete()


def clear(username: str) -> None:
    LoginFailure.objects.filter(username=normalise(username)).delete()
