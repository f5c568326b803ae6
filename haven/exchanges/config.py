"""The exchanges' server settings.

Read from Django settings when haven/settings.py declares them, otherwise straight from
the environment, so that the variables work either way (docs/exchanges.md lists them).
"""

from django.conf import settings

from haven.env import env_bool, env_float


def _setting(name: str, read, default):
    value = getattr(settings, name, None)
    return read(f"HAVEN_{name}", default) if value is None else value


def custom_urls_allowed() -> bool:
    """Whether credentials may go somewhere other than the exchange's own address (tests)."""
    return bool(_setting("EXCHANGE_ALLOW_CUSTOM_URLS", env_bool, False))


def http_timeout() -> float:
    """Seconds to wait for an exchange's answer before giving up until the next run."""
    return float(_setting("EXCHANGE_HTTP_TIMEOUT_SECONDS", env_float, 60.0))


def lease_minutes() -> float:
    """How long a fetch that stopped renewing its lease keeps other workers away."""
    return float(_setting("EXCHANGE_LEASE_MINUTES", env_float, 15.0))


def feed_settle_seconds() -> float:
    """How old a change must be before the feed serves it (see haven.exchanges.feed)."""
    return float(_setting("EXCHANGE_FEED_SETTLE_SECONDS", env_float, 30.0))
