import numpy as np
import pytest

from haven.matching.pdq_index import PdqIndex, hex_to_words, words_to_hex

THRESHOLDS = [0, 1, 8, 16, 31, 32, 40, 47, 48, 63]


def random_hashes(rng, count: int) -> np.ndarray:
    return rng.integers(0, 256, size=(count, 32), dtype=np.uint8)


def near(rng, base: np.ndarray, bits: int) -> np.ndarray:
    """`base` with `bits` distinct bits flipped."""
    flat = np.unpackbits(base.copy())
    flat[rng.choice(256, bits, replace=False)] ^= 1
    return np.packbits(flat)


def brute_force(bank: np.ndarray, ids: np.ndarray, query: np.ndarray, threshold: int):
    distances = np.unpackbits(np.bitwise_xor(bank, query), axis=1).sum(axis=1)
    hits = np.nonzero(distances <= threshold)[0]
    return sorted((int(ids[i]), int(distances[i])) for i in hits)


@pytest.fixture(scope="module")
def bank():
    """Uniform random hashes plus families of near-duplicates, as real banks have."""
    rng = np.random.default_rng(2024)
    uniform = random_hashes(rng, 3000)
    parents = random_hashes(rng, 40)
    family = [near(rng, parent, int(rng.integers(0, 40))) for parent in parents for _ in range(25)]
    hashes = np.concatenate([uniform, parents, np.array(family)])
    ids = rng.permutation(len(hashes)).astype(np.int64) + 1
    return hashes, ids


def queries(bank_hashes: np.ndarray, seed: int = 7) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    picked = [
        near(rng, bank_hashes[i], int(rng.integers(0, 64)))
        for i in rng.choice(len(bank_hashes), 30)
    ]
    return picked + list(random_hashes(rng, 5))


@pytest.mark.parametrize("table_bits", [None, 8, 12])
def test_every_threshold_finds_exactly_what_brute_force_finds(bank, table_bits):
    hashes, ids = bank
    index = PdqIndex.build(hashes, ids, table_bits=table_bits)
    batch = queries(hashes)
    for threshold in THRESHOLDS:
        results = index.query(np.array(batch), threshold)
        for query, found in zip(batch, results, strict=True):
            assert sorted(found) == brute_force(hashes, ids, query, threshold), threshold


def test_results_come_closest_first_with_ids_and_distances(bank):
    hashes, ids = bank
    index = PdqIndex.build(hashes, ids, table_bits=10)
    [found] = index.query(words_to_hex(hex_to_words(hashes[3040:3041])), 31)
    assert found[0] == (int(ids[3040]), 0)
    assert [d for _, d in found] == sorted(d for _, d in found)


def test_hex_and_byte_inputs_agree_and_bad_hashes_are_refused(bank):
    hashes, ids = bank
    index = PdqIndex.build(words_to_hex(hex_to_words(hashes[:100])), ids[:100])
    assert index.query([hashes[5].tobytes().hex()], 0)[0] == [(int(ids[5]), 0)]
    with pytest.raises(ValueError, match="64 hexadecimal"):
        index.query(["xyz"], 31)
    with pytest.raises(ValueError, match="64 hexadecimal"):
        index.query(["ab" * 31], 31)
    with pytest.raises(ValueError, match="threshold"):
        index.query([hashes[5].tobytes().hex()], 64)
    with pytest.raises(ValueError, match="one id per hash"):
        PdqIndex.build(hashes[:3], [1, 2])


def test_added_hashes_are_found_at_once_and_removed_ones_never_again(bank):
    hashes, ids = bank
    index = PdqIndex.build(hashes, ids, table_bits=10)
    rng = np.random.default_rng(1)
    fresh = random_hashes(rng, 3)
    index.add(fresh, [900001, 900002, 900003])
    assert index.query(fresh[:1], 0)[0] == [(900001, 0)]
    removed = index.remove([900001, int(ids[10])])
    assert removed == 2
    assert index.query(fresh[:1], 0)[0] == []
    assert all(found_id != int(ids[10]) for found_id, _ in index.query(hashes[10:11], 63)[0])
    assert len(index) == len(ids) + 3 - 2


def test_all_rows_of_an_id_go_together_as_a_videos_frames_do():
    rng = np.random.default_rng(3)
    frames = random_hashes(rng, 4)
    index = PdqIndex.build(frames[:2], [7, 7])
    index.add(frames[2:], [7, 8])
    assert index.remove([7]) == 3
    assert [found for found in index.query(frames, 0)] == [[], [], [], [(8, 0)]]


def test_compaction_keeps_every_answer_and_later_changes(bank):
    hashes, ids = bank
    index = PdqIndex.build(hashes[:2000], ids[:2000], table_bits=10, tail_limit=500)
    index.add(hashes[2000:], ids[2000:])
    index.remove(ids[:100])
    assert index.needs_compaction()
    batch = np.array(queries(hashes, seed=11))
    before = index.query(batch, 31)
    index.compact()
    assert not index.needs_compaction()
    assert index.stats()["tail_rows"] == 0
    assert index.query(batch, 31) == before
    assert len(index) == len(ids) - 100


def test_a_saved_index_loads_memory_mapped_and_answers_the_same(bank, tmp_path):
    hashes, ids = bank
    index = PdqIndex.build(hashes, ids, table_bits=10)
    index.remove(ids[:5])
    batch = np.array(queries(hashes, seed=5))
    expected = index.query(batch, 40)
    index.save(tmp_path / "snap", meta={"watermark": 42})
    loaded = PdqIndex.load(tmp_path / "snap")
    assert loaded.query(batch, 40) == expected
    assert PdqIndex.read_meta(tmp_path / "snap")["watermark"] == 42
    # Changes to a loaded index stay in memory: the files other processes map are untouched.
    loaded.remove(ids[5:10])
    assert PdqIndex.load(tmp_path / "snap").query(batch, 40) == expected


def test_an_empty_index_answers_nothing():
    index = PdqIndex()
    assert index.query(["00" * 32], 63) == [[]]
    assert len(index) == 0


def test_a_bucket_too_full_for_compact_bounds_falls_back_and_stays_exact():
    rng = np.random.default_rng(9)
    same = np.repeat(random_hashes(rng, 1), 70_000, axis=0)  # e.g. one hash in many banks
    hashes = np.concatenate([same, random_hashes(rng, 2000)])
    ids = np.arange(len(hashes))
    index = PdqIndex.build(hashes, ids, table_bits=16)
    assert not index._base.bounds.compact.all()
    [found] = index.query(hashes[:1], 31)
    assert sorted(found) == brute_force(hashes, ids, hashes[0], 31)
    [found] = index.query(hashes[-1:], 31)
    assert sorted(found) == brute_force(hashes, ids, hashes[-1], 31)
