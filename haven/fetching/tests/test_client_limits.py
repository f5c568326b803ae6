"""Huge, endless, trickling, compressed and broken answers end with a recorded reason,
within the caps, and quickly."""

import gzip
import socket
import time

import pytest

from haven.fetching import policy
from haven.fetching.client import fetch
from haven.fetching.tests import servers
from haven.fetching.tests.servers import body

pytestmark = pytest.mark.usefixtures("allow_loopback", "fast")


@pytest.fixture
def url(server):
    return lambda path="/": f"http://host.test:{server.port}{path}"


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_a_huge_content_length_is_refused_before_reading(server, resolver, url):
    server.route("/", servers.huge_length)
    result, took = timed(lambda: fetch(url(), resolver=resolver))
    assert (result.outcome, result.reason) == ("failed", "too_large")
    assert "99,999,999,999 bytes" in result.detail
    assert took < 0.9 and result.body == b""


def test_an_endless_chunked_body_is_cut_at_the_byte_cap(server, resolver, url):
    server.route("/", servers.endless_chunked)
    result, took = timed(lambda: fetch(url(), resolver=resolver))
    assert (result.outcome, result.reason) == ("failed", "too_large")
    assert took < 1.5


def test_an_endless_body_without_a_length_is_cut_at_the_byte_cap(server, resolver, url):
    server.route("/", servers.endless_unsized)
    result = fetch(url(), resolver=resolver, max_bytes=100_000)
    assert (result.outcome, result.reason) == ("failed", "too_large")
    assert "100,000" in result.detail


def test_a_body_exactly_at_the_cap_is_accepted(server, resolver, url):
    server.route("/", body(b"a" * 1000))
    result = fetch(url(), resolver=resolver, max_bytes=1000)
    assert (result.outcome, result.size) == ("present", 1000)


def test_a_server_trickling_its_body_is_cut_at_the_deadline(server, resolver, url):
    server.route("/", servers.trickle_body(interval=0.05))
    result, took = timed(lambda: fetch(url(), resolver=resolver, timeout=1))
    assert (result.outcome, result.reason) == ("failed", "timeout")
    assert 0.9 < took < 2.0


def test_a_server_trickling_its_headers_is_cut_at_the_deadline(server, resolver, url):
    server.route("/", servers.trickle_headers(interval=0.05))
    result, took = timed(lambda: fetch(url(), resolver=resolver, timeout=1))
    assert (result.outcome, result.reason) == ("failed", "timeout")
    assert 0.9 < took < 2.0


def test_a_silent_server_is_cut_at_the_deadline(server, resolver, url):
    server.route("/", servers.silent)
    result, took = timed(lambda: fetch(url(), resolver=resolver, timeout=0.5))
    assert (result.outcome, result.reason) == ("failed", "timeout")
    assert took < 1.5


def test_a_gzip_bomb_stops_at_the_byte_cap(server, resolver, url):
    bomb = gzip.compress(b"\0" * (20 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 100_000
    server.route("/", body(bomb, Content_Encoding="gzip", Content_Type="text/html"))
    result, took = timed(lambda: fetch(url(), resolver=resolver, max_bytes=1024 * 1024))
    assert (result.outcome, result.reason) == ("failed", "too_large")
    assert took < 1.0


def test_a_server_that_compresses_anyway_is_decompressed_within_the_cap(server, resolver, url):
    server.route("/", body(gzip.compress(b"plain text" * 10), Content_Encoding="gzip"))
    result = fetch(url(), resolver=resolver)
    assert (result.outcome, result.body) == ("present", b"plain text" * 10)
    [request] = server.requests
    assert request.headers["accept-encoding"] == "identity"


def test_a_corrupt_compressed_body_fails_with_a_reason(server, resolver, url):
    server.route("/", body(b"not gzip at all", Content_Encoding="gzip"))
    result = fetch(url(), resolver=resolver)
    assert (result.outcome, result.reason) == ("failed", "bad_response")


@pytest.mark.parametrize(
    ("status", "outcome", "reason"),
    [
        (200, "present", ""),
        (204, "present", ""),
        (404, "gone", "not_found"),
        (410, "gone", "gone"),
        (451, "gone", "legal_block"),
        (403, "failed", "http_error"),
        (401, "failed", "http_error"),
        (429, "failed", "http_error"),
        (500, "failed", "server_error"),
        (503, "failed", "server_error"),
        (304, "failed", "bad_redirect"),
    ],
)
def test_each_status_gives_an_outcome_and_a_reason(server, resolver, url, status, outcome, reason):
    server.route("/", body(b"" if status in (204, 304) else b"x", status))
    result = fetch(url(), resolver=resolver)
    assert (result.outcome, result.reason, result.status_code) == (outcome, reason, status)
    assert result.detail or outcome == "present"


def test_a_closed_port_is_a_refused_connection(resolver):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = fetch(f"http://host.test:{port}/", resolver=resolver)
    assert (result.outcome, result.reason) == ("failed", "connection_refused")
    assert "127.0.0.1" in result.detail


def test_a_reset_connection_fails_with_a_reason(server, resolver, url):
    server.route("/", servers.reset)
    result = fetch(url(), resolver=resolver)
    assert (result.outcome, result.reason) == ("failed", "connection_reset")


def test_a_body_shorter_than_announced_fails_with_a_reason(server, resolver, url):
    def short(request, sock):
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this")

    server.route("/", short)
    result = fetch(url(), resolver=resolver)
    assert (result.outcome, result.reason) == ("failed", "connection_reset")


def test_an_answer_that_is_not_http_fails_with_a_reason(server, resolver, url):
    server.route("/", servers.garbage)
    result = fetch(url(), resolver=resolver)
    assert (result.outcome, result.reason) == ("failed", "bad_response")


def test_too_many_headers_fail_with_a_reason(server, resolver, url):
    headers = "".join(f"X-{n}: {n}\r\n" for n in range(200))

    def crowded(request, sock):
        sock.sendall(f"HTTP/1.1 200 OK\r\n{headers}\r\n".encode())

    server.route("/", crowded)
    result = fetch(url(), resolver=resolver)
    assert (result.outcome, result.reason) == ("failed", "bad_response")


def test_the_request_carries_no_cookies_or_credentials_and_a_fixed_agent(
    server, resolver, url, settings
):
    settings.FETCH_USER_AGENT = "Haven-URL-check/test"
    server.route("/", body(b"ok", Set_Cookie="session=abc"))
    fetch(url("/a"), resolver=resolver)
    fetch(url("/b"), resolver=resolver)
    first, second = server.requests
    assert set(first.headers) == {"host", "user-agent", "accept", "accept-encoding", "connection"}
    assert first.headers["user-agent"] == "Haven-URL-check/test"
    assert "cookie" not in second.headers and "authorization" not in second.headers


def test_head_requests_read_no_body(server, resolver, url):
    server.route("/", body(b"x" * 10))
    result = fetch(url(), resolver=resolver, method="HEAD")
    assert (result.outcome, result.body) == ("present", b"")
    assert server.requests[0].method == "HEAD"


def test_without_a_configured_agent_the_request_looks_like_a_common_browser(
    server, resolver, url, settings
):
    settings.FETCH_USER_AGENT = ""
    server.route("/", body(b"ok"))
    fetch(url(), resolver=resolver)
    assert server.requests[0].headers["user-agent"] == policy.DEFAULT_USER_AGENT
