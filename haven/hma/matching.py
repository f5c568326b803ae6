"""HMA's lookups, answered by Haven's one matching entry point.

Every lookup goes through `haven.matching.services.lookup`, so the exact PDQ index,
each bank's threshold, disabled banks and entries, and safe banks all apply, and only
the caller's organisation's banks are searched. Hits that a safe bank suppressed (known
false positives) are left out: an HMA client would act on anything it is sent.
"""

import time
from typing import Any

from django.db.models import Count

from haven.hma.signals import SIGNAL_TYPES, ParsedSignal, hma_name
from haven.hma.uploads import HashedUpload
from haven.matching.access import banks_for
from haven.matching.live import live_index
from haven.matching.models import INDEXED_SIGNALS, BankEntry, SignalType
from haven.matching.services import Hit, lookup

# Haven signal type -> the keyword `lookup` takes it by.
_LOOKUP_FIELDS = {
    SignalType.PDQ: "pdq",
    SignalType.MD5: "md5",
    SignalType.SHA256: "sha256",
    SignalType.VPDQ: "vpdq",
}


def bank_ids_named(user, names: str | None) -> list[int] | None:
    """Ids of the caller's banks among HMA's comma-separated `banks`; None for all."""
    if not names:
        return None
    wanted = {name.strip() for name in names.split(",") if name.strip()}
    return list(banks_for(user).filter(name__in=wanted).values_list("pk", flat=True))


def lookup_signal(
    user, signal: ParsedSignal, bank_ids=None, threshold: int | None = None
) -> list[Hit]:
    value = signal.frames if signal.signal_type == SignalType.VPDQ else signal.value
    query: dict[str, Any] = {_LOOKUP_FIELDS[SignalType(signal.signal_type)]: value}
    hits = lookup(user.organisation_id, **query, threshold=threshold, bank_ids=bank_ids)
    return [hit for hit in hits if not hit.suppressed]


def lookup_upload(
    user, upload: HashedUpload, bank_ids=None, threshold: int | None = None
) -> dict[str, list[Hit]]:
    """Hits per HMA signal type of an uploaded file, every type hashed present.

    One lookup with all the file's hashes, so that a safe bank's hit on one signal type
    suppresses the others' hits too.
    """
    query: dict[str, Any] = {}
    for name in upload.signals:
        query[_LOOKUP_FIELDS[SIGNAL_TYPES[name]]] = upload.haven_value(name)
    if "pdq" in query:
        query["pdq_quality"] = upload.hashes.pdq_quality
    hits = lookup(user.organisation_id, **query, threshold=threshold, bank_ids=bank_ids)
    found: dict[str, list[Hit]] = {name: [] for name in upload.signals}
    for hit in hits:
        name = hma_name(hit.signal_type, upload.content_type)
        if not hit.suppressed and name in found:
            found[name].append(hit)
    return found


def index_status(user, names: list[str]) -> dict[str, dict]:
    """HMA's index status per signal type, for the caller's banks only.

    PDQ and vPDQ frames are in the process's PDQ index, brought up to date here;
    MD5 and SHA-256 are looked up in the database, so always current. `built_to` is
    the Unix time the index last caught up with the banks; `size` counts the caller's
    entries, never another organisation's.
    """
    counts = dict(
        BankEntry.objects.filter(bank__in=banks_for(user))
        .values("signal_type")
        .annotate(n=Count("pk"))
        .values_list("signal_type", "n")
    )
    now = int(time.time())
    caught_up = now
    if any(SIGNAL_TYPES[name] in INDEXED_SIGNALS for name in names):
        live = live_index()
        live.current()
        caught_up = int(now - live.status()["checked_seconds_ago"])
    return {
        name: {
            "present": True,
            "built_to": caught_up if SIGNAL_TYPES[name] in INDEXED_SIGNALS else now,
            "size": counts.get(SIGNAL_TYPES[name], 0),
        }
        for name in names
    }
