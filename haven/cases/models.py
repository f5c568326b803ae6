"""Case management: from registration to closure, for one child, with the contacts,
reports and emergencies about them, the services they receive and the referrals made."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    REGISTRATION = "registration", _("Registration")
    ASSESSMENT = "assessment", _("Assessment")
    PLAN = "plan", _("Case plan")
    SERVICES = "services", _("Services")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", _("Closed")


class ClosureReason(models.TextChoices):
    SAFE = "safe", _("Child safe; needs met")
    TRANSFERRED = "transferred", _("Transferred to another agency")
    MOVED = "moved", _("Child moved away")
    AGED_OUT = "aged_out", _("Child turned 18")
    DECLINED = "declined", _("Child or family declined further help")
    LOST_CONTACT = "lost_contact", _("Contact lost")
    DIED = "died", _("Child died")
    DUPLICATE = "duplicate", _("Duplicate of another case")
    OTHER = "other", _("Other")


class Case(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="cases"
    )
    reference = models.CharField(max_length=20, unique=True)
    stage = models.CharField(max_length=15, choices=Stage.choices, default=Stage.REGISTRATION)
    # The due date of the current stage; the overdue board lists stages past it.
    stage_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    risk_level = models.CharField(max_length=10, default="medium")  # helpline.RiskLevel
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField()
    # About the child: identifying details sealed and masked; the rest is what statistics use.
    child_name_sealed = models.TextField(blank=True)
    child_age = models.PositiveSmallIntegerField(null=True, blank=True)
    gender = models.CharField(max_length=12, default="unknown")  # helpline.Gender
    district = models.ForeignKey(
        "network.District", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    categories = models.JSONField(default=list, blank=True)  # helpline taxonomy codes
    consent_share = models.BooleanField(default=False)
    # The stage records: what was found, and what is planned.
    assessment = models.TextField(blank=True)
    plan = models.TextField(blank=True)
    reports = models.ManyToManyField("reports.Report", related_name="cases", blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closure_reason = models.CharField(max_length=15, choices=ClosureReason.choices, blank=True)
    closure_note = models.TextField(blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "stage"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.stage != Stage.CLOSED


class StageRecord(models.Model):
    """When the case entered each stage, when it was due to leave, and when it did."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="stage_records")
    stage = models.CharField(max_length=15, choices=Stage.choices)
    entered_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Why the stage ended as it did, when the rules ask for a reason (moving on from
    # services with none delivered). Cleared by retention.
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["entered_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.stage}"


class Timeframe(models.TextChoices):
    # Primero's service timeframes.
    HOUR = "1h", _("Within 1 hour")
    THREE_HOURS = "3h", _("Within 3 hours")
    DAY = "1d", _("Within 1 day")
    THREE_DAYS = "3d", _("Within 3 days")


class ServiceStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


class CaseService(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="services")
    service_type = models.CharField(max_length=20)  # network.ServiceType
    description = models.TextField(blank=True)
    timeframe = models.CharField(max_length=3, choices=Timeframe.choices)
    due_at = models.DateTimeField(db_index=True)
    status = models.CharField(
        max_length=12, choices=ServiceStatus.choices, default=ServiceStatus.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]

    def __str__(self) -> str:
        return f"{self.service_type} for case {self.case_id}"

    @property
    def is_open(self) -> bool:
        return self.status in (ServiceStatus.PLANNED, ServiceStatus.IN_PROGRESS)


class ReferralStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")


class CaseReferral(models.Model):
    """A referral of the child to a partner's service. The partner sees this, and only
    what the child consented to share."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    service = models.ForeignKey(
        CaseService, on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals"
    )
    partner_service = models.ForeignKey(
        "network.PartnerService", on_delete=models.PROTECT, related_name="referrals"
    )
    partner = models.ForeignKey(
        "network.ServicePartner", on_delete=models.PROTECT, related_name="case_referrals"
    )
    status = models.CharField(
        max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.REQUESTED
    )
    # What the partner is told: written for them, within the child's consent.
    note = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.CharField(max_length=200, blank=True)
    response_note = models.TextField(blank=True)  # with the acceptance, or why declined
    completed_at = models.DateTimeField(null=True, blank=True)
    completion_note = models.TextField(blank=True)  # what the partner did

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"Referral {self.pk} of case {self.case_id} ({self.status})"


class FollowUp(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    due_at = models.DateTimeField(db_index=True)
    description = models.CharField(max_length=300)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.TextField(blank=True)
    # Closing the case cancels the follow-ups still open (after the user confirms).
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]

    def __str__(self) -> str:
        return f"Follow-up of case {self.case_id} due {self.due_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.done_at is None and self.cancelled_at is None
