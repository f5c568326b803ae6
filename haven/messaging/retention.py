"""Anonymising sent messages after the organisation's retention period.

An OutboundMessage keeps the recipient's number and the text, sealed, so that a failed
message can be understood. Once the retention cutoff has passed, and the message has
reached its end (sent, delivered or failed), both are erased; the row stays for the
counts (purpose, status, times). Rejected webhook calls carry no content and are
deleted after a month (`webhooks.KEEP_REJECTIONS`).
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from haven.messaging.models import OutboundMessage, OutboundStatus, RejectedWebhook
from haven.messaging.webhooks import KEEP_REJECTIONS


def anonymise_due(organisation, cutoff: datetime) -> int:
    """Erase the number and text of the organisation's messages created before `cutoff`;
    returns how many were erased."""
    with transaction.atomic():
        erased = (
            OutboundMessage.objects.filter(organisation=organisation, created_at__lt=cutoff)
            .exclude(status=OutboundStatus.QUEUED)
            .exclude(to_sealed="", body_sealed="")
            .update(to_sealed="", body_sealed="")
        )
        RejectedWebhook.objects.filter(at__lt=timezone.now() - KEEP_REJECTIONS).delete()
    return erased
