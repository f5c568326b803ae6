"""The feed of a shared bank, which another Haven's "haven" exchange reads page by page.

Entries come in (updated_at, id) order, interleaved with tombstones of deleted entries
in (deleted_at, id) order, after an opaque cursor that holds both positions. Rows
younger than a few seconds are held back (EXCHANGE_FEED_SETTLE_SECONDS): a transaction
still open may yet commit a row stamped earlier, and a reader that had moved past its
time would never see it.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone

from haven.exchanges.config import feed_settle_seconds
from haven.exchanges.models import BankShare, FeedTombstone
from haven.matching.models import BankEntry

DEFAULT_LIMIT = 500
MAX_LIMIT = 1000


class FeedError(ValueError):
    """A request the feed cannot answer (a bad cursor or limit); the message says why."""


@dataclass(frozen=True)
class Cursor:
    entry_at: datetime | None = None
    entry_id: int = 0
    tombstone_at: datetime | None = None
    tombstone_id: int = 0

    def encode(self) -> str:
        data = {
            "e": [_iso(self.entry_at), self.entry_id],
            "t": [_iso(self.tombstone_at), self.tombstone_id],
        }
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> "Cursor":
        if not text:
            return cls()
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            data = json.loads(raw)
            (entry_at, entry_id), (tombstone_at, tombstone_id) = data["e"], data["t"]
            return cls(_time(entry_at), int(entry_id), _time(tombstone_at), int(tombstone_id))
        except (binascii.Error, ValueError, KeyError, TypeError):
            raise FeedError("'since' is not a cursor this feed gave") from None


def parse_limit(raw: str | None) -> int:
    if not raw:
        return DEFAULT_LIMIT
    try:
        limit = int(raw)
    except ValueError:
        raise FeedError("'limit' is a whole number") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise FeedError(f"'limit' is between 1 and {MAX_LIMIT}")
    return limit


def feed_page(share: BankShare, since: str = "", limit: int = DEFAULT_LIMIT, now=None) -> dict:
    cursor = Cursor.decode(since)
    settled = (now or timezone.now()) - timedelta(seconds=feed_settle_seconds())
    entries = _after(
        BankEntry.objects.filter(bank=share.bank_id, updated_at__lte=settled),
        "updated_at",
        cursor.entry_at,
        cursor.entry_id,
    )[: limit + 1]
    tombstones = _after(
        FeedTombstone.objects.filter(bank=share.bank_id, deleted_at__lte=settled),
        "deleted_at",
        cursor.tombstone_at,
        cursor.tombstone_id,
    )[: limit + 1]
    rows = sorted(
        [(e.updated_at, e.pk, e) for e in entries] + [(t.deleted_at, t.pk, t) for t in tombstones],
        key=lambda row: (row[0], row[1]),
    )
    page = [row for _, _, row in rows[:limit]]
    return {
        "entries": [_entry(row, share.include_notes) for row in page],
        "next": _advance(cursor, page).encode(),
        "more": len(rows) > limit,
    }


def _after(queryset, time_field: str, at: datetime | None, pk: int):
    if at is not None:
        queryset = queryset.filter(
            Q(**{f"{time_field}__gt": at}) | Q(**{time_field: at, "pk__gt": pk})
        )
    return queryset.order_by(time_field, "pk")


def _advance(cursor: Cursor, page: list) -> Cursor:
    entries = [row for row in page if isinstance(row, BankEntry)]
    tombstones = [row for row in page if isinstance(row, FeedTombstone)]
    return Cursor(
        entries[-1].updated_at if entries else cursor.entry_at,
        entries[-1].pk if entries else cursor.entry_id,
        tombstones[-1].deleted_at if tombstones else cursor.tombstone_at,
        tombstones[-1].pk if tombstones else cursor.tombstone_id,
    )


def _entry(row, include_notes: bool) -> dict:
    if isinstance(row, FeedTombstone):
        return {
            "id": row.entry_id,
            "signal_type": row.signal_type,
            "value": row.value,
            "frames": "",
            "labels": [],
            "enabled": False,
            "deleted": True,
            "updated_at": _iso(row.deleted_at),
        }
    data = {
        "id": row.pk,
        "signal_type": row.signal_type,
        "value": row.value,
        "frames": row.frames,
        "labels": row.labels,
        "enabled": row.enabled,
        "deleted": False,
        "updated_at": _iso(row.updated_at),
    }
    if include_notes:
        data["note"] = row.note
    return data


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _time(text: str | None) -> datetime | None:
    if text is None:
        return None
    moment = datetime.fromisoformat(text)
    if timezone.is_naive(moment):
        raise ValueError("naive time in cursor")
    return moment


@receiver(post_delete, sender=BankEntry, dispatch_uid="exchanges.feed_tombstone")
def _remember_deletion(sender, instance: BankEntry, **kwargs) -> None:
    """A shared bank's readers must delete what it deleted: keep a tombstone for them."""
    if BankShare.objects.filter(bank_id=instance.bank_id).exists():
        FeedTombstone.objects.create(
            bank_id=instance.bank_id,
            entry_id=instance.pk,
            signal_type=instance.signal_type,
            value=instance.value,
        )
