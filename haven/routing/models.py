"""The directory of partners a report can go to (hotlines by country, police units,
online services, registrars) and every referral sent to them until acknowledged."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PartnerKind(models.TextChoices):
    HOTLINE = "hotline", _("Hotline")
    POLICE = "police", _("Police unit")
    ONLINE_SERVICE = "online_service", _("Online service")
    REGISTRAR = "registrar", _("Registrar")


class Partner(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="partners"
    )
    kind = models.CharField(max_length=20, choices=PartnerKind.choices)
    name = models.CharField(max_length=200)
    # The country a hotline or police unit covers (ISO 3166 alpha-2).
    country = models.CharField(max_length=2, blank=True, db_index=True)
    email = models.CharField(max_length=254, blank=True)
    language = models.CharField(max_length=10, default="en")
    # A partner that also runs Haven: referrals go to its report API with this token.
    api_url = models.URLField(max_length=500, blank=True)
    api_token_sealed = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    notes = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name


class ReferralKind(models.TextChoices):
    FORWARD = "forward", _("Forwarded to the hosting country")
    POLICE = "police", _("Referred to police")
    ESCALATION = "escalation", _("Escalated by the takedown")


class ReferralStatus(models.TextChoices):
    # Recorded, and waiting for the worker to send it (e-mail, or the partner's API).
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Could not be sent")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")


class Referral(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    report = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="referrals")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="referrals")
    kind = models.CharField(max_length=20, choices=ReferralKind.choices)
    channel = models.CharField(max_length=10)
    # What was sent: URLs, hashes, timestamps, capture details, classification. Never
    # the material itself unless evidence retention is on and the law allows it.
    evidence = models.JSONField(default=dict)
    status = models.CharField(max_length=15, choices=ReferralStatus.choices)
    error = models.CharField(max_length=300, blank=True)
    # The partner acknowledges through a link in the e-mail (AckLink keeps only each
    # link's digest) or its Haven answers with its own reference.
    remote_reference = models.CharField(max_length=100, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    # When to chase a referral nobody has acknowledged.
    chase_at = models.DateTimeField(null=True, blank=True, db_index=True)
    chases = models.PositiveSmallIntegerField(default=0)
    last_chased_at = models.DateTimeField(null=True, blank=True)
    # Chased as often as allowed and still not acknowledged: an analyst should call.
    flagged_at = models.DateTimeField(null=True, blank=True)
    # Set when staff record an acknowledgement that came another way (a phone call).
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledgement_note = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.kind} of {self.report_id} to {self.partner_id}"

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None


class AckLink(models.Model):
    """One acknowledgement link sent to a partner: the first e-mail's and each chase's.

    Only the SHA-256 digest of the link's random token is stored. Every link of a
    referral keeps working, so a partner may answer whichever e-mail it reads first.
    """

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="ack_links")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"acknowledgement link of referral {self.referral_id}"
