"""Haven's banks, entries and matches in the JSON shapes HMA clients read.

An HMA bank is a Haven bank of the caller's organisation; an HMA content id is a bank
entry's id. HMA's `matching_enabled_ratio` samples a share of matches; a Haven bank is
on or off, so the ratio is 1.0 or 0.0. HMA's `disable_until_ts` is 1 for enabled
content, 0 for disabled, else the Unix time until which it is disabled.
"""

from collections import defaultdict

from haven.hma.signals import hma_name, hma_value
from haven.matching.models import BankEntry, HashBank, SignalType
from haven.matching.services import Hit

ENABLED_TS = 1
DISABLED_TS = 0


def bank_json(bank: HashBank) -> dict:
    return {"name": bank.name, "matching_enabled_ratio": 1.0 if bank.enabled else 0.0}


def disable_until_ts(entry: BankEntry) -> int:
    if entry.enabled:
        return ENABLED_TS
    if entry.disabled_until is not None:
        return int(entry.disabled_until.timestamp())
    return DISABLED_TS


def content_json(entry: BankEntry, signals: dict[str, str] | None = None) -> dict:
    """HMA's BankContentResponse; `signals` only when asked for, as in HMA."""
    body = {
        "id": entry.pk,
        "disable_until_ts": disable_until_ts(entry),
        "collab_metadata": _collab_metadata(entry),
        "original_media_uri": _metadata(entry).get("content_uri"),
        "bank": bank_json(entry.bank),
        # Haven's: whether the content matches now (its bank may be off, or its date past).
        "enabled": entry.is_active(),
    }
    if signals is not None:
        body["signals"] = signals
    return body


def entry_value(entry: BankEntry) -> str:
    return hma_value(entry.signal_type, entry.value, entry.frames)


def entry_signals(entry: BankEntry) -> dict[str, str]:
    return {hma_name(entry.signal_type): entry_value(entry)}


def _metadata(entry: BankEntry) -> dict:
    return entry.metadata if isinstance(entry.metadata, dict) else {}


def _collab_metadata(entry: BankEntry) -> dict[str, list[str]]:
    # Entries fetched from an exchange name it in their source ("exchange:<name>").
    prefix, _, exchange = entry.source.partition(":")
    if prefix == "exchange" and exchange and entry.external_id:
        return {exchange: [entry.external_id]}
    return {}


def distance_text(hit: Hit) -> str:
    """HMA sends distances as text: bits for PDQ, "0" for exact hashes, and for vPDQ the
    share of the query's frames found in the banked video."""
    if hit.signal_type == SignalType.VPDQ and hit.match_percent is not None:
        return f"{hit.match_percent:.0f}%"
    return str(hit.distance)


def match_json(hit: Hit) -> dict:
    return {"bank_content_id": hit.entry.pk, "distance": distance_text(hit)}


def matches_by_bank(hits: list[Hit]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for hit in sorted(hits, key=lambda hit: (hit.entry.bank.name, hit.distance, hit.entry.pk)):
        grouped[hit.entry.bank.name].append(match_json(hit))
    return dict(grouped)
