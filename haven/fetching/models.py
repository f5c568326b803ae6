"""The record of every fetch of a reported address: what was asked, where it led, what
came back (as hashes) or why nothing did."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.fetching.reasons import REASONS


class Purpose(models.TextChoices):
    CAPTURE = "capture", _("Capture when reported")
    RECHECK = "recheck", _("Check whether it is still online")


class Outcome(models.TextChoices):
    # The address answered with content: it is still online.
    PRESENT = "present", _("Online")
    # 404/410/451, or the name no longer resolves: the content is gone.
    GONE = "gone", _("Gone")
    # The policy forbids this address (private, loopback, metadata…): nothing was sent.
    REFUSED = "refused", _("Refused by the safety policy")
    # Timeouts, resets, too large, too many redirects, server errors: we cannot tell.
    FAILED = "failed", _("Could not be checked")


class Fetch(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    report_url = models.ForeignKey(
        "reports.ReportUrl", on_delete=models.CASCADE, related_name="fetches"
    )
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    requested_url = models.TextField()
    final_url = models.TextField(blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    # A short code (timeout, too_large, forbidden_address, redirect_loop, bad_url…)
    # and a sentence for people.
    reason = models.CharField(max_length=40, blank=True)
    detail = models.TextField(blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    # Every address the name resolved to, and the redirect chain, as followed.
    addresses = models.JSONField(default=list, blank=True)
    # The address the final answer came from: where the content really is. Hosting uses
    # it rather than resolving the name again (a hostile DNS could answer differently).
    connected_address = models.GenericIPAddressField(null=True, blank=True)
    redirects = models.JSONField(default=list, blank=True)
    response_headers = models.JSONField(default=dict, blank=True)
    content_type = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    md5 = models.CharField(max_length=32, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    # The file made from what was fetched, hashed and matched like any reported file.
    media_item = models.ForeignKey(
        "reports.MediaItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["report_url", "started_at"])]

    def __str__(self) -> str:
        return f"{self.purpose} {self.requested_url}: {self.outcome}"

    @property
    def reason_sentence(self) -> str:
        return REASONS.get(self.reason, self.reason)
