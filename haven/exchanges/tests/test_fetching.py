"""How a fetch applies records to a bank, resumes, and keeps to its lease (in-memory source)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.audit.services import Actor
from haven.exchanges import fetching
from haven.exchanges.fetching import fetch_exchange
from haven.exchanges.merging import WITHDRAWN
from haven.exchanges.models import Exchange, ExchangeItem, ExchangeRun, Kind, RunStatus
from haven.exchanges.sources.base import Change
from haven.exchanges.sources.memory import MemorySource
from haven.exchanges.tests.conftest import make_exchange
from haven.matching.banks import Signal, add_entry
from haven.matching.models import BankEntry, Match
from haven.reports.models import MediaItem, MediaKind
from haven.triage.tests.support import make_report

PDQ = [f"{n:02x}" * 32 for n in range(1, 8)]


def record(key: str, *values: str, labels=()) -> Change:
    return Change(key, [Signal("pdq", v, labels=list(labels)) for v in values])


@pytest.fixture
def exchange(organisation, bank):
    return make_exchange(
        organisation,
        bank,
        Kind.HAVEN,
        {"base_url": "https://elsewhere.example", "bank": "Known"},
        {"token": "hvn_abc_def"},
        name="memory",
    )


@pytest.fixture
def source(monkeypatch):
    """Give every fetch this in-memory source instead of the exchange's real one."""
    holder = MemorySource([])
    monkeypatch.setattr(fetching, "source_for", lambda exchange: holder)
    return holder


def values(bank):
    return set(bank.entries.values_list("value", flat=True))


def test_a_fetch_applies_each_page_and_stores_its_checkpoint(exchange, bank, source):
    source.pages = [[record("r1", PDQ[0])], [record("r2", PDQ[1]), record("r3", PDQ[2])]]

    run = fetch_exchange(exchange.pk)

    assert (run.status, run.pages, run.fetched, run.added) == (RunStatus.SUCCEEDED, 2, 3, 3)
    exchange.refresh_from_db()
    assert exchange.checkpoint == {"page": 2}
    assert exchange.running_since is None and exchange.lease_token == ""
    assert values(bank) == set(PDQ[:3])
    # One audit row per page of hashes, and one for the run; none per hash.
    assert AuditEvent.objects.filter(action="bank.entries_added").count() == 2
    assert AuditEvent.objects.filter(action="exchange.fetched").count() == 1


def test_a_failed_page_leaves_nothing_half_done_and_the_next_run_resumes_there(
    exchange, bank, source
):
    source.pages = [[record("r1", PDQ[0])], [record("r2", PDQ[1])], [record("r3", PDQ[2])]]
    source.fail_at = 1

    failed = fetch_exchange(exchange.pk)
    source.fail_at = None
    resumed = fetch_exchange(exchange.pk)

    assert (failed.status, failed.error) == (RunStatus.FAILED, "page 1 failed")
    assert source.requested == [0, 1, 1, 2]
    assert (resumed.added, BankEntry.objects.count()) == (2, 3)


def test_an_error_while_writing_a_page_rolls_the_page_back_with_its_checkpoint(
    exchange, bank, source, monkeypatch
):
    source.pages = [[record("r1", PDQ[0])], [record("r2", PDQ[1])]]
    real = fetching.merge_changes

    def explode_on_second(actor, exchange, changes):
        outcome = real(actor, exchange, changes)
        if changes[0].key == "r2":
            raise RuntimeError("disk full")
        return outcome

    monkeypatch.setattr(fetching, "merge_changes", explode_on_second)

    run = fetch_exchange(exchange.pk)

    assert run.error == "unexpected error (RuntimeError); see the logs"
    exchange.refresh_from_db()
    assert exchange.checkpoint == {"page": 1}
    assert values(bank) == {PDQ[0]}


def test_a_record_that_changes_its_hash_replaces_it(exchange, bank, source):
    source.pages = [[record("r1", PDQ[0], labels=["old"])], [record("r1", PDQ[1], labels=["new"])]]

    fetch_exchange(exchange.pk)

    assert values(bank) == {PDQ[1]}
    assert list(ExchangeItem.objects.values_list("key", "value")) == [("r1", PDQ[1])]


def test_a_record_relabelled_updates_the_entry(exchange, bank, source):
    source.pages = [[record("r1", PDQ[0], labels=["A1"])], [record("r1", PDQ[0], labels=["B2"])]]

    run = fetch_exchange(exchange.pk)

    assert run.updated == 1
    assert bank.entries.get().labels == ["B2"]


def test_a_hash_an_analyst_added_by_hand_is_never_removed_by_an_exchange(
    exchange, bank, source, analyst
):
    add_entry(Actor.for_user(analyst), bank, Signal("pdq", PDQ[0]), source="manual")
    source.pages = [[record("r1", PDQ[0])], [Change("r1")]]

    run = fetch_exchange(exchange.pk)

    assert (run.added, run.removed) == (0, 0)
    assert bank.entries.get().source == "manual"


def test_a_withdrawn_hash_with_matches_is_disabled_and_comes_back_if_listed_again(
    exchange, bank, source, organisation
):
    source.pages = [[record("r1", PDQ[0])]]
    fetch_exchange(exchange.pk)
    entry = bank.entries.get()
    item = MediaItem.objects.create(report=make_report(organisation), kind=MediaKind.IMAGE)
    Match.objects.create(item=item, entry=entry, signal_type="pdq")

    source.pages.append([Change("r1")])
    withdrawn = fetch_exchange(exchange.pk)
    entry.refresh_from_db()
    assert withdrawn.removed == 1
    assert entry.enabled is False and entry.metadata[WITHDRAWN] is True

    source.pages.append([record("r1", PDQ[0])])
    fetch_exchange(exchange.pk)
    entry.refresh_from_db()
    assert entry.enabled is True and WITHDRAWN not in entry.metadata


def test_a_hash_two_exchanges_bring_stays_while_either_lists_it(
    exchange, bank, source, organisation
):
    other = make_exchange(
        organisation,
        bank,
        Kind.HAVEN,
        {"base_url": "https://third.example", "bank": "Known"},
        {"token": "hvn_x_y"},
        name="other",
    )
    source.pages = [[record("r1", PDQ[0])]]
    fetch_exchange(exchange.pk)
    source.pages = [[record("o1", PDQ[0])], [Change("o1")]]
    fetch_exchange(other.pk)
    assert values(bank) == {PDQ[0]}


def test_a_stale_checkpoint_refetches_everything_and_sweeps_what_is_no_longer_listed(
    exchange, bank, source
):
    source.pages = [[record("r1", PDQ[0]), record("r2", PDQ[1])]]
    fetch_exchange(exchange.pk)
    # Much later: the exchange forgot r2's deletion; the checkpoint is too old to resume.
    Exchange.objects.filter(pk=exchange.pk).update(checkpoint={"page": 1, "stale": True})
    source.pages = [[record("r1", PDQ[0]), record("r3", PDQ[2])]]

    run = fetch_exchange(exchange.pk)

    assert (run.added, run.removed) == (1, 1)
    assert values(bank) == {PDQ[0], PDQ[2]}
    exchange.refresh_from_db()
    assert exchange.sweep_pending is False and exchange.epoch == 2


def test_two_workers_never_fetch_the_same_exchange_at_once(exchange, bank, source):
    Exchange.objects.filter(pk=exchange.pk).update(
        running_since=timezone.now(), lease_token="someone-else"
    )
    source.pages = [[record("r1", PDQ[0])]]

    assert fetch_exchange(exchange.pk) is None
    assert source.requested == [] and not ExchangeRun.objects.exists()


def test_a_lease_left_by_a_dead_worker_runs_out_and_its_run_is_closed(exchange, bank, source):
    ExchangeRun.objects.create(exchange=exchange, trigger="schedule")
    Exchange.objects.filter(pk=exchange.pk).update(
        running_since=timezone.now() - timedelta(hours=1), lease_token="dead"
    )
    source.pages = [[record("r1", PDQ[0])]]

    run = fetch_exchange(exchange.pk)

    assert run.status == RunStatus.SUCCEEDED
    dead = ExchangeRun.objects.exclude(pk=run.pk).get()
    assert (dead.status, dead.error) == (RunStatus.FAILED, "the worker stopped mid-fetch")


def test_a_worker_that_lost_its_lease_stops_before_writing(exchange, bank, source, monkeypatch):
    source.pages = [[record("r1", PDQ[0])], [record("r2", PDQ[1])]]
    real = fetching._apply

    def taken_over_after_first(actor, exchange, run, token, page):
        real(actor, exchange, run, token, page)
        Exchange.objects.filter(pk=exchange.pk).update(lease_token="the-new-holder")

    monkeypatch.setattr(fetching, "_apply", taken_over_after_first)

    run = fetch_exchange(exchange.pk)

    assert run.error == "another worker took over this fetch"
    assert values(bank) == {PDQ[0]}
    exchange.refresh_from_db()
    assert exchange.lease_token == "the-new-holder"  # its outcome is the new holder's to write


def test_a_disabled_exchange_is_not_fetched(exchange, source):
    Exchange.objects.filter(pk=exchange.pk).update(enabled=False)
    assert fetch_exchange(exchange.pk) is None
