"""vPDQ video hashing against Meta's reference output, and hostile videos.

Hashing every frame of the five reference videos takes most of this module's time;
`our_vpdq` computes each once per run and the tests share it.
"""

import io
import math
import os
import wave

import pytest

from haven.hashing.media import hash_media
from haven.hashing.signals import hamming
from haven.hashing.tests.samples import (
    VIDEOS,
    needs_reference,
    our_vpdq,
    reference_video,
    reference_vpdq,
    reference_vpdq_text,
)
from haven.hashing.video import (
    MediaRejected,
    format_vpdq,
    hash_video,
    is_vpdq_match,
    parse_vpdq,
    vpdq_match,
)

# Almost every test here reads the reference videos.
pytestmark = needs_reference

CHAIRS = ("chair-19-sd-bar", "chair-22-sd-grey-bar", "chair-22-with-large-logo-bar")
OTHERS = ("doorknob-hd-no-bar", "pattern-hd-no-bar")


def rejected(data: bytes) -> str:
    with pytest.raises(MediaRejected) as caught:
        hash_video(data, seconds_per_hash=1.0)  # every frame is still decoded
    return caught.value.code


@pytest.mark.parametrize("name", VIDEOS)
def test_our_hashes_agree_with_the_vpdq_reference_frame_by_frame(name):
    ours, theirs = our_vpdq(name), reference_vpdq(name)

    assert [f.frame_number for f in ours] == [f.frame_number for f in theirs]
    assert [f"{f.seconds:.3f}" for f in ours] == [f"{f.seconds:.3f}" for f in theirs]
    distances = {
        f.frame_number: hamming(f.pdq, t.pdq)
        for f, t in zip(ours, theirs, strict=True)
        if t.quality >= 80
    }
    worst = max(distances, key=distances.__getitem__)
    assert distances[worst] <= 10, f"frame {worst} is {distances[worst]} bits from vPDQ's"


def test_vpdq_text_round_trips_byte_for_byte():
    text = reference_vpdq_text("doorknob-hd-no-bar")
    assert format_vpdq(parse_vpdq(text)) == text
    ours = list(our_vpdq("doorknob-hd-no-bar"))
    assert parse_vpdq(format_vpdq(ours)) == ours


GOOD = "0,100," + "ab" * 32 + ",0.000"


@pytest.mark.parametrize(
    "bad",
    [
        "2,100," + "zz" * 32 + ",0.067",  # not hexadecimal
        "2,100," + "ab" * 31 + ",0.067",  # too short a hash
        "two,100," + "ab" * 32 + ",0.067",
        "2,101," + "ab" * 32 + ",0.067",  # quality is at most 100
        "2,100," + "ab" * 32,  # no seconds
        "2,100," + "ab" * 32 + ",0.067,9",
        "2,-1," + "ab" * 32 + ",0.067",
        "2,100," + "ab" * 32 + ",nan",
    ],
)
def test_a_malformed_vpdq_line_is_refused_with_its_line_number(bad):
    with pytest.raises(ValueError, match="line 3"):
        parse_vpdq(f"{GOOD}\n\n{bad}\n{GOOD}\n")


def test_blank_lines_and_surrounding_spaces_are_ignored():
    frames = parse_vpdq(f"\n  {GOOD.upper()}  \n\n")
    assert len(frames) == 1 and frames[0].pdq == "ab" * 32 and frames[0].seconds == 0.0


def test_the_19_second_chair_clip_and_the_grey_22_second_one_match_both_ways():
    # chair-19 is the first 19 s of the chair-22 scene: every one of its frames is in
    # chair-22, and 86 % of chair-22's frames are in it, so the rule matches both ways.
    for ours in (False, True):
        clip = our_vpdq(CHAIRS[0]) if ours else reference_vpdq(CHAIRS[0])
        grey = our_vpdq(CHAIRS[1]) if ours else reference_vpdq(CHAIRS[1])
        found = vpdq_match(clip, grey)
        assert found.query_share == 100.0 and 80 <= found.target_share < 90
        assert is_vpdq_match(clip, grey) and is_vpdq_match(grey, clip)


@pytest.mark.parametrize("other", CHAIRS[:2])
def test_the_chair_with_a_large_logo_does_not_match_under_the_vpdq_rule(other):
    # The logo covers enough of the picture to move most frames more than 31 bits:
    # only about 10 % of frames match either way, far below the 80 % vPDQ asks for.
    for hashes in (reference_vpdq, our_vpdq):
        found = vpdq_match(hashes(CHAIRS[2]), hashes(other))
        assert 5 < found.query_share < 20 and 5 < found.target_share < 20
        assert not is_vpdq_match(hashes(CHAIRS[2]), hashes(other))
        assert not is_vpdq_match(hashes(other), hashes(CHAIRS[2]))


@pytest.mark.parametrize("other", OTHERS)
@pytest.mark.parametrize("chair", CHAIRS)
def test_different_scenes_share_no_frames(chair, other):
    for hashes in (reference_vpdq, our_vpdq):
        assert vpdq_match(hashes(chair), hashes(other)) == vpdq_match(hashes(other), hashes(chair))
        assert vpdq_match(hashes(chair), hashes(other)).query_share == 0.0


def test_one_hash_a_second_keeps_every_thirtieth_frame_at_30_fps():
    every = {f.frame_number: f for f in our_vpdq(CHAIRS[0])}
    per_second = our_vpdq(CHAIRS[0], 1.0)

    # 564 frames at 30 fps is 18.8 s: frames 0, 30, ... 540, stamped 0, 1, ... 18 s.
    assert [f.frame_number for f in per_second] == list(range(0, 564, 30))
    assert [f.seconds for f in per_second] == [float(n) for n in range(19)]
    assert len(per_second) == math.ceil(len(every) / 30)
    assert all(f == every[f.frame_number] for f in per_second)
    # A one-a-second query still finds the video in an every-frame bank entry.
    assert is_vpdq_match(per_second, reference_vpdq(CHAIRS[1]))


def test_a_clip_hashed_once_a_second_is_found_in_every_frame_hashes_but_not_in_sparse_ones():
    clip, grey = our_vpdq(CHAIRS[0], 1.0), our_vpdq(CHAIRS[1], 1.0)
    assert is_vpdq_match(clip, reference_vpdq(CHAIRS[1]))
    # chair-19 starts at chair-22's frame 111, 21 frames off the one-a-second grid, and
    # the camera moves enough in that time to move most hashes more than 31 bits. So
    # sparse against sparse only matches when the frames line up (as in the same file).
    found = vpdq_match(clip, grey)
    assert found.query_share < 30 and found.target_share < 30
    assert vpdq_match(grey, grey).query_share == 100.0
    # Every frame against one a second: most of the dense side's frames fall between
    # the sparse side's, so only the target share (the sparse side) is high.
    found = vpdq_match(reference_vpdq(CHAIRS[0]), grey)
    assert found.query_share < 30 and found.target_share > 80


def test_a_video_is_hashed_from_bytes_as_from_its_file():
    data = reference_video("doorknob-hd-no-bar")
    assert hash_video(data, 2.0) == list(our_vpdq("doorknob-hd-no-bar", 2.0))


def header_then(rest: bytes) -> bytes:
    return b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + rest


def wav_bytes() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        sound.writeframes(b"\x00\x01" * 8000)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda: header_then(os.urandom(20_000)), "not_video"),
        (lambda: header_then(bytes(range(256)) * 40), "not_video"),
        (lambda: b"", "not_video"),
        (wav_bytes, "not_video"),  # sound only: nothing to see
        (lambda: reference_video(CHAIRS[0])[:1_058_901], "truncated"),  # cut in half
        (lambda: reference_video(CHAIRS[2])[:100_000], "truncated"),  # ends quietly
        (lambda: reference_video(CHAIRS[0])[:-1000], "truncated"),  # one frame short
    ],
)
def test_a_broken_or_fake_video_is_rejected_cleanly(make, code):
    assert rejected(make()) == code


def test_a_negative_interval_between_hashes_is_a_programming_error():
    with pytest.raises(ValueError, match="negative"):
        hash_video(b"", seconds_per_hash=-1)


def test_frames_past_the_cap_are_not_decoded(settings):
    settings.MAX_VIDEO_FRAMES = 10
    frames = hash_video(reference_video("pattern-hd-no-bar"))
    assert [f.frame_number for f in frames] == list(range(10))


def test_a_video_with_frames_over_the_pixel_cap_is_rejected(settings):
    settings.MAX_VIDEO_PIXELS = 720 * 480 - 1
    assert rejected(reference_video(CHAIRS[0])) == "too_many_pixels"


def test_hash_media_stores_one_vpdq_frame_a_second_by_default():
    hashes = hash_media(reference_video(CHAIRS[0]), "video")
    assert hashes.md5 == "0a21c8f85a55a9e276ffc2c53f6887c4"
    assert hashes.vpdq == our_vpdq(CHAIRS[0], 1.0)
    assert hashes.pdq == "" and hashes.vpdq_rejection == ""


def test_the_seconds_between_stored_frames_follow_the_setting(settings):
    settings.VPDQ_SECONDS_PER_HASH = 2.0
    hashes = hash_media(reference_video("doorknob-hd-no-bar"), "video")
    assert [f.frame_number for f in hashes.vpdq] == list(range(0, 120, 60))


def test_a_video_that_cannot_be_decoded_keeps_its_exact_hashes():
    hashes = hash_media(header_then(os.urandom(5000)), "video")
    assert len(hashes.md5) == 32 and len(hashes.sha256) == 64
    assert hashes.vpdq == () and hashes.vpdq_rejection == "not_video"
