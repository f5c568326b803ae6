"""CyberTipline reports sent to NCMEC for a case, and their state in NCMEC's API."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TipState(models.TextChoices):
    DRAFT = "draft", _("Built, not sent")
    # Haven is talking to NCMEC about this report right now (see CyberTip.attempt).
    BUSY = "busy", _("Sending to NCMEC")
    OPEN = "open", _("Opened at NCMEC")
    FINISHED = "finished", _("Submitted")
    RETRACTED = "retracted", _("Retracted")
    FAILED = "failed", _("Failed")


class TipAction(models.TextChoices):
    SEND = "send", _("Send")
    FINISH = "finish", _("Finish")
    RETRACT = "retract", _("Retract")


class CyberTip(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    report = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="cybertips")
    state = models.CharField(max_length=10, choices=TipState.choices, default=TipState.DRAFT)
    # The report document. Sealed (encrypted) when it carries the reporter's contact,
    # which is kept encrypted everywhere else too: read it with services.tip_xml().
    xml = models.TextField()
    contact_included = models.BooleanField(default=False)
    ncmec_report_id = models.CharField(max_length=40, blank=True)
    # {media_item_id: {"file_id": NCMEC's file id, "details": whether /fileinfo was sent}}
    # for the files uploaded so far, so that a retry carries on where it stopped.
    files = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    # The action in progress while BUSY, the one that failed while FAILED.
    attempt = models.CharField(max_length=10, choices=TipAction.choices, blank=True)
    busy_since = models.DateTimeField(null=True, blank=True)
    retract_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    retracted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"CyberTip {self.ncmec_report_id or self.pk}"
