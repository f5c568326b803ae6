"""Anonymising closed emergencies past the organisation's retention period (called by
`haven.helpline.retention.anonymise_due` with each organisation's cutoff).

What stays is what statistics need: the district, the partner, every time and the
outcome. What goes is what could identify the child or the people around them: the
location, the situation, the outcome note, names and errors in the timeline, and the
alerts' error messages.
"""

from django.db import transaction
from django.utils import timezone

from haven.audit.services import Actor, record
from haven.emergencies import timeline
from haven.emergencies.models import Alert, Emergency, EmergencyEvent, EmergencyStatus

BATCH = 500


def anonymise_due(organisation, cutoff) -> int:
    """Anonymise the organisation's emergencies closed before `cutoff`; returns how many."""
    due = Emergency.objects.filter(
        organisation=organisation,
        status=EmergencyStatus.CLOSED,
        closed_at__lt=cutoff,
        anonymised_at=None,
    ).values_list("pk", flat=True)
    done = 0
    while ids := list(due[:BATCH]):
        with transaction.atomic():
            done += _anonymise(ids)
    if done:
        record(
            Actor.system("retention"),
            "emergency.anonymised",
            organisation_id=organisation.pk,
            count=done,
            cutoff=cutoff.isoformat(),
        )
    return done


def _anonymise(ids: list[int]) -> int:
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
        outcome_note="",
        anonymised_at=now,
        updated_at=now,
    )
