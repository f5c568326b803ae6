"""Hostile and malformed media: every bad file gets a clear reason and nothing crashes."""

import struct
import zlib

import pytest

from haven.demo.synthetic import encode, synthetic_image, synthetic_jpeg, synthetic_mp4_header
from haven.hashing.media import (
    REJECTION_MESSAGES,
    MediaRejected,
    hash_media,
    inspect,
    rejection_message,
)
from haven.hashing.signals import hamming


def png_claiming_size(width: int, height: int) -> bytes:
    """A tiny valid-looking PNG whose header claims an enormous picture."""
    real = encode(synthetic_image(1, (8, 8)), "PNG")
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    patched = struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk))
    return real[:8] + patched + real[8 + 25 :]


def rejected(data: bytes) -> str:
    with pytest.raises(MediaRejected) as caught:
        inspect(data)
    return caught.value.code


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    assert rejected(png_claiming_size(100_000, 100_000)) == "too_many_pixels"


def test_an_image_just_over_the_pixel_limit_is_refused(settings):
    settings.MAX_IMAGE_PIXELS = 100 * 100
    assert rejected(encode(synthetic_image(2, (101, 100)), "PNG")) == "too_many_pixels"


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.MAX_UPLOAD_BYTES = 1000
    assert rejected(synthetic_jpeg(3)) == "too_large"


def test_truncated_images_are_refused():
    jpeg, png = synthetic_jpeg(4), encode(synthetic_image(4), "PNG")
    assert rejected(jpeg[: len(jpeg) // 2]) == "truncated"
    assert rejected(png[: len(png) // 2]) == "truncated"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"%PDF-1.7 not media", "unsupported"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "unsupported"),
        (b"PK\x03\x04 a zip file", "unsupported"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 64, "not_image"),
        (b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "truncated"),
    ],
)
def test_files_that_are_not_usable_media_get_a_reason(data, code):
    assert rejected(data) == code


def test_every_rejection_has_a_message_for_the_reporter(settings):
    settings.MAX_UPLOAD_BYTES = 5 * 1024 * 1024
    for code in REJECTION_MESSAGES:
        message = rejection_message(code)
        assert message and "%(" not in message
    assert "5 MB" in rejection_message("too_large")


def test_type_comes_from_content_not_from_the_name():
    assert inspect(synthetic_jpeg(5)).content_type == "image/jpeg"
    assert inspect(encode(synthetic_image(5), "PNG")).kind == "image"
    assert inspect(synthetic_mp4_header()).kind == "video"


def test_pdq_is_stable_across_re_encoding_and_differs_between_images():
    image = synthetic_image(6, (640, 480))
    first = hash_media(encode(image), "image")
    re_encoded = hash_media(encode(image.resize((320, 240)), "PNG"), "image")
    other = hash_media(synthetic_jpeg(7, (640, 480)), "image")
    assert first.pdq_quality >= 50
    assert hamming(first.pdq, re_encoded.pdq) <= 31
    assert hamming(first.pdq, other.pdq) > 31
    assert first.md5 != re_encoded.md5


def test_a_fake_video_keeps_its_md5_and_sha256_but_gets_no_perceptual_hash():
    hashes = hash_media(synthetic_mp4_header(), "video")
    assert len(hashes.md5) == 32 and len(hashes.sha256) == 64
    assert hashes.pdq == "" and hashes.pdq_quality is None
    assert hashes.vpdq == () and hashes.vpdq_rejection == "not_video"


def test_the_worker_refuses_broken_images_as_intake_does():
    jpeg = synthetic_jpeg(8)
    for data, code in [
        (jpeg[: len(jpeg) // 2], "truncated"),
        (jpeg[:4] + b"\x00" * 64, "not_image"),
    ]:
        with pytest.raises(MediaRejected) as caught:
            hash_media(data, "image")
        assert caught.value.code == code
