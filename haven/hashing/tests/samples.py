"""Test media: the public reference data beside the repository, and synthetic photos.

The synthetic photos are abstract shapes, gradients and sensor-like noise drawn in code,
never anything resembling a person. The benchmark uses them too.
"""

import functools
import io
import os
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from haven.demo.synthetic import synthetic_image
from haven.hashing.video import hash_video
from haven.hashing.vpdq import VpdqFrame, parse_vpdq


def _reference_dir() -> Path | None:
    """The public reference data (see its README.md): HAVEN_REFERENCE_DATA, else
    ../shared/data/reference beside the repository, else the workplace's copy."""
    repository = Path(__file__).resolve().parents[3]
    for candidate in (
        os.environ.get("HAVEN_REFERENCE_DATA"),
        repository.parent / "shared" / "data" / "reference",
        "/work/shared/data/reference",
    ):
        if candidate and (Path(candidate) / "pdq-md5-expected.csv").exists():
            return Path(candidate)
    return None


REFERENCE = _reference_dir() or Path("reference-data-not-found")
# Tests that compare with the reference data skip, saying why, where it is not present.
needs_reference = pytest.mark.skipif(
    _reference_dir() is None,
    reason="reference data not found: set HAVEN_REFERENCE_DATA to shared/data/reference",
)
VIDEOS = (
    "chair-19-sd-bar",
    "chair-22-sd-grey-bar",
    "chair-22-with-large-logo-bar",
    "doorknob-hd-no-bar",
    "pattern-hd-no-bar",
)
EXIF_ORIENTATION = 0x0112


def reference_video(name: str) -> bytes:
    return (REFERENCE / "video" / f"{name}.mp4").read_bytes()


def reference_vpdq_text(name: str) -> str:
    return (REFERENCE / "vpdq-hashes" / f"{name}.txt").read_text()


@functools.cache
def reference_vpdq(name: str) -> tuple[VpdqFrame, ...]:
    return tuple(parse_vpdq(reference_vpdq_text(name)))


@functools.cache
def our_vpdq(name: str, seconds_per_hash: float = 0) -> tuple[VpdqFrame, ...]:
    """Our hashes of a reference video, computed once per test run (every frame is slow)."""
    return tuple(hash_video(REFERENCE / "video" / f"{name}.mp4", seconds_per_hash))


def synthetic_photo(seed: int, size: tuple[int, int] = (4000, 3000)) -> Image.Image:
    """A photo-sized picture: soft shapes blown up from a small drawing, plus noise."""
    width, height = size
    sketch = synthetic_image(seed, (max(8, width // 10), max(8, height // 10)))
    photo = sketch.resize(size, Image.Resampling.BILINEAR)
    noise = Image.effect_noise(size, 10).convert("RGB")
    return ImageChops.add(photo, noise, scale=1.0, offset=-128)


def jpeg_bytes(image: Image.Image, orientation: int | None = None, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    exif = Image.Exif()
    if orientation is not None:
        exif[EXIF_ORIENTATION] = orientation
    image.save(buffer, "JPEG", quality=quality, exif=exif)
    return buffer.getvalue()
