"""Hash algorithms behind one small interface, as in the Hasher-Matcher-Actioner.

Each signal type turns bytes or a decoded image into a hex digest and compares two
digests. Everything else in Haven only sees hex strings.
"""

import hashlib
import re

import numpy as np
import pdqhash
from django.conf import settings
from PIL import Image

PDQ_BITS = 256
# Below this quality a PDQ hash says little about the picture (flat, tiny or blank
# images all hash alike), so the PDQ project advises not to match on it.
PDQ_MIN_QUALITY = 50
# Precomputed popcounts of every byte, for vectorised Hamming distance.
_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)
# numpy 2 counts bits in one instruction; numpy 1.26 falls back to the byte table.
_BITWISE_COUNT = getattr(np, "bitwise_count", None)


def md5_hex(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pdq_from_image(image: Image.Image) -> tuple[str, int]:
    """PDQ hash (64 hex digits) and quality (0-100) of a decoded image."""
    return pdq_from_pixels(np.asarray(image.convert("RGB")))


def pdq_from_pixels(rgb: np.ndarray) -> tuple[str, int]:
    """PDQ hash and quality of an (height, width, 3) uint8 RGB array."""
    bits, quality = pdqhash.compute(rgb)
    return bits_to_hex(bits), int(quality)


def pdq_is_matchable(quality: int | None) -> bool:
    """Whether a PDQ hash of this quality may be matched (None: a hash given without one)."""
    if quality is None:
        return True
    minimum = settings.PDQ_MIN_QUALITY if settings.configured else PDQ_MIN_QUALITY
    return quality >= minimum


def bits_to_hex(bits: np.ndarray) -> str:
    packed = np.packbits(np.asarray(bits, dtype=np.uint8))
    return packed.tobytes().hex()


_HEX64 = re.compile(r"[0-9a-fA-F]{64}")


def is_pdq_hex(value: str) -> bool:
    return _HEX64.fullmatch(value) is not None


def pdq_to_bytes(values: list[str]) -> np.ndarray:
    """An (n, 32) uint8 array of PDQ hashes, the form the index compares."""
    if not values:
        return np.zeros((0, 32), dtype=np.uint8)
    return np.frombuffer(bytes.fromhex("".join(values)), dtype=np.uint8).reshape(-1, 32)


def hamming_many(query: str, bank: np.ndarray) -> np.ndarray:
    """Hamming distance from one PDQ hash to every row of `bank`."""
    q = np.frombuffer(bytes.fromhex(query), dtype=np.uint8)
    return _POPCOUNT[np.bitwise_xor(bank, q)].sum(axis=1, dtype=np.uint16)


def hamming_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(n, m) Hamming distances between every row of `a` and every row of `b`.

    Both are (rows, 32) uint8 arrays from `pdq_to_bytes`. Memory grows with n * m, so
    callers with long lists pass `a` in slices.
    """
    if _BITWISE_COUNT is None:
        return _POPCOUNT[a[:, None, :] ^ b[None, :, :]].sum(axis=2, dtype=np.uint16)
    # A hash is four 64-bit words. Word by word, four flat (n, m) passes run about four
    # times faster than one (n, m, 4) array summed along its short last axis.
    a64 = np.ascontiguousarray(a).view(np.uint64)
    b64 = np.ascontiguousarray(b).view(np.uint64)
    total = np.zeros((len(a64), len(b64)), dtype=np.uint16)
    for word in range(4):
        total += _BITWISE_COUNT(np.bitwise_xor.outer(a64[:, word], b64[:, word]))
    return total


def hamming(a: str, b: str) -> int:
    return int(hamming_many(a, pdq_to_bytes([b]))[0])
