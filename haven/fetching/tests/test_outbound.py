"""Calls to configured endpoints (notice APIs, partner Havens, RDAP): the address policy on
every hop, https only, no redirects for POST, checked redirects for GET, one deadline,
a byte cap, and nothing taken from the environment."""

import base64
import gzip
import json
import socket
import time
import tracemalloc

import pytest

from haven.fetching.outbound import OutboundError, get_json, post_json, request
from haven.fetching.resolve import ResolveError, StaticResolver
from haven.fetching.tests.servers import (
    ConnectProxy,
    Counter,
    Server,
    body,
    endless_chunked,
    endless_unsized,
    huge_length,
    redirect,
    respond,
    silent,
    trickle_headers,
)

TOKEN = "s3cret-token"


@pytest.fixture
def loopback(allow_loopback):
    """The test-only way through the address policy: 127.0.0.1 and nothing else."""


@pytest.fixture
def names():
    return StaticResolver(
        {
            "api.test": ["127.0.0.1"],
            "other.test": ["127.0.0.1"],
            "secure.test": ["127.0.0.1"],
            "localhost": ["127.0.0.1", "::1"],
            "inside.test": ["10.0.0.5"],
            "metadata.test": ["169.254.169.254"],
            "mixed.test": ["127.0.0.1", "10.0.0.5"],
        }
    )


@pytest.fixture
def api():
    """A JSON endpoint on 127.0.0.1 that keeps every request body in `bodies`."""
    running = Server()
    running.bodies = []  # type: ignore[attr-defined]

    def answer(request, sock):
        rest = request.raw.partition(b"\r\n\r\n")[2]
        length = int(request.headers.get("content-length", "0"))
        while len(rest) < length:
            rest += sock.recv(65536)
        running.bodies.append(rest)  # type: ignore[attr-defined]
        respond(sock, 201, b'{"reference": "R-1"}', {"Content-Type": "application/json"})

    running.route("/", answer)
    yield running
    running.stop()


@pytest.fixture
def inside():
    """Something listening on 127.0.0.2, which the test allow-list does not open."""
    listener = Counter("127.0.0.2")
    yield listener
    listener.stop()


# --- The call itself -------------------------------------------------------------------


def test_a_json_post_reaches_the_checked_address_with_the_bearer_token(
    loopback, api, names, connections
):
    response = post_json(
        f"http://api.test:{api.port}/api/v1/reports/",
        {"category": "x", "urls": ["https://example.net/é"]},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=5,
        allow_http=True,
        resolver=names,
    )
    assert response.status == 201 and response.json() == {"reference": "R-1"}
    assert response.headers["content-type"] == "application/json"
    [sent] = api.requests
    assert (sent.method, sent.target) == ("POST", "/api/v1/reports/")
    assert sent.headers["host"] == f"api.test:{api.port}"
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"
    assert sent.headers["content-type"] == "application/json"
    assert sent.headers["accept-encoding"] == "identity"
    assert json.loads(api.bodies[0]) == {"category": "x", "urls": ["https://example.net/é"]}
    # Resolved once, connected to the checked address (no second look-up to rebind).
    assert names.calls == ["api.test"] and connections == ["127.0.0.1"]


def test_the_callers_headers_cannot_replace_the_ones_the_call_sets(loopback, api, names):
    post_json(
        f"http://api.test:{api.port}/",
        {},
        headers={"Host": "evil.test", "Content-Length": "1", "User-Agent": "Haven-RDAP/1.0"},
        timeout=5,
        allow_http=True,
        resolver=names,
    )
    [sent] = api.requests
    assert sent.headers["host"] == f"api.test:{api.port}"
    assert sent.headers["content-length"] == "2" and sent.headers["user-agent"] == "Haven-RDAP/1.0"


# --- The address policy ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://169.254.169.254/latest/meta-data/", "cloud metadata service"),
        ("http://metadata.test/latest/meta-data/", "cloud metadata service"),
        ("http://127.0.0.1:{port}/", "loopback"),
        ("http://localhost:{port}/", "loopback"),
        ("http://2130706433:{port}/", "loopback"),
        ("http://[::1]:{port}/", "loopback"),
        ("http://[::ffff:127.0.0.1]:{port}/", "loopback inside IPv4-mapped IPv6"),
        ("http://10.0.0.5:9200/_bulk", "private"),
        ("http://inside.test:6379/", "private"),
        ("http://192.168.1.1/", "private"),
        ("http://[fd00::1]/", "private (unique local)"),
    ],
)
def test_an_internal_address_is_refused_and_nothing_is_sent(api, names, url, why):
    with pytest.raises(OutboundError) as refused:
        post_json(
            url.format(port=api.port),
            {},
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=2,
            allow_http=True,
            resolver=names,
        )
    assert refused.value.reason == "forbidden_address" and refused.value.refused
    assert why in str(refused.value) and "Nothing was sent" in str(refused.value)
    assert api.accepted == 0


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.2:{inside}/",  # the allow-list opens 127.0.0.1/32, no more
        "http://[::1]:{inside}/",
        "http://mixed.test:{api}/",  # one forbidden address refuses the name
    ],
)
def test_the_test_allow_list_opens_exactly_what_it_lists(loopback, api, inside, names, url):
    with pytest.raises(OutboundError, match="must not contact") as refused:
        get_json(
            url.format(inside=inside.port, api=api.port),
            timeout=2,
            allow_http=True,
            resolver=names,
        )
    assert refused.value.reason == "forbidden_address"
    assert api.accepted == 0 and inside.accepted == 0


@pytest.mark.parametrize("port", [25, 22, 6667])
def test_ports_browsers_refuse_are_refused(loopback, names, port):
    with pytest.raises(OutboundError, match=f"Port {port}") as refused:
        get_json(f"http://api.test:{port}/", timeout=2, allow_http=True, resolver=names)
    assert refused.value.reason == "forbidden_port"


def test_plain_http_is_refused_unless_the_caller_allows_it(loopback, api, names):
    with pytest.raises(OutboundError, match="Only https") as refused:
        post_json(
            f"http://api.test:{api.port}/",
            {},
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=2,
            resolver=names,
        )
    assert refused.value.reason == "not_https" and refused.value.refused
    assert api.accepted == 0  # the token never went out in clear


@pytest.mark.parametrize("userinfo", ["user:secret-pw@", "user@", ":secret-pw@"])
def test_an_address_with_a_user_name_or_password_is_refused(loopback, api, names, userinfo):
    with pytest.raises(OutboundError) as refused:
        post_json(
            f"http://{userinfo}api.test:{api.port}/",
            {},
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=2,
            allow_http=True,
            resolver=names,
        )
    assert refused.value.reason == "credentials"
    assert "secret-pw" not in str(refused.value)
    assert api.accepted == 0


def test_other_schemes_and_malformed_addresses_are_refused(names):
    with pytest.raises(OutboundError) as refused:
        get_json("file:///etc/passwd", timeout=1, resolver=names)
    assert refused.value.reason == "unsupported_scheme"
    with pytest.raises(OutboundError) as refused:
        get_json("https://exa mple.test/", timeout=1, resolver=names)
    assert refused.value.reason == "bad_url"


def test_a_name_that_does_not_resolve_is_a_dns_error(names):
    with pytest.raises(OutboundError, match="does not exist") as failed:
        get_json("https://nowhere.test/", timeout=1, resolver=names)
    assert failed.value.reason == "dns_error" and not failed.value.refused


# --- Redirects -------------------------------------------------------------------------


def test_a_post_is_never_redirected(loopback, api, names):
    api.route("/moved", redirect(f"http://api.test:{api.port}/elsewhere", 307))
    response = request(
        "POST",
        f"http://api.test:{api.port}/moved",
        body=b"{}",
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=2,
        max_redirects=3,  # ignored for anything but GET
        allow_http=True,
        resolver=names,
    )
    assert response.status == 307 and response.headers["location"].endswith("/elsewhere")
    assert [r.target for r in api.requests] == ["/moved"]


@pytest.mark.parametrize(
    "location",
    [
        "http://127.0.0.2:{inside}/latest/meta-data/",
        "http://169.254.169.254/latest/meta-data/",
        "http://inside.test:9200/_bulk",
        "http://[::1]:{inside}/",
        "http://0x7f.2:{inside}/",
    ],
)
def test_a_get_redirect_to_a_forbidden_address_is_refused_before_any_request(
    loopback, api, inside, names, location
):
    api.route("/ip/8.8.8.8", redirect(location.format(inside=inside.port)))
    with pytest.raises(OutboundError, match="must not contact") as refused:
        get_json(
            f"http://api.test:{api.port}/ip/8.8.8.8", timeout=2, allow_http=True, resolver=names
        )
    assert refused.value.reason == "forbidden_address"
    assert inside.accepted == 0


def test_get_follows_checked_redirects_and_keeps_the_token_on_its_own_origin(loopback, api, names):
    other = Server({"/ip/": body(b'{"name": "RIPE"}', Content_Type="application/json")})
    try:
        api.route("/start", redirect("/same-origin"))
        api.route("/same-origin", redirect(f"http://other.test:{other.port}/ip/1"))
        response = get_json(
            f"http://api.test:{api.port}/start",
            headers={"Authorization": f"Bearer {TOKEN}", "Accept": "application/rdap+json"},
            timeout=3,
            allow_http=True,
            resolver=names,
        )
        assert response.status == 200 and response.json() == {"name": "RIPE"}
        assert response.url == f"http://other.test:{other.port}/ip/1"
        assert [r.headers.get("authorization") for r in api.requests] == [f"Bearer {TOKEN}"] * 2
        [elsewhere] = other.requests
        assert "authorization" not in elsewhere.headers
        assert elsewhere.headers["accept"] == "application/rdap+json"
    finally:
        other.stop()


def test_redirect_loops_and_long_chains_are_stopped(loopback, api, names):
    api.route("/a", redirect("/b"))
    api.route("/b", redirect("/./a#again"))
    with pytest.raises(OutboundError) as looped:
        get_json(f"http://api.test:{api.port}/a", timeout=2, allow_http=True, resolver=names)
    assert looped.value.reason == "redirect_loop"

    for hop in range(6):
        api.route(f"/hop{hop}", redirect(f"/hop{hop + 1}"))
    api.requests.clear()
    with pytest.raises(OutboundError, match="More than 3 redirects") as chained:
        get_json(f"http://api.test:{api.port}/hop0", timeout=2, allow_http=True, resolver=names)
    assert chained.value.reason == "too_many_redirects" and len(api.requests) == 4


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("file:///etc/passwd", "unsupported_scheme"),
        ("gopher://api.test:70/", "unsupported_scheme"),
        ("http://user:secret-pw@api.test:{port}/", "credentials"),
        ("http://api.test:25/", "forbidden_port"),
    ],
)
def test_a_redirect_is_checked_like_the_first_address(loopback, api, names, location, reason):
    api.route("/r", redirect(location.format(port=api.port)))
    with pytest.raises(OutboundError) as refused:
        get_json(f"http://api.test:{api.port}/r", timeout=2, allow_http=True, resolver=names)
    assert refused.value.reason == reason and "secret-pw" not in str(refused.value)
    assert len(api.requests) == 1


# --- TLS ------------------------------------------------------------------------------


@pytest.fixture
def secure(secure):
    secure.route("/", body(b'{"ok": true}', Content_Type="application/json"))
    return secure


def test_https_is_verified_against_the_host_name_on_the_checked_address(
    loopback, secure, tls, names, connections
):
    response = get_json(
        f"https://secure.test:{secure.port}/",
        timeout=3,
        resolver=names,
        ssl_context=tls.client_context(),
    )
    assert response.json() == {"ok": True}
    assert connections == ["127.0.0.1"]
    assert secure.requests[0].headers["host"] == f"secure.test:{secure.port}"


def test_a_certificate_for_another_name_or_an_untrusted_one_fails(loopback, secure, tls, names):
    with pytest.raises(OutboundError) as wrong_name:
        get_json(
            f"https://other.test:{secure.port}/",
            timeout=3,
            resolver=names,
            ssl_context=tls.client_context(),
        )
    assert wrong_name.value.reason == "tls_error"
    with pytest.raises(OutboundError, match=r"(?i)certificate") as untrusted:
        get_json(f"https://secure.test:{secure.port}/", timeout=3, resolver=names)
    assert untrusted.value.reason == "tls_error"
    assert secure.requests == []


def test_a_redirect_from_https_to_http_is_refused_even_when_http_is_allowed(
    loopback, secure, api, tls, names
):
    secure.route("/", redirect(f"http://api.test:{api.port}/downgraded"))
    with pytest.raises(OutboundError, match="from https to plain http") as refused:
        get_json(
            f"https://secure.test:{secure.port}/",
            timeout=3,
            allow_http=True,
            resolver=names,
            ssl_context=tls.client_context(),
        )
    assert refused.value.reason == "insecure_redirect"
    assert api.accepted == 0


# --- Caps ------------------------------------------------------------------------------


@pytest.mark.parametrize("route", [endless_chunked, endless_unsized, huge_length])
def test_a_huge_or_endless_answer_is_cut_at_the_cap(loopback, api, names, route):
    api.route("/big", route)
    tracemalloc.start()
    try:
        started = time.monotonic()
        with pytest.raises(OutboundError, match="more than 1,048,576 bytes") as cut:
            get_json(f"http://api.test:{api.port}/big", timeout=5, allow_http=True, resolver=names)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert cut.value.reason == "too_large"
    assert time.monotonic() - started < 2
    assert peak < 8 * 1024 * 1024


def test_a_gzip_bomb_stops_at_the_cap(loopback, api, names):
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024))
    api.route("/bomb", body(bomb, Content_Encoding="gzip"))
    with pytest.raises(OutboundError) as cut:
        get_json(
            f"http://api.test:{api.port}/bomb",
            timeout=5,
            max_bytes=256 * 1024,
            allow_http=True,
            resolver=names,
        )
    assert cut.value.reason == "too_large"


def test_a_compressed_answer_within_the_cap_is_decompressed(loopback, api, names):
    api.route("/gz", body(gzip.compress(b'{"ok": 1}'), Content_Encoding="gzip"))
    response = get_json(
        f"http://api.test:{api.port}/gz", timeout=2, allow_http=True, resolver=names
    )
    assert response.json() == {"ok": 1}


def _trickle_body(request, sock):
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")
    for _ in range(100):
        sock.sendall(b" ")
        time.sleep(0.05)


@pytest.mark.parametrize("route", [trickle_headers(0.05), _trickle_body, silent])
def test_a_trickling_or_silent_server_is_cut_at_the_deadline(loopback, api, names, route):
    api.route("/slow", route)
    started = time.monotonic()
    with pytest.raises(OutboundError) as slow:
        post_json(
            f"http://api.test:{api.port}/slow", {}, timeout=0.6, allow_http=True, resolver=names
        )
    assert slow.value.reason == "timeout"
    assert time.monotonic() - started < 1.5


def test_a_slow_name_server_is_cut_at_the_deadline():
    class SlowResolver:
        def resolve(self, host, port):
            time.sleep(2)
            raise ResolveError("too late", nxdomain=False)

    started = time.monotonic()
    with pytest.raises(OutboundError, match="did not resolve in time") as slow:
        get_json("https://slow.test/", timeout=0.3, resolver=SlowResolver())
    assert slow.value.reason == "timeout" and time.monotonic() - started < 1


def test_nothing_listening_is_a_connection_failure(loopback, names):
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    with pytest.raises(OutboundError, match=r"Could not connect to api\.test") as failed:
        get_json(f"http://api.test:{port}/", timeout=2, allow_http=True, resolver=names)
    assert failed.value.reason == "connection_refused" and not failed.value.refused


def test_a_header_value_that_http_cannot_carry_is_refused(loopback, api, names):
    with pytest.raises(OutboundError) as refused:
        post_json(
            f"http://api.test:{api.port}/",
            {},
            headers={"Authorization": "Bearer x\r\nX-Injected: 1"},
            timeout=2,
            allow_http=True,
            resolver=names,
        )
    assert refused.value.reason == "bad_header" and "Bearer" not in str(refused.value)
    assert api.requests == []


# --- Nothing from the environment; the operator's egress proxy --------------------------


@pytest.fixture
def egress(proxy):
    """The operator's egress proxy: the `proxy` fixture."""
    return proxy


def test_environment_proxies_and_netrc_are_ignored(
    loopback, api, egress, names, monkeypatch, tmp_path
):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine api.test login intruder password netrc-pw\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(name, f"http://127.0.0.1:{egress.port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)

    post_json(
        f"http://api.test:{api.port}/",
        {},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=3,
        allow_http=True,
        proxy="",
        resolver=names,
    )
    assert egress.accepted == 0 and egress.requests == []
    [sent] = api.requests
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"  # not replaced from .netrc


def test_the_egress_proxy_is_asked_for_the_checked_address_only(loopback, api, egress, names):
    response = post_json(
        f"http://api.test:{api.port}/",
        {},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=3,
        allow_http=True,
        proxy=f"http://haven:p%40ss@127.0.0.1:{egress.port}",
        resolver=names,
    )
    assert response.status == 201
    [connect] = egress.requests
    assert (connect.method, connect.target) == ("CONNECT", f"127.0.0.1:{api.port}")
    assert connect.headers["proxy-authorization"] == "Basic " + base64.b64encode(
        b"haven:p@ss"
    ).decode("ascii")
    assert "authorization" not in connect.headers  # the token goes to the endpoint only
    [sent] = api.requests
    assert sent.headers["host"] == f"api.test:{api.port}"
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"


def test_the_egress_proxy_setting_is_used_when_none_is_given(
    loopback, api, egress, names, settings
):
    settings.FETCH_PROXY = f"http://127.0.0.1:{egress.port}"
    get_json(f"http://api.test:{api.port}/", timeout=3, allow_http=True, resolver=names)
    assert [r.method for r in egress.requests] == ["CONNECT"]


def test_a_refusing_proxy_is_a_proxy_error_that_keeps_its_password(loopback, api, names):
    refusing = ConnectProxy(answer=407)
    try:
        with pytest.raises(OutboundError, match="egress proxy answered") as failed:
            get_json(
                f"http://api.test:{api.port}/",
                timeout=3,
                allow_http=True,
                proxy=f"http://haven:Top-Secret@127.0.0.1:{refusing.port}",
                resolver=names,
            )
    finally:
        refusing.stop()
    assert failed.value.reason == "proxy_error" and "Top-Secret" not in str(failed.value)
    assert api.accepted == 0


@pytest.mark.parametrize(
    "setting",
    [
        "127.0.0.1:{port}",  # no scheme
        "http://haven:Top/Secret@127.0.0.1:{port}",  # a raw / in the password
        "https://haven:Top-Secret@127.0.0.1:{port}",
    ],
)
def test_the_proxy_setting_is_read_as_strictly_as_the_fetcher_reads_it(
    loopback, api, egress, names, setting
):
    with pytest.raises(OutboundError) as refused:
        get_json(
            f"http://api.test:{api.port}/",
            timeout=3,
            allow_http=True,
            proxy=setting.format(port=egress.port),
            resolver=names,
        )
    assert refused.value.reason == "proxy_error"
    assert "http://[user:password@]host:port" in str(refused.value)
    assert "Secret" not in str(refused.value)
    assert egress.accepted == 0 and api.accepted == 0


def test_the_policy_applies_through_the_proxy_too(api, egress, names):
    with pytest.raises(OutboundError, match="must not contact"):
        get_json(
            f"http://api.test:{api.port}/",
            timeout=2,
            allow_http=True,
            proxy=f"http://127.0.0.1:{egress.port}",
            resolver=names,
        )
    assert egress.accepted == 0
