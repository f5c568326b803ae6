"""Partner API tokens, encrypted at rest.

The key is derived from HAVEN_EVIDENCE_KEY (each key in it, so rotating that setting
rotates this too: the first encrypts, all decrypt) with a purpose label of its own, as
exchange credentials are: a partner's token and a piece of evidence are never encrypted
under the same key.
"""

from haven.hashing.sealing import SealedSecrets, SecretUnreadable

TokenUnreadable = SecretUnreadable
_TOKENS = SealedSecrets(
    b"haven routing partner api token v1",
    "the partner's API token cannot be decrypted: enter it again in the directory",
)
seal_token = _TOKENS.seal
unseal_token = _TOKENS.unseal
