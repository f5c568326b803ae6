"""Hash videos as Meta's vPDQ does, decoding with PyAV (FFmpeg's libraries, no ffmpeg binary).

Compatible with vPDQ's `vpdq-hash-video` (facebook/ThreatExchange, `vpdq/cpp/hashing/
filehasher.cpp`): frames are counted from 0 as the decoder returns them, converted to
RGB at the video's own size, hashed with PDQ, and stamped `frame number / average frame
rate` seconds. In one-hash-every-N-seconds mode vPDQ keeps every k-th frame with
k = floor(N x frame rate) (at least 1), so at 30 fps and N = 1 frames 0, 30, 60, ...

Every video is hostile until proven otherwise: the number of frames decoded and the
pixels per frame are capped, and whatever FFmpeg objects to becomes `MediaRejected`.
"""

import io
from fractions import Fraction
from pathlib import Path
from typing import IO

import av
import av.container
import av.video
from django.conf import settings

from haven.hashing.rejections import MediaRejected
from haven.hashing.signals import pdq_from_pixels
from haven.hashing.vpdq import (
    VpdqFrame,
    VpdqMatch,
    format_vpdq,
    is_vpdq_match,
    parse_vpdq,
    vpdq_match,
)

__all__ = [
    "VpdqFrame",
    "VpdqMatch",
    "format_vpdq",
    "hash_video",
    "is_vpdq_match",
    "parse_vpdq",
    "vpdq_match",
]

# settings.MAX_VIDEO_FRAMES: past it hashing stops and keeps what it has: a query made
# of a video's first part still finds the whole video in a bank (the query share
# counts). settings.MAX_VIDEO_PIXELS: a frame costs PDQ about 30 ns a pixel, so the
# default 8 megapixels (4K) is about 0.25 s.
# Errors FFmpeg raises through PyAV (FFmpegError subclasses OSError or ValueError, and
# the demuxers can raise those too on a broken file).
_DECODE_ERRORS = (av.FFmpegError, OSError, ValueError, EOFError)


def hash_video(source: bytes | str | Path, seconds_per_hash: float = 0) -> list[VpdqFrame]:
    """vPDQ frames of a video: every frame when `seconds_per_hash` is 0."""
    if seconds_per_hash < 0:
        raise ValueError("seconds_per_hash cannot be negative")
    if isinstance(source, bytes):
        return _hash_file(io.BytesIO(source), seconds_per_hash)
    with Path(source).open("rb") as file:
        return _hash_file(file, seconds_per_hash)


def _hash_file(file: IO[bytes], seconds_per_hash: float) -> list[VpdqFrame]:
    try:
        container = av.open(file, mode="r", metadata_errors="ignore")
    except _DECODE_ERRORS:
        raise MediaRejected("not_video") from None
    with container:
        if not container.streams.video:
            raise MediaRejected("not_video")
        try:
            return _hash_stream(container, container.streams.video[0], seconds_per_hash)
        except _DECODE_ERRORS:
            raise MediaRejected("truncated") from None


def _hash_stream(
    container: av.container.InputContainer,
    stream: av.video.VideoStream,
    seconds_per_hash: float,
) -> list[VpdqFrame]:
    max_frames = settings.MAX_VIDEO_FRAMES
    max_pixels = settings.MAX_VIDEO_PIXELS
    if stream.codec_context.width * stream.codec_context.height > max_pixels:
        raise MediaRejected("too_many_pixels")
    rate = _frame_rate(stream)
    step = max(1, int(seconds_per_hash * rate))
    stream.thread_type = "AUTO"  # decode on every core, as vPDQ does
    frames: list[VpdqFrame] = []
    decoded = packets = 0
    for packet in container.demux(stream):
        packets += packet.size > 0  # the last, empty packet only flushes the decoder
        for frame in packet.decode():
            if decoded == max_frames:
                return frames
            if frame.width * frame.height > max_pixels:
                raise MediaRejected("too_many_pixels")  # the size can change mid-stream
            if decoded % step == 0:
                pdq, quality = pdq_from_pixels(frame.to_ndarray(format="rgb24"))
                frames.append(VpdqFrame(decoded, quality, pdq, round(decoded / rate, 3)))
            decoded += 1
    # A cut-off MP4 can end quietly: its index promises frames the file no longer holds.
    if stream.frames and packets < stream.frames:
        raise MediaRejected("truncated")
    return frames


def _frame_rate(stream: av.video.VideoStream) -> float:
    # vPDQ's choice: the average rate, else the rate every timestamp fits (r_frame_rate).
    rate: Fraction | None = stream.average_rate or stream.base_rate
    if not rate:
        raise MediaRejected("not_video")
    return float(rate)
