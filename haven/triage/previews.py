"""Protecting analysts from what they review: blurred previews and one-time view grants.

A preview is made on the server, so the browser never receives the original unless an
analyst deliberately asks for it. Asking yields a grant: a signed token bound to one
user and one item, valid for five minutes and spent on first use.
"""

import io
import secrets
import warnings
from datetime import timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image, ImageFilter, ImageOps

from haven.triage.models import SpentGrant

PREVIEW_MAX_SIDE = 320
PREVIEW_BLUR_RADIUS = 12
GRANT_MAX_AGE = timedelta(minutes=5)
_GRANT_SALT = "haven.triage.media-grant"


class GrantRefused(Exception):
    """The grant is forged, expired, for someone or something else, or already used."""


def blurred_preview(data: bytes) -> bytes:
    """A small, heavily blurred, greyscale JPEG of an image: enough to tell what it is not."""
    with warnings.catch_warnings():
        # Evidence was size-checked at intake; a bomb warning here is not news.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        opened = Image.open(io.BytesIO(data))
        # Decode JPEGs at reduced size: cheaper, and the detail is thrown away anyway.
        opened.draft("L", (PREVIEW_MAX_SIDE, PREVIEW_MAX_SIDE))
        upright = ImageOps.exif_transpose(opened)
    grey = upright.convert("L")
    grey.thumbnail((PREVIEW_MAX_SIDE, PREVIEW_MAX_SIDE))
    blurred = grey.filter(ImageFilter.GaussianBlur(PREVIEW_BLUR_RADIUS))
    buffer = io.BytesIO()
    blurred.save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


def issue_grant(user_id: int, item_id: int) -> str:
    payload = {"u": user_id, "i": item_id, "n": secrets.token_hex(16)}
    return signing.TimestampSigner(salt=_GRANT_SALT).sign_object(payload)


def spend_grant(grant: str, user_id: int, item_id: int) -> None:
    """Check the grant and mark it used. Raises GrantRefused if it may not be used."""
    try:
        payload = signing.TimestampSigner(salt=_GRANT_SALT).unsign_object(
            grant, max_age=GRANT_MAX_AGE
        )
    except signing.BadSignature:  # also covers SignatureExpired
        raise GrantRefused from None  # an expired link is expected, not an error to trace
    if payload.get("u") != user_id or payload.get("i") != item_id:
        raise GrantRefused
    now = timezone.now()
    try:
        with transaction.atomic():
            SpentGrant.objects.create(nonce=str(payload.get("n", ""))[:32])
    except IntegrityError:
        raise GrantRefused from None  # a reused grant is expected, not an error to trace
    # Spent grants older than the lifetime can never be presented again: forget them.
    SpentGrant.objects.filter(spent_at__lt=now - 2 * GRANT_MAX_AGE).delete()
