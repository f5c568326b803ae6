import ipaddress

import pytest

from haven.fetching import policy
from haven.fetching.tests.forbidden import ALLOWED, FORBIDDEN


@pytest.mark.parametrize(
    ("address", "reason"), [(a, r) for a, r, _ in FORBIDDEN], ids=[i for _, _, i in FORBIDDEN]
)
def test_every_forbidden_address_class_is_refused_with_its_reason(address, reason):
    assert policy.forbidden_reason(address) == reason
    assert not policy.is_allowed(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ALLOWED)
def test_globally_routable_unicast_addresses_are_allowed(address):
    assert policy.forbidden_reason(address) is None


def test_the_first_and_last_address_of_every_forbidden_range_are_refused():
    for cidr, _reason in policy.FORBIDDEN_NETWORKS:
        network = ipaddress.ip_network(cidr)
        for address in (network[0], network[-1]):
            assert policy.forbidden_reason(address), address


def test_something_that_is_not_an_address_is_refused():
    assert policy.forbidden_reason("localhost") == "not an IP address"
    assert policy.forbidden_reason("") == "not an IP address"


def test_with_the_test_allow_list_empty_loopback_is_refused(settings):
    settings.FETCH_TEST_ALLOW_NETWORKS = []
    assert policy.forbidden_reason("127.0.0.1") == "loopback"


def test_the_test_allow_list_opens_exactly_the_networks_listed(settings):
    settings.FETCH_TEST_ALLOW_NETWORKS = ["127.0.0.1/32"]
    assert policy.is_allowed("127.0.0.1")
    for other in ("127.0.0.2", "10.0.0.1", "169.254.169.254", "::1", "::ffff:127.0.0.1"):
        assert not policy.is_allowed(other), other


@pytest.mark.parametrize("port", [80, 443, 8080, 8443, 3000, 65535, 1024])
def test_web_ports_are_allowed(port):
    assert policy.port_allowed(port)


@pytest.mark.parametrize("port", [0, 22, 25, 53, 110, 143, 6667, 65536])
def test_ports_browsers_refuse_are_refused(port):
    assert not policy.port_allowed(port)
