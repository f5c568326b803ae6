"""Benchmark: how fast Haven hashes images (PDQ) and videos (vPDQ), side by side.

Images, one process, one at a time, for a 12-megapixel photo-like JPEG, a 640x480 JPEG
and a 256x256 PNG (synthetic, drawn in code):

- Haven: `hash_media(data, "image")`, the worker's path (MD5, SHA-256, reduced-size
  decode, EXIF orientation, 512x512 resize, PDQ);
- Haven PDQ only: the same without MD5 and SHA-256;
- baseline: Pillow full decode to RGB, then `pdqhash.compute` on every pixel;
- hash only: `pdqhash.compute` on pixels decoded beforehand (PDQ's own cost).

Videos: frames hashed a second for the public reference videos, every frame (vPDQ's
reference mode) and one frame a second (what Haven stores), next to PyAV decoding alone.

    .venv/bin/python benchmarks/hashing.py [--quick]

No Django project is needed: the settings hashing reads are configured here.
"""

import argparse
import io
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import av  # noqa: E402
import numpy as np  # noqa: E402
import pdqhash  # noqa: E402
import PIL  # noqa: E402
from django.conf import settings  # noqa: E402
from PIL import Image, features  # noqa: E402

settings.configure(MAX_UPLOAD_BYTES=200 * 1024 * 1024, MAX_IMAGE_PIXELS=50_000_000)

from haven.hashing.media import hash_media, pdq_image  # noqa: E402
from haven.hashing.signals import pdq_from_image  # noqa: E402
from haven.hashing.tests.samples import (  # noqa: E402
    REFERENCE,
    VIDEOS,
    jpeg_bytes,
    synthetic_photo,
)
from haven.hashing.video import hash_video  # noqa: E402

PHOTO_SEEDS = (101, 102, 103)


def best_rates(
    methods: dict[str, Callable[[Any], object]], items: Sequence[Any], rounds: int, batch: float
) -> dict[str, float]:
    """Items a CPU-second for each method: the best of `rounds` batches of about `batch` s.

    Image hashing runs on one thread, so a CPU-second is a second of one idle core; CPU
    time, unlike the clock, does not count time other programs on a shared machine took.
    The methods take turns batch by batch, so that what disturbance remains (caches,
    a neighbour on the same physical core) falls on all alike.
    """
    sizes, turns = {}, {}
    for name, work in methods.items():  # warm up, and size each batch
        start = time.process_time()
        work(items[0])
        sizes[name] = max(1, round(batch / max(time.process_time() - start, 1e-4)))
        turns[name] = 1
    best = dict.fromkeys(methods, 0.0)
    for _ in range(rounds):
        for name, work in methods.items():
            start = time.process_time()
            for _ in range(sizes[name]):
                work(items[turns[name] % len(items)])
                turns[name] += 1
            used = max(time.process_time() - start, 1e-4)
            best[name] = max(best[name], sizes[name] / used)
    return best


def full_decode(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def image_row(label: str, files: list[bytes], rounds: int, batch: float) -> list[str]:
    decoded = [full_decode(data) for data in files]
    best = best_rates(
        {
            "haven": lambda data: hash_media(data, "image"),
            "pdq only": lambda data: pdq_from_image(pdq_image(data)),
            "baseline": lambda data: pdqhash.compute(full_decode(data)),
        },
        files,
        rounds,
        batch,
    )
    hash_only = best_rates({"hash only": pdqhash.compute}, decoded, rounds, batch)["hash only"]
    size = sum(len(d) for d in files) / len(files) / 1e6
    return [
        f"{label} ({len(files)}, {size:.2f} MB each)",
        f"{best['haven']:.1f}",
        f"{best['pdq only']:.1f}",
        f"{best['baseline']:.1f}",
        f"{hash_only:.1f}",
        f"{best['haven'] / best['baseline']:.1f}x",
    ]


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def decode_only(path: Path, limit: int) -> int:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        decoded = 0
        for _ in container.decode(stream):
            decoded += 1
            if decoded == limit:
                break
        return decoded


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def video_row(name: str, frame_limit: int) -> list[str]:
    path = REFERENCE / "video" / f"{name}.mp4"
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        width, height = stream.width, stream.height
        frames, rate = stream.frames, float(stream.average_rate or 0)
    limit = min(frames, frame_limit)
    # Decoding runs on every core, so videos are timed by the clock; decoding alone is
    # cheap enough to take the best of three.
    decode = min(timed(lambda: decode_only(path, limit)) for _ in range(3))
    settings.MAX_VIDEO_FRAMES = limit
    every = timed(lambda: hash_video(path, 0))
    settings.MAX_VIDEO_FRAMES = frames
    start = time.perf_counter()
    one_a_second = len(hash_video(path, 1.0))
    one = time.perf_counter() - start
    return [
        f"{name} ({width}x{height}, {frames} frames, {frames / rate:.1f} s)",
        f"{limit / decode:.0f}",
        f"{limit / every:.0f}" + ("" if limit == frames else f" (first {limit})"),
        f"{one_a_second} frames in {one:.2f} s: {frames / rate / one:.1f}x real time",
    ]


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def machine() -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    models = [
        line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if "model name" in line
    ]
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    memory = next((line.split()[1] for line in meminfo.splitlines() if "MemTotal" in line), "0")
    jpeg = features.version("libjpeg_turbo") or "libjpeg"
    return (
        f"{models[0] if models else platform.processor()}, {os.cpu_count()} cores, "
        f"{int(memory) / 1024**2:.0f} GiB, {platform.machine()}; Python "
        f"{platform.python_version()}, Pillow {PIL.__version__} (libjpeg-turbo {jpeg}), "
        f"numpy {np.__version__}, pdqhash {pdqhash.__version__}, PyAV {av.__version__}"
    )


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3]) if os.name == "posix" else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short run (about 20 s)")
    args = parser.parse_args()
    rounds, batch = (2, 0.25) if args.quick else (5, 0.6)
    started = time.perf_counter()
    print(f"Machine: {machine()}")
    print(f"Load average before: {load()}")
    print(
        f"Mode: {'quick' if args.quick else 'full'}; one process; images one at a time, "
        f"best of {rounds} batches of about {batch} CPU-seconds per figure\n"
    )

    photos = [jpeg_bytes(synthetic_photo(seed, (4000, 3000))) for seed in PHOTO_SEEDS]
    small = [jpeg_bytes(synthetic_photo(seed, (640, 480))) for seed in PHOTO_SEEDS]
    pngs = [png_bytes(synthetic_photo(seed, (256, 256))) for seed in PHOTO_SEEDS]
    rows = [
        image_row("12 MP JPEG 4000x3000 q90", photos, rounds, batch),
        image_row("JPEG 640x480 q90", small, rounds, batch),
        image_row("PNG 256x256", pngs, rounds, batch),
    ]
    header = [
        "images",
        "Haven hash_media /s",
        "Haven PDQ only /s",
        "baseline decode+PDQ /s",
        "PDQ on decoded pixels /s",
        "Haven / baseline",
    ]
    print(table(header, rows) + "\n")

    # Every frame of every video is most of a full run; --quick hashes 60 of each.
    limit = 60 if args.quick else 1_000_000
    header = ["video", "decode only frames/s", "vPDQ every frame frames/s", "vPDQ 1 a second"]
    print(table(header, [video_row(name, limit) for name in VIDEOS]))
    print(f"\nLoad average after: {load()}; total run time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
