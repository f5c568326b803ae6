"""Emergencies: a child in danger now. A responder of the partner that covers the child's
district must reach the child within the target time; every step is timed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EmergencyStatus(models.TextChoices):
    # Alerts are out; no responder has said they are going.
    ALERTING = "alerting", _("Alerting responders")
    # No partner or no one on call covers the district: supervisors must find someone.
    UNASSIGNED = "unassigned", _("No responder: supervisor to assign")
    ACKNOWLEDGED = "acknowledged", _("Responder on the way")
    ARRIVED = "arrived", _("Responder with the child")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    SAFE_WITH_FAMILY = "safe_with_family", _("Child safe with family or carer")
    SHELTER = "shelter", _("Child taken to a shelter")
    HOSPITAL = "hospital", _("Child taken to hospital")
    POLICE = "police", _("Handed to police")
    CHILD_WELFARE = "child_welfare", _("Brought before the child welfare committee")
    NOT_FOUND = "not_found", _("Child not found")
    FALSE_ALARM = "false_alarm", _("No child in danger (false alarm)")
    OTHER = "other", _("Other")


class Emergency(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="emergencies"
    )
    reference = models.CharField(max_length=20, unique=True)
    status = models.CharField(
        max_length=12, choices=EmergencyStatus.choices, default=EmergencyStatus.ALERTING
    )
    contact = models.ForeignKey(
        "helpline.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="emergencies",
    )
    report = models.ForeignKey(
        "reports.Report",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="emergencies",
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="emergencies"
    )
    district = models.ForeignKey(
        "network.District", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Where the child is and what the danger is: sealed, shown to the helpline and to the
    # responders alerted (they need it to find the child), never in statistics.
    location_sealed = models.TextField(blank=True)
    situation_sealed = models.TextField(blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    opened_at = models.DateTimeField(db_index=True)
    target_at = models.DateTimeField()  # opened_at + the organisation's target minutes
    partner = models.ForeignKey(
        "network.ServicePartner",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="emergencies",
    )
    responder = models.ForeignKey(
        "network.Responder",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="emergencies",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)
    # The escalation clock: when nobody has acknowledged by then, alert the next one.
    escalation_level = models.PositiveSmallIntegerField(default=0)
    next_escalation_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Set once, when the target passed with no responder with the child: the scheduler
    # claims it with a conditional UPDATE, so the timeline says "target missed" once.
    target_missed_at = models.DateTimeField(null=True, blank=True)
    # Opened by an anonymous reporter on the public form (the board says so).
    from_public_form = models.BooleanField(default=False)
    # Opened from the public form beyond the organisation's hourly limit: only the
    # supervisors are alerted until a member of staff confirms it (then responders are).
    needs_confirmation = models.BooleanField(default=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    anonymised_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return self.reference


class AlertRole(models.TextChoices):
    RESPONDER = "responder", _("Responder")
    SUPERVISOR = "supervisor", _("Supervisor")


class AlertStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Alert(models.Model):
    """One alert to one person on one channel."""

    emergency = models.ForeignKey(Emergency, on_delete=models.CASCADE, related_name="alerts")
    role = models.CharField(max_length=12, choices=AlertRole.choices)
    responder = models.ForeignKey(
        "network.Responder", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=10)  # sms, email, app
    level = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        max_length=10, choices=AlertStatus.choices, default=AlertStatus.QUEUED
    )
    error = models.CharField(max_length=300, blank=True)
    # SHA-256 of the link token sent to a responder; the token is their permission.
    token_digest = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    # When the responder first opened the link (the timeline shows it).
    opened_at = models.DateTimeField(null=True, blank=True)
    # An SMS alert's message in the messaging outbox: whether the provider delivered it.
    outbound_message = models.ForeignKey(
        "messaging.OutboundMessage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.role} alert {self.pk} for {self.emergency_id}"


class EmergencyEvent(models.Model):
    """The emergency's timeline: every step, when, and by whom."""

    emergency = models.ForeignKey(Emergency, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30)
    at = models.DateTimeField()
    actor_label = models.CharField(max_length=200)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at:%H:%M:%S}"
