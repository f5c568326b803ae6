"""The client never connects to an address the policy forbids, however it is spelled."""

import ipaddress
import time

import pytest

from haven.fetching.client import fetch
from haven.fetching.resolve import ResolveError, StaticResolver
from haven.fetching.tests.forbidden import FORBIDDEN
from haven.fetching.tests.servers import body

FORBIDDEN_IDS = [test_id for _, _, test_id in FORBIDDEN]


def literal(address: str, path: str = "/") -> str:
    return f"http://[{address}]{path}" if ":" in address else f"http://{address}{path}"


@pytest.mark.parametrize(
    ("address", "reason"), [(a, r) for a, r, _ in FORBIDDEN], ids=FORBIDDEN_IDS
)
def test_an_address_of_every_forbidden_class_is_refused_without_connecting(
    address, reason, connections
):
    resolver = StaticResolver({})
    result = fetch(literal(address), resolver=resolver)
    assert (result.outcome, result.reason) == ("refused", "forbidden_address")
    assert reason in result.detail and "Nothing was sent" in result.detail
    assert connections == [] and resolver.calls == []


@pytest.mark.parametrize(
    ("address", "reason"), [(a, r) for a, r, _ in FORBIDDEN], ids=FORBIDDEN_IDS
)
def test_a_name_that_resolves_to_any_forbidden_class_is_refused_without_connecting(
    address, reason, connections
):
    resolver = StaticResolver({"innocent.example": [address]})
    result = fetch("https://innocent.example/page", resolver=resolver)
    assert (result.outcome, result.reason) == ("refused", "forbidden_address")
    assert result.addresses == [str(ipaddress.ip_address(address))]  # recorded
    assert connections == []


@pytest.mark.parametrize(
    "url",
    [
        "http://2130706433/",
        "http://0x7f.1/",
        "http://0177.0.0.1/",
        "http://0x7f000001/",
        "http://127.1/",
        "http://%31%32%37.0.0.1/",
        "http://\uff11\uff12\uff17.0.0.1/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:7f00:1]/",
        "http://[0:0:0:0:0:ffff:127.0.0.1]/",
        "http://167772161/",  # 10.0.0.1
        "http://0xa9fea9fe/",  # 169.254.169.254
        "http://0251.0376.0251.0376/",  # 169.254.169.254 in octal
        "http://169.254.43518/",  # 169.254.169.254 with a 16-bit last part
        "http://0/",  # 0.0.0.0, which the kernel treats as this host
        "127.0.0.1:8080/admin",  # no scheme: assumed http, still loopback
    ],
)
def test_numeric_spellings_of_internal_addresses_are_refused(url, connections):
    result = fetch(url, resolver=StaticResolver({}))
    assert (result.outcome, result.reason) == ("refused", "forbidden_address")
    assert connections == []


def test_with_the_allow_list_empty_the_local_test_server_is_refused(server, resolver, connections):
    server.route("/", body(b"hello"))
    result = fetch(f"http://host.test:{server.port}/", resolver=resolver)
    assert (result.outcome, result.reason) == ("refused", "forbidden_address")
    assert "127.0.0.1 (loopback)" in result.detail
    assert connections == [] and server.requests == []


def test_the_allow_list_for_one_address_lets_tests_reach_their_own_server(
    server, resolver, connections, allow_loopback
):
    server.route("/", body(b"hello", Content_Type="text/plain"))
    result = fetch(f"http://host.test:{server.port}/page", resolver=resolver)
    assert (result.outcome, result.status_code, result.body) == ("present", 200, b"hello")
    assert result.addresses == ["127.0.0.1"] and result.connected_address == "127.0.0.1"
    assert connections == ["127.0.0.1"]
    [request] = server.requests
    assert request.headers["host"] == f"host.test:{server.port}"


@pytest.mark.parametrize("address", ["127.0.0.2", "10.0.0.1", "169.254.169.254", "::1"])
def test_the_allow_list_for_127_0_0_1_opens_nothing_else(address, allow_loopback, connections):
    result = fetch("http://elsewhere.test/", resolver=StaticResolver({"elsewhere.test": [address]}))
    assert (result.outcome, result.reason) == ("refused", "forbidden_address")
    assert connections == []


def test_a_name_with_one_allowed_and_one_forbidden_address_is_refused(
    server, allow_loopback, connections
):
    server.route("/", body(b"hello"))
    resolver = StaticResolver({"mixed.test": ["127.0.0.1", "10.0.0.5"]})
    result = fetch(f"http://mixed.test:{server.port}/", resolver=resolver)
    assert (result.outcome, result.reason) == ("refused", "forbidden_address")
    assert "10.0.0.5 (private)" in result.detail
    assert result.addresses == ["127.0.0.1", "10.0.0.5"]
    assert connections == [] and server.requests == []


class RebindingResolver:
    """Answers the test server's address first, and an internal one ever after."""

    def __init__(self, first: str, then: str) -> None:
        self.answers = [first, then]
        self.calls: list[str] = []

    def resolve(self, host: str, port: int) -> list[str]:
        self.calls.append(host)
        return [self.answers[min(len(self.calls) - 1, 1)]]


def test_dns_rebinding_cannot_move_the_connection_to_an_internal_address(
    server, allow_loopback, connections
):
    server.route("/", body(b"checked address"))
    rebinding = RebindingResolver("127.0.0.1", "169.254.169.254")
    result = fetch(f"http://rebind.test:{server.port}/", resolver=rebinding)
    # One resolution for the hop; the connection went to the address that was checked.
    assert rebinding.calls == ["rebind.test"]
    assert connections == ["127.0.0.1"]
    assert (result.outcome, result.body) == ("present", b"checked address")


def test_dns_rebinding_on_a_redirect_to_the_same_name_is_caught_by_the_next_check(
    server, allow_loopback, connections
):
    server.route("/start", lambda r, s: body(b"", 302, Location="/next")(r, s))
    server.route("/next", body(b"must not be reached"))
    rebinding = RebindingResolver("127.0.0.1", "169.254.169.254")
    result = fetch(f"http://rebind.test:{server.port}/start", resolver=rebinding)
    assert (result.outcome, result.reason) == ("refused", "forbidden_address")
    assert rebinding.calls == ["rebind.test", "rebind.test"]
    assert connections == ["127.0.0.1"]
    assert [r.target for r in server.requests] == ["/start"]


def test_credentials_in_the_address_are_refused_before_anything_is_sent(
    server, resolver, allow_loopback, connections
):
    server.route("/", body(b"hello"))
    result = fetch(f"http://admin:secret@host.test:{server.port}/", resolver=resolver)
    assert (result.outcome, result.reason) == ("refused", "credentials")
    assert connections == [] and resolver.calls == []
    assert "secret" not in result.final_url


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://host.test/x",
        "gopher://host.test:70/_GET%20/",
        "data:text/plain,hello",
        "javascript:alert(document.cookie)",
        "dict://host.test:11211/stats",
    ],
)
def test_other_schemes_are_refused(url, resolver, allow_loopback, connections):
    result = fetch(url, resolver=resolver)
    assert (result.outcome, result.reason) == ("refused", "unsupported_scheme")
    assert connections == [] and resolver.calls == []


@pytest.mark.parametrize("port", [22, 25, 6667])
def test_ports_browsers_refuse_are_refused(port, resolver, allow_loopback, connections):
    result = fetch(f"http://host.test:{port}/", resolver=resolver)
    assert (result.outcome, result.reason) == ("refused", "forbidden_port")
    assert connections == []


@pytest.mark.parametrize(
    "url",
    [
        "http://exa mple.test/",
        "http://",
        "http://host.test:99999/",
        "http://☃.net/",
        "x" * 9000,
        "http://a\ud800%41.test/",
    ],
)
def test_malformed_addresses_fail_with_a_reason_and_nothing_is_resolved(url, resolver):
    result = fetch(url, resolver=resolver)
    assert (result.outcome, result.reason) == ("failed", "bad_url")
    assert result.detail and resolver.calls == []


def test_a_name_that_does_not_exist_means_the_content_is_gone(resolver):
    result = fetch("http://no-such-name.test/", resolver=resolver)
    assert (result.outcome, result.reason) == ("gone", "nxdomain")


def test_a_resolver_failure_is_a_failure_not_a_removal():
    class Broken:
        def resolve(self, host, port):
            raise ResolveError("SERVFAIL", nxdomain=False)

    result = fetch("http://example.test/", resolver=Broken())
    assert (result.outcome, result.reason) == ("failed", "dns_error")


def test_a_resolver_answer_that_is_not_an_address_is_refused(connections):
    result = fetch("http://odd.test/", resolver=StaticResolver({"odd.test": ["localhost"]}))
    assert (result.outcome, result.reason) == ("failed", "dns_error")
    assert connections == []


def test_a_slow_name_server_does_not_hold_the_fetch_past_its_deadline():
    class Slow:
        def resolve(self, host, port):
            time.sleep(2)
            return ["8.8.8.8"]

    started = time.monotonic()
    result = fetch("http://slow.test/", resolver=Slow(), timeout=0.3)
    assert (result.outcome, result.reason) == ("failed", "timeout")
    assert time.monotonic() - started < 1.5


def test_a_network_the_operator_forbids_is_refused_without_connecting(settings, connections):
    settings.FETCH_EXTRA_FORBIDDEN_NETWORKS = ["93.184.215.0/24"]
    resolver = StaticResolver({"site.test": ["93.184.215.14"]})
    result = fetch("http://site.test/", resolver=resolver)
    assert (result.outcome, result.reason) == ("refused", "forbidden_address")
    assert "93.184.215.14 (forbidden by the operator)" in result.detail
    assert connections == []
