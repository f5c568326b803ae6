"""Apply an exchange's changed records to its bank, through haven.matching.banks.

A record replaces what the same record said before. A hash leaves the bank only when no
record of any exchange feeding the bank still carries it, and only if this exchange put
it there: a hash an analyst added by hand is never removed by an exchange. A withdrawn
hash that matches point at is disabled (and marked, so that it comes back if the
exchange lists it again) instead of deleted, as `banks.remove_entry` does.

Callers run `merge_changes` inside the transaction that also stores the checkpoint.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from django.db.models import Q

from haven.audit.services import Actor
from haven.exchanges.models import Exchange, ExchangeItem
from haven.exchanges.sources.base import Change
from haven.matching.banks import (
    InvalidSignal,
    Signal,
    add_entries,
    normalise_signal,
    remove_entry,
    update_entry,
)
from haven.matching.models import BankEntry, HashBank

# Set in an entry's metadata when an exchange withdrew it but matches kept it on record.
WITHDRAWN = "withdrawn_by_exchange"
MAX_PROBLEMS = 5
CHUNK = 500

Identity = tuple[str, str]  # (signal type, value) as the bank stores them


@dataclass
class Outcome:
    fetched: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    rejected: int = 0
    problems: list[str] = field(default_factory=list)

    def reject(self, problem: str) -> None:
        self.rejected += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)


def merge_changes(actor: Actor, exchange: Exchange, changes: list[Change]) -> Outcome:
    outcome = Outcome(fetched=len(changes))
    wanted, malformed = _normalised(changes, outcome)
    released = _record_items(exchange, wanted, malformed)
    asserted = {ident: signal for signals in wanted.values() for ident, signal in signals.items()}
    outcome.added, outcome.updated = _assert(actor, exchange, asserted)
    outcome.removed = retire(actor, exchange, released - asserted.keys())
    return outcome


def _normalised(changes: list[Change], outcome: Outcome):
    """{record key: {identity: signal}}, and the keys of records with a malformed hash."""
    wanted: dict[str, dict[Identity, Signal]] = {}
    malformed: set[str] = set()
    for change in changes:
        signals = wanted.setdefault(change.key, {})
        for signal in change.signals:
            try:
                signal_type, value, _frames = normalise_signal(signal.signal_type, signal.value)
            except InvalidSignal as problem:
                outcome.reject(f"record {change.key[:80]}: {problem}")
                malformed.add(change.key)
                continue
            signals[(signal_type, value)] = replace(signal, signal_type=signal_type)
    return wanted, malformed


def _record_items(
    exchange: Exchange, wanted: dict[str, dict[Identity, Signal]], malformed: set[str]
) -> set[Identity]:
    """Remember which record carries which hash now; return the hashes records let go.

    A record with a malformed hash keeps what it carried before: garbage from the
    exchange never removes what an earlier good version of the record added.
    """
    before: dict[str, dict[Identity, int]] = defaultdict(dict)
    keys = list(wanted)
    for start in range(0, len(keys), CHUNK):
        rows = ExchangeItem.objects.filter(exchange=exchange, key__in=keys[start : start + CHUNK])
        for pk, key, signal_type, value in rows.values_list("pk", "key", "signal_type", "value"):
            before[key][(signal_type, value)] = pk
    released: set[Identity] = set()
    gone: list[int] = []
    new: list[ExchangeItem] = []
    for key, signals in wanted.items():
        old = before.get(key, {})
        if key not in malformed:
            for ident in old.keys() - signals.keys():
                released.add(ident)
                gone.append(old[ident])
        new.extend(
            ExchangeItem(exchange=exchange, key=key, signal_type=t, value=v, epoch=exchange.epoch)
            for t, v in signals.keys() - old.keys()
        )
    for start in range(0, len(gone), CHUNK):
        ExchangeItem.objects.filter(pk__in=gone[start : start + CHUNK]).delete()
    ExchangeItem.objects.bulk_create(new, ignore_conflicts=True, batch_size=CHUNK)
    # Records seen again belong to this epoch: a full refetch's sweep keeps them.
    for start in range(0, len(keys), CHUNK):
        ExchangeItem.objects.filter(
            exchange=exchange, key__in=keys[start : start + CHUNK], epoch__lt=exchange.epoch
        ).update(epoch=exchange.epoch)
    return released


def _assert(actor: Actor, exchange: Exchange, asserted: dict[Identity, Signal]) -> tuple[int, int]:
    """Add the hashes the bank lacks; bring this exchange's entries up to date."""
    bank = exchange.bank
    existing = _entries(bank, asserted.keys())
    added = add_entries(
        actor,
        bank,
        (signal for ident, signal in asserted.items() if ident not in existing),
        source=exchange.source_label,
    )
    updated = 0
    for ident, entry in existing.items():
        if entry.source == exchange.source_label and _refresh(actor, entry, asserted[ident]):
            updated += 1
    return added, updated


def _refresh(actor: Actor, entry: BankEntry, signal: Signal) -> bool:
    fields: dict = {}
    if entry.labels != list(signal.labels):
        fields["labels"] = list(signal.labels)
    if entry.metadata != signal.metadata:
        fields["metadata"] = dict(signal.metadata)  # which also drops the WITHDRAWN mark
    if signal.note and entry.note != signal.note[:200]:
        fields["note"] = signal.note[:200]
    # Listed again after a withdrawal that matches kept on record: it matches again.
    if entry.metadata.get(WITHDRAWN) and not entry.enabled:
        fields["enabled"] = True
    if fields:
        update_entry(actor, entry, **fields)
    return bool(fields)


def retire(actor: Actor, exchange: Exchange, released: Iterable[Identity]) -> int:
    """Withdraw the released hashes that no record of any of the bank's exchanges holds."""
    bank = exchange.bank
    released = set(released)
    still_held = _held(bank, released)
    removed = 0
    for entry in _entries(bank, released - still_held).values():
        if entry.source != exchange.source_label:
            continue
        if entry.matches.exists():
            if entry.enabled:
                metadata = {**entry.metadata, WITHDRAWN: True}
                update_entry(actor, entry, enabled=False, metadata=metadata)
                removed += 1
        else:
            remove_entry(actor, entry)
            removed += 1
    return removed


def _entries(bank: HashBank, idents: Iterable[Identity]) -> dict[Identity, BankEntry]:
    found: dict[Identity, BankEntry] = {}
    for signal_type, values in _by_type(idents).items():
        for start in range(0, len(values), CHUNK):
            rows = BankEntry.objects.filter(
                bank=bank, signal_type=signal_type, value__in=values[start : start + CHUNK]
            ).select_related("bank")
            found.update({(row.signal_type, row.value): row for row in rows})
    return found


def _held(bank: HashBank, idents: Iterable[Identity]) -> set[Identity]:
    held: set[Identity] = set()
    for signal_type, values in _by_type(idents).items():
        for start in range(0, len(values), CHUNK):
            rows = ExchangeItem.objects.filter(
                Q(exchange__bank=bank),
                signal_type=signal_type,
                value__in=values[start : start + CHUNK],
            )
            held.update(rows.values_list("signal_type", "value"))
    return held


def _by_type(idents: Iterable[Identity]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for signal_type, value in idents:
        grouped[signal_type].append(value)
    return grouped
