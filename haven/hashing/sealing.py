"""Encryption at rest for media bytes (staged uploads and retained evidence), and for the
secrets Haven keeps for others (exchange credentials, partners' and hosts' API tokens).

The key comes from HAVEN_EVIDENCE_KEY; several comma-separated keys allow rotation
(the first encrypts, all decrypt).
"""

import base64
import hashlib
import hmac
import secrets
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


def _cipher() -> MultiFernet:
    keys = [k.strip() for k in settings.EVIDENCE_KEY.split(",") if k.strip()]
    return MultiFernet([Fernet(k.encode()) for k in keys])


def seal(data: bytes) -> bytes:
    return _cipher().encrypt(data)


def unseal(token: bytes) -> bytes:
    return _cipher().decrypt(token)


def purpose_cipher(purpose: bytes) -> MultiFernet:
    """A cipher for one kind of secret: its keys are derived from every evidence key
    with a purpose label, so rotating HAVEN_EVIDENCE_KEY rotates them too, and a secret
    and a piece of evidence are never encrypted under the same key."""
    keys = [k.strip() for k in settings.EVIDENCE_KEY.split(",") if k.strip()]
    derived = [
        base64.urlsafe_b64encode(hmac.new(key.encode(), purpose, hashlib.sha256).digest())
        for key in keys
    ]
    return MultiFernet([Fernet(key) for key in derived])


def seal_text(purpose: bytes, text: str) -> str:
    return purpose_cipher(purpose).encrypt(text.encode()).decode() if text else ""


def unseal_text(purpose: bytes, sealed: str) -> str:
    """The text, or "" for nothing sealed. Raises cryptography's InvalidToken when the
    evidence key changed without rotation."""
    return purpose_cipher(purpose).decrypt(sealed.encode()).decode() if sealed else ""


class SecretUnreadable(ValueError):
    """A stored secret cannot be decrypted (the evidence key changed without rotation)."""


class SealedSecrets:
    """Secrets Haven keeps for others (an API token, a provider's auth token), each kind
    under its own purpose key; `unreadable` tells the operator what to do when one can no
    longer be decrypted."""

    def __init__(self, purpose: bytes, unreadable: str):
        self.purpose = purpose
        self.unreadable = unreadable

    def seal(self, secret: str) -> str:
        return seal_text(self.purpose, secret)

    def unseal(self, sealed: str) -> str:
        try:
            return unseal_text(self.purpose, sealed)
        except InvalidToken:
            raise SecretUnreadable(self.unreadable) from None


class SealedFileStore:
    """Encrypted blobs in a folder, named by random ids that say nothing about content."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def put(self, data: bytes) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = secrets.token_hex(16)
        tmp = self.folder / f".{name}.tmp"
        tmp.write_bytes(seal(data))
        tmp.replace(self.folder / name)  # atomic: a reader never sees half a file
        return name

    def get(self, name: str) -> bytes:
        return unseal((self.folder / _safe(name)).read_bytes())

    def delete(self, name: str) -> None:
        (self.folder / _safe(name)).unlink(missing_ok=True)

    def exists(self, name: str) -> bool:
        return (self.folder / _safe(name)).exists()


def _safe(name: str) -> str:
    if not name or not all(c in "0123456789abcdef" for c in name):
        raise ValueError("not a blob name")
    return name


def staging_store() -> SealedFileStore:
    return SealedFileStore(settings.STAGING_DIR)


def evidence_store() -> SealedFileStore:
    return SealedFileStore(settings.EVIDENCE_DIR)
