"""Helpers for triage tests: reports, media with real hashes, and token clients."""

from datetime import timedelta

from django.utils import timezone

from haven.demo.synthetic import synthetic_jpeg
from haven.hashing import sealing
from haven.hashing.signals import md5_hex, sha256_hex
from haven.reports.models import (
    Category,
    MediaItem,
    MediaKind,
    MediaStatus,
    Report,
    Source,
    Urgency,
)
from haven.reports.references import new_reference


def make_report(organisation, *, due_in_hours: float = 72, **fields) -> Report:
    defaults = {
        "reference": new_reference(),
        "category": Category.BULLYING,
        "source": Source.PUBLIC,
        "urgency": Urgency.STANDARD,
        "due_at": timezone.now() + timedelta(hours=due_in_hours),
    }
    return Report.objects.create(organisation=organisation, **(defaults | fields))


def add_image(report: Report, seed: int = 1, *, keep: bool = True, match_label: str = ""):
    """An image item with real hashes; its bytes kept as evidence when `keep` is set."""
    jpeg = synthetic_jpeg(seed)
    item = MediaItem.objects.create(
        report=report,
        kind=MediaKind.IMAGE,
        original_name=f"image-{seed}.jpg",
        content_type="image/jpeg",
        size=len(jpeg),
        status=MediaStatus.HASHED,
        md5=md5_hex(jpeg),
        sha256=sha256_hex(jpeg),
        evidence_name=sealing.evidence_store().put(jpeg) if keep else "",
        match_label=match_label,
    )
    return item, jpeg
