"""Haven to Haven: the Northern Hotline shares a bank, the Southern Helpline fetches it.

Both live in the test database; the Southern exchange's HTTP requests are handed to
Django's test client by a requests adapter, so they go through the real URL map,
authentication, permission checks and feed code.
"""

import json

import pytest
import requests
from django.utils import timezone

from conftest import make_user, token_client
from haven.accounts.models import Role
from haven.api.models import ApiToken
from haven.audit.models import AuditEvent
from haven.audit.services import Actor
from haven.exchanges.fetching import fetch_exchange
from haven.exchanges.models import Kind, RunStatus
from haven.exchanges.services import share_bank
from haven.exchanges.sources import haven_feed
from haven.exchanges.tests.conftest import make_exchange
from haven.exchanges.tests.fakes import HANG, DjangoClientAdapter, FakeServer
from haven.matching.banks import Signal, add_entries, create_bank, remove_entry, update_entry

NORTHERN = "http://northern.test"
PDQ_1, PDQ_2, PDQ_3 = "12" * 32, "34" * 32, "56" * 32
MD5_1 = "78" * 16
FRAMES = "0,100,{pdq},0.000\n1,100,{pdq},1.000\n".format(pdq="9a" * 32)
NORTHERN_ACTOR = Actor.system("northern tests")


@pytest.fixture
def shared(organisation, partner):
    """Northern's bank "Known", shared with its partner account for the Southern Haven."""
    known = create_bank(NORTHERN_ACTOR, organisation, "Known", "Known material")
    add_entries(
        NORTHERN_ACTOR,
        known,
        [
            Signal("pdq", PDQ_1, note="seen in case 12", labels=["A1"]),
            Signal("md5", MD5_1),
            Signal("vpdq", FRAMES, labels=["video"]),
        ],
        source="manual",
    )
    share_bank(NORTHERN_ACTOR, known, partner)
    return known


@pytest.fixture
def partner_token(partner):
    return ApiToken.issue(partner, "southern haven")[1]


@pytest.fixture
def adapter(monkeypatch):
    adapter = DjangoClientAdapter()

    def session():
        routed = requests.Session()
        routed.mount(NORTHERN, adapter)
        return routed

    monkeypatch.setattr(haven_feed, "new_session", session)
    return adapter


@pytest.fixture
def imported(other_organisation):
    return create_bank(Actor.system("southern tests"), other_organisation, "From Northern", "K")


@pytest.fixture
def exchange(other_organisation, imported, partner_token):
    return make_exchange(
        other_organisation,
        imported,
        Kind.HAVEN,
        {"base_url": NORTHERN, "bank": "Known"},
        {"token": partner_token},
    )


def values(bank):
    return set(bank.entries.values_list("signal_type", "value"))


def test_the_first_fetch_copies_the_shared_bank_with_labels_and_video_frames(
    shared, exchange, imported, adapter
):
    run = fetch_exchange(exchange.pk)

    assert run.status == RunStatus.SUCCEEDED, run.error
    assert (run.fetched, run.added) == (3, 3)
    assert values(imported) == values(shared)
    video = imported.entries.get(signal_type="vpdq")
    assert video.frames == FRAMES and video.labels == ["video"]
    copied = imported.entries.get(value=PDQ_1)
    assert copied.labels == ["A1"] and copied.note == ""  # notes are not shared by default
    assert copied.source == "exchange:haven exchange"


def test_the_next_fetch_sends_the_cursor_and_brings_only_what_changed(
    shared, exchange, imported, adapter
):
    fetch_exchange(exchange.pk)
    add_entries(NORTHERN_ACTOR, shared, [Signal("pdq", PDQ_2)], source="manual")

    run = fetch_exchange(exchange.pk)

    assert (run.fetched, run.added) == (1, 1)
    assert "since=" not in adapter.sent[0].url and "since=" in adapter.sent[-1].url
    assert values(imported) == values(shared)


def test_a_deleted_or_disabled_hash_leaves_the_copy(shared, exchange, imported, adapter):
    fetch_exchange(exchange.pk)
    remove_entry(NORTHERN_ACTOR, shared.entries.get(value=MD5_1))
    update_entry(NORTHERN_ACTOR, shared.entries.get(value=PDQ_1), enabled=False)

    run = fetch_exchange(exchange.pk)

    assert run.removed == 2
    assert {t for t, _ in values(imported)} == {"vpdq"}
    # Enabled again over there: listed again here.
    update_entry(NORTHERN_ACTOR, shared.entries.get(value=PDQ_1), enabled=True)
    fetch_exchange(exchange.pk)
    assert ("pdq", PDQ_1) in values(imported)


def test_a_long_feed_is_read_page_by_page(shared, exchange, imported, adapter, monkeypatch):
    monkeypatch.setattr(haven_feed, "PAGE_SIZE", 2)

    run = fetch_exchange(exchange.pk)

    assert (run.pages, run.added) == (2, 3)


def test_notes_travel_only_when_the_share_includes_them(
    shared, exchange, imported, adapter, partner
):
    shared.shares.filter(user=partner).update(include_notes=True)

    fetch_exchange(exchange.pk)

    assert imported.entries.get(value=PDQ_1).note == "seen in case 12"


def test_a_feed_is_read_only_with_a_token_of_the_account_it_is_shared_with(
    shared, analyst, outsider, partner
):
    url = "/exchanges/feed/Known/"
    assert token_client(partner).get(url).status_code == 200
    # The same organisation's analyst, and another organisation's supervisor: no such bank.
    assert token_client(analyst).get(url).status_code == 404
    assert token_client(outsider).get(url).status_code == 404
    assert token_client(partner).get("/exchanges/feed/Unknown/").status_code == 404


def test_another_organisation_cannot_read_a_bank_with_the_same_name_it_shares_itself(
    shared, other_organisation
):
    # The Southern Helpline has its own "Known" bank, shared with its own account.
    southern = create_bank(Actor.system("s"), other_organisation, "Known", "Theirs")
    reader = make_user(other_organisation, "southern-reader", Role.PARTNER)
    share_bank(Actor.system("s"), southern, reader)

    body = token_client(reader).get("/exchanges/feed/Known/").json()

    assert body["entries"] == [] and body["more"] is False


def test_the_feed_answers_a_bad_cursor_or_limit_with_a_400_and_records_each_read(shared, partner):
    api = token_client(partner)
    assert api.get("/exchanges/feed/Known/", {"since": "garbage!"}).status_code == 400
    assert api.get("/exchanges/feed/Known/", {"limit": "5000"}).status_code == 400
    page = api.get("/exchanges/feed/Known/", {"limit": 2}).json()
    assert len(page["entries"]) == 2 and page["more"] is True
    rest = api.get("/exchanges/feed/Known/", {"since": page["next"]}).json()
    assert len(rest["entries"]) == 1 and rest["more"] is False
    assert AuditEvent.objects.filter(action="bank.feed_read").count() == 2


def test_a_revoked_token_is_refused_and_the_error_names_no_secret(
    shared, exchange, imported, adapter, partner_token
):
    ApiToken.objects.update(revoked_at=timezone.now())

    run = fetch_exchange(exchange.pk)

    assert run.error.startswith("the other Haven refused the credentials (HTTP 401)")
    assert partner_token not in run.error
    assert partner_token not in str(list(AuditEvent.objects.values_list("detail", flat=True)))


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (500, "<h1>Server Error</h1>", "the other Haven failed (HTTP 500); Haven will try again"),
        (200, "{not json", "the other Haven sent a response that is not JSON"),
        (200, '{"entries": 3}', "the other Haven sent a feed page without entries, next and more"),
    ],
)
def test_a_broken_remote_is_recorded_as_an_error_not_a_crash(
    exchange, imported, adapter, status, body, error
):
    adapter.respond = lambda request: (status, body)

    run = fetch_exchange(exchange.pk)

    assert (run.status, run.error) == (RunStatus.FAILED, error)
    exchange.refresh_from_db()
    assert exchange.last_error == error and exchange.consecutive_failures == 1


def test_bad_entries_from_a_remote_are_counted_and_the_good_ones_kept(exchange, imported, adapter):
    page = {
        "entries": [
            {"id": 1, "signal_type": "pdq", "value": "xyz", "enabled": True},
            {"id": 2, "signal_type": "md5", "value": MD5_1, "enabled": True},
            "not an entry",
        ],
        "next": "c1",
        "more": False,
    }
    adapter.respond = lambda request: (200, json.dumps(page))

    run = fetch_exchange(exchange.pk)

    assert (run.status, run.added, run.rejected) == (RunStatus.SUCCEEDED, 1, 2)
    assert "record haven:1: a pdq hash is 64 hexadecimal digits" in run.rejections
    assert "feed entry 3: not an entry with an id" in run.rejections


def test_a_remote_that_never_answers_times_out(exchange, imported, settings):
    settings.EXCHANGE_HTTP_TIMEOUT_SECONDS = 0.2
    server = FakeServer(lambda request: HANG)
    try:
        exchange.settings = {**exchange.settings, "base_url": server.url}
        exchange.save(update_fields=["settings"])

        run = fetch_exchange(exchange.pk)
    finally:
        server.stop()

    assert run.error == "the other Haven did not answer within 0.2 seconds; Haven will try again"


def test_the_feed_holds_back_changes_younger_than_the_settling_time(shared, partner, settings):
    settings.EXCHANGE_FEED_SETTLE_SECONDS = 60

    page = token_client(partner).get("/exchanges/feed/Known/").json()

    # A transaction still open could commit an older stamp behind a reader that moved on.
    assert page["entries"] == [] and page["more"] is False
