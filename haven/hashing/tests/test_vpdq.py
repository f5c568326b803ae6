"""vPDQ's matching rule on hashes made to measure: distances, quality, repeats, shares."""

import random

import numpy as np
import pytest

from haven.hashing import signals
from haven.hashing.signals import hamming
from haven.hashing.vpdq import VpdqFrame, is_vpdq_match, vpdq_match


def random_pdq(rng: random.Random) -> str:
    return rng.randbytes(32).hex()


def flip(pdq: str, bits: int) -> str:
    """The hash with its first `bits` bits inverted: exactly `bits` bits away."""
    value = int(pdq, 16) ^ (((1 << bits) - 1) << (256 - bits))
    return f"{value:064x}"


def video(*hashes: str, quality: int = 100) -> list[VpdqFrame]:
    return [VpdqFrame(n, quality, h, n / 30) for n, h in enumerate(hashes)]


@pytest.mark.parametrize(("bits", "matches"), [(0, True), (31, True), (32, False)])
def test_frames_match_up_to_and_including_31_bits_apart(bits, matches):
    pdq = random_pdq(random.Random(1))
    assert hamming(pdq, flip(pdq, bits)) == bits
    assert is_vpdq_match(video(pdq), video(flip(pdq, bits))) is matches


def test_frames_below_the_quality_threshold_are_left_out_on_both_sides():
    rng = random.Random(2)
    shared, own = random_pdq(rng), random_pdq(rng)
    query = video(shared) + video(own, quality=49)
    assert vpdq_match(query, video(shared)).query_share == 100.0
    assert vpdq_match(query, video(shared), quality=40).query_share == 50.0
    assert vpdq_match(video(own, quality=49), video(own)).query_share == 0.0


def test_a_hash_repeated_over_many_frames_counts_once():
    rng = random.Random(3)
    still, moving = random_pdq(rng), [random_pdq(rng) for _ in range(4)]
    # A long still intro that the target shares must not hide that most of the rest
    # of the query is not in the target.
    query = video(*[still] * 100, *moving)
    found = vpdq_match(query, video(still))
    assert found.query_share == 20.0 and found.target_share == 100.0


def test_a_short_clip_of_a_long_video_matches_it_but_not_the_other_way():
    rng = random.Random(4)
    long = [random_pdq(rng) for _ in range(50)]
    clip = [flip(h, 10) for h in long[:5]]
    found = vpdq_match(video(*clip), video(*long))
    assert (found.query_share, found.target_share) == (100.0, 10.0)
    assert is_vpdq_match(video(*clip), video(*long))
    assert not is_vpdq_match(video(*long), video(*clip))


def test_a_video_with_no_usable_frame_matches_nothing():
    pdq = random_pdq(random.Random(5))
    assert vpdq_match([], video(pdq)).query_share == 0.0
    assert not is_vpdq_match(video(pdq, quality=10), video(pdq, quality=10))


def test_long_videos_give_the_same_shares_as_comparing_every_pair():
    rng = random.Random(6)
    target = [random_pdq(rng) for _ in range(300)]
    # Some frames near a target frame, some far from all: enough to span two slices.
    query = [flip(rng.choice(target), rng.randrange(0, 40)) for _ in range(400)]
    query += [random_pdq(rng) for _ in range(100)]

    found = vpdq_match(video(*query), video(*target))

    distinct_q = [int(h, 16) for h in dict.fromkeys(query)]
    distinct_t = [int(h, 16) for h in dict.fromkeys(target)]
    near = np.array([[(q ^ t).bit_count() <= 31 for t in distinct_t] for q in distinct_q])
    assert found.query_share == pytest.approx(100 * near.any(axis=1).mean())
    assert found.target_share == pytest.approx(100 * near.any(axis=0).mean())
    assert 0 < found.query_share < 100 and 0 < found.target_share < 100


@pytest.mark.parametrize("bit_count", ["numpy 2", "byte table"])
def test_distances_between_lists_agree_with_one_at_a_time(bit_count, monkeypatch):
    if bit_count == "byte table":  # the path numpy 1.26 takes
        monkeypatch.setattr(signals, "_BITWISE_COUNT", None)
    rng = random.Random(7)
    a, b = [random_pdq(rng) for _ in range(20)], [random_pdq(rng) for _ in range(30)]
    matrix = signals.hamming_matrix(signals.pdq_to_bytes(a), signals.pdq_to_bytes(b))
    assert matrix.tolist() == [[hamming(x, y) for y in b] for x in a]
