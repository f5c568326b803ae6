"""An emergency's timeline: every step, when, by whom, and how long after it opened.

Details hold counts, minutes, channels and names of the people acting, never anything
about the child: retention trims them further (`SAFE_KEYS`) when the emergency is
anonymised.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.emergencies.models import EmergencyEvent, Outcome

SYSTEM = "Haven"

LABELS = {
    "opened": _("Emergency opened"),
    "unassigned": _("No responder on call: supervisors alerted"),
    "held": _("From the public form, needs confirmation: supervisors alerted"),
    "confirmed": _("Confirmed by staff: responders may be alerted"),
    "alert_sent": _("Alert sent"),
    "alert_failed": _("Alert could not be sent"),
    "supervisors_alerted": _("Supervisors alerted"),
    "link_opened": _("Responder opened the link"),
    "escalated": _("No acknowledgement: escalated"),
    "acknowledged": _("Responder on the way"),
    "assigned": _("Responder assigned by staff"),
    "arrived": _("Responder with the child"),
    "target_met": _("Target met"),
    "target_missed": _("Target missed"),
    "closed": _("Closed"),
}

# What a timeline keeps once the emergency is anonymised: nothing that names a person.
SAFE_KEYS = {"level", "channel", "role", "minutes", "within_target", "outcome", "count", "via"}


def add(emergency, kind: str, actor_label: str = SYSTEM, at=None, **detail) -> EmergencyEvent:
    return EmergencyEvent.objects.create(
        emergency=emergency,
        kind=kind,
        at=at or timezone.now(),
        actor_label=actor_label[:200],
        detail=detail,
    )


def minutes_between(start, end) -> float:
    return round((end - start).total_seconds() / 60, 1)


def rows(emergency) -> list[dict]:
    """The timeline as the detail page shows it: oldest first, each step timed."""
    return [
        {
            "event": event,
            "label": LABELS.get(event.kind, event.kind),
            "text": describe(event),
            "after": minutes_between(emergency.opened_at, event.at),
        }
        for event in emergency.events.all()
    ]


def describe(event: EmergencyEvent) -> str:
    """One line about the step from its (non-identifying) details."""
    detail = event.detail or {}
    parts = []
    if "responder" in detail:
        parts.append(str(detail["responder"]))
    if "partner" in detail:
        parts.append(f"({detail['partner']})")
    if "channel" in detail:
        parts.append(f"by {detail['channel']}")
    if "level" in detail and event.kind in {"alert_sent", "alert_failed", "escalated"}:
        parts.append(f"level {detail['level']}")
    if "count" in detail:
        parts.append(f"{detail['count']} alert(s)")
    if "minutes" in detail:
        parts.append(f"{detail['minutes']} min after opening")
    if "outcome" in detail:
        parts.append(str(dict(Outcome.choices).get(detail["outcome"], "")))
    if "via" in detail:
        parts.append(f"via {detail['via']}")
    if "reason" in detail:
        parts.append(str(detail["reason"]))
    if "error" in detail:
        parts.append(str(detail["error"]))
    return " ".join(part for part in parts if part)


def trim(detail: dict) -> dict:
    return {key: value for key, value in (detail or {}).items() if key in SAFE_KEYS}
