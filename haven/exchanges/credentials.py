"""Exchange credentials, encrypted at rest.

The keys are derived from HAVEN_EVIDENCE_KEY (every key in it, so rotating that setting
rotates these too: the first encrypts, all decrypt), with a purpose label, so that a
credential and a piece of evidence are never encrypted under the same key.
"""

import base64
import hashlib
import hmac
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

_PURPOSE = b"haven exchange credentials v1"


class CredentialsUnreadable(ValueError):
    """The stored credentials cannot be decrypted (the key changed without rotation)."""


def _cipher() -> MultiFernet:
    keys = [k.strip() for k in settings.EVIDENCE_KEY.split(",") if k.strip()]
    derived = [
        base64.urlsafe_b64encode(hmac.new(key.encode(), _PURPOSE, hashlib.sha256).digest())
        for key in keys
    ]
    return MultiFernet([Fernet(key) for key in derived])


def seal_credentials(values: dict[str, str]) -> str:
    return _cipher().encrypt(json.dumps(values, sort_keys=True).encode()).decode()


def unseal_credentials(sealed: str) -> dict[str, str]:
    if not sealed:
        return {}
    try:
        return json.loads(_cipher().decrypt(sealed.encode()))
    except InvalidToken:
        raise CredentialsUnreadable(
            "the stored credentials cannot be decrypted: enter them again"
        ) from None
