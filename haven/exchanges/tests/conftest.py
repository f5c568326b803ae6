"""Exchange test set-up: a bank to fill, stand-in servers on loopback, and a fixed clock
for the NCMEC client (whose time windows end "now")."""

import pytest

from haven.audit.services import Actor
from haven.exchanges.services import create_exchange
from haven.exchanges.tests.fakes import (
    FakeNCMEC,
    FakeServer,
    FakeStopNCII,
    FakeThreatExchange,
)
from haven.matching.banks import create_bank

NCMEC_USER, NCMEC_PASSWORD = "ngo-user", "ncmec-Pa55word-xyz"
STOPNCII_FUNCTION_KEY, STOPNCII_SUBSCRIPTION_KEY = "fn-key-0123456789", "sub-key-9876543210"
TE_TOKEN = "1234567890|" + "s3cretTokenPart" * 2
TE_PRIVACY_GROUP = 777
START = 1_700_000_000


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch, settings):
    # No proxy may come between a test and its loopback server.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    settings.EXCHANGE_ALLOW_CUSTOM_URLS = True
    settings.EXCHANGE_FEED_SETTLE_SECONDS = 0
    settings.EXCHANGE_HTTP_TIMEOUT_SECONDS = 5


@pytest.fixture
def bank(organisation):
    return create_bank(Actor.system("tests"), organisation, "Known", "Known material")


class Clock:
    def __init__(self, now: int):
        self.now = now

    def time(self) -> float:
        return float(self.now)


@pytest.fixture
def clock(monkeypatch):
    """The NCMEC exchange's clock (its fetch windows end at "now - 5 s")."""
    from threatexchange.exchanges.impl import ncmec_api

    fixed = Clock(START)
    monkeypatch.setattr(ncmec_api, "time", fixed)
    return fixed


def _serve(app):
    server = FakeServer(app)
    yield app, server
    server.stop()


@pytest.fixture
def ncmec():
    yield from _serve(FakeNCMEC(NCMEC_USER, NCMEC_PASSWORD))


@pytest.fixture
def stopncii():
    yield from _serve(FakeStopNCII(STOPNCII_FUNCTION_KEY, STOPNCII_SUBSCRIPTION_KEY))


@pytest.fixture
def threatexchange():
    app = FakeThreatExchange(TE_TOKEN, TE_PRIVACY_GROUP)
    for served in _serve(app):
        app.base_url = served[1].url
        yield served


def make_exchange(organisation, bank, kind, settings, credentials, name=None):
    return create_exchange(
        Actor.system("tests"),
        organisation,
        name=name or f"{kind} exchange",
        kind=kind,
        bank=bank,
        settings=settings,
        credentials=credentials,
    )
