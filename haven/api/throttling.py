"""Per-token rate limits: a fixed one-minute window counted in Django's cache.

A token's own `rate_per_minute` wins over settings.API_RATE_PER_MINUTE. With the default
in-process cache each web process counts on its own; set HAVEN_CACHE_URL to Redis for
one shared count.
"""

import math
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from haven.api.models import ApiToken

WINDOW_SECONDS = 60


def _now() -> float:
    return time.time()


class TokenRateThrottle(BaseThrottle):
    def __init__(self) -> None:
        self.retry_after = 0

    def allow_request(self, request, view) -> bool:
        identity = _identity(request)
        if identity is None:
            return True
        key, limit = identity
        now = _now()
        window_start = int(now // WINDOW_SECONDS) * WINDOW_SECONDS
        count = _count(f"haven:api-rate:{key}:{window_start}")
        if count <= limit:
            return True
        self.retry_after = max(1, math.ceil(window_start + WINDOW_SECONDS - now))
        return False

    def wait(self) -> float:
        return self.retry_after


def _identity(request) -> tuple[str, int] | None:
    if isinstance(request.auth, ApiToken):
        token = request.auth
        rate = token.rate_per_minute
        return f"token:{token.pk}", settings.API_RATE_PER_MINUTE if rate is None else rate
    if request.user is not None and request.user.is_authenticated:
        return f"user:{request.user.pk}", settings.API_RATE_PER_MINUTE
    return None


def _count(key: str) -> int:
    # add-then-incr is atomic on every cache backend Haven uses; the key outlives its
    # window slightly so that a request at the very end still finds it.
    cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
    try:
        return cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS + 5)
        return 1
