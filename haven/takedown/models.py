"""Notice and takedown: each organisation's policy, notice templates, one takedown per
reported address, and every notice sent for it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FirstNotice(models.TextChoices):
    AT_ONCE = "at_once", _("At once")
    AFTER_DELAY = "after_delay", _("After a delay")
    AFTER_POLICE = "after_police", _("After police agree")


class EscalateTo(models.TextChoices):
    PARTNER_HOTLINE = "partner_hotline", _("The hotline of the hosting country")
    REGISTRAR = "registrar", _("The domain's registrar")
    POLICE = "police", _("Police")


class TakedownPolicy(models.Model):
    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="takedown_policy"
    )
    first_notice = models.CharField(
        max_length=20, choices=FirstNotice.choices, default=FirstNotice.AT_ONCE
    )
    first_notice_delay_minutes = models.PositiveIntegerField(default=60)
    reminder_hours = models.PositiveIntegerField(default=24)
    escalate_after_reminders = models.PositiveSmallIntegerField(default=3)
    escalate_to = models.CharField(
        max_length=20, choices=EscalateTo.choices, default=EscalateTo.PARTNER_HOTLINE
    )
    # After removal, check again this many days later: content that comes back
    # reopens the takedown.
    recheck_after_removal_days = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"takedown policy of {self.organisation_id}"


class NoticeKind(models.TextChoices):
    FIRST = "first", _("First notice")
    REMINDER = "reminder", _("Reminder")
    ESCALATION = "escalation", _("Escalation")


class NoticeTemplate(models.Model):
    """Subject and body of a notice in one language. Built-in templates have no
    organisation; an organisation's own template of the same kind and language wins."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notice_templates",
    )
    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    language = models.CharField(max_length=10)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "language"], name="unique_notice_template"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}/{self.language}"


class State(models.TextChoices):
    # Waiting for the first notice (a delay, or police agreement).
    WAITING = "waiting", _("Waiting to notify")
    NOTIFIED = "notified", _("Host notified")
    ESCALATED = "escalated", _("Escalated")
    REMOVED = "removed", _("Removed")
    FORWARDED = "forwarded", _("Forwarded to the hosting country")
    STOPPED = "stopped", _("Stopped")


OPEN_STATES = (State.WAITING, State.NOTIFIED, State.ESCALATED)


class Takedown(models.Model):
    """Getting one reported address taken down, from the first notice to removal."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    report = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="takedowns")
    report_url = models.OneToOneField(
        "reports.ReportUrl", on_delete=models.CASCADE, related_name="takedown"
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.WAITING)
    # When the scheduler next acts: first notice, a reminder (after a re-check), or a
    # re-check after removal. Claimed atomically, so two workers never act twice.
    next_action_at = models.DateTimeField(null=True, blank=True, db_index=True)
    leased_until = models.DateTimeField(null=True, blank=True)
    # Snapshot of where notices go, so later directory edits do not rewrite history.
    recipient = models.CharField(max_length=500, blank=True)
    channel = models.CharField(max_length=10, blank=True)
    language = models.CharField(max_length=10, default="en")
    host_name = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=2, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    police_agreed_at = models.DateTimeField(null=True, blank=True)
    first_notice_at = models.DateTimeField(null=True, blank=True)
    last_notice_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)
    host_answered_at = models.DateTimeField(null=True, blank=True)
    host_answer = models.TextField(blank=True)
    removed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Re-checks after removal still to do, as days after removal.
    rechecks_left = models.JSONField(default=list, blank=True)
    reappeared_count = models.PositiveSmallIntegerField(default=0)
    last_check_outcome = models.CharField(max_length=10, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    stopped_reason = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "state"])]

    def __str__(self) -> str:
        return f"takedown {self.pk} ({self.state})"


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    API = "api", _("API")


class Notice(models.Model):
    takedown = models.ForeignKey(Takedown, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    recipient = models.CharField(max_length=500)
    language = models.CharField(max_length=10)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    sent_at = models.DateTimeField(default=timezone.now)
    delivered = models.BooleanField(default=True)
    error = models.CharField(max_length=300, blank=True)
    # The fetch that showed the content still online just before this notice went.
    recheck = models.ForeignKey(
        "fetching.Fetch", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["sent_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient}"
