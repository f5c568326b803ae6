"""Test media and banks for the HMA API: synthetic media drawn in code, and banks made
through Haven's own write path.

Every picture is numpy noise or abstract shapes; the video is a few seconds of shapes.
"""

import io

import av
import numpy as np
from PIL import Image

from haven.audit.services import Actor
from haven.demo.synthetic import synthetic_image
from haven.matching.banks import Signal, add_entry, create_bank

BASE = "a5" * 32


def flip(value: str, bits: int) -> str:
    """`value` with its first `bits` bits inverted: a PDQ hash `bits` away."""
    number = int(value, 16) ^ (((1 << bits) - 1) << (256 - bits))
    return f"{number:064x}"


def noise_png(seed: int, size: tuple[int, int] = (96, 96)) -> bytes:
    pixels = np.random.default_rng(seed).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "PNG")
    return buffer.getvalue()


def tiny_mp4(seed: int = 1, seconds: int = 3, fps: int = 5) -> bytes:
    """A few seconds of abstract shapes, a new picture each second."""
    size = (128, 96)
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as container:
        stream = container.add_stream("mpeg4", rate=fps)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        for number in range(seconds * fps):
            picture = synthetic_image(seed * 100 + number // fps, size)
            for packet in stream.encode(av.VideoFrame.from_image(picture)):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()


def make_bank(user, name: str = "KNOWN", **fields):
    return create_bank(Actor.for_user(user), user.organisation, name, **fields)


def add(user, bank, signal_type: str, value: str):
    entry, _ = add_entry(Actor.for_user(user), bank, Signal(signal_type, value))
    return entry
