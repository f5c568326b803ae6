"""The one file an HMA client uploads, and its hashes in HMA's names.

As in HMA, the multipart field is named after the content type ("photo" or "video") and
the `types` query parameter narrows the signal types computed. The file itself decides
what it is: a video sent as a photo is refused rather than hashed as something else.
"""

from dataclasses import dataclass

from django.conf import settings

from haven.hashing.media import Hashes, MediaRejected, hash_media, inspect, rejection_message
from haven.hashing.vpdq import format_vpdq
from haven.hma.errors import BadRequest
from haven.hma.signals import CONTENT_KINDS, CONTENT_SIGNALS, hma_vpdq

NO_URL_FETCHING = (
    "Haven does not fetch media from addresses: upload the file as multipart/form-data "
    "(field 'photo' or 'video'), or send its hash."
)


@dataclass(frozen=True)
class HashedUpload:
    content_type: str  # "photo" or "video"
    hashes: Hashes
    # HMA signal type name -> value as HMA clients read it (vPDQ in HMA's JSON form).
    signals: dict[str, str]

    def haven_value(self, name: str) -> str:
        """The value to store or look up in Haven (vPDQ as vPDQ lines)."""
        return format_vpdq(self.hashes.vpdq) if name == "vpdq" else self.signals[name]


def hash_upload(files, types: str | None) -> HashedUpload:
    """Hash the request's one file, or BadRequest saying why it cannot be."""
    if not files:
        raise BadRequest("Missing multipart/form-data file upload")
    fields = list(files.keys())
    if len(fields) > 1 or len(files.getlist(fields[0])) > 1:
        raise BadRequest("Only one file allowed per request")
    content_type = fields[0]
    if content_type not in CONTENT_KINDS:
        raise BadRequest(f"no such content_type: '{content_type}'")
    wanted = _wanted_signals(content_type, types)
    data = files[content_type].read(settings.MAX_UPLOAD_BYTES + 1)
    try:
        kind = inspect(data).kind
    except MediaRejected as rejected:
        raise BadRequest(rejected.message) from None
    if kind != CONTENT_KINDS[content_type]:
        actual = "video" if kind == "video" else "photo"
        raise BadRequest(f"The file is a {actual}: send it in the field '{actual}'.")
    try:
        hashes = hash_media(data, kind)
    except MediaRejected as rejected:
        raise BadRequest(rejected.message) from None
    signals = {
        name: value for name, value in _signals(hashes, content_type).items() if name in wanted
    }
    if not signals:
        reason = rejection_message(hashes.vpdq_rejection) if hashes.vpdq_rejection else ""
        raise BadRequest(f"No signal of the requested types could be computed. {reason}".strip())
    return HashedUpload(content_type, hashes, signals)


def _wanted_signals(content_type: str, types: str | None) -> tuple[str, ...]:
    available = CONTENT_SIGNALS[content_type]
    if types is None:
        return available
    wanted = tuple(name.strip() for name in types.split(",") if name.strip())
    for name in wanted:
        if name not in available:
            raise BadRequest(f"signal type '{name}' doesn't exist or is disabled")
    if not wanted:
        raise BadRequest("empty signal type selection")
    return wanted


def _signals(hashes: Hashes, content_type: str) -> dict[str, str]:
    """Every signal the file has, in HMA's names: PDQ for pictures, vPDQ for videos that
    decode, MD5 and SHA-256 for all."""
    values = {
        "pdq": hashes.pdq,
        "vpdq": hma_vpdq(format_vpdq(hashes.vpdq)) if hashes.vpdq else "",
        "video_md5" if content_type == "video" else "md5": hashes.md5,
        "sha256": hashes.sha256,
    }
    return {name: value for name, value in values.items() if value}
