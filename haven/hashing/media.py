"""Check and hash uploaded media. Every file is hostile until proven otherwise.

`inspect` runs at intake and decides, cheaply, whether a file is something Haven can
hash: its size, its type by content (never by name), and for images the pixel count
and a full decode at reduced size (which also catches truncated files). `hash_media`
runs in the worker.
"""

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from haven.hashing.signals import md5_hex, pdq_from_image, sha256_hex

IMAGE_FORMATS = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "GIF": "image/gif",
    "WEBP": "image/webp",
    "BMP": "image/bmp",
    "TIFF": "image/tiff",
}

# Why a file was not accepted, in words a child or parent understands.
REJECTION_MESSAGES = {
    "empty": _("The file is empty."),
    "too_large": _("The file is too large. The limit is %(limit)s MB."),
    "unsupported": _("This type of file is not supported. Please send photos or videos."),
    "not_image": _("The file says it is a picture but it is not one we can open."),
    "truncated": _("The file is damaged or incomplete."),
    "too_many_pixels": _("The picture is too big to check safely."),
}


class MediaRejected(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code

    @property
    def message(self) -> str:
        return rejection_message(self.code)


def rejection_message(code: str) -> str:
    template = REJECTION_MESSAGES.get(code, REJECTION_MESSAGES["unsupported"])
    return str(template) % {"limit": settings.MAX_UPLOAD_BYTES // (1024 * 1024)}


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
    DCT, which is many times faster than a full decode and still reads every byte.
    """
    with warnings.catch_warnings():
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


def hash_media(data: bytes, kind: str) -> Hashes:
    md5, sha256 = md5_hex(data), sha256_hex(data)
    if kind != "image":
        return Hashes(md5, sha256)
    # PDQ works on at most 512 pixels a side, so a larger decode buys nothing.
    image = open_image(data, reduce_to=512)
    pdq, quality = pdq_from_image(image)
    return Hashes(md5, sha256, pdq, quality)
