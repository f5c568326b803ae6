"""Deadlines, notes and the actions analysts record on reports."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.reports.models import Category


class ResponseDeadline(models.Model):
    """How long an organisation gives itself to act on a category of report."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="deadlines"
    )
    category = models.CharField(max_length=30, choices=Category.choices)
    hours = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "category"], name="unique_deadline_per_category"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.hours}h"


class Note(models.Model):
    report = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"note on {self.report_id}"


class ActionKind(models.TextChoices):
    POLICE = "police", _("Referred to police")
    HOST_NOTICE = "host_notice", _("Notice sent to the host")
    FORWARDED = "forwarded", _("Forwarded to another organisation")
    NO_ACTION = "no_action", _("No action")


class ActionTaken(models.Model):
    report = models.ForeignKey(
        "reports.Report", on_delete=models.CASCADE, related_name="actions_taken"
    )
    kind = models.CharField(max_length=20, choices=ActionKind.choices)
    # Who it went to (police unit, host, organisation), or why nothing was done.
    detail = models.TextField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    taken_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind} on {self.report_id}"


class Severity(models.TextChoices):
    """How serious an analyst judges a report to be, once it has been looked at."""

    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


def severity_label(value: str) -> str:
    return str(Severity(value).label) if value in Severity.values else value


class SpentGrant(models.Model):
    """A one-time grant to see an original file that has already been used.

    The grant itself is a signed token; this row is what makes it one-time. Inserting
    the row is the claim: the unique nonce lets only one request win.
    """

    nonce = models.CharField(max_length=32, unique=True)
    spent_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return self.nonce
