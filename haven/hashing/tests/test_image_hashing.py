"""How a picture is prepared for PDQ: turned upright, decoded small, and its quality judged."""

import io
import struct

import numpy as np
import pdqhash
import pytest
from PIL import Image

from haven.hashing import media
from haven.hashing.media import hash_media, pdq_image, upright
from haven.hashing.signals import bits_to_hex, hamming, pdq_from_image, pdq_is_matchable
from haven.hashing.tests.samples import EXIF_ORIENTATION, jpeg_bytes, synthetic_photo

# EXIF orientation -> how the stored pixels were turned from the upright picture
# (the inverse of what a viewer, and Pillow's exif_transpose, does to show them).
STORED_AS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


@pytest.fixture(scope="module")
def big_photo() -> bytes:
    """A 12-megapixel JPEG, as a phone takes them."""
    return jpeg_bytes(synthetic_photo(40, (4000, 3000)))


@pytest.mark.parametrize("orientation", sorted(STORED_AS))
def test_a_turned_photo_with_an_orientation_tag_hashes_like_its_upright_original(orientation):
    # Big enough to be decoded at reduced size, where orientation must still apply.
    picture = synthetic_photo(41, (1600, 1200))
    stored = picture.transpose(STORED_AS[orientation])
    original = hash_media(jpeg_bytes(picture), "image")
    turned = hash_media(jpeg_bytes(stored, orientation=orientation), "image")
    ignored = hash_media(jpeg_bytes(stored), "image")

    assert hamming(original.pdq, turned.pdq) <= 6
    # Without the tag the same pixels hash far away: the tag is what brings them back.
    assert hamming(original.pdq, ignored.pdq) > 31


@pytest.mark.parametrize("orientation", [None, 1])
def test_a_photo_without_a_turning_tag_is_left_as_it_is(orientation):
    data = jpeg_bytes(synthetic_photo(42, (640, 480)), orientation=orientation)
    image = media.open_image(data)
    assert upright(image) is image


def exif_block(count: int, next_ifd: int = 0) -> bytes:
    """A big-endian EXIF block with one Orientation entry of `count` values."""
    entry = struct.pack(">HHII", EXIF_ORIENTATION, 3, count, 6 << 16)
    ifd = struct.pack(">H", 1) + entry + struct.pack(">I", next_ifd)
    return b"Exif\x00\x00MM\x00*" + struct.pack(">I", 8) + ifd


@pytest.mark.parametrize(
    ("exif", "hashed"),
    [
        (b"Exif\x00\x00MM\x00*\xff\xff", "as stored"),  # cut off after its header
        (exif_block(count=0x0FFFFFFF), "as stored"),  # its value is bigger than the file
        (exif_block(count=1, next_ifd=8), "turned"),  # loops, but says orientation 6
    ],
)
def test_a_photo_with_a_corrupt_exif_block_is_still_hashed(exif, hashed):
    picture = synthetic_photo(43, (640, 480))
    stored = picture.transpose(STORED_AS[6])
    buffer = io.BytesIO()
    stored.save(buffer, "JPEG", quality=90, exif=exif)
    hashes = hash_media(buffer.getvalue(), "image")
    expected = hash_media(jpeg_bytes(stored if hashed == "as stored" else picture), "image")
    assert hashes.pdq_quality >= 80
    assert hamming(hashes.pdq, expected.pdq) <= 6


def test_a_blank_picture_has_too_little_detail_to_match():
    flat = hash_media(jpeg_bytes(Image.new("RGB", (640, 480), (120, 130, 140))), "image")
    photo = hash_media(jpeg_bytes(synthetic_photo(45, (640, 480))), "image")
    assert flat.pdq_quality < 50 and not pdq_is_matchable(flat.pdq_quality)
    assert photo.pdq_quality >= 80 and pdq_is_matchable(photo.pdq_quality)


def test_the_quality_needed_to_match_follows_the_setting(settings):
    settings.PDQ_MIN_QUALITY = 90
    assert not pdq_is_matchable(85)
    assert pdq_is_matchable(90)
    # A hash a partner sent without its quality is matched; nothing says it is poor.
    assert pdq_is_matchable(None)


def test_a_big_jpeg_is_decoded_at_reduced_size_before_it_is_hashed(big_photo, monkeypatch):
    decoded, open_image = [], media.open_image

    def recording_open_image(data, reduce_to=None):
        image = open_image(data, reduce_to)
        decoded.append(image.size)
        return image

    monkeypatch.setattr(media, "open_image", recording_open_image)
    hashes = hash_media(big_photo, "image")

    # libjpeg scaled by 1/4 in the DCT: both sides stay at least 512, none near 4000.
    assert decoded == [(1000, 750)]
    assert len(hashes.pdq) == 64 and hashes.pdq_quality >= 80


def test_a_reduced_decode_hashes_within_the_pdq_rule_of_a_full_decode(big_photo):
    full = np.asarray(Image.open(io.BytesIO(big_photo)).convert("RGB"))
    bits, quality = pdqhash.compute(full)
    reduced = hash_media(big_photo, "image")

    assert pdq_image(big_photo).size == (1000, 750)
    assert quality >= 80 and reduced.pdq_quality >= 80
    assert hamming(reduced.pdq, bits_to_hex(bits)) <= 10


def test_a_small_picture_is_hashed_at_its_own_size():
    picture = synthetic_photo(45, (256, 256))
    png = io.BytesIO()
    picture.save(png, "PNG")
    assert pdq_image(png.getvalue()).size == (256, 256)
    assert hash_media(png.getvalue(), "image").pdq == pdq_from_image(picture)[0]


def test_a_big_png_is_averaged_down_before_it_is_hashed():
    picture = synthetic_photo(46, (2200, 1600))
    png = io.BytesIO()
    picture.save(png, "PNG")
    bits, _ = pdqhash.compute(np.asarray(picture))

    assert pdq_image(png.getvalue()).size == (734, 534)  # a third: both sides >= 512
    assert hamming(hash_media(png.getvalue(), "image").pdq, bits_to_hex(bits)) <= 10
