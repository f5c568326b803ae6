"""Change hash banks and their entries: every change goes through here and is audited.

Bulk paths (imports, exchange fetches) write entries in batches with one audit event
per batch; the database triggers log each indexed entry for the PDQ index followers.
"""

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, connections, router, transaction
from django.db.models import F
from django.utils import timezone

from haven.audit.services import Actor, record
from haven.matching.models import (
    MAX_PDQ_THRESHOLD,
    BankEntry,
    Feedback,
    HashBank,
    Match,
    SignalType,
)

HEX_LENGTHS = {"pdq": 64, "md5": 32, "sha256": 64}
_HEX = re.compile(r"[0-9a-f]+")
BANK_FIELDS = {
    "name",
    "description",
    "classification",
    "enabled",
    "is_safe",
    "pdq_threshold",
    "vpdq_match_percent",
}
ENTRY_FIELDS = {"note", "labels", "metadata", "enabled", "disabled_until"}


def _index_changed() -> None:
    """This process's index follows the change log at its next query, not a second later."""
    from haven.matching.live import live_index

    transaction.on_commit(live_index().changed)


MAX_DISABLE = timedelta(days=5 * 366)


class InvalidSignal(ValueError):
    """A hash that is not what its type says; the message says what is wrong."""


class BankError(ValueError):
    """A bank change that cannot be made (a duplicate name, a bad threshold...)."""


@dataclass(frozen=True)
class Signal:
    signal_type: str
    value: str
    frames: str = ""
    note: str = ""
    labels: list = field(default_factory=list)
    metadata: dict = field(default_factory=dict)
    external_id: str = ""


def normalise_signal(signal_type: str, value: str) -> tuple[str, str, str]:
    """(signal type, value, frames) in canonical form, or InvalidSignal."""
    signal_type = (signal_type or "").strip().lower()
    value = (value or "").strip()
    if signal_type in ("video_md5",):
        signal_type = SignalType.MD5
    if signal_type == SignalType.VPDQ:
        from haven.hashing.video import format_vpdq, parse_vpdq

        try:
            frames = parse_vpdq(value.replace(";", "\n").replace(" ", "\n"))
        except ValueError as exc:
            raise InvalidSignal(f"not vPDQ: {exc}") from None
        if not frames:
            raise InvalidSignal("a vPDQ signal needs at least one frame")
        text = format_vpdq(frames)
        return signal_type, hashlib.sha256(text.encode()).hexdigest(), text
    length = HEX_LENGTHS.get(signal_type)
    if length is None:
        raise InvalidSignal(f"unknown signal type {signal_type!r}")
    value = value.lower()
    if len(value) != length or _HEX.fullmatch(value) is None:
        raise InvalidSignal(f"a {signal_type} hash is {length} hexadecimal digits")
    return signal_type, value, ""


def _check_bank_fields(fields: dict) -> None:
    unknown = set(fields) - BANK_FIELDS
    if unknown:
        raise BankError(f"unknown bank fields: {', '.join(sorted(unknown))}")
    if "name" in fields and not str(fields["name"]).strip():
        raise BankError("a bank needs a name")
    threshold = fields.get("pdq_threshold")
    if threshold is not None and not 0 <= int(threshold) <= MAX_PDQ_THRESHOLD:
        raise BankError(f"the PDQ threshold is between 0 and {MAX_PDQ_THRESHOLD}")
    percent = fields.get("vpdq_match_percent")
    if percent is not None and not 1 <= int(percent) <= 100:
        raise BankError("the vPDQ match share is between 1 and 100 %")


def _save_changed(obj, changed: dict) -> None:
    for key, value in changed.items():
        setattr(obj, key, value)
    obj.save(update_fields=[*changed, "updated_at"])


@transaction.atomic
def create_bank(actor: Actor, organisation, name: str, classification: str = "", **fields):
    _check_bank_fields({"name": name, **fields})
    name = name.strip()
    # Names differing only in capitals would be told apart by no one.
    if HashBank.objects.filter(organisation=organisation, name__iexact=name).exists():
        raise BankError(f"a bank named {name!r} already exists")
    bank = HashBank.objects.create(
        organisation=organisation, name=name, classification=classification or name, **fields
    )
    record(actor, "bank.created", bank, organisation_id=organisation.pk, name=name, **fields)
    return bank


@transaction.atomic
def update_bank(actor: Actor, bank: HashBank, **fields) -> HashBank:
    _check_bank_fields(fields)
    changed = {k: v for k, v in fields.items() if getattr(bank, k) != v}
    if not changed:
        return bank
    if "name" in changed:
        changed["name"] = changed["name"].strip()
        clash = HashBank.objects.filter(
            organisation_id=bank.organisation_id, name__iexact=changed["name"]
        )
        if clash.exclude(pk=bank.pk).exists():
            raise BankError(f"a bank named {changed['name']!r} already exists")
    before = {k: getattr(bank, k) for k in changed}
    _save_changed(bank, changed)
    record(
        actor,
        "bank.changed",
        bank,
        organisation_id=bank.organisation_id,
        before=before,
        after=changed,
    )
    return bank


@transaction.atomic
def delete_bank(actor: Actor, bank: HashBank) -> None:
    """Delete a bank and its entries, unless matches still point at them."""
    if Match.objects.filter(entry__bank=bank).exists():
        raise BankError("this bank has matches on record; disable it instead")
    if bank.exchanges.exists():
        names = ", ".join(bank.exchanges.values_list("name", flat=True))
        raise BankError(f"exchanges fetch into this bank ({names}); remove them first")
    count = bank.entries.count()
    record(
        actor,
        "bank.deleted",
        bank,
        organisation_id=bank.organisation_id,
        name=bank.name,
        entries=count,
    )
    bank.entries.all().delete()
    bank.delete()
    _index_changed()


def _fields(bank: HashBank, signal: Signal, source: str) -> dict:
    signal_type, value, frames = normalise_signal(signal.signal_type, signal.value)
    return {
        "bank_id": bank.pk,
        "signal_type": signal_type,
        "value": value,
        "frames": frames or signal.frames,
        "note": signal.note[:200],
        "labels": list(signal.labels),
        "metadata": dict(signal.metadata),
        "source": source[:100],
        "external_id": signal.external_id[:200],
    }


def _entry(bank: HashBank, signal: Signal, source: str) -> BankEntry:
    return BankEntry(**_fields(bank, signal, source))


@transaction.atomic
def add_entry(actor: Actor, bank: HashBank, signal: Signal, source: str = "manual"):
    """(entry, created): adding a hash the bank already holds returns the existing one."""
    entry = _entry(bank, signal, source)
    existing = BankEntry.objects.filter(
        bank=bank, signal_type=entry.signal_type, value=entry.value
    ).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:  # added by someone else a moment ago
        existing = BankEntry.objects.get(
            bank=bank, signal_type=entry.signal_type, value=entry.value
        )
        return existing, False
    _index_changed()
    record(
        actor,
        "bank.entry_added",
        entry,
        organisation_id=bank.organisation_id,
        bank=bank.name,
        signal_type=entry.signal_type,
        value=entry.value,
    )
    return entry, True


def add_entries(actor: Actor, bank: HashBank, signals: Iterable[Signal], source: str) -> int:
    """Add many valid signals in one transaction (a batch of an import or a fetch).

    Hashes the bank already holds are skipped; returns how many were new. Rows go in
    with one multi-row INSERT that skips conflicts, several times faster per row than
    the ORM's bulk_create, which matters for lists of millions.
    """
    # Plain dicts, not model instances: building a model costs more than inserting it.
    fresh: dict[tuple[str, str], dict] = {}
    for signal in signals:
        fields = _fields(bank, signal, source)
        fresh.setdefault((fields["signal_type"], fields["value"]), fields)
    if not fresh:
        return 0
    with transaction.atomic():
        added = _insert_ignoring_conflicts(list(fresh.values()))
        _index_changed()
        record(
            actor,
            "bank.entries_added",
            bank,
            organisation_id=bank.organisation_id,
            source=source,
            received=len(fresh),
            added=added,
        )
    return added


INSERT_COLUMNS = (
    "bank_id", "signal_type", "value", "frames", "note", "labels", "metadata", "enabled",
    "source", "external_id", "confirmed_count", "rejected_count", "added_at", "updated_at",
)  # fmt: skip


def _insert_ignoring_conflicts(entries: list[dict]) -> int:
    """Insert the rows a bank does not hold yet; returns how many went in."""
    added = 0
    if not entries:
        return added
    connection = connections[router.db_for_write(BankEntry)]
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    postgres = connection.vendor == "postgresql"
    json_cast = "::jsonb" if postgres else ""
    row = (
        "("
        + ", ".join(
            f"%s{json_cast}" if column in ("labels", "metadata") else "%s"
            for column in INSERT_COLUMNS
        )
        + ")"
    )
    table = BankEntry._meta.db_table
    prefix = "INSERT INTO" if postgres else "INSERT OR IGNORE INTO"
    suffix = " ON CONFLICT DO NOTHING" if postgres else ""
    # SQLite allows 32,766 parameters a statement; 14 a row.
    per_statement = 2000
    with connection.cursor() as wrapper:
        # The driver's cursor: Django's debug wrapper would format every parameter of
        # these long statements for its query log, which costs more than the insert.
        cursor = wrapper.cursor
        for start in range(0, len(entries), per_statement):
            chunk = entries[start : start + per_statement]
            params: list = []
            for e in chunk:
                params += [
                    e["bank_id"], e["signal_type"], e["value"], e["frames"], e["note"],
                    json.dumps(e["labels"]), json.dumps(e["metadata"]), True, e["source"],
                    e["external_id"], 0, 0, now, now,
                ]  # fmt: skip
            cursor.execute(
                f"{prefix} {table} ({', '.join(INSERT_COLUMNS)}) VALUES "
                + ", ".join([row] * len(chunk))
                + suffix,
                params,
            )
            # Both engines count only the rows actually inserted, not the ones skipped.
            added += max(cursor.rowcount, 0)
    return added


@transaction.atomic
def update_entry(actor: Actor, entry: BankEntry, **fields) -> BankEntry:
    unknown = set(fields) - ENTRY_FIELDS
    if unknown:
        raise BankError(f"unknown entry fields: {', '.join(sorted(unknown))}")
    until = fields.get("disabled_until")
    if isinstance(until, datetime) and until <= timezone.now():
        raise BankError("a 'disabled until' date must be in the future")
    if isinstance(until, datetime) and until > timezone.now() + MAX_DISABLE:
        raise BankError("an entry can be disabled for at most five years; disable it instead")
    if until is not None:
        fields["enabled"] = False
    if fields.get("enabled") is True:
        fields["disabled_until"] = None
    changed = {k: v for k, v in fields.items() if getattr(entry, k) != v}
    if not changed:
        return entry
    _save_changed(entry, changed)
    record(
        actor,
        "bank.entry_changed",
        entry,
        organisation_id=entry.bank.organisation_id,
        bank=entry.bank.name,
        after={k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in changed.items()},
    )
    return entry


@transaction.atomic
def remove_entry(actor: Actor, entry: BankEntry) -> None:
    """Delete an entry; one that matches point at is disabled instead, to keep the record."""
    bank = entry.bank
    if entry.matches.exists():
        update_entry(actor, entry, enabled=False)
        return
    record(
        actor,
        "bank.entry_removed",
        entry,
        organisation_id=bank.organisation_id,
        bank=bank.name,
        signal_type=entry.signal_type,
        value=entry.value,
    )
    entry.delete()
    _index_changed()


@transaction.atomic
def give_feedback(actor: Actor, match: Match, verdict: str) -> Match:
    """An analyst confirms or rejects a match; the entry counts both, per hash."""
    if verdict not in (Feedback.CONFIRMED, Feedback.REJECTED):
        raise BankError("feedback is 'confirmed' or 'rejected'")
    match = Match.objects.select_for_update().get(pk=match.pk)
    previous = match.feedback
    if previous == verdict:
        return match
    counters = {Feedback.CONFIRMED: "confirmed_count", Feedback.REJECTED: "rejected_count"}
    changes = {counters[Feedback(verdict)]: F(counters[Feedback(verdict)]) + 1}
    if previous:
        changes[counters[Feedback(previous)]] = F(counters[Feedback(previous)]) - 1
    BankEntry.objects.filter(pk=match.entry_id).update(**changes)
    match.feedback, match.feedback_by, match.feedback_at = verdict, actor.user, timezone.now()
    match.save(update_fields=["feedback", "feedback_by", "feedback_at"])
    record(
        actor,
        "match.feedback",
        match,
        organisation_id=actor.organisation_id,
        verdict=verdict,
        previous=previous,
        entry=match.entry_id,
    )
    return match
