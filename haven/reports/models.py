"""Reports of harm, the addresses and files they point to, and what a reporter may see."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    DANGER_NOW = "danger_now", _("A child in danger now")
    SEXUAL_IMAGERY = "sexual_imagery", _("Child sexual images or videos")
    SOLICITATION = "solicitation", _("Someone asking a child for sexual things or to meet")
    BULLYING = "bullying", _("Bullying")
    SELF_HARM = "self_harm", _("Self-harm or suicide content")
    VIOLENT_EXTREMISM = "violent_extremism", _("Violent or terrorist content")
    OTHER = "other", _("Something else")


class AgeBand(models.TextChoices):
    UNDER_6 = "0-5", _("Under 6")
    AGE_6_9 = "6-9", _("6 to 9")
    AGE_10_12 = "10-12", _("10 to 12")
    AGE_13_15 = "13-15", _("13 to 15")
    AGE_16_17 = "16-17", _("16 to 17")
    ADULT = "18+", _("18 or older")
    UNKNOWN = "unknown", _("I don't know")


class Source(models.TextChoices):
    PUBLIC = "public", _("Public form")
    API = "api", _("Partner API")
    STAFF = "staff", _("Entered by staff")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_REVIEW = "in_review", _("Being reviewed")
    ACTIONED = "actioned", _("Action taken")
    CLOSED = "closed", _("Closed")
    # Reported again: the same address or file as an open case, which it joined.
    JOINED = "joined", _("Joined an existing case")


class Urgency(models.IntegerChoices):
    """Lower comes first in the queue."""

    DANGER_NOW = 0, _("Child in danger now")
    KNOWN_MATERIAL = 1, _("Matches known material")
    STANDARD = 2, _("Standard")


OPEN_STATUSES = (Status.RECEIVED, Status.IN_REVIEW, Status.ACTIONED)


class Report(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="reports"
    )
    # Random, not sequential, so that one reference says nothing about another.
    reference = models.CharField(max_length=20, unique=True)
    pin_digest = models.CharField(max_length=64, blank=True)
    pin_failures = models.PositiveSmallIntegerField(default=0)
    # Too many wrong PINs lock status checks for a while, not for ever.
    pin_locked_until = models.DateTimeField(null=True, blank=True)
    category = models.CharField(max_length=30, choices=Category.choices)
    description = models.TextField(blank=True)
    platform = models.CharField(max_length=200, blank=True)
    age_band = models.CharField(max_length=10, choices=AgeBand.choices, blank=True)
    # Optional contact, encrypted, wiped when it expires.
    contact_sealed = models.TextField(blank=True)
    contact_expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    language = models.CharField(max_length=10, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    external_id = models.CharField(max_length=200, blank=True)

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RECEIVED)
    urgency = models.PositiveSmallIntegerField(choices=Urgency.choices, default=Urgency.STANDARD)
    received_at = models.DateTimeField(auto_now_add=True)
    due_at = models.DateTimeField(db_index=True)
    first_action_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_reports",
    )
    classified_category = models.CharField(max_length=30, choices=Category.choices, blank=True)
    severity = models.CharField(max_length=12, blank=True)
    # A report of what an open case already holds joins that case; the case counts
    # how many reports joined it.
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates"
    )
    duplicate_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "status", "urgency", "due_at"]),
            models.Index(fields=["organisation", "received_at"]),
        ]
        constraints = [
            # A partner's retry of the same report finds the first one, even when two
            # retries race.
            models.UniqueConstraint(
                fields=["submitted_by", "external_id"],
                condition=~models.Q(external_id=""),
                name="unique_external_id_per_submitter",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ReportUrl(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="urls")
    url = models.TextField()
    # The address in one canonical form, so that the same page reported twice is
    # recognised (see haven.fetching.urls.normalise). Empty if it cannot be parsed.
    normalised = models.CharField(max_length=2000, blank=True, db_index=True)

    def __str__(self) -> str:
        return self.url


class MediaKind(models.TextChoices):
    IMAGE = "image", _("Image")
    VIDEO = "video", _("Video")
    HASHES = "hashes", _("Hashes only")


class MediaStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be hashed")
    HASHED = "hashed", _("Hashed")
    REJECTED = "rejected", _("Could not be used")


class MediaItem(models.Model):
    """One file or set of hashes attached to a report. Bytes are not kept by default."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="media")
    # Set when the file is what was fetched from a reported address.
    report_url = models.ForeignKey(
        ReportUrl, on_delete=models.SET_NULL, null=True, blank=True, related_name="media"
    )
    kind = models.CharField(max_length=10, choices=MediaKind.choices)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    status = models.CharField(
        max_length=10, choices=MediaStatus.choices, default=MediaStatus.PENDING
    )
    rejection = models.CharField(max_length=40, blank=True)
    md5 = models.CharField(max_length=32, blank=True, db_index=True)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    pdq = models.CharField(max_length=64, blank=True)
    pdq_quality = models.PositiveSmallIntegerField(null=True, blank=True)
    # A video's vPDQ frame hashes: `frame,quality,pdq_hex,seconds` lines.
    vpdq = models.TextField(blank=True)
    # Encrypted bytes waiting for the worker; removed as soon as they are hashed.
    staged_name = models.CharField(max_length=64, blank=True)
    # Encrypted evidence, only when the organisation retains evidence.
    evidence_name = models.CharField(max_length=64, blank=True)
    match_label = models.CharField(max_length=200, blank=True)
    hashed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.original_name or self.pk}"

    @property
    def is_known_material(self) -> bool:
        return bool(self.match_label)
