"""vPDQ, Meta's video hash: one PDQ hash per frame, its text format and its matching rule.

This module knows nothing about decoding (that is `haven.hashing.video`), so banks can
parse, store and compare vPDQ hashes that partners send without opening any video.

The rule, as in facebook/ThreatExchange (`vpdq/cpp/hashing/matchTwoHash.cpp` and
python-threatexchange's `vpdq_brute_matcher.py`): drop frames below a quality
threshold, keep each distinct hash once, then count the share of one video's hashes
that lie within a Hamming distance of any hash of the other, in both directions.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from haven.hashing.signals import hamming_matrix, pdq_to_bytes

# python-threatexchange's defaults (VPDQ_DISTANCE_THRESHOLD, VPDQ_QUALITY_THRESHOLD,
# VPDQ_QUERY_MATCH_THRESHOLD_PERCENT); its target-share threshold is 0, i.e. none.
VPDQ_DISTANCE = 31
VPDQ_QUALITY = 50
VPDQ_SHARE = 80.0

# Query hashes compared per slice: bounds memory at about 32 bytes x slice x target.
_SLICE = 256

_LINE = re.compile(r"(\d{1,9}),(\d{1,3}),([0-9a-fA-F]{64}),(\d{1,9}(?:\.\d+)?)")


@dataclass(frozen=True)
class VpdqFrame:
    frame_number: int
    quality: int
    pdq: str  # 64 hex digits
    seconds: float


@dataclass(frozen=True)
class VpdqMatch:
    """Percentages (0-100) of each side's distinct, good-quality frames found in the other."""

    query_share: float
    target_share: float


def format_vpdq(frames: Iterable[VpdqFrame]) -> str:
    """vPDQ's text form, one `frame,quality,pdq_hex,seconds` line per frame.

    Byte for byte what vPDQ's `vpdq-hash-video` writes (seconds to 3 decimals), so the
    text is canonical: banks use its SHA-256 as the entry's identity.
    """
    return "".join(
        f"{f.frame_number},{f.quality},{f.pdq.lower()},{f.seconds:.3f}\n" for f in frames
    )


def parse_vpdq(text: str) -> list[VpdqFrame]:
    """Read vPDQ lines; blank lines are skipped, anything else malformed is a ValueError."""
    frames = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        found = _LINE.fullmatch(line)
        if not found:
            raise ValueError(f"line {number}: expected frame,quality,pdq_hex,seconds")
        frame, quality, pdq, seconds = found.groups()
        if int(quality) > 100:
            raise ValueError(f"line {number}: quality is between 0 and 100")
        frames.append(VpdqFrame(int(frame), int(quality), pdq.lower(), float(seconds)))
    return frames


def vpdq_match(
    query: Iterable[VpdqFrame],
    target: Iterable[VpdqFrame],
    distance: int = VPDQ_DISTANCE,
    quality: int = VPDQ_QUALITY,
) -> VpdqMatch:
    """How much of each video is found in the other (see the module docstring).

    Two frames match when their PDQ hashes differ in at most `distance` bits, as in
    python-threatexchange (vPDQ's C++ tool uses "fewer than"; one bit of difference).
    A side with no frame left after the quality filter shares 0 %.
    """
    q, t = _distinct_hashes(query, quality), _distinct_hashes(target, quality)
    if not len(q) or not len(t):
        return VpdqMatch(0.0, 0.0)
    query_hit = np.zeros(len(q), dtype=bool)
    target_hit = np.zeros(len(t), dtype=bool)
    for start in range(0, len(q), _SLICE):
        near = hamming_matrix(q[start : start + _SLICE], t) <= distance
        query_hit[start : start + _SLICE] = near.any(axis=1)
        target_hit |= near.any(axis=0)
    return VpdqMatch(float(100 * query_hit.mean()), float(100 * target_hit.mean()))


def is_vpdq_match(
    query: Iterable[VpdqFrame],
    target: Iterable[VpdqFrame],
    share: float = VPDQ_SHARE,
    distance: int = VPDQ_DISTANCE,
    quality: int = VPDQ_QUALITY,
) -> bool:
    """vPDQ's verdict: at least `share` % of the query's frames are found in the target.

    The target's share is not required, as in python-threatexchange: a short clip cut
    from a long known video matches it, although it covers little of the known video.
    """
    return vpdq_match(query, target, distance, quality).query_share >= share


def distinct_hashes(frames: Iterable[VpdqFrame], quality: int) -> list[str]:
    """The frames' hashes of at least `quality`, each once, in order."""
    # A still scene repeats one hash for many frames; counting it once keeps a static
    # intro or a black screen from outweighing the rest of the video.
    return list(dict.fromkeys(f.pdq.lower() for f in frames if f.quality >= quality))


def _distinct_hashes(frames: Iterable[VpdqFrame], quality: int) -> np.ndarray:
    return pdq_to_bytes(distinct_hashes(frames, quality))
