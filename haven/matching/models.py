"""Hash banks of known material and the matches found against them."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_PDQ_THRESHOLD = 63


class SignalType(models.TextChoices):
    PDQ = "pdq", "PDQ"
    MD5 = "md5", "MD5"
    SHA256 = "sha256", "SHA-256"
    # A video's vPDQ frame hashes; `value` is the SHA-256 of its canonical vPDQ text.
    VPDQ = "vpdq", "vPDQ"


# Signals that the PDQ index holds (one row per hash, or per distinct video frame).
INDEXED_SIGNALS = (SignalType.PDQ, SignalType.VPDQ)


class HashBank(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="banks"
    )
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    # What a match means, shown instead of the media: e.g. "Known CSAM (category A)".
    classification = models.CharField(max_length=200)
    enabled = models.BooleanField(default=True)
    # A safe bank lists known false positives: a match in it suppresses every other hit.
    is_safe = models.BooleanField(default=False)
    pdq_threshold = models.PositiveSmallIntegerField(
        default=31, validators=[MaxValueValidator(MAX_PDQ_THRESHOLD)]
    )
    # vPDQ: share of the query video's frames that must match (the vPDQ default, 80 %).
    vpdq_match_percent = models.PositiveSmallIntegerField(
        default=80, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unique_bank_name")
        ]

    def __str__(self) -> str:
        return self.name


class BankEntryQuerySet(models.QuerySet):
    def active(self, now=None):
        """Entries that match now: enabled, or disabled only until a date now past."""
        now = now or timezone.now()
        return self.filter(Q(enabled=True) | Q(disabled_until__lte=now), bank__enabled=True)


class BankEntry(models.Model):
    bank = models.ForeignKey(HashBank, on_delete=models.CASCADE, related_name="entries")
    signal_type = models.CharField(max_length=10, choices=SignalType.choices)
    value = models.CharField(max_length=64)
    # vPDQ lines (`frame,quality,pdq_hex,seconds`) of a video entry; empty otherwise.
    frames = models.TextField(blank=True)
    note = models.CharField(max_length=200, blank=True)
    labels = models.JSONField(default=list, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    enabled = models.BooleanField(default=True)
    # Set with enabled=False to disable an entry for a while; it matches again after.
    disabled_until = models.DateTimeField(null=True, blank=True)
    # Where it came from ("manual", "import", "exchange:<name>") and its id there.
    source = models.CharField(max_length=100, blank=True, default="manual")
    external_id = models.CharField(max_length=200, blank=True)
    # Analysts' feedback on matches to this hash.
    confirmed_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    added_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BankEntryQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["signal_type", "value"]),
            models.Index(fields=["bank", "external_id"]),
            # The Haven feed reads a bank's entries in (updated_at, id) order.
            models.Index(fields=["bank", "updated_at", "id"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["bank", "signal_type", "value"], name="unique_bank_signal"
            )
        ]
        verbose_name_plural = _("bank entries")

    def __str__(self) -> str:
        return f"{self.signal_type}:{self.value}"

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        if not self.enabled and not (self.disabled_until and self.disabled_until <= now):
            return False
        return self.bank.enabled


class BankChange(models.Model):
    """Which indexed entries changed, in order: written by database triggers.

    Every process that holds a PDQ index follows this log to stay current, whatever
    wrote the change (the app, an import, an exchange fetch, or SQL by hand).
    """

    seq = models.BigAutoField(primary_key=True)
    entry_id = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.seq}: {self.entry_id}"


class Feedback(models.TextChoices):
    NONE = "", _("No feedback")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected (false positive)")


class Match(models.Model):
    item = models.ForeignKey("reports.MediaItem", on_delete=models.CASCADE, related_name="matches")
    entry = models.ForeignKey(BankEntry, on_delete=models.PROTECT, related_name="matches")
    signal_type = models.CharField(max_length=10, choices=SignalType.choices)
    distance = models.PositiveSmallIntegerField(default=0)
    # For videos: the share of the item's frames that matched the entry, in percent.
    match_percent = models.FloatField(null=True, blank=True)
    # A match that a safe bank's entry cancelled: kept for the record, not acted on.
    suppressed = models.BooleanField(default=False)
    feedback = models.CharField(max_length=10, choices=Feedback.choices, blank=True)
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    feedback_at = models.DateTimeField(null=True, blank=True)
    matched_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = _("matches")

    def __str__(self) -> str:
        return f"{self.item_id} ~ {self.entry_id} ({self.distance})"


class ImportStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class BankImport(models.Model):
    """One file being imported into a bank, and how far it got.

    The checkpoint (offset, line and counters) is saved in the same transaction as each
    batch of entries, so an import stopped at any moment resumes exactly after the last
    batch it committed. A file is known by its size and the SHA-256 of its first MiB.
    """

    bank = models.ForeignKey(HashBank, on_delete=models.CASCADE, related_name="imports")
    file_name = models.CharField(max_length=255)
    file_size = models.PositiveBigIntegerField()
    head_sha256 = models.CharField(max_length=64)
    format = models.CharField(max_length=10)
    # Where the next batch starts: a byte offset into the file, and the lines before it.
    offset = models.PositiveBigIntegerField(default=0)
    line = models.PositiveBigIntegerField(default=0)
    added = models.PositiveBigIntegerField(default=0)
    duplicates = models.PositiveBigIntegerField(default=0)
    malformed = models.PositiveBigIntegerField(default=0)
    # Every malformed line is written here; its size at the checkpoint, to cut on resume.
    errors_path = models.CharField(max_length=1000, blank=True)
    errors_size = models.PositiveBigIntegerField(default=0)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.RUNNING
    )
    failure = models.TextField(blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["bank", "file_size", "head_sha256"])]

    def __str__(self) -> str:
        return f"{self.file_name} -> {self.bank_id} ({self.status}, line {self.line})"
