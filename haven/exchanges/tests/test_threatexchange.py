"""Meta's ThreatExchange /threat_updates, through python-threatexchange, against a stand-in."""

import pytest

from haven.audit.models import AuditEvent
from haven.exchanges.fetching import fetch_exchange
from haven.exchanges.models import Kind, RunStatus
from haven.exchanges.tests.conftest import TE_PRIVACY_GROUP, TE_TOKEN, make_exchange

PDQ_1, PDQ_2, PDQ_3 = "5a" * 32, "6b" * 32, "7c" * 32
MD5_1, SHA_1 = "8d" * 16, "9e" * 32


@pytest.fixture
def exchange(organisation, bank, threatexchange):
    _, server = threatexchange
    return make_exchange(
        organisation,
        bank,
        Kind.THREATEXCHANGE,
        {"privacy_group": TE_PRIVACY_GROUP, "base_url": server.url},
        {"api_token": TE_TOKEN},
    )


def bank_values(bank):
    return set(bank.entries.values_list("signal_type", "value"))


def test_the_first_fetch_imports_the_hashes_others_call_malicious(exchange, bank, threatexchange):
    app, _ = threatexchange
    app.add("1", PDQ_1, 1000, tags=["csam", "priority"])
    app.add("2", MD5_1, 1001, type="HASH_MD5")
    app.add("3", SHA_1, 1002, type="HASH_VIDEO_SHA256", status="UNKNOWN")
    app.add("4", PDQ_2, 1003, status="NON_MALICIOUS")  # everyone says benign: not banked
    app.add("5", "https://example.org/", 1004, type="URI")

    run = fetch_exchange(exchange.pk)

    assert run.status == RunStatus.SUCCEEDED, run.error
    assert (run.pages, run.fetched, run.added) == (3, 5, 3)
    assert bank_values(bank) == {("pdq", PDQ_1), ("md5", MD5_1), ("sha256", SHA_1)}
    entry = bank.entries.get(value=PDQ_1)
    assert entry.labels == ["csam", "priority"]
    assert entry.metadata == {
        "opinion": "positive_class",
        "exchange": "threatexchange",
        "indicator_type": "HASH_PDQ",
        "owners": [1234],
    }
    assert bank.entries.get(value=SHA_1).metadata["opinion"] == "investigation_seed"
    exchange.refresh_from_db()
    assert exchange.checkpoint["update_time"] == 1004


def test_the_next_fetch_starts_from_the_checkpoint_and_applies_deletions(
    exchange, bank, threatexchange
):
    app, _ = threatexchange
    app.add("1", PDQ_1, 1000)
    app.add("2", PDQ_2, 1001)
    fetch_exchange(exchange.pk)
    app.delete("1", 2000)
    app.add("3", PDQ_3, 2001)

    run = fetch_exchange(exchange.pk)

    assert app.requests[-2].query["start_time"] == "1001"
    assert (run.added, run.removed) == (1, 1)
    assert bank_values(bank) == {("pdq", PDQ_2), ("pdq", PDQ_3)}


def test_a_rejected_token_is_a_clear_error_and_the_token_appears_nowhere(
    organisation, bank, threatexchange
):
    _, server = threatexchange
    wrong = "1234567890|" + "wrongTokenValue" * 2
    exchange = make_exchange(
        organisation,
        bank,
        Kind.THREATEXCHANGE,
        {"privacy_group": TE_PRIVACY_GROUP, "base_url": server.url},
        {"api_token": wrong},
    )

    run = fetch_exchange(exchange.pk)

    assert run.error == (
        "ThreatExchange refused the access token: check it on the exchange's settings page"
    )
    secret = wrong.split("|")[1]
    audit = str(list(AuditEvent.objects.values_list("detail", flat=True)))
    assert secret not in audit and TE_TOKEN.split("|")[1] not in audit


def test_a_server_error_is_recorded_without_the_token_in_the_url(exchange, bank, threatexchange):
    app, _ = threatexchange
    app.add("1", PDQ_1, 1000)
    app.fail(status=404, body="gone")

    run = fetch_exchange(exchange.pk)

    assert run.error == "ThreatExchange answered HTTP 404"
    assert bank.entries.count() == 0


def test_garbage_json_is_recorded_as_an_error_and_counted(exchange, bank, threatexchange):
    app, _ = threatexchange
    app.fail(status=200, body="{not json")
    app.fail(status=200, body='{"data": [{"id": "1"}]}')  # no indicator, no time

    first = fetch_exchange(exchange.pk)
    second = fetch_exchange(exchange.pk)

    assert "could not read (JSONDecodeError)" in first.error
    assert "could not read (KeyError)" in second.error
    exchange.refresh_from_db()
    assert exchange.consecutive_failures == 2 and exchange.last_status == RunStatus.FAILED


def test_a_server_that_never_answers_times_out_into_an_error(
    exchange, bank, threatexchange, settings
):
    app, _ = threatexchange
    settings.EXCHANGE_HTTP_TIMEOUT_SECONDS = 0.2
    app.fail(hang=True)

    run = fetch_exchange(exchange.pk)

    assert run.error == "ThreatExchange did not answer within 0.2 seconds; Haven will try again"
    exchange.refresh_from_db()
    assert exchange.running_since is None


def test_a_privacy_group_with_nothing_new_is_a_quiet_success(exchange, bank, threatexchange):
    run = fetch_exchange(exchange.pk)

    assert (run.status, run.fetched) == (RunStatus.SUCCEEDED, 0)
    exchange.refresh_from_db()
    assert exchange.checkpoint is None  # nothing seen yet: the next fetch starts over
