"""Anonymising messages after the organisation's retention period.

An OutboundMessage keeps the recipient's number and the text, sealed, so that a failed
message can be understood (an alert's text holds the responder's link). Once the
retention cutoff has passed both are erased, whatever became of the message: one still
queued by then is never going to be sent (it is marked failed first, so that no worker
sends an empty message). The row stays for the counts (purpose, status, times).
Rejected webhook calls carry no content and are deleted after a month
(`webhooks.KEEP_REJECTIONS`).
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from haven.messaging.models import OutboundMessage, OutboundStatus, RejectedWebhook
from haven.messaging.webhooks import KEEP_REJECTIONS

NEVER_SENT = "Not sent before the retention period ended; number and text erased."


def anonymise_due(organisation, cutoff: datetime) -> int:
    """Erase the number and text of the organisation's messages created before `cutoff`;
    returns how many were erased."""
    old = OutboundMessage.objects.filter(organisation=organisation, created_at__lt=cutoff)
    with transaction.atomic():
        old.filter(status=OutboundStatus.QUEUED).update(
            status=OutboundStatus.FAILED, error=NEVER_SENT
        )
        erased = old.exclude(to_sealed="", body_sealed="").update(to_sealed="", body_sealed="")
        RejectedWebhook.objects.filter(at__lt=timezone.now() - KEEP_REJECTIONS).delete()
    return erased
