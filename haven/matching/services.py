"""Match hashes against an organisation's banks, and label media items that match.

`lookup` is the one way in, for the intake pipeline, the HMA-compatible API and the
bank pages alike: exact MD5/SHA-256 from the database, PDQ and vPDQ frames from the
PDQ index (`live`), then the organisation's scope, each bank's threshold, entries
disabled for a while, and safe banks (a hit in one suppresses the others).
"""

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q

from haven.audit.services import Actor, record
from haven.matching.live import frame_hashes, search
from haven.matching.models import MAX_PDQ_THRESHOLD, BankEntry, HashBank, Match, SignalType
from haven.reports.models import MediaItem


@dataclass(frozen=True)
class Hit:
    entry: BankEntry
    signal_type: str
    distance: int
    # vPDQ: the share of the query's frames that matched this entry, in percent.
    match_percent: float | None = None
    suppressed: bool = False

    @property
    def bank(self):
        return self.entry.bank


def _pdq_ok(quality) -> bool:
    return quality is None or quality >= settings.PDQ_MIN_QUALITY


def lookup(
    organisation_id: int,
    *,
    md5: str = "",
    sha256: str = "",
    pdq: str = "",
    pdq_quality: int | None = None,
    vpdq: str = "",
    threshold: int | None = None,
    bank_ids=None,
) -> list[Hit]:
    """Every live bank entry of the organisation that the given hashes match.

    `threshold` overrides each bank's PDQ threshold (at most 63); `vpdq` is vPDQ text.
    Low-quality PDQ hashes (flat or tiny images) match everything alike and are skipped.
    """
    if threshold is not None and not 0 <= threshold <= MAX_PDQ_THRESHOLD:
        raise ValueError(f"threshold is between 0 and {MAX_PDQ_THRESHOLD}")
    scope = BankEntry.objects.active().filter(bank__organisation_id=organisation_id)
    if bank_ids is not None:
        scope = scope.filter(bank_id__in=bank_ids)
    hits: list[Hit] = []
    exact = Q()
    for signal_type, value in ((SignalType.MD5, md5), (SignalType.SHA256, sha256)):
        if value:
            exact |= Q(signal_type=signal_type, value=value.lower())
    if exact:
        hits.extend(
            Hit(entry, entry.signal_type, 0) for entry in scope.filter(exact).select_related("bank")
        )
    if (pdq and _pdq_ok(pdq_quality)) or vpdq:
        # Search only as far as the widest bank threshold in scope: the index answers
        # small radii much faster.
        reach = threshold if threshold is not None else _widest_threshold(organisation_id)
        if reach is not None:
            if pdq and _pdq_ok(pdq_quality):
                hits.extend(_pdq_hits(scope, pdq.lower(), reach, threshold))
            if vpdq:
                hits.extend(_vpdq_hits(scope, vpdq, reach, threshold))
    return _apply_safe_banks(hits)


def _widest_threshold(organisation_id: int) -> int | None:
    banks = HashBank.objects.filter(organisation_id=organisation_id, enabled=True)
    return banks.aggregate(widest=Max("pdq_threshold"))["widest"]


def _pdq_hits(scope, pdq: str, reach: int, threshold: int | None) -> list[Hit]:
    [found] = search([pdq], reach)
    if not found:
        return []
    distances: dict[int, int] = {}
    for entry_id, distance in found:
        distances.setdefault(entry_id, distance)
    entries = scope.filter(pk__in=distances, signal_type=SignalType.PDQ).select_related("bank")
    limit = threshold
    return [
        Hit(entry, SignalType.PDQ, distances[entry.pk])
        for entry in entries
        if distances[entry.pk] <= (limit if limit is not None else entry.bank.pdq_threshold)
    ]


def _vpdq_hits(scope, vpdq: str, reach: int, threshold: int | None) -> list[Hit]:
    """vPDQ's rule: enough of the query's distinct good frames are near some frame of
    the bank video (each frame within the threshold, 31 by default)."""
    frames = frame_hashes(vpdq, settings.PDQ_MIN_QUALITY)
    if not frames:
        return []
    # entry id -> {query frame number: best distance}
    near: dict[int, dict[int, int]] = defaultdict(dict)
    for number, found in enumerate(search(frames, reach)):
        for entry_id, distance in found:
            best = near[entry_id].get(number)
            if best is None or distance < best:
                near[entry_id][number] = distance
    if not near:
        return []
    entries = scope.filter(pk__in=near, signal_type=SignalType.VPDQ).select_related("bank")
    hits = []
    for entry in entries:
        frame_limit = threshold if threshold is not None else entry.bank.pdq_threshold
        matched = [d for d in near[entry.pk].values() if d <= frame_limit]
        percent = 100.0 * len(matched) / len(frames)
        if matched and percent >= entry.bank.vpdq_match_percent:
            hits.append(Hit(entry, SignalType.VPDQ, min(matched), round(percent, 1)))
    return hits


def _apply_safe_banks(hits: list[Hit]) -> list[Hit]:
    """A hit in a safe bank (a known false positive) suppresses every other hit."""
    if not any(hit.entry.bank.is_safe for hit in hits):
        return hits
    return [
        hit if hit.entry.bank.is_safe else Hit(**{**hit.__dict__, "suppressed": True})
        for hit in hits
    ]


def find_matches_for(item: MediaItem) -> list[Hit]:
    return lookup(
        item.report.organisation_id,
        md5=item.md5,
        sha256=item.sha256,
        pdq=item.pdq,
        pdq_quality=item.pdq_quality,
        vpdq=item.vpdq,
    )


def match_item(item: MediaItem) -> list[Match]:
    return record_matches(item, find_matches_for(item))


@transaction.atomic
def record_matches(item: MediaItem, found: list[Hit]) -> list[Match]:
    """Store matches found earlier (reads stay outside the write transaction)."""
    if not found:
        return []
    report = item.report
    matches = Match.objects.bulk_create(
        Match(
            item=item,
            entry=hit.entry,
            signal_type=hit.signal_type,
            distance=hit.distance,
            match_percent=hit.match_percent,
            suppressed=hit.suppressed or hit.entry.bank.is_safe,
        )
        for hit in found
    )
    acted_on = [hit for hit in found if not hit.suppressed and not hit.entry.bank.is_safe]
    if acted_on:
        # The closest match names the item, so no analyst needs to look at it.
        best = min(acted_on, key=lambda hit: hit.distance)
        item.match_label = best.entry.bank.classification
        item.save(update_fields=["match_label"])
        from haven.classification.automatic import classify_known_material
        from haven.triage.deadlines import raise_for_known_material

        raise_for_known_material(report)
        # A bank whose classification names labels ("interpol:baseline, uk:a") labels
        # the item too, closest match first, so no analyst has to look.
        closest_first = sorted(acted_on, key=lambda hit: hit.distance)
        classify_known_material(item, [hit.entry.bank.classification for hit in closest_first])
    record(
        Actor.system("matcher"),
        "media.matched",
        item,
        organisation_id=report.organisation_id,
        report=report.reference,
        banks=sorted({hit.entry.bank.name for hit in acted_on}),
        suppressed_by=sorted({hit.entry.bank.name for hit in found if hit.entry.bank.is_safe}),
        label=item.match_label,
    )
    return matches
