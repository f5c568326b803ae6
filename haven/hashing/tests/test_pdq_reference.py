"""Our PDQ against the PDQ project's own expected hashes (public reference data)."""

import csv

from haven.hashing.media import hash_media
from haven.hashing.signals import hamming, md5_hex
from haven.hashing.tests.samples import REFERENCE, needs_reference

pytestmark = needs_reference

# The PDQ project's acceptance rule: within 10 bits of the reference at quality 80+.
MAX_DISTANCE, MIN_QUALITY = 10, 80


def expected_rows() -> list[tuple[str, str]]:
    with (REFERENCE / "pdq-md5-expected.csv").open(newline="") as file:
        return [(row["FilePath"], row["Hash"]) for row in csv.DictReader(file)]


def test_every_reference_image_hashes_within_ten_bits_of_the_pdq_projects_hash():
    distances = {}
    for path, expected in expected_rows():
        if path.endswith(".mp4"):
            continue
        hashes = hash_media((REFERENCE / path).read_bytes(), "image")
        if hashes.pdq_quality >= MIN_QUALITY:
            distances[path] = hamming(hashes.pdq, expected)
    worst = max(distances, key=distances.__getitem__)
    assert len(distances) >= 13, f"only {len(distances)} images reached quality {MIN_QUALITY}"
    assert distances[worst] <= MAX_DISTANCE, (
        f"worst distance {distances[worst]} bits ({worst}); all: {distances}"
    )


def test_the_reference_video_has_the_md5_the_pdq_project_lists():
    videos = [(path, md5) for path, md5 in expected_rows() if path.endswith(".mp4")]
    assert videos
    for path, expected in videos:
        assert md5_hex((REFERENCE / path).read_bytes()) == expected, path
