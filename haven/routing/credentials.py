"""Partner API tokens, encrypted at rest.

The key is derived from HAVEN_EVIDENCE_KEY (each key in it, so rotating that setting
rotates this too: the first encrypts, all decrypt) with a purpose label of its own, as
exchange credentials are: a partner's token and a piece of evidence are never encrypted
under the same key.
"""

from cryptography.fernet import InvalidToken

from haven.hashing.sealing import seal_text, unseal_text

_PURPOSE = b"haven routing partner api token v1"


class TokenUnreadable(ValueError):
    """The stored token cannot be decrypted (the key changed without rotation)."""


def seal_token(token: str) -> str:
    return seal_text(_PURPOSE, token)


def unseal_token(sealed: str) -> str:
    try:
        return unseal_text(_PURPOSE, sealed)
    except InvalidToken:
        raise TokenUnreadable(
            "the partner's API token cannot be decrypted: enter it again in the directory"
        ) from None
