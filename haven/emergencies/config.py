"""The times an emergency runs on, and where each is set.

The response times are the organisation's own (HelplineSettings, on the helpline's
settings page): a helpline and its partners agree them. How long a responder's link
keeps working is an operator's choice, in the server settings.
"""

from datetime import timedelta

from django.conf import settings

from haven.helpline.models import HelplineSettings
from haven.helpline.services import settings_for

# A responder's link keeps working this long after the emergency closes, so that one who
# opens it late learns it is over (and who went) instead of meeting a dead link.
DEFAULT_LINK_GRACE_MINUTES = 120
# ... and never longer than this after it was sent, however long the emergency stays
# open: an old SMS on a lost phone should not open a child's location.
DEFAULT_LINK_MAX_HOURS = 48


def times(organisation) -> HelplineSettings:
    """The organisation's target, acknowledgement and re-alert minutes."""
    return settings_for(organisation)


def link_grace() -> timedelta:
    minutes = getattr(settings, "EMERGENCY_LINK_GRACE_MINUTES", DEFAULT_LINK_GRACE_MINUTES)
    return timedelta(minutes=float(minutes))


def link_max_age() -> timedelta:
    hours = getattr(settings, "EMERGENCY_LINK_MAX_HOURS", DEFAULT_LINK_MAX_HOURS)
    return timedelta(hours=float(hours))


def public_base_url() -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/")
