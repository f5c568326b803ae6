import pytest

from haven.matching import live as live_module
from haven.matching.live import LiveIndex, current_snapshot, live_index, write_snapshot
from haven.matching.models import BankChange, BankEntry, HashBank

A, B, C = "a5" * 32, "5a" * 32, "f0" * 32


@pytest.fixture
def bank(organisation):
    return HashBank.objects.create(organisation=organisation, name="known", classification="K")


def ids_near(holder: LiveIndex, value: str) -> list[int]:
    return [entry_id for entry_id, _ in holder.current().query([value], 0)[0]]


def test_the_database_triggers_log_every_change_to_indexed_entries(bank):
    before = BankChange.objects.count()
    entry = BankEntry.objects.create(bank=bank, signal_type="pdq", value=A)
    BankEntry.objects.create(bank=bank, signal_type="md5", value="1" * 32)  # not indexed
    entry.value = B
    entry.save()
    entry.note = "a note is not an index change"
    entry.save()
    entry_id = entry.pk
    entry.delete()
    logged = list(BankChange.objects.order_by("seq").values_list("entry_id", flat=True))
    assert logged[before:] == [entry_id, entry_id, entry_id]


def test_a_process_starting_from_a_snapshot_replays_only_later_changes(bank, settings):
    first = BankEntry.objects.create(bank=bank, signal_type="pdq", value=A)
    snapshot = write_snapshot()
    assert current_snapshot() == snapshot
    second = BankEntry.objects.create(bank=bank, signal_type="pdq", value=B)
    first.delete()
    holder = LiveIndex()
    assert ids_near(holder, A) == []
    assert ids_near(holder, B) == [second.pk]
    assert holder.status()["snapshot"] == snapshot.name


def test_followers_switch_to_a_newer_snapshot_and_old_ones_are_pruned(bank):
    BankEntry.objects.create(bank=bank, signal_type="pdq", value=A)
    first = write_snapshot()
    holder = LiveIndex()
    holder.current()
    BankEntry.objects.create(bank=bank, signal_type="pdq", value=B)
    second = write_snapshot()
    third_entry = BankEntry.objects.create(bank=bank, signal_type="pdq", value=C)
    third = write_snapshot()
    holder.changed()
    assert ids_near(holder, C) == [third_entry.pk]
    assert holder.status()["snapshot"] == third.name
    assert not first.exists() and second.exists()
    # The log before the oldest kept snapshot is gone; a follower that far behind reloads.
    stale = LiveIndex()
    stale._load_snapshot(third)
    stale.watermark = 0
    stale.changed()
    assert ids_near(stale, C) == [third_entry.pk]


def test_holes_in_the_sequence_wait_to_be_filled_then_expire(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(live_module.time, "monotonic", lambda: clock[0])
    holder = LiveIndex()
    holder.watermark = 4
    holder._applied.update({5, 7})
    holder._advance([5, 7])
    assert holder.watermark == 5 and 6 in holder._gaps
    holder._applied.add(6)
    holder._advance([6])
    assert holder.watermark == 7 and not holder._gaps
    holder._applied.add(9)
    holder._advance([9])
    assert holder.watermark == 7
    clock[0] += live_module.GAP_SECONDS + 1
    holder._advance([])
    assert holder.watermark == 9


def test_a_late_commit_below_the_watermark_is_still_applied(bank):
    holder = live_index()
    holder.current()
    entry = BankEntry.objects.create(bank=bank, signal_type="pdq", value=A)
    seq = BankChange.objects.get(entry_id=entry.pk).seq
    # Pretend a later number was seen first and this one was a hole still open.
    holder.watermark = seq - 1
    holder._gaps[seq] = live_module.time.monotonic()
    holder.changed()
    assert ids_near(holder, A) == [entry.pk]
    assert holder.watermark >= seq


def test_video_entries_index_their_distinct_good_frames(bank, settings):
    frames = "\n".join(
        [f"0,100,{A},0.000", f"1,100,{A},0.033", f"2,10,{B},0.067", f"3,90,{C},0.100"]
    )
    entry = BankEntry.objects.create(bank=bank, signal_type="vpdq", value="d" * 64, frames=frames)
    holder = live_index()
    assert ids_near(holder, A) == [entry.pk]
    assert ids_near(holder, B) == []  # quality 10 is below the floor
    assert ids_near(holder, C) == [entry.pk]
    assert len(holder.current()) == 2


def test_a_long_tail_of_additions_asks_for_a_new_snapshot(bank, monkeypatch):
    from haven.jobs.models import Job

    holder = live_index()
    holder.current().tail_limit = 1
    BankEntry.objects.create(bank=bank, signal_type="pdq", value=A)
    BankEntry.objects.create(bank=bank, signal_type="pdq", value=B)
    holder.changed()
    holder.current()
    assert Job.objects.filter(name="matching.snapshot").count() == 1
    holder.changed()
    holder.current()  # asked already: not again within five minutes
    assert Job.objects.filter(name="matching.snapshot").count() == 1
