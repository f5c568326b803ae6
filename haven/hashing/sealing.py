"""Encryption at rest for media bytes: staged uploads and retained evidence.

The key comes from HAVEN_EVIDENCE_KEY; several comma-separated keys allow rotation
(the first encrypts, all decrypt).
"""

import secrets
from pathlib import Path

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


def _cipher() -> MultiFernet:
    keys = [k.strip() for k in settings.EVIDENCE_KEY.split(",") if k.strip()]
    return MultiFernet([Fernet(k.encode()) for k in keys])


def seal(data: bytes) -> bytes:
    return _cipher().encrypt(data)


def unseal(token: bytes) -> bytes:
    return _cipher().decrypt(token)


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
