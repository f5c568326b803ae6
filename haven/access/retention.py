"""Requests to unblock and alerts do not outlive their use.

A child's request and an alert to a trusted adult are about one moment; once answered
(or, when nobody answers, once made) they are deleted after ACCESS_RETENTION_DAYS. An
approval still in force is kept, since later decisions rely on it, but the child's
message and the adult's note go. A profile deactivated that long ago is deleted. Counts
of what was deleted are audited, nothing else. Runs hourly (haven/celery.py).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from haven.access.models import AdultAlert, ChildProfile, UnblockRequest
from haven.audit.services import Actor, record


def expire_due(now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ACCESS_RETENTION_DAYS)
    in_force = Q(status=UnblockRequest.Status.APPROVED) & (
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )
    old = Q(decided_at__lt=cutoff) | Q(decided_at__isnull=True, created_at__lt=cutoff)
    with transaction.atomic():
        cleared = (
            UnblockRequest.objects.filter(old & in_force)
            .exclude(child_message="", adult_note="")
            .update(child_message="", adult_note="")
        )
        requests, _ = UnblockRequest.objects.filter(old).exclude(in_force).delete()
        alerts, _ = AdultAlert.objects.filter(created_at__lt=cutoff).delete()
        # A profile deactivated that long ago goes too, with what is left of it.
        profiles = ChildProfile.objects.filter(active=False, updated_at__lt=cutoff)
        profile_count = profiles.count()
        profiles.delete()
        counts = {
            "requests_deleted": requests,
            "approvals_cleared": cleared,
            "alerts": alerts,
            "profiles": profile_count,
        }
        if any(counts.values()):
            record(Actor.system("retention"), "access.retention", **counts)
    return counts
