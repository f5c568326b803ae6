"""NCMEC's hash sharing API, through python-threatexchange, against a stand-in server."""

import pytest

from haven.exchanges.fetching import fetch_exchange
from haven.exchanges.models import Kind, RunStatus
from haven.exchanges.tests.conftest import NCMEC_PASSWORD, NCMEC_USER, START, make_exchange
from haven.exchanges.tests.fakes import ncmec_time
from haven.matching.models import BankEntry

PDQ_1, PDQ_2, PDQ_3 = "a1" * 32, "b2" * 32, "c3" * 32
MD5_1, MD5_VIDEO = "d4" * 16, "e5" * 16


@pytest.fixture
def exchange(organisation, bank, ncmec):
    _, server = ncmec
    return make_exchange(
        organisation,
        bank,
        Kind.NCMEC,
        {"environment": "NGO", "base_url": server.url},
        {"username": NCMEC_USER, "password": NCMEC_PASSWORD},
    )


def bank_values(bank, **filters):
    return set(bank.entries.filter(**filters).values_list("signal_type", "value"))


def test_the_first_fetch_imports_every_hash_with_its_classification_and_member(
    exchange, bank, ncmec, clock
):
    app, _ = ncmec
    app.add("img1", START - 3600, fingerprints={"pdq": PDQ_1, "md5": MD5_1, "sha1": "f" * 40})
    app.add(
        "vid1", START - 3000, kind="video", classification="B1", fingerprints={"md5": MD5_VIDEO}
    )
    app.add("img2", START - 2000, member=43, fingerprints={"pdq": PDQ_2, "pdna": "x" * 20})

    run = fetch_exchange(exchange.pk)

    assert run.status == RunStatus.SUCCEEDED, run.error
    assert (run.fetched, run.added, run.rejected) == (3, 4, 0)
    assert bank_values(bank) == {("pdq", PDQ_1), ("md5", MD5_1), ("md5", MD5_VIDEO), ("pdq", PDQ_2)}
    entry = bank.entries.get(value=PDQ_2)
    assert entry.labels == ["A1"]
    assert entry.metadata == {"exchange": "ncmec", "esp_id": 43, "entry_type": "image"}
    assert entry.source == "exchange:ncmec exchange" and entry.external_id == "43-img2"
    # The whole history in one window, from the beginning of time to "now - 5 s".
    assert app.windows() == [(ncmec_time(0), ncmec_time(START - 5), "")]
    exchange.refresh_from_db()
    assert exchange.checkpoint == {"get_entries_max_ts": START - 5, "paging_info": None}
    assert exchange.last_status == RunStatus.SUCCEEDED and exchange.added_count == 4


def test_the_next_fetch_asks_only_for_what_came_after_the_checkpoint(exchange, bank, ncmec, clock):
    app, _ = ncmec
    app.add("img1", START - 3600, fingerprints={"pdq": PDQ_1})
    fetch_exchange(exchange.pk)
    clock.now += 600
    app.add("img3", START + 100, fingerprints={"pdq": PDQ_3})

    run = fetch_exchange(exchange.pk)

    assert (run.fetched, run.added) == (1, 1)
    assert app.windows()[-1] == (ncmec_time(START - 5), ncmec_time(START + 595), "")
    assert bank_values(bank) == {("pdq", PDQ_1), ("pdq", PDQ_3)}


def test_a_deleted_entry_leaves_the_bank(exchange, bank, ncmec, clock):
    app, _ = ncmec
    app.add("img1", START - 3600, fingerprints={"pdq": PDQ_1, "md5": MD5_1})
    app.add("img2", START - 3000, fingerprints={"pdq": PDQ_2})
    fetch_exchange(exchange.pk)
    clock.now += 600
    app.delete("img1", START + 10)

    run = fetch_exchange(exchange.pk)

    assert (run.fetched, run.removed) == (1, 2)
    assert bank_values(bank) == {("pdq", PDQ_2)}


def test_a_hash_two_members_share_stays_until_both_delete_it(exchange, bank, ncmec, clock):
    app, _ = ncmec
    app.add("img1", START - 3600, member=42, fingerprints={"pdq": PDQ_1})
    app.add("img9", START - 3500, member=43, fingerprints={"pdq": PDQ_1})
    fetch_exchange(exchange.pk)
    clock.now += 600
    app.delete("img1", START + 10)
    fetch_exchange(exchange.pk)
    assert bank_values(bank) == {("pdq", PDQ_1)}
    clock.now += 600
    app.delete("img9", START + 700)
    fetch_exchange(exchange.pk)
    assert bank_values(bank) == set()


def test_a_fetch_that_fails_mid_way_resumes_after_the_last_page_without_duplicates(
    exchange, bank, ncmec, clock
):
    app, _ = ncmec
    fetch_exchange(exchange.pk)  # nothing yet: the checkpoint is now START - 5
    checkpoint = START - 5
    app.page_size = 2
    pdqs = [f"{n:02x}" * 32 for n in range(1, 6)]
    for n, pdq in enumerate(pdqs):
        app.add(f"p{n + 1}", checkpoint + 20 + 5 * n, fingerprints={"pdq": pdq})
    # A window under a minute, so that the client pages through it rather than shrinking it.
    clock.now = checkpoint + 55 + 5
    app.fail(status=200, body="<queryResult><images", at=1)  # the second page is garbage

    failed = fetch_exchange(exchange.pk)

    assert failed.status == RunStatus.FAILED
    assert "could not read" in failed.error
    assert (failed.pages, failed.added) == (1, 2)
    exchange.refresh_from_db()
    assert exchange.last_status == RunStatus.FAILED and exchange.consecutive_failures == 1
    assert exchange.checkpoint["paging_info"]["paging_url"].startswith("/v2/entries?")
    assert bank_values(bank) == {("pdq", pdqs[0]), ("pdq", pdqs[1])}

    clock.now += 10
    served_before = len(app.requests)
    resumed = fetch_exchange(exchange.pk)

    assert resumed.status == RunStatus.SUCCEEDED, resumed.error
    assert (resumed.fetched, resumed.added) == (3, 3)
    starts = [start for _, _, start in app.windows()[served_before:]]
    assert starts[:2] == ["2", "4"]  # straight to the page that failed, never page one again
    assert bank_values(bank) == {("pdq", pdq) for pdq in pdqs}
    assert BankEntry.objects.count() == 5
    exchange.refresh_from_db()
    assert exchange.consecutive_failures == 0 and exchange.last_error == ""


def test_bad_credentials_are_recorded_on_the_exchange_without_the_password(
    organisation, bank, ncmec, clock
):
    _, server = ncmec
    exchange = make_exchange(
        organisation,
        bank,
        Kind.NCMEC,
        {"environment": "NGO", "base_url": server.url},
        {"username": NCMEC_USER, "password": "wrong-password-123"},
    )

    run = fetch_exchange(exchange.pk)

    assert run.status == RunStatus.FAILED
    assert "NCMEC refused the credentials (HTTP 401)" in run.error
    exchange.refresh_from_db()
    assert exchange.last_error == run.error and exchange.running_since is None
    assert "wrong-password-123" not in exchange.last_error
    assert bank.entries.count() == 0


def test_malformed_hashes_are_counted_and_explained_not_imported(exchange, bank, ncmec, clock):
    app, _ = ncmec
    app.add("img1", START - 3600, fingerprints={"pdq": "zz" * 32, "md5": MD5_1})
    app.add("img2", START - 3000, fingerprints={"pdq": PDQ_2})

    run = fetch_exchange(exchange.pk)

    assert run.status == RunStatus.SUCCEEDED
    assert (run.added, run.rejected) == (2, 1)
    assert "record 42-img1: a pdq hash is 64 hexadecimal digits" in run.rejections
    assert bank_values(bank) == {("md5", MD5_1), ("pdq", PDQ_2)}


def test_credentials_go_nowhere_but_ncmec_once_custom_addresses_are_turned_off(
    exchange, bank, ncmec, clock, settings
):
    app, _ = ncmec
    settings.EXCHANGE_ALLOW_CUSTOM_URLS = False

    run = fetch_exchange(exchange.pk)

    assert run.status == RunStatus.FAILED
    assert "only honoured when HAVEN_EXCHANGE_ALLOW_CUSTOM_URLS is set" in run.error
    assert app.requests == []
