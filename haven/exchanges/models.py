"""Hash exchanges that fill a bank, their runs, and the banks Haven shares with others.

An `Exchange` fetches a hash list (NCMEC, StopNCII, Meta's ThreatExchange or another
Haven) into one bank on a schedule, resuming from its checkpoint. `ExchangeItem` remembers
which record of the exchange carried which hash, so that a record's deletion removes the
hash only when no other record still carries it. `BankShare` publishes a bank to one
account, which reads it through the feed; `FeedTombstone` tells readers what was deleted.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MIN_INTERVAL_MINUTES = 5
MAX_INTERVAL_MINUTES = 7 * 24 * 60


class Kind(models.TextChoices):
    NCMEC = "ncmec", _("NCMEC hash sharing")
    STOPNCII = "stopncii", _("StopNCII.org")
    THREATEXCHANGE = "threatexchange", _("Meta ThreatExchange")
    HAVEN = "haven", _("Another Haven")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class Trigger(models.TextChoices):
    SCHEDULE = "schedule", _("Schedule")
    MANUAL = "manual", _("Fetch now")
    CLI = "cli", _("Command line")


class Exchange(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="exchanges"
    )
    # Fixed once created: bank entries name their exchange by it ("exchange:<name>").
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # PROTECT: deleting a bank must not silently delete the exchange that feeds it.
    bank = models.ForeignKey(
        "matching.HashBank", on_delete=models.PROTECT, related_name="exchanges"
    )
    enabled = models.BooleanField(default=True)
    interval_minutes = models.PositiveIntegerField(
        default=60,
        validators=[
            MinValueValidator(MIN_INTERVAL_MINUTES),
            MaxValueValidator(MAX_INTERVAL_MINUTES),
        ],
    )
    # What to fetch, per kind (see haven.exchanges.kinds); never a secret.
    settings = models.JSONField(default=dict, blank=True)
    # The credentials, encrypted (haven.exchanges.credentials); never shown again.
    credentials_sealed = models.TextField(blank=True)
    # Where the last committed page left off, in the exchange's own terms; None: start over.
    checkpoint = models.JSONField(null=True, blank=True)
    # A full fetch from the start (first, or after a stale checkpoint) bumps the epoch;
    # when it completes, records it did not see again are withdrawn.
    epoch = models.PositiveIntegerField(default=0)
    sweep_pending = models.BooleanField(default=False)
    next_run_at = models.DateTimeField(null=True, blank=True)
    # The lease: set while a worker fetches, renewed with each page it commits.
    running_since = models.DateTimeField(null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=10, choices=RunStatus.choices, blank=True)
    last_error = models.TextField(blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    # Totals over every run.
    fetched_count = models.PositiveBigIntegerField(default=0)
    added_count = models.PositiveBigIntegerField(default=0)
    updated_count = models.PositiveBigIntegerField(default=0)
    removed_count = models.PositiveBigIntegerField(default=0)
    rejected_count = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unique_exchange_name")
        ]
        indexes = [models.Index(fields=["enabled", "next_run_at"])]

    def __str__(self) -> str:
        return self.name

    @property
    def source_label(self) -> str:
        """What bank entries this exchange added carry as their `source`."""
        return f"exchange:{self.name}"[:100]

    @property
    def has_credentials(self) -> bool:
        return bool(self.credentials_sealed)


class ExchangeRun(models.Model):
    """One fetch: what it brought and how it ended, for the operators' history."""

    exchange = models.ForeignKey(Exchange, on_delete=models.CASCADE, related_name="runs")
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    pages = models.PositiveIntegerField(default=0)
    fetched = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    removed = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    # A few of the records that were skipped as malformed, and why.
    rejections = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["exchange", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.exchange_id} at {self.started_at:%Y-%m-%d %H:%M}: {self.status}"


class ExchangeItem(models.Model):
    """A hash that one record of an exchange carries (a record may carry several)."""

    exchange = models.ForeignKey(Exchange, on_delete=models.CASCADE, related_name="items")
    key = models.CharField(max_length=255)
    signal_type = models.CharField(max_length=10)
    value = models.CharField(max_length=64)
    epoch = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["exchange", "key", "signal_type", "value"], name="unique_exchange_item"
            )
        ]
        indexes = [
            models.Index(fields=["signal_type", "value"]),
            models.Index(fields=["exchange", "epoch"]),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.signal_type}:{self.value}"


class BankShare(models.Model):
    """A bank published to one account (usually a partner account for another Haven)."""

    bank = models.ForeignKey("matching.HashBank", on_delete=models.CASCADE, related_name="shares")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bank_shares"
    )
    include_notes = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bank", "user"], name="unique_bank_share")]

    def __str__(self) -> str:
        return f"{self.bank_id} -> {self.user_id}"


class FeedTombstone(models.Model):
    """An entry deleted from a shared bank, so that the feed's readers delete it too."""

    bank = models.ForeignKey(
        "matching.HashBank", on_delete=models.CASCADE, related_name="tombstones"
    )
    entry_id = models.BigIntegerField()
    signal_type = models.CharField(max_length=10)
    value = models.CharField(max_length=64)
    deleted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["bank", "deleted_at", "id"])]

    def __str__(self) -> str:
        return f"{self.bank_id}: {self.signal_type}:{self.value} deleted"
