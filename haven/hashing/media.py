"""Check and hash uploaded media. Every file is hostile until proven otherwise.

`inspect` runs at intake and decides, cheaply, whether a file is something Haven can
hash: its size, its type by content (never by name), and for images the pixel count
and a full decode at reduced size (which also catches truncated files). `hash_media`
runs in the worker: MD5 and SHA-256 of every file, PDQ of images, vPDQ of videos.
"""

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from haven.hashing.rejections import REJECTION_MESSAGES, MediaRejected, rejection_message
from haven.hashing.signals import md5_hex, pdq_from_image, sha256_hex
from haven.hashing.video import hash_video
from haven.hashing.vpdq import VpdqFrame

__all__ = [
    "IMAGE_FORMATS",
    "PDQ_SIZE",
    "REJECTION_MESSAGES",
    "Hashes",
    "Inspected",
    "MediaRejected",
    "hash_media",
    "inspect",
    "open_image",
    "pdq_image",
    "rejection_message",
    "upright",
]

IMAGE_FORMATS = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "GIF": "image/gif",
    "WEBP": "image/webp",
    "BMP": "image/bmp",
    "TIFF": "image/tiff",
}

# PDQ blurs and squeezes every picture to 64 x 64; from 512 pixels a side up, more
# pixels change its hash by a few bits at most and cost time in proportion.
PDQ_SIZE = 512


@dataclass(frozen=True)
class Inspected:
    kind: str  # "image" or "video"
    content_type: str


@dataclass(frozen=True)
class Hashes:
    md5: str
    sha256: str
    pdq: str = ""
    pdq_quality: int | None = None
    vpdq: tuple[VpdqFrame, ...] = ()
    # Why a video has no vPDQ frames (a rejection code) although it has MD5 and SHA-256.
    vpdq_rejection: str = ""


def _video_type(head: bytes) -> str | None:
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        return "video/quicktime" if brand == b"qt  " else "video/mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "video/webm"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "video/x-msvideo"
    if head[:3] == b"FLV":
        return "video/x-flv"
    if head[:4] in (b"\x00\x00\x01\xba", b"\x00\x00\x01\xb3"):
        return "video/mpeg"
    return None


def _looks_like_image(head: bytes) -> bool:
    return (
        head[:3] == b"\xff\xd8\xff"
        or head[:8] == b"\x89PNG\r\n\x1a\n"
        or head[:6] in (b"GIF87a", b"GIF89a")
        or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
        or head[:2] == b"BM"
        or head[:4] in (b"II*\x00", b"MM\x00*")
    )


def inspect(data: bytes) -> Inspected:
    if not data:
        raise MediaRejected("empty")
    if len(data) > settings.MAX_UPLOAD_BYTES:
        raise MediaRejected("too_large")
    head = data[:32]
    video = _video_type(head)
    if video:
        return Inspected("video", video)
    if not _looks_like_image(head):
        raise MediaRejected("unsupported")
    image = open_image(data, reduce_to=64)
    return Inspected("image", IMAGE_FORMATS.get(image.format or "", "image/octet-stream"))


def open_image(data: bytes, reduce_to: int | None = None) -> Image.Image:
    """Open and fully decode an image, refusing bombs and truncated files.

    JPEGs are decoded at reduced size when `reduce_to` is given: libjpeg scales in the
    DCT (by 1/2, 1/4 or 1/8, keeping both sides at least `reduce_to`), which is many
    times faster than a full decode and still reads every byte.
    """
    with warnings.catch_warnings():
        # Pillow warns about malformed metadata (EXIF, text chunks) it then skips: part
        # of hostile input, harmless to the pixels, so not worth a log line each.
        warnings.simplefilter("ignore")
        # Pillow warns before it raises for a bomb; either way the file is refused.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            if image.format not in IMAGE_FORMATS:
                raise MediaRejected("unsupported")
            width, height = image.size
            if width * height > settings.MAX_IMAGE_PIXELS:
                raise MediaRejected("too_many_pixels")
            if reduce_to and image.format == "JPEG":
                image.draft("RGB", (reduce_to, reduce_to))
            image.load()
        except MediaRejected:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise MediaRejected("too_many_pixels") from None
        except UnidentifiedImageError:
            raise MediaRejected("not_image") from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise MediaRejected("truncated") from None
    return image


def upright(image: Image.Image) -> Image.Image:
    """The image turned as its EXIF orientation says, as PDQ's documentation asks.

    Phones store pixels as the sensor saw them and an orientation tag saying how to
    turn them; without this a photo and its screenshot would hash far apart.
    """
    # Pillow warns about, or fails on, malformed EXIF in many ways. The tag is only a
    # hint about how to show the pixels: when it cannot be read they are hashed as stored.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
            if orientation in range(2, 9):
                return ImageOps.exif_transpose(image)
        except Exception:
            return image
    return image


def pdq_image(data: bytes) -> Image.Image:
    """The picture PDQ hashes: upright, at the smallest 1/k of its size with both sides
    still at least 512 pixels (docs/hashing.md compares this with other choices).

    JPEGs get there while decoding; other formats are decoded whole, then averaged down
    in k x k blocks, which is what the JPEG decoder's scaling amounts to.
    """
    image = upright(open_image(data, reduce_to=PDQ_SIZE))
    factor = min(image.size) // PDQ_SIZE
    if factor >= 2:
        try:
            image = image.convert("RGB").reduce(factor)
        except ValueError:  # a pixel format Pillow opens but cannot convert
            raise MediaRejected("unsupported") from None
    return image


def hash_media(data: bytes, kind: str, seconds_per_frame: float | None = None) -> Hashes:
    """Hashes of an image or a video. Videos get a vPDQ frame hash every
    `seconds_per_frame` (0: every frame; default settings.VPDQ_SECONDS_PER_HASH)."""
    md5, sha256 = md5_hex(data), sha256_hex(data)
    if kind == "image":
        pdq, quality = pdq_from_image(pdq_image(data))
        return Hashes(md5, sha256, pdq, quality)
    if kind == "video":
        return _hash_video_media(md5, sha256, data, seconds_per_frame)
    return Hashes(md5, sha256)


def _hash_video_media(md5: str, sha256: str, data: bytes, seconds: float | None) -> Hashes:
    # One frame a second by default: vPDQ supports it, it stores and compares about 30
    # times fewer hashes, and such a query still finds a clip in a bank entry that has
    # every frame (docs/hashing.md shows why the bank side needs them all).
    if seconds is None:
        seconds = settings.VPDQ_SECONDS_PER_HASH
    try:
        frames = hash_video(data, seconds)
    except MediaRejected as exc:
        # A video we cannot decode keeps its MD5 and SHA-256: lists of known material
        # match those on the bytes alone, so refusing the file would lose the match.
        return Hashes(md5, sha256, vpdq_rejection=exc.code)
    return Hashes(md5, sha256, vpdq=tuple(frames))
