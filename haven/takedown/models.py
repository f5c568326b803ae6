"""Notice and takedown: each organisation's policy, notice templates, one takedown per
reported address, and every notice sent for it."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
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


# SCARt's and Arachnid's practice: check again the day after removal, a week after and a
# month after; content that comes back reopens the takedown.
DEFAULT_RECHECK_DAYS = (1, 7, 30)


def default_recheck_days() -> list[int]:
    return list(DEFAULT_RECHECK_DAYS)


class TakedownPolicy(models.Model):
    """When notices go and what happens when they are ignored. An organisation without a
    row uses the defaults (see haven.takedown.policies.policy_for)."""

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
    recheck_after_removal_days = models.JSONField(default=default_recheck_days, blank=True)
    # Whether an address classified as actionable gets a takedown without anyone
    # pressing "Start takedown".
    auto_open = models.BooleanField(default=True)
    # Where hosts' replies to an e-mailed notice go (the notice's Reply-To); empty: the
    # sender address (DEFAULT_FROM_EMAIL).
    reply_to = models.EmailField(blank=True)
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
            ),
            # NULLs are distinct in the constraint above: built-ins need their own.
            models.UniqueConstraint(
                fields=["kind", "language"],
                condition=Q(organisation=None),
                name="unique_builtin_notice_template",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}/{self.language}"

    @property
    def is_builtin(self) -> bool:
        return self.organisation_id is None


class State(models.TextChoices):
    # Waiting for the first notice (a delay, or police agreement).
    WAITING = "waiting", _("Waiting to notify")
    NOTIFIED = "notified", _("Host notified")
    ESCALATED = "escalated", _("Escalated")
    REMOVED = "removed", _("Removed")
    FORWARDED = "forwarded", _("Forwarded to the hosting country")
    STOPPED = "stopped", _("Stopped")


OPEN_STATES = (State.WAITING, State.NOTIFIED, State.ESCALATED)
# States the scheduler still acts on: the open ones, forwarded ones (re-checked to date
# the removal) and removed ones with re-checks left.
SCHEDULED_STATES = (*OPEN_STATES, State.FORWARDED, State.REMOVED)

# No 0/O, 1/I/L, like report references: hosts read them out on the phone.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_takedown_reference() -> str:
    """Random, so one takedown's reference says nothing about another's (or how many)."""
    body = "".join(secrets.choice(_ALPHABET) for _ in range(10))
    return f"TD-{body[:5]}-{body[5:]}"


class Takedown(models.Model):
    """Getting one reported address taken down, from the first notice to removal."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    report = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="takedowns")
    report_url = models.OneToOneField(
        "reports.ReportUrl", on_delete=models.CASCADE, related_name="takedown"
    )
    # Quoted in every notice and by hosts when they answer.
    reference = models.CharField(max_length=20, unique=True, default=new_takedown_reference)
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
    # Empty when the takedown opened itself (an actionable classification by the system).
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    police_agreed_at = models.DateTimeField(null=True, blank=True)
    # Who agreed, as the analyst wrote it down ("Officer, unit, reference"); optional.
    police_note = models.CharField(max_length=500, blank=True)
    first_notice_at = models.DateTimeField(null=True, blank=True)
    last_notice_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # Where it was escalated to (an EscalateTo value), and the referral that carried it.
    escalated_to = models.CharField(max_length=20, blank=True)
    # The referral to the hosting country's hotline when forwarded (or the escalation's).
    referral = models.ForeignKey(
        "routing.Referral", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Why the host is notified directly although it is abroad ("no partner hotline in DE").
    routing_note = models.CharField(max_length=300, blank=True)
    host_answered_at = models.DateTimeField(null=True, blank=True)
    host_answer = models.TextField(blank=True)
    removed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # A removal needs two checks that find the address gone, an hour apart (one failed
    # name lookup is not a removal): the time of the first one, while the second is
    # awaited. A check that finds the content online clears it.
    gone_since = models.DateTimeField(null=True, blank=True)
    # While the second check is awaited: when the step it displaced (a reminder, the
    # first notice) is due, so that content found online again goes back to that time.
    resume_at = models.DateTimeField(null=True, blank=True)
    # Re-checks after removal still to do, as days after removal.
    rechecks_left = models.JSONField(default=list, blank=True)
    reappeared_count = models.PositiveSmallIntegerField(default=0)
    last_check_outcome = models.CharField(max_length=10, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_check_reason = models.CharField(max_length=300, blank=True)
    # Checks that could not tell (failed) in a row; the page asks an analyst to look
    # once there are several.
    failed_checks = models.PositiveSmallIntegerField(default=0)
    # What an analyst should know and act on (no contact, no one to escalate to…).
    attention = models.CharField(max_length=300, blank=True)
    stopped_reason = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "state"])]

    def __str__(self) -> str:
        return f"takedown {self.pk} ({self.state})"


class AnswerKind(models.TextChoices):
    # Staff and host text: English only, like the rest of the staff pages.
    REMOVED = "removed", "Removed"
    NOT_HOSTED = "not_hosted", "Not hosted by us"
    MESSAGE = "message", "A message"


class HostAnswer(models.Model):
    """What a host said about a takedown, through the answer link or recorded by staff."""

    takedown = models.ForeignKey(Takedown, on_delete=models.CASCADE, related_name="answers")
    kind = models.CharField(max_length=12, choices=AnswerKind.choices)
    text = models.TextField(blank=True)
    answered_at = models.DateTimeField(default=timezone.now)
    # Staff who wrote down an answer given by phone or e-mail; empty when the host used
    # the answer link itself.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["answered_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} on takedown {self.takedown_id}"


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
