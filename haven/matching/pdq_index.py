"""An exact PDQ index: every hash within Hamming distance T of a query, as brute force
would find, for banks of tens of millions of hashes.

    index = PdqIndex.build(["f8f8...", ...], ids=[1, 2, ...])
    index.query(["f8f0...", ...], threshold=31)   # [[(id, distance), ...], ...] per query
    index.add(["a5a5..."], ids=[3])                # visible to the next query
    index.remove([1])                              # every row with that id
    index.save("var/index/snap-1"); PdqIndex.load("var/index/snap-1")

Layout: an immutable *base* (hashes sorted by id, multi-index tables; see `mih`) plus a
small *tail* of recent additions scanned by brute force, and a live flag per base row
for removals. Neither an add nor a remove rebuilds anything; `compact()` folds the tail
into a new base when it grows past `tail_limit` (done off the query path by the holder).
Ids need not be unique: a video's frames are many rows with the video's id.
"""

import contextlib
import ctypes
import itertools
import json
import math
import os
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from haven.matching import mih

HASH_BYTES = 32
MAX_THRESHOLD = 63
MAX_TABLE_BITS = 24
# The default layout stops here: wider keys grow the offsets faster than they save.
DEFAULT_MAX_TABLE_BITS = 23
MAX_PROBE_RADIUS = 4
# Below this many rows a scan is as fast as the tables and needs no memory for them.
MIN_TABLE_ROWS = 1 << 16
FORMAT_VERSION = 3

# Batches are split across threads: the kernels release the GIL.
PARALLEL_MIN_BATCH = 16
_workers = os.cpu_count() or 1
_pool = ThreadPoolExecutor(max_workers=_workers, thread_name_prefix="pdq-index")

_masks_lock = threading.Lock()
_masks: tuple[np.ndarray, np.ndarray] | None = None


def _flip_masks() -> tuple[np.ndarray, np.ndarray]:
    global _masks
    with _masks_lock:
        if _masks is None:
            _masks = mih.flip_masks(MAX_TABLE_BITS, MAX_PROBE_RADIUS)
        return _masks


def hex_to_words(values: Sequence[str] | np.ndarray) -> np.ndarray:
    """(n, 4) uint64 words from 64-digit hex strings (or (n, 32) uint8 bytes)."""
    if isinstance(values, np.ndarray) and values.dtype == np.uint8:
        raw = np.ascontiguousarray(values).reshape(-1, HASH_BYTES)
    else:
        values = list(values)
        if not values:
            return np.zeros((0, 4), dtype=np.uint64)
        try:
            raw = np.frombuffer(bytes.fromhex("".join(values)), dtype=np.uint8)
        except ValueError:
            raise ValueError("PDQ hashes are 64 hexadecimal digits") from None
        if raw.size != len(values) * HASH_BYTES:
            raise ValueError("PDQ hashes are 64 hexadecimal digits")
        raw = raw.reshape(-1, HASH_BYTES)
    # Big-endian words keep bit 0 of the hex string as the top bit of word 0.
    return raw.view(">u8").astype(np.uint64).reshape(-1, 4)


def words_to_hex(words: np.ndarray) -> list[str]:
    raw = np.ascontiguousarray(words, dtype=np.uint64).astype(">u8").tobytes()
    return [raw[i : i + HASH_BYTES].hex() for i in range(0, len(raw), HASH_BYTES)]


def table_layout(rows: int, width: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(starts, bits) of the substrings, `width` bits each (about log2(rows) by default).

    Substrings need not cover all 256 bits: the distance over the covered bits is at
    most the whole distance, so the pigeonhole bound still holds. Equal widths keep
    every table's offsets the same size.
    """
    if rows < MIN_TABLE_ROWS and width is None:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if width is not None and not 8 <= width <= MAX_TABLE_BITS:
        raise ValueError(f"table_bits is between 8 and {MAX_TABLE_BITS}")
    if width is None:
        # Wider keys mean fewer candidates per probe, and bucket bounds cost ~2 bytes
        # each (measured: 21 bits at 1 million rows is 2x faster than 19; 23 bits at
        # 10 million 1.5x faster than 22).
        width = int(min(DEFAULT_MAX_TABLE_BITS, max(16, round(math.log2(rows)) + 1)))
    tables = 256 // width
    bits = np.full(tables, width, dtype=np.int64)
    starts = np.arange(tables, dtype=np.int64) * width
    return starts, bits


def release_free_memory() -> None:
    """Give the heap's free pages back to the system after a build.

    The kernels allocate through malloc; after a build of millions of rows the freed
    sort keys stay in the heap and count as resident until trimmed (glibc only).
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class _Base:
    """The immutable part: rows sorted by id, tables over them, a live flag per row."""

    def __init__(self, words, ids, alive, starts, bits, bounds, rows):
        self.words = words
        self.ids = ids
        self.alive = alive
        self.starts = starts
        self.bits = bits
        self.bounds = bounds
        self.rows = rows
        self._plans: dict[int, str] = {}

    @classmethod
    def build(cls, words: np.ndarray, ids: np.ndarray, width: int | None = None) -> "_Base":
        order = np.argsort(ids, kind="stable")
        words = np.ascontiguousarray(words[order])
        ids = np.ascontiguousarray(ids[order])
        starts, bits = table_layout(len(ids), width)
        # Each table's rows are sorted straight into their place: no copy at the end.
        rows = np.empty((len(starts), len(ids)), dtype=np.uint32)
        packed = []
        for table, (start, width) in enumerate(zip(starts, bits, strict=True)):
            keys = mih.table_keys(words, int(start), int(width))
            offsets = mih.counting_sort(keys, int(width), rows[table])
            del keys
            # Packed at once, so that only one table's plain offsets exist at a time.
            blocks = _Bounds.blocks_of(offsets)
            bitmap = _Bounds.occupancy_of(offsets)
            packed.append((blocks, offsets if blocks is None else None, bitmap))
        bounds = _Bounds.pack(packed)
        alive = np.ones(len(ids), dtype=np.uint8)
        return cls(words, ids, alive, starts, bits, bounds, rows)

    def __len__(self) -> int:
        return len(self.ids)

    def rows_of(self, ids: np.ndarray) -> np.ndarray:
        """Every row holding one of `ids` (rows are sorted by id)."""
        left = np.searchsorted(self.ids, ids, side="left")
        counts = np.searchsorted(self.ids, ids, side="right") - left
        starts = np.cumsum(counts) - counts
        within = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(starts, counts)
        return np.repeat(left, counts).astype(np.int64) + within

    def plan(self, threshold: int) -> str:
        """'tables' when probing them costs less than a scan, else 'scan'."""
        m = len(self.starts)
        if m == 0:
            return "scan"
        r = threshold // m
        if r > MAX_PROBE_RADIUS:
            return "scan"
        _, ends = _flip_masks()
        a = threshold - r * m
        candidates = 0.0
        for t in range(m):
            radius = r if t <= a else r - 1
            if radius >= 0:
                width = int(self.bits[t])
                candidates += ends[width, radius] * (1 + len(self) / (1 << width))
        return "tables" if candidates * 4 < len(self) else "scan"

    def query(self, query_words: np.ndarray, threshold: int):
        """(query number, row, distance) arrays for a batch of queries."""
        plan = self._plans.get(threshold)
        if plan is None:
            plan = self._plans[threshold] = self.plan(threshold)
        if plan == "scan":
            return _scan(self.words, self.alive, len(self), query_words, threshold)
        masks, ends = _flip_masks()

        bounds = self.bounds

        def run(first, buffers):
            return mih.mih_query(
                self.words,
                self.alive,
                self.starts,
                self.bits,
                bounds.compact,
                bounds.blocks,
                bounds.block_starts,
                bounds.offsets,
                bounds.offset_starts,
                bounds.occupied,
                bounds.occupied_starts,
                self.rows,
                masks,
                ends,
                query_words,
                first,
                threshold,
                buffers.scratch,
                buffers.out,
            )

        return _collect(run, len(query_words))

    ARRAYS = ("words", "ids", "alive", "starts", "bits", "rows")

    def save(self, directory: Path) -> None:
        for name in self.ARRAYS:
            np.save(directory / f"{name}.npy", getattr(self, name), allow_pickle=False)
        self.bounds.save(directory)

    @classmethod
    def load(cls, directory: Path, mmap: bool) -> "_Base":
        mode = "r" if mmap else None

        def part(name, mode=mode):
            return np.load(directory / f"{name}.npy", mmap_mode=mode, allow_pickle=False)

        # The live flags change with removals, so they are always a private copy.
        alive = np.array(part("alive", None), dtype=np.uint8)
        return cls(
            part("words"),
            part("ids"),
            alive,
            part("starts", None),
            part("bits", None),
            _Bounds.load(directory, mode),
            part("rows"),
        )

    @property
    def nbytes(self) -> int:
        arrays = (self.words, self.ids, self.alive, self.rows)
        return sum(a.nbytes for a in arrays) + self.bounds.nbytes


class _Bounds:
    """Where each table's buckets start and end, in 2.1 bytes a bucket instead of 4.

    Buckets go in blocks of 30: a 32-bit start for the block, then 30 16-bit running
    counts, 64 bytes in all (one cache line). A table whose blocks would overflow 16
    bits (tens of thousands of rows in 30 buckets: a bank of identical hashes) keeps
    plain 32-bit offsets instead.
    """

    BLOCK = 30
    NAMES = (
        "compact", "blocks", "block_starts", "offsets", "offset_starts", "occupied",
        "occupied_starts",
    )  # fmt: skip

    def __init__(
        self, compact, blocks, block_starts, offsets, offset_starts, occupied, occupied_starts
    ):
        self.compact = compact
        self.blocks = blocks
        self.block_starts = block_starts
        self.offsets = offsets
        self.offset_starts = offset_starts
        # One bit a bucket, set when it holds rows (little-endian bit order).
        self.occupied = occupied
        self.occupied_starts = occupied_starts

    @classmethod
    def pack(
        cls, tables: list[tuple[np.ndarray | None, np.ndarray | None, np.ndarray]]
    ) -> "_Bounds":
        """From each table's (blocks, or else plain offsets, occupancy bitmap)."""
        compact, block_parts, block_starts, plain_parts, offset_starts = [], [], [], [], []
        bitmaps, bitmap_starts = [], []
        blocks_so_far = plain_so_far = bitmap_so_far = 0
        for blocks, offsets, bitmap in tables:
            bitmaps.append(bitmap)
            bitmap_starts.append(bitmap_so_far)
            bitmap_so_far += len(bitmap)
            compact.append(blocks is not None)
            block_starts.append(blocks_so_far)
            offset_starts.append(plain_so_far)
            if blocks is not None:
                block_parts.append(blocks)
                blocks_so_far += len(blocks)
            else:
                assert offsets is not None
                plain_parts.append(offsets)
                plain_so_far += len(offsets)
        return cls(
            np.array(compact, dtype=np.uint8),
            np.concatenate(block_parts) if block_parts else np.zeros((1, 32), np.uint16),
            np.array(block_starts, dtype=np.int64),
            np.concatenate(plain_parts) if plain_parts else np.zeros(2, np.uint32),
            np.array(offset_starts, dtype=np.int64),
            np.concatenate(bitmaps) if bitmaps else np.zeros(1, np.uint8),
            np.array(bitmap_starts, dtype=np.int64),
        )

    @staticmethod
    def occupancy_of(offsets: np.ndarray) -> np.ndarray:
        return np.packbits(offsets[1:] > offsets[:-1], bitorder="little")

    @classmethod
    def blocks_of(cls, offsets: np.ndarray) -> np.ndarray | None:
        buckets = len(offsets) - 1
        count = -(-buckets // cls.BLOCK)
        padded = np.full(count * cls.BLOCK + 1, offsets[-1], dtype=np.int64)
        padded[: len(offsets)] = offsets
        base = padded[: count * cls.BLOCK : cls.BLOCK]
        running = padded[1:].reshape(count, cls.BLOCK) - base[:, None]
        if running.size and running.max() > 0xFFFF:
            return None
        blocks = np.empty((count, 32), dtype=np.uint16)
        blocks[:, 0] = base >> 16
        blocks[:, 1] = base & 0xFFFF
        blocks[:, 2:] = running
        return blocks

    def save(self, directory: Path) -> None:
        for name in self.NAMES:
            np.save(directory / f"{name}.npy", getattr(self, name), allow_pickle=False)

    @classmethod
    def load(cls, directory: Path, mode) -> "_Bounds":
        def part(name, mode=mode):
            return np.load(directory / f"{name}.npy", mmap_mode=mode, allow_pickle=False)

        return cls(
            part("compact", None),
            part("blocks"),
            part("block_starts", None),
            part("offsets"),
            part("offset_starts", None),
            part("occupied"),
            part("occupied_starts", None),
        )

    @property
    def nbytes(self) -> int:
        return sum(getattr(self, name).nbytes for name in self.NAMES)


class _Buffers(threading.local):
    """Scratch and output space for the kernels, one set per thread, grown on demand."""

    def __init__(self):
        self.scratch = np.empty((7, 8192), dtype=np.int64)
        self.out = np.empty((3, 1024), dtype=np.int64)
        self.distances = np.empty(mih.SCAN_BLOCK, dtype=np.int64)

    def grow(self, need: int) -> None:
        if need > self.scratch.shape[1]:
            self.scratch = np.empty((7, max(need, 2 * self.scratch.shape[1])), np.int64)
        self.out = np.empty((3, max(need, 2 * self.out.shape[1])), np.int64)


_buffers = _Buffers()
_NOTHING = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64))


def _collect(run, count: int):
    """Call a kernel until every query is answered, growing buffers when it asks."""
    buffers = _buffers
    parts = []
    first = 0
    while first < count:
        first_after, found = run(first, buffers)
        if found < 0:
            buffers.grow(-found)
            continue
        parts.append(buffers.out[:, :found].copy())
        first = first_after
    if not parts:
        return _NOTHING
    joined = np.concatenate(parts, axis=1)
    return joined[0], joined[1], joined[2]


def _scan(words, alive, count: int, queries: np.ndarray, threshold: int):
    def run(first, buffers):
        return mih.scan_query(
            words, alive, count, queries, first, threshold, buffers.distances, buffers.out
        )

    return _collect(run, len(queries))


def _in_parallel(search, words: np.ndarray, threshold: int):
    """Run `search(words, threshold)` on slices of a large batch in parallel threads."""
    if len(words) < PARALLEL_MIN_BATCH or _workers == 1:
        return search(words, threshold)
    bounds = np.linspace(0, len(words), _workers + 1).astype(int)
    futures = [
        _pool.submit(search, np.ascontiguousarray(words[lo:hi]), threshold)
        for lo, hi in itertools.pairwise(bounds)
    ]
    parts = [future.result() for future in futures]
    queries = np.concatenate([q + lo for (q, _, _), lo in zip(parts, bounds[:-1], strict=True)])
    rows = np.concatenate([r for _, r, _ in parts])
    distances = np.concatenate([d for _, _, d in parts])
    return queries, rows, distances


class _Tail:
    """Recent additions, scanned by brute force; grows by doubling."""

    def __init__(self, capacity: int = 1024):
        self.words = np.zeros((capacity, 4), dtype=np.uint64)
        self.ids = np.zeros(capacity, dtype=np.int64)
        self.alive = np.zeros(capacity, dtype=np.uint8)
        self.count = 0
        self.live = 0

    def add(self, words: np.ndarray, ids: np.ndarray) -> None:
        need = self.count + len(ids)
        if need > len(self.ids):
            capacity = max(need, 2 * len(self.ids))
            for name in ("words", "ids", "alive"):
                old = getattr(self, name)
                grown = np.zeros((capacity, *old.shape[1:]), dtype=old.dtype)
                grown[: self.count] = old[: self.count]
                setattr(self, name, grown)
        self.words[self.count : need] = words
        self.ids[self.count : need] = ids
        self.alive[self.count : need] = 1
        self.count = need
        self.live += len(ids)

    def remove(self, ids: np.ndarray) -> int:
        hit = np.isin(self.ids[: self.count], ids) & (self.alive[: self.count] == 1)
        self.alive[: self.count][hit] = 0
        removed = int(hit.sum())
        self.live -= removed
        return removed

    def live_rows(self) -> tuple[np.ndarray, np.ndarray]:
        keep = self.alive[: self.count] == 1
        return self.words[: self.count][keep], self.ids[: self.count][keep]


class PdqIndex:
    """Exact radius search over PDQ hashes with ids; safe for one writer and many readers.

    Queries run without the lock (numba releases nothing, but arrays are swapped, never
    changed in place, except single-byte live flags), so a query sees either the old
    or the new state of a change.
    """

    def __init__(self, tail_limit: int = 100_000):
        self._base = _Base.build(np.zeros((0, 4), np.uint64), np.zeros(0, np.int64))
        self._tail = _Tail()
        self._lock = threading.RLock()
        self._removed_while_compacting: list[np.ndarray] | None = None
        self.tail_limit = tail_limit

    # -- building and changing -------------------------------------------------------

    @classmethod
    def build(
        cls,
        hashes,
        ids: Iterable[int],
        tail_limit: int = 100_000,
        table_bits: int | None = None,
    ) -> "PdqIndex":
        """An index of `hashes` (hex strings, or (n, 32) uint8) with one id per hash.

        `table_bits` sets the substring width (default: about log2 of the row count,
        and no tables at all below 65,536 rows, where a scan is as fast).
        """
        words = hex_to_words(hashes)
        ids_array = np.asarray(list(ids) if not isinstance(ids, np.ndarray) else ids, np.int64)
        if len(ids_array) != len(words):
            raise ValueError("one id per hash")
        index = cls(tail_limit=tail_limit)
        index._base = _Base.build(words, ids_array, table_bits)
        release_free_memory()
        return index

    def add(self, hashes, ids: Iterable[int]) -> None:
        words = hex_to_words(hashes)
        ids_array = np.asarray(list(ids) if not isinstance(ids, np.ndarray) else ids, np.int64)
        if len(ids_array) != len(words):
            raise ValueError("one id per hash")
        with self._lock:
            self._tail.add(words, ids_array)

    def remove(self, ids: Iterable[int]) -> int:
        """Remove every row with one of `ids`; returns how many rows went."""
        ids_array = np.unique(np.asarray(list(ids), dtype=np.int64))
        with self._lock:
            if self._removed_while_compacting is not None:
                self._removed_while_compacting.append(ids_array)
            rows = self._base.rows_of(ids_array)
            rows = rows[self._base.alive[rows] == 1]
            self._base.alive[rows] = 0
            return len(rows) + self._tail.remove(ids_array)

    def needs_compaction(self) -> bool:
        return self._tail.count > self.tail_limit

    def compact(self) -> None:
        """Fold the tail and removals into a new base (a rebuild: call it off-line)."""
        with self._lock:
            base, tail_count = self._base, self._tail.count
            keep = base.alive == 1
            tail_keep = self._tail.alive[:tail_count] == 1
            words = np.concatenate([base.words[keep], self._tail.words[:tail_count][tail_keep]])
            ids = np.concatenate([base.ids[keep], self._tail.ids[:tail_count][tail_keep]])
            self._removed_while_compacting = []
        try:
            new_base = _Base.build(words, ids)
            del words, ids
        except BaseException:
            self._removed_while_compacting = None
            raise
        with self._lock:
            # Changes made while building: keep newer additions, re-apply removals.
            newer = slice(tail_count, self._tail.count)
            newer_alive = self._tail.alive[newer] == 1
            tail = _Tail()
            tail.add(self._tail.words[newer][newer_alive], self._tail.ids[newer][newer_alive])
            for removed in self._removed_while_compacting or []:
                rows = new_base.rows_of(removed)
                new_base.alive[rows] = 0
            self._removed_while_compacting = None
            self._base, self._tail = new_base, tail
        release_free_memory()

    # -- querying --------------------------------------------------------------------

    def __len__(self) -> int:
        """Live rows (hashes), in the base and the tail."""
        return int(self._base.alive.sum()) + self._tail.live

    def query(self, hashes, threshold: int = 31) -> list[list[tuple[int, int]]]:
        """For each query hash: (id, distance) of every live row within `threshold`,
        closest first."""
        if not 0 <= threshold <= MAX_THRESHOLD:
            raise ValueError(f"threshold is between 0 and {MAX_THRESHOLD}")
        words = hex_to_words(hashes)
        base, tail = self._base, self._tail
        results: list[list[tuple[int, int]]] = [[] for _ in range(len(words))]
        if not len(words):
            return results
        queries, rows, distances = _in_parallel(base.query, words, threshold)
        for q, found_id, distance in zip(
            queries.tolist(), base.ids[rows].tolist(), distances.tolist(), strict=True
        ):
            results[q].append((found_id, distance))
        if tail.count:
            queries, rows, distances = _in_parallel(
                lambda chunk, t: _scan(tail.words, tail.alive, tail.count, chunk, t),
                words,
                threshold,
            )
            for q, found_id, distance in zip(
                queries.tolist(), tail.ids[rows].tolist(), distances.tolist(), strict=True
            ):
                results[q].append((found_id, distance))
        for found in results:
            found.sort(key=lambda hit: (hit[1], hit[0]))
        return results

    def stats(self) -> dict:
        base = self._base
        nbytes = base.nbytes
        return {
            "rows": len(self),
            "base_rows": len(base),
            "tail_rows": self._tail.count,
            "tables": len(base.starts),
            "table_bits": base.bits.tolist(),
            "bytes": int(nbytes + self._tail.words.nbytes + self._tail.ids.nbytes),
        }

    # -- persistence -----------------------------------------------------------------

    def save(self, directory: str | Path, meta: dict | None = None) -> None:
        """Write a compacted copy of the index to `directory` (created; must not exist)."""
        directory = Path(directory)
        directory.mkdir(parents=True)
        if self._tail.count or not self._base.alive.all():
            self.compact()
        self._base.save(directory)
        (directory / "meta.json").write_text(
            json.dumps({"format": FORMAT_VERSION, "rows": len(self._base), **(meta or {})})
        )

    @classmethod
    def load(cls, directory: str | Path, mmap: bool = True, tail_limit: int = 100_000):
        """Open a saved index; with `mmap` the arrays are shared with other processes
        through the page cache and read from disk as queries touch them."""
        directory = Path(directory)
        meta = json.loads((directory / "meta.json").read_text())
        if meta.get("format") != FORMAT_VERSION:
            raise ValueError(f"index format {meta.get('format')} is not {FORMAT_VERSION}")
        index = cls(tail_limit=tail_limit)
        index._base = _Base.load(directory, mmap)
        return index

    def warm(self) -> None:
        """Touch every page of a memory-mapped index so first queries need no disk."""
        base = self._base
        for array in (base.words, base.bounds.blocks, base.bounds.offsets, base.rows, base.ids):
            flat = np.asarray(array).reshape(-1)
            flat[:: max(1, 4096 // flat.itemsize)].sum()

    @staticmethod
    def read_meta(directory: str | Path) -> dict:
        return json.loads((Path(directory) / "meta.json").read_text())
