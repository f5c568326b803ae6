"""Synthetic images drawn in code, for the demo hash bank, tests and benchmarks.

They are abstract shapes and gradients: never anything resembling a person.
"""

import io
import random

from PIL import Image, ImageDraw


def synthetic_image(seed: int, size: tuple[int, int] = (320, 240)) -> Image.Image:
    rng = random.Random(seed)
    width, height = size
    image = Image.new("RGB", size, tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x0, y0 = rng.randrange(width), rng.randrange(height)
        x1 = x0 + rng.randrange(width // 16 + 1, width + 1)
        y1 = y0 + rng.randrange(height // 16 + 1, height + 1)
        colour = tuple(rng.randrange(256) for _ in range(3))
        shape = rng.choice(("rectangle", "ellipse", "line"))
        if shape == "line":
            draw.line((x0, y0, x1, y1), fill=colour, width=rng.randrange(3, 15))
        else:
            getattr(draw, shape)((x0, y0, x1, y1), fill=colour)
    return image


def encode(image: Image.Image, fmt: str = "JPEG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **({"quality": 90} if fmt == "JPEG" else {}) | options)
    return buffer.getvalue()


def synthetic_jpeg(seed: int, size: tuple[int, int] = (320, 240)) -> bytes:
    return encode(synthetic_image(seed, size))


def synthetic_png(seed: int, size: tuple[int, int] = (320, 240)) -> bytes:
    return encode(synthetic_image(seed, size), "PNG")


def synthetic_mp4(
    seed: int = 1,
    seconds: int = 3,
    fps: int = 5,
    size: tuple[int, int] = (128, 96),
    pictures: list[int] | None = None,
) -> bytes:
    """A few seconds of abstract shapes, a new picture each second (MPEG-4 in MP4).

    Second n shows picture `seed * 100 + n`, or `pictures[n]` when given (to splice
    one video's seconds into another's).
    """
    import av  # only tests, the demo and benchmarks make videos

    pictures = pictures or [seed * 100 + second for second in range(seconds)]
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as container:
        stream = container.add_stream("mpeg4", rate=fps)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        for number in range(len(pictures) * fps):
            picture = synthetic_image(pictures[number // fps], size)
            for packet in stream.encode(av.VideoFrame.from_image(picture)):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()


def synthetic_mp4_header() -> bytes:
    """The first bytes of an MP4 file plus filler: enough to be taken as a video."""
    return b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(range(256)) * 40
