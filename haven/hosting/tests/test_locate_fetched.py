"""Where the page is hosted comes from the address the fetcher connected to, not from a
second DNS answer that a hostile name server could choose."""

import time

import pytest

from haven.fetching import services as fetching_services
from haven.fetching.client import fetch
from haven.fetching.models import Fetch, Outcome, Purpose
from haven.fetching.resolve import StaticResolver
from haven.fetching.tests.servers import Server, body
from haven.hosting import services
from haven.hosting.rdap import FakeRdap, IpNetwork
from haven.hosting.services import locate


@pytest.fixture
def rdap():
    ripe = IpNetwork(name="RIPE-NCC", country="NL", abuse_email="abuse@ripe.net")
    google = IpNetwork(name="GOGL", country="US", abuse_email="network-abuse@google.com")
    return FakeRdap(networks={"193.0.0.0/21": ripe, "8.8.8.0/24": google})


def fetched(report_url, *, connected, addresses, final_url=None):
    return Fetch.objects.create(
        organisation=report_url.report.organisation,
        report_url=report_url,
        purpose=Purpose.CAPTURE,
        requested_url=report_url.url,
        final_url=final_url or report_url.url,
        outcome=Outcome.PRESENT,
        addresses=addresses,
        connected_address=connected,
    )


def test_the_address_the_fetcher_connected_to_wins_over_a_new_dns_answer(report_url, rdap):
    fetched(report_url, connected="193.0.6.139", addresses=["193.0.6.139"])
    # The name server now points the name at someone else, whose desk would get notices.
    steered = StaticResolver({"img.example-host.com": ["8.8.8.8"]})
    hosting = locate(report_url, resolver=steered, rdap=rdap)
    assert hosting.addresses == ["193.0.6.139"] and hosting.sources["addresses"] == "capture"
    assert hosting.country == "NL" and hosting.abuse_email == "abuse@ripe.net"
    assert steered.calls == [] and rdap.calls[0] == "ip/193.0.6.139"


def test_the_connected_address_comes_first_among_the_fetched_ones(report_url, rdap):
    fetched(report_url, connected="193.0.6.139", addresses=["8.8.8.8", "193.0.6.139"])
    hosting = locate(report_url, resolver=StaticResolver({}), rdap=rdap)
    assert hosting.addresses == ["193.0.6.139", "8.8.8.8"]
    assert rdap.calls[0] == "ip/193.0.6.139" and hosting.country == "NL"


def test_a_fetch_that_got_no_address_lets_the_lookup_resolve_the_name(report_url, resolver, rdap):
    fetched(report_url, connected=None, addresses=[])
    hosting = locate(report_url, resolver=resolver, rdap=rdap)
    assert hosting.sources["addresses"] == "dns" and hosting.addresses[0] == "193.0.6.139"
    assert resolver.calls == ["img.example-host.com"]


def test_without_a_fetch_a_slow_name_server_is_given_up_on(report_url, rdap, monkeypatch):
    class Slow:
        def resolve(self, host, port):
            time.sleep(2)
            return ["8.8.8.8"]

    monkeypatch.setattr(services, "RESOLVE_TIMEOUT_SECONDS", 0.2)
    started = time.monotonic()
    hosting = locate(report_url, resolver=Slow(), rdap=rdap)
    assert time.monotonic() - started < 1.5
    assert hosting.addresses == [] and "did not resolve within 0.2 seconds" in hosting.lookup_error


def test_a_real_check_records_where_it_connected_and_hosting_uses_it(report_url, rdap, settings):
    settings.FETCH_TEST_ALLOW_NETWORKS = ["127.0.0.1/32"]
    server = Server({"/": body(b"<p>page</p>", Content_Type="text/html")})
    report_url.url = f"http://page.test:{server.port}/"
    report_url.save()
    resolver = StaticResolver({"page.test": ["127.0.0.1"]})
    try:
        row = fetching_services.check(
            report_url, "recheck", fetcher=lambda u: fetch(u, resolver=resolver)
        )
    finally:
        server.stop()
    row.refresh_from_db()
    assert (row.outcome, row.connected_address, row.addresses) == (
        "present",
        "127.0.0.1",
        ["127.0.0.1"],
    )
    other_answer = StaticResolver({"page.test": ["8.8.8.8"]})
    hosting = locate(report_url, resolver=other_answer, rdap=rdap)
    assert hosting.addresses == ["127.0.0.1"] and other_answer.calls == []
