"""Background jobs: hash staged media, keep evidence if asked, then match.

Once a file's hashes are stored, a file classified before gets its labels again and a
report of nothing but what an open case holds joins that case (before matching, which
may run elsewhere).
"""

from django.db import transaction
from django.utils import timezone

from haven.audit.services import Actor, record
from haven.classification.automatic import reclassify_item
from haven.hashing import sealing
from haven.hashing.media import MediaRejected, hash_media
from haven.jobs.registry import job_handler
from haven.jobs.services import enqueue
from haven.reports.duplicates import join_if_duplicate
from haven.reports.models import MediaItem, MediaStatus

HASH_FIELDS = ["md5", "sha256", "pdq", "pdq_quality", "vpdq"]


@job_handler("hashing.hash_media")
def hash_staged_media(item_id: int) -> None:
    item = MediaItem.objects.select_related("report__organisation").filter(pk=item_id).first()
    if item is None or item.status != MediaStatus.PENDING:
        return  # already done by an earlier run of the same job
    staging = sealing.staging_store()
    staged_name = item.staged_name
    data = staging.get(staged_name)
    try:
        hashes = hash_media(data, item.kind)
    except MediaRejected as exc:
        _reject(item, exc.code)
        staging.delete(staged_name)
        return
    item.md5, item.sha256 = hashes.md5, hashes.sha256
    item.pdq, item.pdq_quality = hashes.pdq, hashes.pdq_quality
    item.vpdq = _vpdq_text(hashes)
    item.status, item.hashed_at = MediaStatus.HASHED, timezone.now()
    item.staged_name = ""
    if item.report.organisation.evidence_retention:
        item.evidence_name = sealing.evidence_store().put(data)
    with transaction.atomic():
        item.save(
            update_fields=[*HASH_FIELDS, "status", "hashed_at", "staged_name", "evidence_name"]
        )
        _seen_before(item)
        # Matching needs the PDQ index, which dedicated matcher processes may hold.
        enqueue("matching.match_item", item_id=item.pk)
    # Only after the hashes are safely stored are the original bytes discarded.
    staging.delete(staged_name)


def _seen_before(item: MediaItem) -> None:
    reclassify_item(item)
    join_if_duplicate(item.report_id)


def _vpdq_text(hashes) -> str:
    frames = getattr(hashes, "vpdq", ())
    if not frames:
        return ""
    from haven.hashing.video import format_vpdq

    return format_vpdq(frames)


@transaction.atomic
def _reject(item: MediaItem, code: str) -> None:
    item.status, item.rejection, item.staged_name = MediaStatus.REJECTED, code, ""
    item.save(update_fields=["status", "rejection", "staged_name"])
    # It may have been the last file the report waited for.
    join_if_duplicate(item.report_id)
    record(
        Actor.system("hasher"),
        "media.rejected",
        item,
        organisation_id=item.report.organisation_id,
        code=code,
    )
