"""Routing's settings (declared in haven/settings.py; docs/settings.md lists them)."""

from django.conf import settings


def chase_hours() -> float:
    """Hours after sending (and after each chase) before an unacknowledged referral is
    chased again."""
    return float(settings.ROUTING_CHASE_HOURS)


def max_chases() -> int:
    """Chases before a referral is flagged for an analyst instead of chased again."""
    return int(settings.ROUTING_MAX_CHASES)


def api_timeout() -> float:
    """Seconds to wait for a partner Haven's answer before recording a failure."""
    return float(settings.ROUTING_API_TIMEOUT_SECONDS)


def http_allowed() -> bool:
    """Whether a partner's Haven may be reached over plain http (tests, closed networks)."""
    return bool(settings.ROUTING_ALLOW_HTTP)


def public_base_url() -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/")
