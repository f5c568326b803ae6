"""Test media and banks for the HMA API: synthetic media drawn in code, and banks made
through Haven's own write path.

Every picture is numpy noise or abstract shapes; the video is a few seconds of shapes.
"""

import io

import numpy as np
from PIL import Image

from haven.audit.services import Actor
from haven.demo.synthetic import synthetic_mp4
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
    return synthetic_mp4(seed, seconds, fps)


def make_bank(user, name: str = "KNOWN", **fields):
    return create_bank(Actor.for_user(user), user.organisation, name, **fields)


def add(user, bank, signal_type: str, value: str):
    entry, _ = add_entry(Actor.for_user(user), bank, Signal(signal_type, value))
    return entry
