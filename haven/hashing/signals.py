"""Hash algorithms behind one small interface, as in the Hasher-Matcher-Actioner.

Each signal type turns bytes or a decoded image into a hex digest and compares two
digests. Everything else in Haven only sees hex strings.
"""

import hashlib

import numpy as np
import pdqhash
from PIL import Image

PDQ_BITS = 256
# Precomputed popcounts of every byte, for vectorised Hamming distance.
_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def md5_hex(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pdq_from_image(image: Image.Image) -> tuple[str, int]:
    """PDQ hash (64 hex digits) and quality (0-100) of a decoded image."""
    rgb = np.asarray(image.convert("RGB"))
    bits, quality = pdqhash.compute(rgb)
    return bits_to_hex(bits), int(quality)


def bits_to_hex(bits: np.ndarray) -> str:
    packed = np.packbits(np.asarray(bits, dtype=np.uint8))
    return packed.tobytes().hex()


def is_pdq_hex(value: str) -> bool:
    return len(value) == 64 and all(c in "0123456789abcdef" for c in value.lower())


def pdq_to_bytes(values: list[str]) -> np.ndarray:
    """An (n, 32) uint8 array of PDQ hashes, the form the index compares."""
    if not values:
        return np.zeros((0, 32), dtype=np.uint8)
    return np.frombuffer(bytes.fromhex("".join(values)), dtype=np.uint8).reshape(-1, 32)


def hamming_many(query: str, bank: np.ndarray) -> np.ndarray:
    """Hamming distance from one PDQ hash to every row of `bank`."""
    q = np.frombuffer(bytes.fromhex(query), dtype=np.uint8)
    return _POPCOUNT[np.bitwise_xor(bank, q)].sum(axis=1, dtype=np.uint16)


def hamming(a: str, b: str) -> int:
    return int(hamming_many(a, pdq_to_bytes([b]))[0])
