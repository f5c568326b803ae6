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


def test_azures_platform_address_is_refused():
    assert policy.forbidden_reason("168.63.129.16") == "cloud platform service"
    assert policy.forbidden_reason("::ffff:168.63.129.16") == (
        "cloud platform service inside IPv4-mapped IPv6"
    )
    assert policy.forbidden_reason("168.63.129.17") is None


def test_the_operator_can_forbid_more_networks(settings):
    settings.FETCH_EXTRA_FORBIDDEN_NETWORKS = ["93.184.215.0/24", "2606:2800:21f::/48"]
    assert policy.forbidden_reason("93.184.215.14") == "forbidden by the operator"
    assert policy.forbidden_reason("2606:2800:21f:cb07::1") == "forbidden by the operator"
    assert policy.forbidden_reason("::ffff:93.184.215.14") == (
        "forbidden by the operator inside IPv4-mapped IPv6"
    )
    assert policy.forbidden_reason("64:ff9b::5db8:d70e") == "forbidden by the operator inside NAT64"
    assert policy.forbidden_reason("93.184.216.34") is None


def test_an_operator_network_wins_over_the_test_allow_list(settings):
    settings.FETCH_TEST_ALLOW_NETWORKS = ["127.0.0.1/32"]
    settings.FETCH_EXTRA_FORBIDDEN_NETWORKS = ["127.0.0.0/8"]
    assert policy.forbidden_reason("127.0.0.1") == "forbidden by the operator"


def test_operator_networks_are_read_loosely_and_checked_for_the_settings_module(settings):
    settings.FETCH_EXTRA_FORBIDDEN_NETWORKS = ["198.51.100.7/16"]  # host bits set: widened
    assert policy.forbidden_reason("198.51.1.1") == "forbidden by the operator"
    assert policy.validate_networks(["203.0.113.0/24", "2001:db8::/32", "8.8.8.8"]) is None
    problem = policy.validate_networks(["10.0.0.0/8", "not-a-network"])
    assert problem and "not-a-network" in problem


def test_the_user_agent_is_a_common_browsers_unless_the_operator_sets_one(settings):
    settings.FETCH_USER_AGENT = ""
    assert policy.user_agent() == policy.DEFAULT_USER_AGENT
    assert policy.DEFAULT_USER_AGENT.startswith("Mozilla/5.0 (Windows NT 10.0; Win64; x64)")
    assert "haven" not in policy.DEFAULT_USER_AGENT.lower()
    settings.FETCH_USER_AGENT = "Hotline-Check/2"
    assert policy.user_agent() == "Hotline-Check/2"
