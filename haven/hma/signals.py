"""HMA's names for signal and content types, mapped to Haven's, and HMA's vPDQ text.

HMA names signal types as python-threatexchange does: "pdq", "video_md5", "vpdq". Haven
also matches the MD5 of pictures and the SHA-256 of any file; HMA clients see these as
"md5" and "sha256". HMA writes a vPDQ hash as a JSON list of "pdq_hex,quality,seconds"
strings; Haven keeps vPDQ's own lines ("frame,quality,pdq_hex,seconds"). Both forms are
accepted here, and HMA's is what HMA clients get back.
"""

import json
from dataclasses import dataclass

from haven.hashing.signals import hamming
from haven.hashing.vpdq import VPDQ_DISTANCE, VPDQ_SHARE, parse_vpdq, vpdq_match
from haven.matching.banks import InvalidSignal, normalise_signal
from haven.matching.models import SignalType

# HMA signal type name -> Haven signal type.
SIGNAL_TYPES = {
    "pdq": SignalType.PDQ,
    "video_md5": SignalType.MD5,
    "vpdq": SignalType.VPDQ,
    "md5": SignalType.MD5,
    "sha256": SignalType.SHA256,
}
# What Haven computes for each HMA content type, in HMA's names; the order is the
# order of preference for the one id that stands for a banked file.
CONTENT_SIGNALS = {
    "photo": ("pdq", "md5", "sha256"),
    "video": ("vpdq", "video_md5", "sha256"),
}
# HMA content type -> the kind `haven.hashing.media.inspect` names.
CONTENT_KINDS = {"photo": "image", "video": "video"}


@dataclass(frozen=True)
class ParsedSignal:
    name: str  # as the client named it
    signal_type: str  # Haven's
    value: str  # canonical: lower-case hex; for vPDQ the SHA-256 of its text
    frames: str = ""  # vPDQ lines

    @property
    def hma_value(self) -> str:
        """The value as HMA clients read it (vPDQ in HMA's JSON form)."""
        return hma_value(self.signal_type, self.value, self.frames)


def haven_type(name: str) -> str:
    try:
        return SIGNAL_TYPES[name]
    except (KeyError, TypeError):
        raise InvalidSignal(f"No such signal type '{name}'") from None


def parse_signal(name: str, value) -> ParsedSignal:
    """An HMA signal in Haven's canonical form, or InvalidSignal saying what is wrong."""
    signal_type = haven_type(name)
    if not isinstance(value, str):
        raise InvalidSignal(f"a {name} signal is a string")
    if signal_type == SignalType.VPDQ:
        value = vpdq_lines(value)
    signal_type, canonical, frames = normalise_signal(signal_type, value)
    return ParsedSignal(name, signal_type, canonical, frames)


def vpdq_lines(value: str) -> str:
    """vPDQ lines from HMA's JSON list, or the text unchanged when it is lines already.

    HMA's form has no frame numbers: frames are numbered in the order given.
    """
    text = value.strip()
    if not text.startswith("["):
        return text
    try:
        features = json.loads(text)
    except ValueError:
        raise InvalidSignal("not vPDQ: the JSON does not parse") from None
    lines = []
    for number, feature in enumerate(features):
        parts = feature.split(",") if isinstance(feature, str) else []
        try:
            pdq, quality, seconds = (part.strip() for part in parts)
            lines.append(f"{number},{int(quality)},{pdq},{float(seconds):.3f}")
        except ValueError:
            raise InvalidSignal(
                f"not vPDQ: frame {number} is not 'pdq_hex,quality,seconds'"
            ) from None
    return "\n".join(lines)


def hma_vpdq(frames: str) -> str:
    """HMA's JSON form of vPDQ lines."""
    return json.dumps([f"{f.pdq},{f.quality},{f.seconds:.3f}" for f in parse_vpdq(frames)])


def hma_name(signal_type: str, content_type: str = "") -> str:
    """HMA's name for a Haven signal type; an MD5 is "video_md5" only for a video."""
    if signal_type == SignalType.MD5:
        return "video_md5" if content_type == "video" else "md5"
    return str(signal_type)


def hma_value(signal_type: str, value: str, frames: str) -> str:
    return hma_vpdq(frames) if signal_type == SignalType.VPDQ else value


def compare(name: str, left, right, threshold: int | None) -> list:
    """HMA's comparison of two hashes: [matched, similarity].

    PDQ and vPDQ frames match within `threshold` bits (PDQ's 31 by default); a vPDQ
    pair matches when 80 % of the left video's frames are found in the right one.
    """
    first, second = parse_signal(name, left), parse_signal(name, right)
    limit = VPDQ_DISTANCE if threshold is None else threshold
    if first.signal_type == SignalType.PDQ:
        distance = hamming(first.value, second.value)
        return [distance <= limit, {"distance": distance}]
    if first.signal_type == SignalType.VPDQ:
        shares = vpdq_match(parse_vpdq(first.frames), parse_vpdq(second.frames), limit)
        similarity = {
            "query_match_percent": round(shares.query_share, 1),
            "compared_match_percent": round(shares.target_share, 1),
        }
        return [shares.query_share >= VPDQ_SHARE, similarity]
    return [first.value == second.value, {}]
