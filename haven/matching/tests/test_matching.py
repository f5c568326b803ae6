import time

import numpy as np

from haven.hashing.signals import hamming, hamming_many, pdq_to_bytes
from haven.matching import live as live_module
from haven.matching.live import live_index
from haven.matching.models import BankEntry, HashBank
from haven.matching.services import lookup


def find_matches(organisation_id, md5, sha256, pdq, quality):
    hits = lookup(organisation_id, md5=md5, sha256=sha256, pdq=pdq, pdq_quality=quality)
    return [(hit.entry, hit.signal_type, hit.distance) for hit in hits]


BASE = "a5" * 32


def flip(value: str, bits: int) -> str:
    """`value` with its first `bits` bits inverted."""
    number = int(value, 16) ^ (((1 << bits) - 1) << (256 - bits))
    return f"{number:064x}"


def bank(organisation, name="known", **fields):
    return HashBank.objects.create(
        organisation=organisation, name=name, classification=f"{name} label", **fields
    )


def test_pdq_matches_up_to_31_bits_and_not_beyond(organisation):
    BankEntry.objects.create(bank=bank(organisation), signal_type="pdq", value=BASE)
    assert hamming(BASE, flip(BASE, 31)) == 31
    assert [d for _, _, d in find_matches(organisation.pk, "", "", flip(BASE, 31), 100)] == [31]
    assert find_matches(organisation.pk, "", "", flip(BASE, 32), 100) == []


def test_a_bank_threshold_tighter_than_the_default_is_honoured(organisation):
    BankEntry.objects.create(
        bank=bank(organisation, pdq_threshold=10), signal_type="pdq", value=BASE
    )
    assert find_matches(organisation.pk, "", "", flip(BASE, 10), 100)
    assert not find_matches(organisation.pk, "", "", flip(BASE, 11), 100)


def test_disabled_banks_and_entries_do_not_match(organisation):
    off = bank(organisation, "off", enabled=False)
    on = bank(organisation, "on")
    BankEntry.objects.create(bank=off, signal_type="md5", value="1" * 32)
    BankEntry.objects.create(bank=on, signal_type="md5", value="2" * 32, enabled=False)
    assert find_matches(organisation.pk, "1" * 32, "", "", None) == []
    assert find_matches(organisation.pk, "2" * 32, "", "", None) == []


def test_low_quality_pdq_hashes_are_not_matched(organisation, settings):
    BankEntry.objects.create(bank=bank(organisation), signal_type="pdq", value=BASE)
    assert find_matches(organisation.pk, "", "", BASE, settings.PDQ_MIN_QUALITY)
    assert find_matches(organisation.pk, "", "", BASE, settings.PDQ_MIN_QUALITY - 1) == []


def test_the_index_sees_entries_added_and_deleted_elsewhere_within_a_second(
    organisation, monkeypatch
):
    known = bank(organisation)
    clock = [time.monotonic()]
    monkeypatch.setattr(live_module.time, "monotonic", lambda: clock[0])
    assert find_matches(organisation.pk, "", "", BASE, 100) == []
    # Written straight to the database, as another process would: only the log tells.
    entry = BankEntry.objects.create(bank=known, signal_type="pdq", value=BASE)
    assert len(live_index().current()) == 0  # checked less than a second ago
    clock[0] += 1.01
    assert find_matches(organisation.pk, "", "", BASE, 100)
    assert len(live_index().current()) == 1
    entry.delete()
    clock[0] += 1.01
    assert find_matches(organisation.pk, "", "", BASE, 100) == []
    assert len(live_index().current()) == 0


def test_a_disabled_entry_stops_matching_at_once(organisation):
    entry = BankEntry.objects.create(bank=bank(organisation), signal_type="pdq", value=BASE)
    assert find_matches(organisation.pk, "", "", BASE, 100)
    entry.enabled = False
    entry.save()
    assert find_matches(organisation.pk, "", "", BASE, 100) == []


def test_exact_hashes_match_case_insensitively(organisation):
    BankEntry.objects.create(bank=bank(organisation), signal_type="sha256", value="ab" * 32)
    [(entry, signal_type, distance)] = find_matches(organisation.pk, "", "AB" * 32, "", None)
    assert (signal_type, distance) == ("sha256", 0)
    assert entry.bank.classification == "known label"


def test_vectorised_hamming_agrees_with_bit_counting():
    rng = np.random.default_rng(7)
    hashes = [bytes(rng.integers(0, 256, 32, dtype=np.uint8)).hex() for _ in range(50)]
    bank_array = pdq_to_bytes(hashes)
    query = hashes[0]
    expected = [bin(int(query, 16) ^ int(h, 16)).count("1") for h in hashes]
    assert hamming_many(query, bank_array).tolist() == expected
