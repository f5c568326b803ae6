"""Redirects are followed by hand, and every hop is parsed, resolved and checked again."""

from urllib.parse import parse_qs, quote, urlsplit

import pytest

from haven.fetching.client import fetch
from haven.fetching.resolve import StaticResolver
from haven.fetching.tests.forbidden import FORBIDDEN
from haven.fetching.tests.servers import body, redirect, respond
from haven.fetching.urls import normalise

pytestmark = pytest.mark.usefixtures("allow_loopback")


def go(request, sock):
    """/go?to=<location>[&status=<code>]: a redirect to whatever the test asks for."""
    query = parse_qs(urlsplit(request.target).query)
    status = int(query.get("status", ["302"])[0])
    respond(sock, status, b"", {"Location": query["to"][0]})


@pytest.fixture
def origin(server):
    server.route("/go", go)
    server.route("/content", body(b"final content", Content_Type="text/plain"))
    return server


def start(origin, location: str, status: int = 302) -> str:
    return f"http://host.test:{origin.port}/go?to={quote(location, safe='')}&status={status}"


def literal(address: str) -> str:
    return f"http://[{address}]/" if ":" in address else f"http://{address}/"


@pytest.mark.parametrize(
    ("address", "reason"),
    [(a, r) for a, r, _ in FORBIDDEN if a != "127.0.0.1"],
    ids=[i for a, _, i in FORBIDDEN if a != "127.0.0.1"],
)
def test_a_redirect_to_any_forbidden_address_is_refused_at_that_hop(
    origin, resolver, connections, address, reason
):
    result = fetch(start(origin, literal(address)), resolver=resolver)
    assert (result.outcome, result.reason) == ("refused", "forbidden_address")
    assert reason in result.detail
    assert connections == ["127.0.0.1"]  # the first hop only
    [first] = result.redirects
    assert first["status"] == 302 and first["location"] == literal(address)
    assert result.final_url == normalise(literal(address))


@pytest.mark.parametrize(
    ("address", "reason"),
    [(a, r) for a, r, _ in FORBIDDEN if a != "127.0.0.1"],
    ids=[i for a, _, i in FORBIDDEN if a != "127.0.0.1"],
)
def test_a_redirect_to_a_name_resolving_to_a_forbidden_address_is_refused(
    origin, connections, address, reason
):
    resolver = StaticResolver({"host.test": ["127.0.0.1"], "inside.test": [address]})
    result = fetch(start(origin, "http://inside.test/admin"), resolver=resolver)
    assert (result.outcome, result.reason) == ("refused", "forbidden_address")
    assert resolver.calls == ["host.test", "inside.test"]
    assert connections == ["127.0.0.1"]


@pytest.mark.parametrize(
    "location",
    [
        "http://2130706433:{port}/content",  # allowed 127.0.0.1 spelt as a number: fine
    ],
)
def test_a_numeric_spelling_of_an_allowed_address_is_followed(origin, resolver, location):
    result = fetch(start(origin, location.format(port=origin.port)), resolver=resolver)
    assert (result.outcome, result.body) == ("present", b"final content")


@pytest.mark.parametrize(
    "location",
    [
        "http://0x7f.2/",  # 127.0.0.2
        "http://0xa9fea9fe/latest/meta-data/",  # 169.254.169.254
        "http://0251.0376.0251.0376/",
        "http://[::ffff:a9fe:a9fe]/",
        "http://[fd00:ec2::254]/",
        "//169.254.169.254/latest/meta-data/",  # scheme-relative
        "/\\169.254.169.254/",  # a browser reads this as //169.254.169.254/
    ],
)
def test_redirect_tricks_towards_metadata_and_loopback_are_refused(
    origin, resolver, connections, location
):
    result = fetch(start(origin, location), resolver=resolver)
    assert (result.outcome, result.reason) == ("refused", "forbidden_address")
    assert connections == ["127.0.0.1"]


@pytest.mark.parametrize(
    "location",
    [
        "file:///etc/passwd",
        "gopher://127.0.0.1:6379/_FLUSHALL",
        "ftp://host.test/",
        "data:text/html,hello",
        "javascript:alert(1)",
        "dict://127.0.0.1:11211/",
    ],
)
def test_a_redirect_to_another_scheme_is_refused(origin, resolver, connections, location):
    result = fetch(start(origin, location), resolver=resolver)
    assert (result.outcome, result.reason) == ("refused", "unsupported_scheme")
    assert "redirected" in result.detail
    assert connections == ["127.0.0.1"]


def test_a_redirect_to_an_address_with_credentials_is_refused(origin, resolver, connections):
    location = f"http://user:pass@host.test:{origin.port}/content"
    result = fetch(start(origin, location), resolver=resolver)
    assert (result.outcome, result.reason) == ("refused", "credentials")
    assert connections == ["127.0.0.1"]


def test_a_redirect_to_a_port_browsers_refuse_is_refused(origin, resolver, connections):
    result = fetch(start(origin, "http://host.test:25/"), resolver=resolver)
    assert (result.outcome, result.reason) == ("refused", "forbidden_port")
    assert connections == ["127.0.0.1"]


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_every_redirect_status_is_followed_and_recorded(origin, resolver, status):
    result = fetch(start(origin, "/content", status), resolver=resolver)
    assert (result.outcome, result.body) == ("present", b"final content")
    assert result.final_url == f"http://host.test:{origin.port}/content"
    [hop] = result.redirects
    assert hop["status"] == status and hop["connected"] == "127.0.0.1"
    assert hop["addresses"] == ["127.0.0.1"]


def test_a_redirect_to_another_name_resolves_that_name(origin, resolver):
    result = fetch(start(origin, f"http://other.test:{origin.port}/content"), resolver=resolver)
    assert result.outcome == "present"
    assert resolver.calls == ["host.test", "other.test"]
    assert origin.requests[-1].headers["host"] == f"other.test:{origin.port}"


def test_a_redirect_loop_is_detected(server, resolver):
    server.route("/a", redirect("/b"))
    server.route("/b", redirect("/a"))
    result = fetch(f"http://host.test:{server.port}/a", resolver=resolver, max_redirects=10)
    assert (result.outcome, result.reason) == ("failed", "redirect_loop")
    assert [hop["url"].rsplit("/", 1)[1] for hop in result.redirects] == ["a", "b"]
    assert len(server.requests) == 2


def test_a_page_redirecting_to_itself_spelt_differently_is_a_loop(server, resolver):
    server.route("/self", redirect("/./other/../self#again"))
    result = fetch(f"http://host.test:{server.port}/self", resolver=resolver)
    assert (result.outcome, result.reason) == ("failed", "redirect_loop")
    assert len(server.requests) == 1


def test_too_many_redirects_stop_at_the_cap(server, resolver):
    def chain(request, sock):
        step = int(request.target.rsplit("/", 1)[1])
        respond(sock, 302, b"", {"Location": f"/n/{step + 1}"})

    server.route("/n/", chain)
    result = fetch(f"http://host.test:{server.port}/n/0", resolver=resolver, max_redirects=3)
    assert (result.outcome, result.reason) == ("failed", "too_many_redirects")
    assert len(server.requests) == 4  # the first request and three redirects followed
    assert len(result.redirects) == 3


def test_exactly_the_cap_of_redirects_is_allowed(server, resolver):
    def chain(request, sock):
        step = int(request.target.rsplit("/", 1)[1])
        if step == 3:
            respond(sock, 200, b"arrived")
        else:
            respond(sock, 302, b"", {"Location": f"/n/{step + 1}"})

    server.route("/n/", chain)
    result = fetch(f"http://host.test:{server.port}/n/0", resolver=resolver, max_redirects=3)
    assert (result.outcome, result.body) == ("present", b"arrived")


def test_a_redirect_without_a_location_fails_with_a_reason(server, resolver):
    server.route("/", body(b"", 302))
    result = fetch(f"http://host.test:{server.port}/", resolver=resolver)
    assert (result.outcome, result.reason) == ("failed", "bad_redirect")


@pytest.mark.parametrize(
    "location",
    ["http://exa mple.test/", "http://host.test:99999/", "http://", "//[::1", "http://[::1/"],
)
def test_a_malformed_redirect_fails_with_a_reason(origin, resolver, location):
    result = fetch(start(origin, location), resolver=resolver)
    assert (result.outcome, result.reason) == ("failed", "bad_redirect")


def test_a_redirect_to_a_name_that_does_not_exist_means_gone(origin, resolver):
    result = fetch(start(origin, "http://vanished.test/"), resolver=resolver)
    assert (result.outcome, result.reason) == ("gone", "nxdomain")


def test_an_unreadable_location_is_a_bad_redirect_not_an_error(origin, resolver, connections):
    result = fetch(start(origin, "//[::1"), resolver=resolver)
    assert (result.outcome, result.reason) == ("failed", "bad_redirect")
    assert result.detail == "The redirect's Location cannot be understood."
    assert connections == ["127.0.0.1"]
