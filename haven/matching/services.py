"""Match a media item's hashes against its organisation's banks and label it."""

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from haven.audit.services import Actor, record
from haven.matching.index import pdq_index_for
from haven.matching.models import BankEntry, Match, SignalType
from haven.reports.models import MediaItem


def find_matches(organisation_id: int, md5: str, sha256: str, pdq: str, pdq_quality):
    """(entry, signal type, distance) for every bank entry the hashes match."""
    found: list[tuple[BankEntry, str, int]] = []
    exact = Q()
    for signal_type, value in ((SignalType.MD5, md5), (SignalType.SHA256, sha256)):
        if value:
            exact |= Q(signal_type=signal_type, value=value.lower())
    if exact:
        entries = BankEntry.objects.filter(
            exact, bank__organisation_id=organisation_id, bank__enabled=True, enabled=True
        ).select_related("bank")
        found.extend((entry, entry.signal_type, 0) for entry in entries)
    # Low-quality PDQ hashes (flat or tiny images) match everything alike: skip them.
    quality_ok = pdq_quality is None or pdq_quality >= settings.PDQ_MIN_QUALITY
    if pdq and quality_ok:
        hits = pdq_index_for(organisation_id).lookup(pdq, settings.PDQ_MATCH_THRESHOLD)
        if hits:
            distances = dict(hits)
            entries = BankEntry.objects.filter(pk__in=distances).select_related("bank")
            found.extend((entry, SignalType.PDQ, distances[entry.pk]) for entry in entries)
    return found


def match_item(item: MediaItem) -> list[Match]:
    return record_matches(item, find_matches_for(item))


def find_matches_for(item: MediaItem):
    return find_matches(
        item.report.organisation_id, item.md5, item.sha256, item.pdq, item.pdq_quality
    )


@transaction.atomic
def record_matches(item: MediaItem, found) -> list[Match]:
    """Store matches found earlier (reads stay outside the write transaction)."""
    if not found:
        return []
    report = item.report
    matches = Match.objects.bulk_create(
        Match(item=item, entry=entry, signal_type=signal_type, distance=distance)
        for entry, signal_type, distance in found
    )
    # The closest match names the item, so no analyst needs to look at it.
    best = min(found, key=lambda hit: hit[2])
    item.match_label = best[0].bank.classification
    item.save(update_fields=["match_label"])
    from haven.triage.deadlines import raise_for_known_material

    raise_for_known_material(report)
    record(
        Actor.system("matcher"),
        "media.matched",
        item,
        organisation_id=report.organisation_id,
        report=report.reference,
        banks=sorted({entry.bank.name for entry, _, _ in found}),
        label=item.match_label,
    )
    return matches
