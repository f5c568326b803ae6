"""The escalation clock (the periodic `haven.emergencies.escalate_due`).

An emergency nobody has acknowledged by its `next_escalation_at` is escalated one level:
the next responder on call who was not alerted yet, and the supervisors. When every
responder on call has been alerted, the supervisors are alerted again every
`realert_minutes` until someone acknowledges, a supervisor assigns someone, or the
emergency closes: a responder who never answers holds nothing up. An UNASSIGNED
emergency is looked at again each time too, so a responder whose shift has just begun
is alerted. An emergency from the public form that needs confirming alerts the
supervisors only, every `realert_minutes`, until a member of staff confirms it.

Each step is claimed with one conditional UPDATE on (escalation_level,
next_escalation_at), as the job system claims a lease: two schedulers running at the
same moment escalate each emergency once.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from haven.audit.services import Actor, record
from haven.emergencies import alerts, config, people, timeline
from haven.emergencies.models import Emergency, EmergencyStatus
from haven.emergencies.services import (
    OPEN,
    WAITING,
    held_reason,
    nobody_reason,
    note_target_missed,
)

BATCH = 200


def escalate_due(now=None) -> int:
    """Escalate every waiting emergency that is due, and note every target missed.
    Returns how many emergencies were escalated."""
    now = now or timezone.now()
    due = list(
        Emergency.objects.filter(status__in=WAITING, next_escalation_at__lte=now)
        .order_by("next_escalation_at", "pk")
        .values_list("pk", "escalation_level", "next_escalation_at")[:BATCH]
    )
    escalated = sum(_escalate(pk, level, at, now) for pk, level, at in due)
    _note_targets_missed(now)
    return escalated


def _escalate(pk: int, level: int, due_at, now) -> bool:
    with transaction.atomic():
        claimed = Emergency.objects.filter(
            pk=pk, status__in=WAITING, escalation_level=level, next_escalation_at=due_at
        ).update(escalation_level=level + 1, next_escalation_at=None, updated_at=now)
        if not claimed:
            return False  # acknowledged meanwhile, or another worker took this step
        emergency = Emergency.objects.select_related("organisation", "district").get(pk=pk)
        times = config.times(emergency.organisation)
        # A held emergency alerts no responder until staff confirm it: supervisors only.
        responder = None if emergency.needs_confirmation else _next_responder(emergency, now)
        if responder is not None:
            emergency.status = EmergencyStatus.ALERTING
            emergency.partner = emergency.partner or responder.partner
            wait = times.acknowledge_minutes
            reason = (
                f"No acknowledgement yet: {responder.name} ({responder.partner.name}) "
                "was alerted next."
            )
        else:
            wait = times.realert_minutes
            reason = _still_nobody(emergency, now)
        emergency.next_escalation_at = now + timedelta(minutes=wait)
        emergency.save(update_fields=["status", "partner", "next_escalation_at", "updated_at"])
        timeline.add(
            emergency,
            "escalated",
            at=now,
            level=emergency.escalation_level,
            responder=responder.name if responder else "",
            reason=reason,
        )
        if responder is not None:
            alerts.alert_responder(emergency, responder, emergency.escalation_level, now)
        alerts.alert_supervisors(emergency, emergency.escalation_level, now, reason)
        record(
            Actor.system("emergency scheduler"),
            "emergency.escalated",
            emergency,
            organisation_id=emergency.organisation_id,
            level=emergency.escalation_level,
            responder=responder.name if responder else "",
        )
    return True


def _next_responder(emergency: Emergency, now):
    """The first responder on call now who has not been alerted for this emergency."""
    alerted = set(
        emergency.alerts.filter(responder__isnull=False).values_list("responder_id", flat=True)
    )
    for responder in people.on_call(emergency.district, now):
        if responder.pk not in alerted:
            return responder
    return None


def _still_nobody(emergency: Emergency, now) -> str:
    if emergency.needs_confirmation:
        return "Still not confirmed. " + held_reason()
    if emergency.status == EmergencyStatus.UNASSIGNED:
        return nobody_reason(emergency)
    minutes = round((now - emergency.opened_at).total_seconds() / 60)
    return (
        f"No responder has acknowledged after {minutes} minutes, and all on call were "
        "alerted: assign a responder by hand."
    )


def _note_targets_missed(now) -> None:
    missed = Emergency.objects.filter(
        status__in=OPEN, arrived_at=None, target_missed_at=None, target_at__lte=now
    ).values_list("pk", flat=True)[:BATCH]
    for pk in list(missed):
        with transaction.atomic():
            emergency = Emergency.objects.get(pk=pk)
            if note_target_missed(emergency, now):
                record(
                    Actor.system("emergency scheduler"),
                    "emergency.target_missed",
                    emergency,
                    organisation_id=emergency.organisation_id,
                )
