"""Anonymising closed emergencies past the organisation's retention period (called by
`haven.helpline.retention.anonymise_due` with each organisation's cutoff).

What stays is what statistics need: the district, the partner, every time and the
outcome. What goes is what could identify the child or the people around them: the
location, the situation, the outcome note, names and errors in the timeline, and the
alerts' error messages.

An emergency nobody closed would otherwise keep the child's location for ever (and
the scheduler would keep re-alerting supervisors about it). One on which no person has
taken a step since before the cutoff (the scheduler's own steps do not count) is closed
with the outcome "other" and the note "Closed by retention", and anonymised at once.
"""

from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from haven.audit.services import Actor, record
from haven.emergencies import services, timeline
from haven.emergencies.models import Alert, Emergency, EmergencyEvent, EmergencyStatus, Outcome
from haven.triage.actions import InvalidTransition

BATCH = 500
RETENTION_NOTE = "Closed by retention"


def anonymise_due(organisation, cutoff) -> int:
    """Close the organisation's forgotten emergencies, and anonymise those closed before
    `cutoff` and the forgotten ones; returns how many were anonymised."""
    forgotten = close_forgotten(organisation, cutoff)
    due = Emergency.objects.filter(
        organisation=organisation,
        status=EmergencyStatus.CLOSED,
        closed_at__lt=cutoff,
        anonymised_at=None,
    ).values_list("pk", flat=True)
    done = 0
    for ids in _batches(forgotten):
        with transaction.atomic():
            done += _anonymise(ids, note=RETENTION_NOTE)
    while ids := list(due[:BATCH]):
        with transaction.atomic():
            done += _anonymise(ids)
    if done:
        record(
            Actor.system("retention"),
            "emergency.anonymised",
            organisation_id=organisation.pk,
            count=done,
            closed_by_retention=len(forgotten),
            cutoff=cutoff.isoformat(),
        )
    return done


def close_forgotten(organisation, cutoff) -> list[int]:
    """Close every open emergency of the organisation on which nobody has acted since
    before `cutoff`; returns their ids."""
    last_step = (
        EmergencyEvent.objects.filter(emergency=OuterRef("pk"))
        .exclude(actor_label=timeline.SYSTEM)
        .order_by("-at")
        .values("at")[:1]
    )
    forgotten = list(
        Emergency.objects.filter(
            organisation=organisation,
            status__in=services.OPEN,
            opened_at__lt=cutoff,
            anonymised_at=None,
        )
        .annotate(last_step=Subquery(last_step))
        .filter(Q(last_step__lt=cutoff) | Q(last_step=None))
        .values_list("pk", flat=True)
    )
    retention, closed = Actor.system("retention"), []
    for emergency in Emergency.objects.filter(pk__in=forgotten):
        try:
            services.close(
                emergency, Outcome.OTHER, RETENTION_NOTE, actor=retention, via="retention"
            )
        except InvalidTransition:
            continue  # someone closed it a moment ago: theirs is the outcome
        closed.append(emergency.pk)
    return closed


def _batches(ids: list[int]):
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def _anonymise(ids: list[int], note: str = "") -> int:
    """`note` replaces the outcome note: one that names nobody, such as why it closed."""
    now = timezone.now()
    events = EmergencyEvent.objects.filter(emergency_id__in=ids).only("pk", "detail")
    for event in events:
        trimmed = timeline.trim(event.detail)
        if trimmed != event.detail:
            EmergencyEvent.objects.filter(pk=event.pk).update(detail=trimmed)
    Alert.objects.filter(emergency_id__in=ids).exclude(error="").update(error="")
    return Emergency.objects.filter(pk__in=ids, anonymised_at=None).update(
        location_sealed="",
        situation_sealed="",
        outcome_note=note,
        anonymised_at=now,
        updated_at=now,
    )
