"""StopNCII.org's FetchHashes, through python-threatexchange, against a stand-in server."""

import pytest

from haven.exchanges.fetching import fetch_exchange
from haven.exchanges.models import Kind, RunStatus
from haven.exchanges.tests.conftest import (
    STOPNCII_FUNCTION_KEY,
    STOPNCII_SUBSCRIPTION_KEY,
    make_exchange,
)

PDQ_1, PDQ_2, PDQ_3, PDQ_4 = "11" * 32, "22" * 32, "33" * 32, "44" * 32
MD5_VIDEO = "ab" * 16
BLOCKED = {"feedbackValue": "Blocked", "tags": ["ncii"], "source": "ExampleSocial"}
NOT_BLOCKED = {"feedbackValue": "NotBlocked", "tags": [], "source": "OtherSite"}


@pytest.fixture
def exchange(organisation, bank, stopncii):
    _, server = stopncii
    return make_exchange(
        organisation,
        bank,
        Kind.STOPNCII,
        {"base_url": server.url},
        {
            "fetch_function_key": STOPNCII_FUNCTION_KEY,
            "subscription_key": STOPNCII_SUBSCRIPTION_KEY,
        },
    )


def bank_values(bank):
    return set(bank.entries.values_list("signal_type", "value"))


def test_the_first_fetch_pages_through_every_hash_with_its_feedback(exchange, bank, stopncii):
    app, _ = stopncii
    app.add(PDQ_1, 100, feedbacks=[BLOCKED])
    app.add(PDQ_2, 200, feedbacks=[BLOCKED, NOT_BLOCKED])
    app.add(MD5_VIDEO, 300, signal_type="VideoMD5")
    app.add("https://example.org/x", 300, signal_type="URL")  # not a hash Haven banks

    run = fetch_exchange(exchange.pk)

    assert run.status == RunStatus.SUCCEEDED, run.error
    assert (run.pages, run.fetched, run.added) == (2, 4, 3)  # the URL is fetched, not banked
    assert bank_values(bank) == {("pdq", PDQ_1), ("pdq", PDQ_2), ("md5", MD5_VIDEO)}
    first = bank.entries.get(value=PDQ_1)
    assert first.labels == ["ncii"]
    assert first.metadata == {
        "opinion": "positive_class",
        "exchange": "stopncii",
        "feedback": {"ExampleSocial": "Blocked"},
    }
    assert bank.entries.get(value=PDQ_2).metadata["opinion"] == "disputed"
    assert [r.query["startTimestamp"] for r in app.requests] == ["10", "10"]
    assert [r.query.get("nextPageToken") for r in app.requests] == [None, "2"]
    exchange.refresh_from_db()
    assert exchange.checkpoint["update_time"] == 301


def test_the_next_fetch_starts_from_the_stored_timestamp(exchange, bank, stopncii):
    app, _ = stopncii
    app.add(PDQ_1, 100)
    fetch_exchange(exchange.pk)
    app.add(PDQ_3, 500)

    run = fetch_exchange(exchange.pk)

    assert (run.fetched, run.added) == (1, 1)
    assert app.requests[-1].query["startTimestamp"] == "101"
    assert bank_values(bank) == {("pdq", PDQ_1), ("pdq", PDQ_3)}


def test_a_withdrawn_hash_leaves_the_bank(exchange, bank, stopncii):
    app, _ = stopncii
    app.add(PDQ_1, 100)
    app.add(PDQ_2, 100)
    fetch_exchange(exchange.pk)
    app.add(PDQ_1, 600, status="Withdrawn")

    run = fetch_exchange(exchange.pk)

    assert run.removed == 1
    assert bank_values(bank) == {("pdq", PDQ_2)}


def test_a_failure_on_the_second_page_keeps_the_first_and_resumes_from_it(exchange, bank, stopncii):
    app, _ = stopncii
    for n, pdq in enumerate([PDQ_1, PDQ_2, PDQ_3, PDQ_4]):
        app.add(pdq, 100 * (n + 1))
    app.fail(status=403, body='{"message": "quota"}', at=1)

    failed = fetch_exchange(exchange.pk)

    assert failed.status == RunStatus.FAILED and "HTTP 403" in failed.error
    assert bank_values(bank) == {("pdq", PDQ_1), ("pdq", PDQ_2)}
    resumed = fetch_exchange(exchange.pk)
    assert resumed.status == RunStatus.SUCCEEDED
    assert app.requests[-1].query["startTimestamp"] == "200"
    assert bank.entries.count() == 4


def test_wrong_keys_give_a_clear_error_without_the_keys(organisation, bank, stopncii):
    _, server = stopncii
    exchange = make_exchange(
        organisation,
        bank,
        Kind.STOPNCII,
        {"base_url": server.url},
        {"fetch_function_key": "wrong-function-key", "subscription_key": "wrong-sub-key"},
    )

    run = fetch_exchange(exchange.pk)

    assert run.error.startswith("StopNCII refused the credentials (HTTP 401)")
    exchange.refresh_from_db()
    assert "wrong-function-key" not in exchange.last_error


def test_garbage_instead_of_json_is_recorded_as_an_error(exchange, bank, stopncii):
    app, _ = stopncii
    app.fail(status=200, body="<html>maintenance</html>")

    run = fetch_exchange(exchange.pk)

    assert run.status == RunStatus.FAILED
    assert run.error == "StopNCII sent a response Haven could not read (JSONDecodeError)"
    exchange.refresh_from_db()
    assert exchange.checkpoint is None


def test_malformed_hashes_are_counted_and_the_rest_imported(exchange, bank, stopncii):
    app, _ = stopncii
    app.add("not-a-pdq-hash", 100)
    app.add(PDQ_2, 200)

    run = fetch_exchange(exchange.pk)

    assert (run.added, run.rejected) == (1, 1)
    assert "a pdq hash is 64 hexadecimal digits" in run.rejections
    exchange.refresh_from_db()
    assert exchange.rejected_count == 1
