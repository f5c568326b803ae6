"""Fixtures for the fetching tests: local servers, the test allow-list, a resolver, and
a record of every TCP connection the client opened."""

import pytest

from haven.fetching import client
from haven.fetching.resolve import StaticResolver
from haven.fetching.tests.servers import ConnectProxy, Server


@pytest.fixture
def allow_loopback(settings):
    """The test-only way through the policy: 127.0.0.1 and nothing else."""
    settings.FETCH_TEST_ALLOW_NETWORKS = ["127.0.0.1/32"]


@pytest.fixture
def server():
    running = Server()
    yield running
    running.stop()


@pytest.fixture
def proxy():
    running = ConnectProxy()
    yield running
    running.stop()


@pytest.fixture
def resolver():
    return StaticResolver(
        {
            "host.test": ["127.0.0.1"],
            "other.test": ["127.0.0.1"],
            "secure.test": ["127.0.0.1"],
        }
    )


@pytest.fixture
def connections(monkeypatch):
    """Every address the client opened a TCP connection to (proxy aside), in order."""
    opened: list[str] = []
    real = client._open

    def recording(address, port, limits):
        opened.append(address)
        return real(address, port, limits)

    monkeypatch.setattr(client, "_open", recording)
    return opened


@pytest.fixture
def fast(settings):
    """Small caps so that misbehaving servers are cut within a second or so."""
    settings.FETCH_TIMEOUT_SECONDS = 1.0
    settings.FETCH_CONNECT_TIMEOUT_SECONDS = 0.5
    settings.FETCH_MAX_BYTES = 256 * 1024
    settings.FETCH_MAX_REDIRECTS = 3
