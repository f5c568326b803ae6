"""A simple in-memory PDQ index per organisation: brute force over a numpy array.

Good to some hundred thousand hashes; the detection-at-scale issue replaces it with an
exact multi-index. The cache is keyed by a fingerprint of the bank contents, checked at
most once a second, so a change to any bank is seen within a second.
"""

import threading
import time
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, Max

from haven.hashing.signals import hamming_many, pdq_to_bytes
from haven.matching.models import BankEntry, HashBank, SignalType


@dataclass(frozen=True)
class PdqIndex:
    entry_ids: np.ndarray
    thresholds: np.ndarray
    hashes: np.ndarray

    def lookup(self, query: str, max_threshold: int = 31) -> list[tuple[int, int]]:
        """(entry id, distance) of every entry within its bank's threshold."""
        if len(self.entry_ids) == 0:
            return []
        distances = hamming_many(query, self.hashes)
        limit = np.minimum(self.thresholds, max_threshold)
        hits = np.nonzero(distances <= limit)[0]
        return [(int(self.entry_ids[i]), int(distances[i])) for i in hits]


FINGERPRINT_SECONDS = 1.0

_cache: dict[int, tuple[tuple, float, PdqIndex]] = {}
_lock = threading.Lock()


def _live_entries(organisation_id: int):
    return BankEntry.objects.filter(
        bank__organisation_id=organisation_id,
        bank__enabled=True,
        enabled=True,
        signal_type=SignalType.PDQ,
    )


def _fingerprint(organisation_id: int) -> tuple:
    entries = _live_entries(organisation_id).aggregate(n=Count("id"), top=Max("id"))
    banks = tuple(
        HashBank.objects.filter(organisation_id=organisation_id, enabled=True)
        .order_by("pk")
        .values_list("pk", "pdq_threshold")
    )
    return (entries["n"], entries["top"], banks)


def pdq_index_for(organisation_id: int, max_age: float = FINGERPRINT_SECONDS) -> PdqIndex:
    now = time.monotonic()
    with _lock:
        cached = _cache.get(organisation_id)
    if cached and now - cached[1] < max_age:
        return cached[2]
    fingerprint = _fingerprint(organisation_id)
    if cached and cached[0] == fingerprint:
        with _lock:
            _cache[organisation_id] = (fingerprint, now, cached[2])
        return cached[2]
    rows = list(_live_entries(organisation_id).values_list("id", "value", "bank__pdq_threshold"))
    index = PdqIndex(
        entry_ids=np.array([r[0] for r in rows], dtype=np.int64),
        thresholds=np.array([r[2] for r in rows], dtype=np.uint16),
        hashes=pdq_to_bytes([r[1] for r in rows]),
    )
    with _lock:
        _cache[organisation_id] = (fingerprint, now, index)
    return index


def forget_all() -> None:
    """Drop every cached index (tests, and after bulk imports)."""
    with _lock:
        _cache.clear()
