"""Partner API tokens, encrypted at rest.

The key is derived from HAVEN_EVIDENCE_KEY (each key in it, so rotating that setting
rotates this too: the first encrypts, all decrypt) with a purpose label of its own, as
exchange credentials are: a partner's token and a piece of evidence are never encrypted
under the same key.
"""

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

_PURPOSE = b"haven routing partner api token v1"


class TokenUnreadable(ValueError):
    """The stored token cannot be decrypted (the key changed without rotation)."""


def _cipher() -> MultiFernet:
    keys = [k.strip() for k in settings.EVIDENCE_KEY.split(",") if k.strip()]
    derived = [
        base64.urlsafe_b64encode(hmac.new(key.encode(), _PURPOSE, hashlib.sha256).digest())
        for key in keys
    ]
    return MultiFernet([Fernet(key) for key in derived])


def seal_token(token: str) -> str:
    return _cipher().encrypt(token.encode()).decode() if token else ""


def unseal_token(sealed: str) -> str:
    if not sealed:
        return ""
    try:
        return _cipher().decrypt(sealed.encode()).decode()
    except InvalidToken:
        raise TokenUnreadable(
            "the partner's API token cannot be decrypted: enter it again in the directory"
        ) from None
