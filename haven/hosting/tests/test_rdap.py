"""The RDAP client against a fake RDAP server on 127.0.0.1: parsing real shapes, and
every way a server can fail it."""

import json
import socket
import time

import pytest

from haven.fetching.resolve import StaticResolver
from haven.fetching.tests.servers import (
    ConnectProxy,
    Server,
    body,
    redirect,
    tls_files,
    trickle_headers,
)
from haven.hosting.rdap import (
    DomainRegistration,
    HttpRdap,
    IpNetwork,
    RdapError,
    default_client,
    parse_domain,
    parse_ip,
)
from haven.hosting.tests.fake_rdap import (
    ARIN_NETWORK,
    REGISTRY_DOMAIN,
    RIPE_NETWORK,
    Answer,
)


def client(server, **options) -> HttpRdap:
    return HttpRdap(server.url, **({"timeout": 2.0} | options))


def test_a_ripe_answer_gives_the_network_its_range_country_and_top_level_abuse_contact(
    rdap_server,
):
    rdap_server.routes["/ip/193.0.6.139"] = Answer(body=RIPE_NETWORK)
    network = client(rdap_server).ip("193.0.6.139")
    assert network == IpNetwork(
        name="RIPE-NCC",
        owner="Reseaux IP Europeens Network Coordination Centre",
        handle="193.0.0.0 - 193.0.7.255",
        range="193.0.0.0/21",
        country="NL",
        abuse_email="abuse@ripe.net",
    )
    assert network.label == "Reseaux IP Europeens Network Coordination Centre (RIPE-NCC)"


def test_an_arin_answer_gives_the_abuse_contact_nested_in_the_organisation(rdap_server):
    rdap_server.routes["/ip/8.8.8.8"] = Answer(body=ARIN_NETWORK)
    network = client(rdap_server).ip("8.8.8.8")
    assert network.abuse_email == "network-abuse@google.com"
    assert network.owner == "Google LLC" and network.name == "GOGL"
    assert network.range == "8.8.8.0/24" and network.country == ""


def test_a_domain_answer_gives_the_registrar_and_its_abuse_desk(rdap_server):
    rdap_server.routes["/domain/example-host.com"] = Answer(body=REGISTRY_DOMAIN)
    registration = client(rdap_server).domain("Example-Host.com.")
    assert registration == DomainRegistration(
        name="example-host.com",
        registrar_name="NameCheap, Inc.",
        registrar_abuse_email="abuse@namecheap.com",
    )


def test_redirects_are_followed_as_rdap_org_gives_them(rdap_server):
    rdap_server.routes["/ip/193.0.6.139"] = Answer(redirect="/ripe/ip/193.0.6.139")
    rdap_server.routes["/ripe/ip/193.0.6.139"] = Answer(body=RIPE_NETWORK)
    assert client(rdap_server).ip("193.0.6.139").name == "RIPE-NCC"
    assert rdap_server.requests == ["/ip/193.0.6.139", "/ripe/ip/193.0.6.139"]


def test_more_than_three_redirects_are_refused(rdap_server):
    for hop in range(5):
        rdap_server.routes[f"/hop{hop}"] = Answer(redirect=f"/hop{hop + 1}")
    rdap_server.routes["/ip/192.0.2.1"] = Answer(redirect="/hop0")
    with pytest.raises(RdapError, match="redirected more than 3 times"):
        client(rdap_server).ip("192.0.2.1")
    assert len(rdap_server.requests) == 4


def test_a_redirect_to_anything_but_http_is_refused(rdap_server):
    rdap_server.routes["/ip/192.0.2.1"] = Answer(redirect="file:///etc/passwd")
    with pytest.raises(RdapError, match="not http"):
        client(rdap_server).ip("192.0.2.1")


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (Answer(404, {"errorCode": 404}), "has no record"),
        (Answer(429, {"errorCode": 429}), "rate limited"),
        (Answer(500, {"errorCode": 500}), "HTTP 500"),
        (Answer(raw=b"<html>not json</html>"), "not valid JSON"),
        (Answer(raw=b"[1, 2]"), "not an RDAP object"),
    ],
)
def test_errors_become_a_clear_sentence(rdap_server, answer, message):
    rdap_server.routes["/ip/192.0.2.1"] = answer
    with pytest.raises(RdapError, match=message):
        client(rdap_server).ip("192.0.2.1")


def test_a_server_that_does_not_answer_times_out(rdap_server):
    rdap_server.routes["/ip/192.0.2.1"] = Answer(body=RIPE_NETWORK, delay=5)
    with pytest.raises(RdapError, match=r"did not answer within 0\.3 seconds"):
        client(rdap_server, timeout=0.3).ip("192.0.2.1")


def test_a_server_that_trickles_bytes_is_stopped_at_the_deadline(rdap_server):
    rdap_server.routes["/ip/192.0.2.1"] = Answer(body=RIPE_NETWORK, trickle=0.05)
    with pytest.raises(RdapError, match=r"did not answer within 0\.5 seconds"):
        client(rdap_server, timeout=0.5).ip("192.0.2.1")


def test_a_huge_answer_is_cut_off_at_the_cap(rdap_server):
    rdap_server.routes["/ip/192.0.2.1"] = Answer(size=3 * 1024 * 1024)
    with pytest.raises(RdapError, match="larger than 1,048,576 bytes"):
        client(rdap_server).ip("192.0.2.1")


def test_a_declared_huge_answer_is_refused_before_reading(rdap_server):
    body = json.dumps(RIPE_NETWORK).encode()
    rdap_server.routes["/ip/192.0.2.1"] = Answer(raw=body)
    with pytest.raises(RdapError, match="larger than 100 bytes"):
        client(rdap_server, max_bytes=100).ip("192.0.2.1")


def test_an_unreachable_server_is_a_clear_error(settings):
    settings.FETCH_TEST_ALLOW_NETWORKS = ["127.0.0.1/32"]
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]  # nothing listens there once closed
    with pytest.raises(RdapError, match="could not be reached"):
        HttpRdap(f"http://127.0.0.1:{port}/", timeout=1).ip("192.0.2.1")


def test_rdap_is_off_when_its_url_is_empty(settings):
    settings.RDAP_URL = ""
    assert default_client() is None
    settings.RDAP_URL = "https://rdap.example/"
    assert isinstance(default_client(), HttpRdap)


def test_a_range_without_cidr0_is_summarised_from_its_start_and_end():
    data = {"name": "EXAMPLE", "startAddress": "192.0.2.0", "endAddress": "192.0.2.255"}
    assert parse_ip(data).range == "192.0.2.0/24"
    data = {"startAddress": "192.0.2.1", "endAddress": "192.0.2.200"}
    assert parse_ip(data).range == "192.0.2.1 - 192.0.2.200"


def test_malformed_entities_are_ignored_not_fatal():
    data = {
        "name": "X",
        "entities": [
            "junk",
            {"roles": "abuse"},
            {"roles": ["abuse"], "vcardArray": ["vcard"]},
            {"roles": ["abuse"], "vcardArray": ["vcard", [["email", {}, "text", ["a@b.example"]]]]},
        ],
    }
    assert parse_ip(data).abuse_email == "a@b.example"
    assert parse_domain({"ldhName": "x.example", "entities": [{"roles": ["registrant"]}]}) == (
        DomainRegistration(name="x.example")
    )


def test_a_server_that_stops_mid_answer_times_out(rdap_server):
    rdap_server.routes["/ip/192.0.2.1"] = Answer(body=RIPE_NETWORK, trickle=5)
    with pytest.raises(RdapError, match=r"did not answer within 0\.4 seconds"):
        client(rdap_server, timeout=0.4).ip("192.0.2.1")


def test_a_compressed_answer_is_read(rdap_server):
    import gzip

    body = gzip.compress(json.dumps(RIPE_NETWORK).encode())
    rdap_server.routes["/ip/193.0.6.139"] = Answer(raw=body, headers={"Content-Encoding": "gzip"})
    assert client(rdap_server).ip("193.0.6.139").abuse_email == "abuse@ripe.net"


# --- Where RDAP may lead ---------------------------------------------------------------


@pytest.fixture
def inside():
    """A server on 127.0.0.2, which the test allow-list (127.0.0.1/32) does not open."""
    listener = socket.create_server(("127.0.0.2", 0))
    listener.settimeout(2)
    yield listener
    listener.close()


@pytest.mark.parametrize(
    "location",
    [
        "http://127.0.0.2:{port}/latest/meta-data/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.5:9200/",
        "http://[::1]:{port}/",
    ],
)
def test_a_redirect_to_an_internal_address_is_refused_before_any_request(
    rdap_server, inside, location
):
    port = inside.getsockname()[1]
    rdap_server.routes["/ip/8.8.8.8"] = Answer(redirect=location.format(port=port))
    with pytest.raises(RdapError, match="must not contact"):
        client(rdap_server).ip("8.8.8.8")
    inside.settimeout(0.05)
    with pytest.raises(TimeoutError):
        inside.accept()  # nobody came


def test_an_rdap_base_url_on_an_internal_address_is_refused(settings):
    settings.FETCH_TEST_ALLOW_NETWORKS = []
    with pytest.raises(RdapError, match=r"look-up stopped: .*loopback"):
        HttpRdap("http://127.0.0.1:8080/", timeout=1).ip("8.8.8.8")


@pytest.fixture
def tls(tmp_path):
    return tls_files(tmp_path, ["rdap.registry.test"])


def test_an_https_registry_cannot_redirect_to_plain_http(rdap_server, tls):
    secure = Server(tls=tls.server_context())
    secure.route("/ip/8.8.8.8", redirect(f"{rdap_server.url}ip/8.8.8.8"))
    rdap_server.routes["/ip/8.8.8.8"] = Answer(body=ARIN_NETWORK)
    try:
        rdap = HttpRdap(
            f"https://rdap.registry.test:{secure.port}/",
            timeout=2,
            resolver=StaticResolver({"rdap.registry.test": ["127.0.0.1"]}),
            ssl_context=tls.client_context(),
        )
        with pytest.raises(RdapError, match="from https to plain http"):
            rdap.ip("8.8.8.8")
        assert len(secure.requests) == 1 and rdap_server.requests == []
    finally:
        secure.stop()


def test_an_https_registry_is_reached_on_the_checked_address_with_its_name(tls, settings):
    settings.FETCH_TEST_ALLOW_NETWORKS = ["127.0.0.1/32"]
    secure = Server({"/ip/": body(json.dumps(ARIN_NETWORK).encode())}, tls=tls.server_context())
    try:
        rdap = HttpRdap(
            f"https://rdap.registry.test:{secure.port}/",
            timeout=2,
            resolver=StaticResolver({"rdap.registry.test": ["127.0.0.1"]}),
            ssl_context=tls.client_context(),
        )
        assert rdap.ip("8.8.8.8").owner == "Google LLC"
        [request] = secure.requests
        assert request.headers["host"] == f"rdap.registry.test:{secure.port}"
        assert request.headers["accept"].startswith("application/rdap+json")
    finally:
        secure.stop()


def test_a_server_that_trickles_its_headers_is_stopped_at_the_deadline(settings):
    settings.FETCH_TEST_ALLOW_NETWORKS = ["127.0.0.1/32"]
    slow = Server({"/": trickle_headers(0.05)})
    try:
        started = time.monotonic()
        with pytest.raises(RdapError, match=r"did not answer within 0\.5 seconds"):
            HttpRdap(f"http://127.0.0.1:{slow.port}/", timeout=0.5).ip("8.8.8.8")
        assert time.monotonic() - started < 1.5
    finally:
        slow.stop()


def test_rdap_goes_through_the_egress_proxy_to_the_checked_address(rdap_server, settings):
    proxy = ConnectProxy()
    try:
        settings.FETCH_PROXY = f"http://127.0.0.1:{proxy.port}"
        rdap_server.routes["/ip/8.8.8.8"] = Answer(body=ARIN_NETWORK)
        rdap = default_client()
        assert rdap is not None and rdap.ip("8.8.8.8").owner == "Google LLC"
        [connect] = proxy.requests
        assert connect.method == "CONNECT" and connect.target.startswith("127.0.0.1:")
    finally:
        proxy.stop()
