"""The RDAP client against a fake RDAP server on 127.0.0.1: parsing real shapes, and
every way a server can fail it."""

import json

import pytest

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


def test_an_unreachable_server_is_a_clear_error():
    with pytest.raises(RdapError, match="could not be reached"):
        HttpRdap("http://127.0.0.1:9/", timeout=1).ip("192.0.2.1")


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
