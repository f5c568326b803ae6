"""Fixtures for the tests of both HTTP clients (`client.fetch` and `outbound`): local
servers (plain and TLS), an egress proxy, the test allow-list, a resolver, and a record
of every TCP connection opened."""

import pytest

from haven.fetching import transport
from haven.fetching.resolve import StaticResolver
from haven.fetching.tests.servers import ConnectProxy, Server, tls_files


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
def tls(tmp_path):
    """A certificate for secure.test and the authority that signed it."""
    return tls_files(tmp_path, ["secure.test"])


@pytest.fixture
def secure(tls):
    """A TLS server for secure.test, without routes: each test module adds its own."""
    running = Server(tls=tls.server_context())
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
    """Every address a TCP connection was opened to (proxy aside), in order, by either
    client: both open them through `transport.open_pinned`."""
    opened: list[str] = []
    real = transport.open_pinned

    def recording(address, port, connect_timeout, deadline):
        opened.append(address)
        return real(address, port, connect_timeout, deadline)

    monkeypatch.setattr(transport, "open_pinned", recording)
    return opened


@pytest.fixture
def fast(settings):
    """Small caps so that misbehaving servers are cut within a second or so."""
    settings.FETCH_TIMEOUT_SECONDS = 1.0
    settings.FETCH_CONNECT_TIMEOUT_SECONDS = 0.5
    settings.FETCH_MAX_BYTES = 256 * 1024
    settings.FETCH_MAX_REDIRECTS = 3
