"""Hash banks of known material and the matches found against them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SignalType(models.TextChoices):
    PDQ = "pdq", "PDQ"
    MD5 = "md5", "MD5"
    SHA256 = "sha256", "SHA-256"


class HashBank(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="banks"
    )
    name = models.CharField(max_length=100)
    # What a match means, shown instead of the media: e.g. "Known CSAM (category A)".
    classification = models.CharField(max_length=200)
    enabled = models.BooleanField(default=True)
    pdq_threshold = models.PositiveSmallIntegerField(default=31)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unique_bank_name")
        ]

    def __str__(self) -> str:
        return self.name


class BankEntry(models.Model):
    bank = models.ForeignKey(HashBank, on_delete=models.CASCADE, related_name="entries")
    signal_type = models.CharField(max_length=10, choices=SignalType.choices)
    value = models.CharField(max_length=64)
    note = models.CharField(max_length=200, blank=True)
    enabled = models.BooleanField(default=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["signal_type", "value"])]
        constraints = [
            models.UniqueConstraint(
                fields=["bank", "signal_type", "value"], name="unique_bank_signal"
            )
        ]
        verbose_name_plural = _("bank entries")

    def __str__(self) -> str:
        return f"{self.signal_type}:{self.value}"


class Match(models.Model):
    item = models.ForeignKey("reports.MediaItem", on_delete=models.CASCADE, related_name="matches")
    entry = models.ForeignKey(BankEntry, on_delete=models.PROTECT, related_name="matches")
    signal_type = models.CharField(max_length=10, choices=SignalType.choices)
    distance = models.PositiveSmallIntegerField(default=0)
    matched_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = _("matches")

    def __str__(self) -> str:
        return f"{self.item_id} ~ {self.entry_id} ({self.distance})"
