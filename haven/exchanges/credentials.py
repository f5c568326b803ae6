"""Exchange credentials, encrypted at rest.

The keys are derived from HAVEN_EVIDENCE_KEY (every key in it, so rotating that setting
rotates these too: the first encrypts, all decrypt), with a purpose label, so that a
credential and a piece of evidence are never encrypted under the same key.
"""

import json

from cryptography.fernet import InvalidToken

from haven.hashing.sealing import seal_text, unseal_text

_PURPOSE = b"haven exchange credentials v1"


class CredentialsUnreadable(ValueError):
    """The stored credentials cannot be decrypted (the key changed without rotation)."""


def seal_credentials(values: dict[str, str]) -> str:
    return seal_text(_PURPOSE, json.dumps(values, sort_keys=True))


def unseal_credentials(sealed: str) -> dict[str, str]:
    if not sealed:
        return {}
    try:
        return json.loads(unseal_text(_PURPOSE, sealed))
    except InvalidToken:
        raise CredentialsUnreadable(
            "the stored credentials cannot be decrypted: enter them again"
        ) from None
