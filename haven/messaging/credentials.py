"""SMS channels' auth tokens, encrypted at rest.

Sealed as routing's partner tokens are (a key derived from HAVEN_EVIDENCE_KEY), with a
purpose label of its own: a provider's token is never encrypted under the same key as
evidence, a partner's token or a child's phone number. Written once, never shown again.
"""

from haven.hashing.sealing import SealedSecrets, SecretUnreadable

TokenUnreadable = SecretUnreadable
_TOKENS = SealedSecrets(
    b"haven messaging provider auth token v1",
    "the channel's auth token cannot be decrypted: enter it again on the channel page",
)
seal_token = _TOKENS.seal
unseal_token = _TOKENS.unseal
