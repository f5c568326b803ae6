"""The process's PDQ index, kept current with the banks in the database.

Every process that matches (web workers, Celery workers, dedicated matchers) holds one
`LiveIndex`. It starts from the newest snapshot on disk (memory-mapped, so processes on
one machine share its pages) or, with none, from the database; then it follows the
change log that database triggers write (`BankChange`), at most once a second and at
once after a change made in the same process. Snapshots are written by
`write_snapshot()` (a periodic job, `haven index snapshot`, and after bulk imports);
followers switch to a newer snapshot when their own tail of recent changes grows.

PostgreSQL hands out sequence numbers before commit, so a change with a lower number can
become visible after a higher one: the follower applies what it sees, remembers the
holes, and re-reads them until they fill or are older than `GAP_SECONDS` (a rolled-back
transaction leaves a hole for ever).
"""

import fcntl
import logging
import os
import shutil
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db.models import Max

from haven.hashing.vpdq import distinct_hashes, parse_vpdq
from haven.matching.models import INDEXED_SIGNALS, BankChange, BankEntry, SignalType
from haven.matching.pdq_index import PdqIndex

log = logging.getLogger(__name__)

GAP_SECONDS = 60.0
# More changes than this since the snapshot and a follower reloads instead of replaying.
REPLAY_LIMIT = 200_000
CHUNK = 20_000
SNAPSHOT_ASK_SECONDS = 300.0


def snapshot_root() -> Path:
    return Path(settings.PDQ_INDEX_DIR)


def frame_hashes(frames: str, min_quality: int) -> list[str]:
    """Distinct frame hashes of usable quality from vPDQ lines (stored ones are always
    canonical: they were written by format_vpdq)."""
    try:
        return distinct_hashes(parse_vpdq(frames), min_quality)
    except ValueError:
        log.warning("unreadable vPDQ frames skipped: %.80s", frames)
        return []


def indexed_rows(entries) -> tuple[list[str], list[int]]:
    """(hashes, entry ids) for index rows of `entries` (a queryset of indexed entries)."""
    hashes: list[str] = []
    ids: list[int] = []
    min_quality = settings.PDQ_MIN_QUALITY
    rows = entries.filter(signal_type__in=INDEXED_SIGNALS).values_list(
        "id", "signal_type", "value", "frames"
    )
    for entry_id, signal_type, value, frames in rows.iterator(chunk_size=CHUNK):
        if signal_type == SignalType.PDQ:
            hashes.append(value)
            ids.append(entry_id)
        else:
            for frame in frame_hashes(frames, min_quality):
                hashes.append(frame)
                ids.append(entry_id)
    return hashes, ids


def current_snapshot() -> Path | None:
    pointer = snapshot_root() / "CURRENT"
    try:
        name = pointer.read_text().strip()
    except FileNotFoundError:
        return None
    path = snapshot_root() / name
    return path if (path / "meta.json").exists() else None


class LiveIndex:
    def __init__(self):
        self._lock = threading.Lock()
        self.index: PdqIndex | None = None
        self.watermark = 0
        self.snapshot: Path | None = None
        self._applied: set[int] = set()
        self._gaps: dict[int, float] = {}
        self._checked_at = 0.0
        self._dirty = False
        self._asked_at = -SNAPSHOT_ASK_SECONDS

    # -- public ---------------------------------------------------------------------

    def current(self) -> PdqIndex:
        """The index, brought up to date if it was last checked a second or more ago."""
        now = time.monotonic()
        if (
            self.index is not None
            and not self._dirty
            and now - self._checked_at < (settings.PDQ_INDEX_POLL_SECONDS)
        ):
            return self.index
        with self._lock:
            if self.index is None:
                self._load()
            elif self._dirty or time.monotonic() - self._checked_at >= (
                settings.PDQ_INDEX_POLL_SECONDS
            ):
                self._follow()
            assert self.index is not None
            return self.index

    def changed(self) -> None:
        """A change was made in this process: follow the log at the next query."""
        self._dirty = True

    def status(self) -> dict:
        index = self.index
        return {
            "loaded": index is not None,
            "rows": len(index) if index is not None else 0,
            "watermark": self.watermark,
            "snapshot": self.snapshot.name if self.snapshot else None,
            "checked_seconds_ago": round(time.monotonic() - self._checked_at, 3),
            **({"index": index.stats()} if index is not None else {}),
        }

    # -- loading and following ------------------------------------------------------

    def _load(self) -> None:
        snapshot = current_snapshot()
        if snapshot is not None:
            try:
                self._load_snapshot(snapshot)
                self._follow()
                return
            except (OSError, ValueError, KeyError):
                log.exception("index snapshot %s unreadable; building from the database", snapshot)
        self._build_from_database()

    def _load_snapshot(self, snapshot: Path) -> None:
        started = time.monotonic()
        index = PdqIndex.load(snapshot, mmap=True)
        self.index, self.snapshot = index, snapshot
        self.watermark = int(PdqIndex.read_meta(snapshot)["watermark"])
        self._applied.clear()
        self._gaps.clear()
        self._checked_at = time.monotonic()
        log.info(
            "index snapshot %s: %d rows in %.2fs",
            snapshot.name,
            len(index),
            time.monotonic() - started,
        )

    def _build_from_database(self) -> None:
        started = time.monotonic()
        # The watermark is read first: a change made while reading is replayed later.
        watermark = BankChange.objects.aggregate(top=Max("seq"))["top"] or 0
        hashes, ids = indexed_rows(BankEntry.objects.all())
        self.index = PdqIndex.build(hashes, ids)
        self.snapshot = None
        self.watermark = watermark
        self._applied.clear()
        self._gaps.clear()
        self._checked_at = time.monotonic()
        self._dirty = False
        log.info(
            "index built from the database: %d rows in %.2fs", len(ids), time.monotonic() - started
        )

    def _follow(self) -> None:
        self._dirty = False
        self._checked_at = time.monotonic()
        newer = current_snapshot()
        if newer is not None and newer != self.snapshot and self._snapshot_is_newer(newer):
            self._load_snapshot(newer)
        low = min(self._gaps, default=self.watermark + 1) - 1
        changes = list(
            BankChange.objects.filter(seq__gt=low)
            .order_by("seq")
            .values_list("seq", "entry_id")[: REPLAY_LIMIT + 1]
        )
        if len(changes) > REPLAY_LIMIT or self._log_pruned_past_us():
            log.info("index %d changes behind: reloading", len(changes))
            self.index = None
            self._load()
            return
        fresh = [(seq, entry) for seq, entry in changes if seq not in self._applied]
        if fresh:
            self._apply(sorted({entry for _, entry in fresh}))
            self._applied.update(seq for seq, _ in fresh)
        self._advance([seq for seq, _ in changes])
        self._ask_for_snapshot_if_tail_is_long()

    def _ask_for_snapshot_if_tail_is_long(self) -> None:
        """A long tail of recent additions is scanned on every query: ask for a new
        snapshot (followers then switch to it) rather than waiting for the schedule."""
        assert self.index is not None
        now = time.monotonic()
        if self.index.needs_compaction() and now - self._asked_at > SNAPSHOT_ASK_SECONDS:
            from haven.jobs.services import enqueue

            self._asked_at = now
            enqueue("matching.snapshot")

    def _snapshot_is_newer(self, snapshot: Path) -> bool:
        try:
            meta = PdqIndex.read_meta(snapshot)
        except (OSError, ValueError):
            return False
        # Switch when it saves replaying, or when our own tail has grown large.
        tail = self.index.stats()["tail_rows"] if self.index is not None else 0
        return int(meta.get("watermark", 0)) > self.watermark or tail > 50_000

    def _log_pruned_past_us(self) -> bool:
        """True when changes we have not seen were pruned: only a snapshot has them."""
        try:
            pruned_to = int((snapshot_root() / "PRUNED").read_text())
        except (FileNotFoundError, ValueError):
            return False
        return self.watermark < pruned_to

    def _apply(self, entry_ids: list[int]) -> None:
        assert self.index is not None
        self.index.remove(entry_ids)
        hashes, ids = indexed_rows(BankEntry.objects.filter(pk__in=entry_ids))
        if hashes:
            self.index.add(hashes, ids)

    def _advance(self, seen: list[int]) -> None:
        """Move the watermark over every number seen, remembering holes below the top."""
        now = time.monotonic()
        present = set(seen) | self._applied
        top = max(present, default=self.watermark)
        for seq in range(self.watermark + 1, top + 1):
            if seq not in present:
                self._gaps.setdefault(seq, now)
        for seq in list(self._gaps):
            if seq in present or now - self._gaps[seq] > GAP_SECONDS:
                del self._gaps[seq]
        while self.watermark < top and (self.watermark + 1 not in self._gaps):
            self.watermark += 1
            self._applied.discard(self.watermark)


_live: LiveIndex | None = None
_live_lock = threading.Lock()


def live_index() -> LiveIndex:
    global _live
    with _live_lock:
        if _live is None:
            _live = LiveIndex()
        return _live


def forget_all() -> None:
    """Drop this process's index (tests, and a reset after restoring a database)."""
    global _live
    with _live_lock:
        _live = None


def search(hashes: list[str], threshold: int) -> list[list[tuple[int, int]]]:
    """(entry id, distance) of every indexed entry within `threshold`, per hash."""
    if not hashes:
        return []
    return live_index().current().query(hashes, threshold)


# -- snapshots ------------------------------------------------------------------------


def write_snapshot(keep: int = 2) -> Path:
    """Write the banks' index to disk for fast starts and sharing; prune old ones.

    One writer at a time (a file lock). The new snapshot is built from the database at
    a watermark, so followers replay only later changes.
    """
    root = snapshot_root()
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        holder = LiveIndex()
        current = current_snapshot()
        if current is not None:
            holder._load_snapshot(current)
            holder._follow()
        else:
            holder._build_from_database()
        assert holder.index is not None
        name = f"snap-{holder.watermark:012d}-{int(time.time())}"
        building = root / f".{name}.tmp"
        shutil.rmtree(building, ignore_errors=True)
        holder.index.save(building, meta={"watermark": holder.watermark})
        os.replace(building, root / name)
        pointer = root / ".CURRENT.tmp"
        pointer.write_text(name)
        os.replace(pointer, root / "CURRENT")
        _prune(root, keep)
        return root / name


def _prune(root: Path, keep: int) -> None:
    snapshots = sorted(p for p in root.iterdir() if p.name.startswith("snap-"))
    for old in snapshots[:-keep]:
        shutil.rmtree(old, ignore_errors=True)
    remaining = sorted(p for p in root.iterdir() if p.name.startswith("snap-"))
    if remaining:
        # Changes older than the oldest kept snapshot are never replayed again.
        oldest = int(PdqIndex.read_meta(remaining[0])["watermark"])
        marker = root / ".PRUNED.tmp"
        marker.write_text(str(oldest))
        os.replace(marker, root / "PRUNED")
        BankChange.objects.filter(seq__lte=oldest).delete()
