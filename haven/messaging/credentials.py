"""SMS channels' auth tokens, encrypted at rest.

Sealed as routing's partner tokens are (a key derived from HAVEN_EVIDENCE_KEY), with a
purpose label of its own: a provider's token is never encrypted under the same key as
evidence, a partner's token or a child's phone number. Written once, never shown again.
"""

from cryptography.fernet import InvalidToken

from haven.hashing.sealing import seal_text, unseal_text

_PURPOSE = b"haven messaging provider auth token v1"


class TokenUnreadable(ValueError):
    """The stored token cannot be decrypted (the key changed without rotation)."""


def seal_token(token: str) -> str:
    return seal_text(_PURPOSE, token)


def unseal_token(sealed: str) -> str:
    try:
        return unseal_text(_PURPOSE, sealed)
    except InvalidToken:
        raise TokenUnreadable(
            "the channel's auth token cannot be decrypted: enter it again on the channel page"
        ) from None
