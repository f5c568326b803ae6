"""Compiled kernels for exact Hamming search over 256-bit PDQ hashes.

Multi-index hashing (Norouzi, Punjani and Fleet, 2012): each hash is cut into m
substrings, and each substring keys a table (rows sorted by the key, with an offsets
array). By the pigeonhole principle, a hash within distance T of a query has some
substring j within r_j of the query's substring j, where T = m * r + a gives
r_j = r for the first a + 1 tables and r - 1 for the rest. Probing every key within
r_j in every table therefore finds every hash within T: the result is exactly what a
brute-force scan returns, at a small fraction of the memory traffic.

A candidate found in table j is reported only if no earlier table would also have
found it, which removes duplicates without a per-query "seen" array.

Hashes are held as four uint64 words (big-endian bit order, as in the hex form).
"""

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

# How many loads ahead to prefetch: enough to keep the memory system busy, few enough
# that the lines are still in cache when their turn comes (measured: 16-64 all help).
AHEAD = 32


def _prefetch_codegen(context, builder, signature, args):
    array_type = signature.args[0]
    data = context.make_array(array_type)(context, builder, args[0])
    pointer = cgutils.get_item_pointer(
        context, builder, array_type, data, list(args[1:]), wraparound=False
    )
    byte_pointer = ir.IntType(8).as_pointer()
    i32 = ir.IntType(32)
    function = cgutils.get_or_insert_function(
        builder.module,
        ir.FunctionType(ir.VoidType(), [byte_pointer, i32, i32, i32]),
        "llvm.prefetch.p0i8",
    )
    # read, keep in all cache levels, data cache
    builder.call(function, [builder.bitcast(pointer, byte_pointer), i32(0), i32(3), i32(1)])
    return context.get_dummy_value()


@intrinsic
def _prefetch(typingctx, array, row, column):
    """Ask the CPU to start loading array[row, column] (a hint; never faults)."""
    return types.void(array, row, column), _prefetch_codegen


@intrinsic
def _prefetch1(typingctx, array, index):
    """Ask the CPU to start loading array[index]."""
    return types.void(array, index), _prefetch_codegen


@njit(cache=True, nogil=True, inline="always")
def _popcount(x):
    # SWAR popcount; numba lowers this to a few instructions (or POPCNT when allowed).
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    # Signed result: numba turns mixed signed/unsigned arithmetic into floating point.
    return np.int64((x * np.uint64(0x0101010101010101)) >> np.uint64(56))


@njit(cache=True, nogil=True, inline="always")
def _distance(hashes, row, q0, q1, q2, q3):
    return (
        _popcount(hashes[row, 0] ^ q0)
        + _popcount(hashes[row, 1] ^ q1)
        + _popcount(hashes[row, 2] ^ q2)
        + _popcount(hashes[row, 3] ^ q3)
    )


@njit(cache=True, nogil=True, inline="always")
def _substring(w0, w1, w2, w3, start, bits):
    """Bits [start, start + bits) of the 256-bit value, counted from the most significant."""
    word = start >> 6
    offset = start & 63
    if word == 0:
        hi = w0
        lo = w1
    elif word == 1:
        hi = w1
        lo = w2
    elif word == 2:
        hi = w2
        lo = w3
    else:
        hi = w3
        lo = np.uint64(0)
    # Take 64 bits starting at `offset` across hi:lo, then keep the top `bits`.
    window = hi if offset == 0 else hi << np.uint64(offset) | lo >> np.uint64(64 - offset)
    return np.int64(window >> np.uint64(64 - bits))


@njit(cache=True, nogil=True)
def table_keys(hashes, start, bits):
    n = hashes.shape[0]
    keys = np.empty(n, dtype=np.uint32)
    for i in range(n):
        keys[i] = _substring(hashes[i, 0], hashes[i, 1], hashes[i, 2], hashes[i, 3], start, bits)
    return keys


@njit(cache=True, nogil=True)
def counting_sort(keys, bits, rows):
    """Fill `rows` with row numbers ordered by key; returns offsets such that the rows of
    key k are rows[offsets[k]:offsets[k+1]]."""
    size = 1 << bits
    offsets = np.zeros(size + 1, dtype=np.uint32)
    for k in keys:
        offsets[k + 1] += 1
    for k in range(size):
        offsets[k + 1] += offsets[k]
    fill = offsets[:-1].copy()
    for i in range(keys.shape[0]):
        k = keys[i]
        rows[fill[k]] = i
        fill[k] += 1
    return offsets


@njit(cache=True, nogil=True)
def _first_table(w, q, starts, bits, radii, upto):
    """True if some table before `upto` would report this hash (its key is in range)."""
    for t in range(upto):
        if radii[t] < 0:
            continue
        a = _substring(w[0], w[1], w[2], w[3], starts[t], bits[t])
        b = _substring(q[0], q[1], q[2], q[3], starts[t], bits[t])
        if _popcount(a ^ b) <= radii[t]:
            return True
    return False


BLOCK = 30  # buckets a block of bounds covers (see pdq_index._Bounds)


@njit(cache=True, nogil=True, inline="always")
def _bounds(compact, blocks, block_starts, offsets, offset_starts, t, key):
    """(first, end) row positions of bucket `key` of table `t`."""
    if compact[t]:
        block = block_starts[t] + key // BLOCK
        j = key - (key // BLOCK) * BLOCK
        base = (np.int64(blocks[block, 0]) << 16) | np.int64(blocks[block, 1])
        # Column 1 + j is the running count before bucket j (for j = 0, ignored).
        low = base + (j > 0) * np.int64(blocks[block, 1 + j])
        return low, base + np.int64(blocks[block, 2 + j])
    position = offset_starts[t] + key
    return np.int64(offsets[position]), np.int64(offsets[position + 1])


@njit(cache=True, nogil=True, inline="always")
def _prefetch_bounds(compact, blocks, block_starts, offsets, offset_starts, t, key):
    if compact[t]:
        _prefetch(blocks, block_starts[t] + key // BLOCK, 0)
    else:
        _prefetch1(offsets, offset_starts[t] + key)


@njit(cache=True, nogil=True)
def _radii(m, threshold):
    r = threshold // m
    a = threshold - r * m
    radii = np.empty(m, dtype=np.int64)
    for t in range(m):
        radii[t] = r if t <= a else r - 1
    return radii


@njit(cache=True, nogil=True)
def mih_query(
    hashes, alive, starts, bits, compact, blocks, block_starts, offsets, offset_starts,
    occupied, occupied_starts, rows, masks, mask_ends, queries, first, threshold, scratch, out,
):  # fmt: skip
    """Search queries[first:], writing (query number, row, distance) rows into `out`.

    Each query runs in phases (probe keys, bucket bounds, candidate rows, distances),
    each a loop of independent loads without data-dependent branches, so the CPU keeps
    many cache misses in flight instead of waiting for one at a time.

    Buffers come from the caller: arrays re-bound inside a hot loop make numba count
    references on every pass, several times slower. Returns (next query, found): it
    stops early, before a query, when `scratch` (columns: probe, table, low, high,
    candidate, candidate's table, distance) or `out` might overflow; the caller then
    grows them and calls again from `next query`.
    """
    m = starts.shape[0]
    radii = _radii(m, threshold)
    probe_count = 0
    for t in range(m):
        if radii[t] >= 0:
            probe_count += mask_ends[bits[t], radii[t]]
    if probe_count > scratch.shape[1]:
        return first, -probe_count
    found = 0
    for qi in range(first, queries.shape[0]):
        q0, q1, q2, q3 = queries[qi, 0], queries[qi, 1], queries[qi, 2], queries[qi, 3]
        # 1. Every bucket to probe: each table's key with every allowed flip pattern.
        n = 0
        for t in range(m):
            radius = radii[t]
            if radius < 0:
                continue
            width = bits[t]
            key = _substring(q0, q1, q2, q3, starts[t], width)
            # One bit a bucket says whether it holds anything: the bitmap is small enough
            # to stay in cache, and most buckets probed are empty, so most bounds reads
            # (each a miss) are skipped. Written without a branch.
            bitmap = occupied_starts[t]
            for mi in range(mask_ends[width, radius]):
                probe = key ^ np.int64(masks[width, mi])
                scratch[0, n] = probe
                scratch[1, n] = t
                n += (occupied[bitmap + (probe >> 3)] >> (probe & 7)) & 1
        # 2. Bucket bounds; only non-empty buckets are kept (without a branch).
        total = 0
        kept = 0
        for i in range(n):
            if i + AHEAD < n:
                _prefetch_bounds(
                    compact, blocks, block_starts, offsets, offset_starts,
                    scratch[1, i + AHEAD], scratch[0, i + AHEAD],
                )  # fmt: skip
            t = scratch[1, i]
            low, high = _bounds(
                compact, blocks, block_starts, offsets, offset_starts, t, scratch[0, i]
            )
            scratch[0, kept] = t
            scratch[2, kept] = low
            scratch[3, kept] = high
            kept += high > low
            total += high - low
        if total > scratch.shape[1] or found + total > out.shape[1]:
            return qi, -max(total, n) if found == 0 else found
        # 3. Candidate rows, prefetching buckets further on so their misses overlap.
        k = 0
        for i in range(kept):
            if i + AHEAD < kept:
                _prefetch(rows, scratch[0, i + AHEAD], scratch[2, i + AHEAD])
            t = scratch[0, i]
            for pos in range(scratch[2, i], scratch[3, i]):
                scratch[4, k] = rows[t, pos]
                scratch[5, k] = t
                k += 1
        # 4. Distances, prefetching candidates' hashes further on.
        for i in range(k):
            if i + AHEAD < k:
                _prefetch(hashes, scratch[4, i + AHEAD], 0)
            scratch[6, i] = _distance(hashes, scratch[4, i], q0, q1, q2, q3)
        # 5. The few within reach, each reported by the first table that finds it.
        for i in range(k):
            if scratch[6, i] > threshold:
                continue
            row = scratch[4, i]
            t = scratch[5, i]
            if not alive[row]:
                continue
            if t > 0 and _first_table(hashes[row], queries[qi], starts, bits, radii, t):
                continue
            out[0, found] = qi
            out[1, found] = row
            out[2, found] = scratch[6, i]
            found += 1
    return queries.shape[0], found


@njit(cache=True, nogil=True)
def _distances_to(hashes, start, stop, q0, q1, q2, q3, out):
    # A tight loop of its own, so that it compiles to straight-line popcounts.
    for row in range(start, stop):
        out[row - start] = (
            _popcount(hashes[row, 0] ^ q0)
            + _popcount(hashes[row, 1] ^ q1)
            + _popcount(hashes[row, 2] ^ q2)
            + _popcount(hashes[row, 3] ^ q3)
        )


SCAN_BLOCK = 2048


@njit(cache=True, nogil=True)
def scan_query(hashes, alive, count, queries, first, threshold, distances, out):
    """Brute force over the first `count` rows for queries[first:], into `out`.

    Returns (next query, found) like `mih_query`: it stops before a query when `out`
    is full, and the caller grows it and calls again.
    """
    found = 0
    for qi in range(first, queries.shape[0]):
        q0, q1, q2, q3 = queries[qi, 0], queries[qi, 1], queries[qi, 2], queries[qi, 3]
        mark = found
        for start in range(0, count, SCAN_BLOCK):
            stop = min(start + SCAN_BLOCK, count)
            _distances_to(hashes, start, stop, q0, q1, q2, q3, distances)
            for i in range(stop - start):
                if distances[i] <= threshold and alive[start + i]:
                    if found == out.shape[1]:
                        return qi, mark if mark else -1
                    out[0, found] = qi
                    out[1, found] = start + i
                    out[2, found] = distances[i]
                    found += 1
    return queries.shape[0], found


def flip_masks(max_bits: int, max_radius: int) -> tuple[np.ndarray, np.ndarray]:
    """For each width b <= max_bits: every b-bit pattern of popcount <= r, by popcount.

    Returns (masks[b, i], ends[b, r]) where masks[b, :ends[b, r]] are the patterns of
    weight <= r. Only widths the index uses are filled.
    """
    from itertools import combinations

    per_width: dict[int, list[int]] = {}
    ends = np.zeros((max_bits + 1, max_radius + 1), dtype=np.int64)
    for b in range(1, max_bits + 1):
        patterns: list[int] = []
        for weight in range(max_radius + 1):
            if weight <= b:
                for positions in combinations(range(b), weight):
                    value = 0
                    for p in positions:
                        value |= 1 << p
                    patterns.append(value)
            ends[b, weight] = len(patterns)
        per_width[b] = patterns
    longest = max(len(p) for p in per_width.values())
    masks = np.zeros((max_bits + 1, longest), dtype=np.uint32)
    for b, patterns in per_width.items():
        masks[b, : len(patterns)] = patterns
    return masks, ends
