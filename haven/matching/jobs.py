"""Background jobs: match an item's hashes, and keep the index snapshot fresh."""

import logging

from django.db.models import Max

from haven.jobs.registry import MATCH_QUEUE, job_handler
from haven.reports.models import MediaItem

log = logging.getLogger(__name__)


@job_handler("matching.match_item", queue=MATCH_QUEUE)
def match_stored_hashes(item_id: int) -> None:
    """Match an item whose hashes are stored (hashed by a worker, or sent as hashes)."""
    from haven.matching.services import match_item

    item = MediaItem.objects.select_related("report").filter(pk=item_id).first()
    if item is not None and not item.matches.exists():
        match_item(item)


@job_handler("matching.snapshot")
def snapshot_index() -> None:
    """Write a fresh index snapshot if the banks changed since the last one."""
    write_snapshot_if_stale()


def write_snapshot_if_stale() -> bool:
    from haven.matching.live import current_snapshot, write_snapshot
    from haven.matching.models import BankChange
    from haven.matching.pdq_index import PdqIndex

    latest = BankChange.objects.aggregate(top=Max("seq"))["top"] or 0
    current = current_snapshot()
    if current is not None and int(PdqIndex.read_meta(current)["watermark"]) >= latest:
        return False
    path = write_snapshot()
    log.info("index snapshot written: %s", path.name)
    return True
