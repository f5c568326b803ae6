"""Reference numbers and PINs that let an anonymous reporter follow their report."""

import hashlib
import hmac
import secrets

from django.conf import settings

# No 0/O, 1/I/L: references are read aloud and typed on phones.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference() -> str:
    body = "".join(secrets.choice(_ALPHABET) for _ in range(10))
    return f"HVN-{body[:5]}-{body[5:]}"


def normalise_reference(raw: str) -> str:
    cleaned = "".join(ch for ch in raw.upper() if ch.isalnum())
    if cleaned.startswith("HVN"):
        cleaned = cleaned[3:]
    return f"HVN-{cleaned[:5]}-{cleaned[5:]}" if len(cleaned) == 10 else raw.strip().upper()


def new_pin() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def pin_digest(reference: str, pin: str) -> str:
    # A keyed hash, not a password hash: PINs are checked rarely and attempts are
    # capped per reference, and intake must stay fast.
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{reference}:{pin}".encode(), hashlib.sha256).hexdigest()


def pin_matches(reference: str, pin: str, digest: str) -> bool:
    return bool(digest) and hmac.compare_digest(pin_digest(reference, pin.strip()), digest)
