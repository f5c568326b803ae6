"""Background job: match an item that arrived as hashes only."""

from haven.jobs.registry import job_handler
from haven.reports.models import MediaItem


@job_handler("matching.match_item")
def match_hash_only_item(item_id: int) -> None:
    from haven.matching.services import match_item

    item = MediaItem.objects.select_related("report").filter(pk=item_id).first()
    if item is not None and not item.matches.exists():
        match_item(item)
