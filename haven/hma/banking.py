"""Add HMA content to a bank: one Haven entry per signal, written by `banks.add_entry`.

HMA keeps one content id for all the signals of a file; Haven keeps one entry, with its
own id, per hash (so that each can be disabled, matched and counted on its own). The
answer names the id of the best signal (PDQ or vPDQ before exact hashes) as HMA's `id`
and every signal's id in `content_ids`.
"""

from dataclasses import dataclass, field

from django.db import transaction

from haven.audit.services import Actor
from haven.hma.signals import ParsedSignal
from haven.matching.banks import Signal, add_entry
from haven.matching.models import BankEntry, HashBank, SignalType

SOURCE = "hma"
_PREFERENCE = (SignalType.PDQ, SignalType.VPDQ, SignalType.MD5, SignalType.SHA256)


@dataclass(frozen=True)
class ContentMetadata:
    """HMA's optional `metadata` of banked content."""

    content_id: str = ""
    content_uri: str = ""
    json: dict = field(default_factory=dict)

    def as_entry_metadata(self) -> dict:
        found = {"content_uri": self.content_uri, "json": self.json}
        return {key: value for key, value in found.items() if value}


def bank_signals(
    actor: Actor,
    bank: HashBank,
    signals: list[ParsedSignal],
    metadata: ContentMetadata | None = None,
) -> dict[str, BankEntry]:
    """The entry of each signal, by the client's name for it; all added or none.

    A hash the bank already holds keeps its entry (and its id), as `add_entry` does.
    """
    metadata = metadata or ContentMetadata()
    entries = {}
    with transaction.atomic():
        for signal in signals:
            entry, _ = add_entry(
                actor,
                bank,
                Signal(
                    signal.signal_type,
                    signal.frames or signal.value,
                    external_id=metadata.content_id,
                    metadata=metadata.as_entry_metadata(),
                ),
                source=SOURCE,
            )
            entries[signal.name] = entry
    return entries


def primary(entries: dict[str, BankEntry]) -> BankEntry:
    """The entry that stands for the content in HMA's single `id`."""
    return min(entries.values(), key=lambda entry: _PREFERENCE.index(entry.signal_type))
