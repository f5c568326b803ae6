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
from numba import njit, prange

HASH_WORDS = 4


@njit(cache=True, nogil=True, inline="always")
def _popcount(x):
    # SWAR popcount; numba lowers this to a few instructions (or POPCNT when allowed).
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return (x * np.uint64(0x0101010101010101)) >> np.uint64(56)


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
    return window >> np.uint64(64 - bits)


@njit(cache=True, nogil=True)
def table_keys(hashes, start, bits):
    n = hashes.shape[0]
    keys = np.empty(n, dtype=np.uint32)
    for i in range(n):
        keys[i] = np.uint32(
            _substring(hashes[i, 0], hashes[i, 1], hashes[i, 2], hashes[i, 3], start, bits)
        )
    return keys


@njit(cache=True, nogil=True)
def counting_sort(keys, bits):
    """(offsets, rows): rows ordered by key; rows of key k are rows[offsets[k]:offsets[k+1]]."""
    size = 1 << bits
    offsets = np.zeros(size + 1, dtype=np.uint32)
    for k in keys:
        offsets[k + 1] += 1
    for k in range(size):
        offsets[k + 1] += offsets[k]
    fill = offsets[:-1].copy()
    rows = np.empty(keys.shape[0], dtype=np.uint32)
    for i in range(keys.shape[0]):
        k = keys[i]
        rows[fill[k]] = i
        fill[k] += 1
    return offsets, rows


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


@njit(cache=True, nogil=True)
def mih_query(
    hashes, alive, starts, bits, offsets, offset_starts, rows, masks, mask_ends, queries, threshold
):
    """(query number, row, distance) of every live row within `threshold` of each query.

    Each query runs in phases (probe keys, bucket bounds, candidate rows, distances),
    each a loop of independent loads without data-dependent branches, so the CPU keeps
    many cache misses in flight instead of waiting for one at a time.
    """
    m = starts.shape[0]
    r = threshold // m
    a = threshold - r * m
    radii = np.empty(m, dtype=np.int64)
    probe_count = 0
    for t in range(m):
        radii[t] = r if t <= a else r - 1
        if radii[t] >= 0:
            probe_count += mask_ends[bits[t], radii[t]]
    probes = np.empty(probe_count, dtype=np.int64)
    probe_table = np.empty(probe_count, dtype=np.int64)
    lows = np.empty(probe_count, dtype=np.int64)
    highs = np.empty(probe_count, dtype=np.int64)
    candidates = np.empty(1024, dtype=np.int64)
    candidate_table = np.empty(1024, dtype=np.int64)
    distances = np.empty(1024, dtype=np.int64)
    capacity = 64
    out_query = np.empty(capacity, dtype=np.int64)
    out_rows = np.empty(capacity, dtype=np.int64)
    out_dist = np.empty(capacity, dtype=np.int64)
    count = 0
    for qi in range(queries.shape[0]):
        q0, q1, q2, q3 = queries[qi, 0], queries[qi, 1], queries[qi, 2], queries[qi, 3]
        # 1. Every bucket to probe: each table's key with every allowed flip pattern.
        n = 0
        for t in range(m):
            radius = radii[t]
            if radius < 0:
                continue
            width = bits[t]
            key = _substring(q0, q1, q2, q3, starts[t], width)
            base = offset_starts[t]
            for mi in range(mask_ends[width, radius]):
                probes[n] = base + (key ^ masks[width, mi])
                probe_table[n] = t
                n += 1
        # 2. Bucket bounds.
        total = 0
        for i in range(n):
            lows[i] = offsets[probes[i]]
            highs[i] = offsets[probes[i] + 1]
            total += highs[i] - lows[i]
        if total > candidates.shape[0]:
            size = max(total, 2 * candidates.shape[0])
            candidates = np.empty(size, dtype=np.int64)
            candidate_table = np.empty(size, dtype=np.int64)
            distances = np.empty(size, dtype=np.int64)
        # 3. Candidate rows. Touch the first row of every bucket before copying, so the
        # cache misses overlap instead of waiting behind the copy loop's branches.
        touched = 0
        last = rows.shape[1] - 1
        for i in range(n):
            touched += rows[probe_table[i], min(lows[i], last)]
        if touched == 0x7FFFFFFFFFFF:  # keeps the loads from being optimised away
            return out_query[:0], out_rows[:0], out_dist[:0]
        k = 0
        for i in range(n):
            t = probe_table[i]
            for pos in range(lows[i], highs[i]):
                candidates[k] = rows[t, pos]
                candidate_table[k] = t
                k += 1
        # 4. Distances.
        for i in range(k):
            distances[i] = _distance(hashes, candidates[i], q0, q1, q2, q3)
        # 5. The few within reach, each reported by the first table that finds it.
        for i in range(k):
            if distances[i] > threshold:
                continue
            row = candidates[i]
            t = candidate_table[i]
            if not alive[row]:
                continue
            if t > 0 and _first_table(hashes[row], queries[qi], starts, bits, radii, t):
                continue
            if count == capacity:
                capacity *= 2
                out_query = _grow(out_query, capacity)
                out_rows = _grow(out_rows, capacity)
                out_dist = _grow(out_dist, capacity)
            out_query[count] = qi
            out_rows[count] = row
            out_dist[count] = distances[i]
            count += 1
    return out_query[:count], out_rows[:count], out_dist[:count]


@njit(cache=True, nogil=True)
def _grow(array, capacity):
    grown = np.empty(capacity, dtype=array.dtype)
    grown[: array.shape[0]] = array
    return grown


@njit(cache=True, nogil=True)
def scan_query(hashes, alive, count, queries, threshold):
    """Brute force: (query number, row, distance) over the first `count` rows."""
    capacity = 64
    out_query = np.empty(capacity, dtype=np.int64)
    out_rows = np.empty(capacity, dtype=np.int64)
    out_dist = np.empty(capacity, dtype=np.int64)
    found = 0
    for row in range(count):
        if not alive[row]:
            continue
        h0, h1, h2, h3 = hashes[row, 0], hashes[row, 1], hashes[row, 2], hashes[row, 3]
        for qi in range(queries.shape[0]):
            d = (
                _popcount(h0 ^ queries[qi, 0])
                + _popcount(h1 ^ queries[qi, 1])
                + _popcount(h2 ^ queries[qi, 2])
                + _popcount(h3 ^ queries[qi, 3])
            )
            if d <= threshold:
                if found == capacity:
                    capacity *= 2
                    out_query = _grow(out_query, capacity)
                    out_rows = _grow(out_rows, capacity)
                    out_dist = _grow(out_dist, capacity)
                out_query[found] = qi
                out_rows[found] = row
                out_dist[found] = d
                found += 1
    return out_query[:found], out_rows[:found], out_dist[:found]


@njit(cache=True, parallel=True)
def scan_distances(hashes, query):
    """Distance from `query` to every row (the reference that tests compare against)."""
    n = hashes.shape[0]
    out = np.empty(n, dtype=np.int64)
    for row in prange(n):
        out[row] = _distance(hashes, row, query[0], query[1], query[2], query[3])
    return out


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
