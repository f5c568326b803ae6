"""From text to signals and the descriptors they add up to.

Each rule set finds its signals; the descriptor of each is the most severe level found
(the catalogue's level order), except grooming, whose level counts kinds of pattern:
one kind is "possible", two or more "likely" (and a request for images with a sexual
framing is "likely" by itself).
"""

from collections.abc import Callable

from haven.access.catalogue import DESCRIPTORS
from haven.access.signals import (
    bullying,
    contact,
    eating,
    grooming,
    hate,
    pages,
    peer,
    profanity,
    quiet_intent,
    risks,
    self_harm,
    sexual,
    violence,
)
from haven.access.signals.rules import Found
from haven.access.signals.text import Text, normalise
from haven.access.types import Analysis, Signal

FINDERS: tuple[Callable[[Text], list[Found]], ...] = (
    grooming.signals,
    contact.signals,
    self_harm.signals,
    quiet_intent.signals,
    eating.signals,
    bullying.signals,
    peer.signals,
    hate.signals,
    sexual.signals,
    risks.signals,
    violence.signals,
    profanity.signals,
    pages.signals,
)
# A level's place in its descriptor's order, mild to severe.
RANK = {
    (descriptor.key, level): rank
    for descriptor in DESCRIPTORS
    for rank, level in enumerate(descriptor.level_keys)
}


def analyse(text: str) -> Analysis:
    """Signals and descriptors in `text` (its first 20,000 characters)."""
    if not text or text.isspace():
        return Analysis()
    normalised = normalise(text)
    found: list[Found] = []
    for finder in FINDERS:
        found.extend(finder(normalised))
    signals = tuple(
        Signal(f.kind, f.descriptor, f.level, normalised.evidence(f.start, f.end))
        for f in strongest_per_kind(found)
    )
    return Analysis(signals=signals, descriptors=descriptors_of(signals))


def strongest_per_kind(found: list[Found]) -> list[Found]:
    """One of each kind: its most severe level, first in the text; in text order."""
    best: dict[str, Found] = {}
    for f in sorted(found):
        kept = best.get(f.kind)
        if kept is None or RANK[f.descriptor, f.level] > RANK[kept.descriptor, kept.level]:
            best[f.kind] = f
    return sorted(best.values())


def descriptors_of(signals: tuple[Signal, ...]) -> dict[str, str]:
    descriptors: dict[str, str] = {}
    for signal in signals:
        kept = descriptors.get(signal.descriptor)
        if kept is None or RANK[signal.descriptor, signal.level] > RANK[signal.descriptor, kept]:
            descriptors[signal.descriptor] = signal.level
    kinds = {signal.kind for signal in signals if signal.descriptor == "grooming"}
    if kinds:
        likely = any(s.level == "likely" for s in signals if s.descriptor == "grooming")
        descriptors["grooming"] = grooming.level_for(kinds, likely)
    return descriptors
