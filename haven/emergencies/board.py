"""What the emergency board shows: open emergencies by time left, and the recently closed
with their response times. The page and its JSON (polled by the board's script) are
built from the same rows, so they never disagree. Nothing here identifies a child."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from haven.emergencies.models import AlertRole, Emergency, EmergencyStatus
from haven.emergencies.services import OPEN, WAITING
from haven.emergencies.timeline import minutes_between

RECENT = timedelta(hours=24)
RECENT_MAX = 20
HELD_LABEL = "Needs confirmation: supervisors only"


def open_rows(emergencies, now=None) -> list[dict]:
    now = now or timezone.now()
    found = (
        emergencies.filter(status__in=OPEN)
        .select_related("district", "partner", "responder")
        .order_by("target_at", "pk")
    )
    return [open_row(emergency, now) for emergency in found]


def open_row(emergency: Emergency, now) -> dict:
    seconds_left = int((emergency.target_at - now).total_seconds())
    arrived = emergency.arrived_at is not None
    overdue = not arrived and seconds_left < 0
    unassigned = emergency.status == EmergencyStatus.UNASSIGNED
    held = emergency.needs_confirmation
    return {
        "emergency": emergency,
        "reference": emergency.reference,
        "url": reverse("emergencies:detail", args=[emergency.reference]),
        "status": emergency.status,
        "status_label": HELD_LABEL if held else str(emergency.get_status_display()),
        "district": str(emergency.district) if emergency.district else "",
        "partner": emergency.partner.name if emergency.partner else "",
        "responder": emergency.responder.name if emergency.responder else "",
        "level": emergency.escalation_level,
        "opened_at": emergency.opened_at.isoformat(),
        "target_at": emergency.target_at.isoformat(),
        "seconds_left": seconds_left,
        "target_ms": int(emergency.target_at.timestamp() * 1000),
        "minutes_left": _whole_minutes(seconds_left),
        "minutes_over": _whole_minutes(-seconds_left) if overdue else 0,
        "arrived_minutes": (
            minutes_between(emergency.opened_at, emergency.arrived_at) if arrived else None
        ),
        "overdue": overdue,
        "unassigned": unassigned,
        "held": held,
        "from_public": emergency.from_public_form,
        "red": overdue or unassigned or held,
    }


def _whole_minutes(seconds: int) -> int:
    # Rounded towards zero: "0 min left" until the target, then "overdue by 1 min".
    return int(seconds / 60)


def alerted_to(user, emergencies) -> list[Emergency]:
    """The in-app alerts: emergencies still waiting for a responder about which this
    supervisor was alerted. The board shows them first."""
    return list(
        emergencies.filter(
            status__in=WAITING,
            alerts__user=user,
            alerts__role=AlertRole.SUPERVISOR,
            alerts__channel="app",
        )
        .distinct()
        .order_by("target_at", "pk")
    )


def closed_rows(emergencies, now=None) -> list[dict]:
    now = now or timezone.now()
    found = (
        emergencies.filter(status=EmergencyStatus.CLOSED, closed_at__gte=now - RECENT)
        .select_related("district", "partner", "responder")
        .order_by("-closed_at", "-pk")[:RECENT_MAX]
    )
    return [closed_row(emergency) for emergency in found]


def closed_row(emergency: Emergency) -> dict:
    def after(moment):
        return minutes_between(emergency.opened_at, moment) if moment else None

    met = emergency.arrived_at is not None and emergency.arrived_at <= emergency.target_at
    missed = not met and emergency.target_missed_at is not None
    return {
        "emergency": emergency,
        "reference": emergency.reference,
        "url": reverse("emergencies:detail", args=[emergency.reference]),
        "acknowledged_minutes": after(emergency.acknowledged_at),
        "arrived_minutes": after(emergency.arrived_at),
        "closed_minutes": after(emergency.closed_at),
        # "met", "missed", or "" for one closed before its target with no one needed.
        "target": "met" if met else "missed" if missed else "",
        "outcome_label": str(emergency.get_outcome_display()) if emergency.outcome else "",
    }


_JSON_KEYS = (
    "reference",
    "url",
    "status",
    "status_label",
    "district",
    "partner",
    "responder",
    "level",
    "opened_at",
    "target_at",
    "seconds_left",
    "target_ms",
    "arrived_minutes",
    "overdue",
    "unassigned",
    "held",
    "from_public",
    "red",
)


def as_json(emergencies, now=None) -> dict:
    now = now or timezone.now()
    return {
        "now": now.isoformat(),
        "now_ms": now_ms(now),
        "open": [{key: row[key] for key in _JSON_KEYS} for row in open_rows(emergencies, now)],
        "closed": [row["reference"] for row in closed_rows(emergencies, now)],
    }


def now_ms(now=None) -> int:
    """The server's clock for the board's script, which counts down from it."""
    return int((now or timezone.now()).timestamp() * 1000)
