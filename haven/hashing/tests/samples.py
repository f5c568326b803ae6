"""Test media: the public reference data beside the repository, and synthetic photos.

The synthetic photos are abstract shapes, gradients and sensor-like noise drawn in code,
never anything resembling a person. The benchmark uses them too.
"""

import functools
import io
from pathlib import Path

from PIL import Image, ImageChops

from haven.demo.synthetic import synthetic_image
from haven.hashing.video import hash_video
from haven.hashing.vpdq import VpdqFrame, parse_vpdq

# ../shared/data/reference from the repository root (see its README.md).
REFERENCE = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "reference"
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
