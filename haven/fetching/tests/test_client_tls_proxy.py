"""HTTPS to the checked address with the certificate checked against the name, and the
egress proxy asked to connect to the checked address only."""

import base64

import pytest

from haven.fetching.client import fetch, validate_proxy_setting
from haven.fetching.resolve import StaticResolver
from haven.fetching.tests.servers import ConnectProxy, body, redirect

pytestmark = pytest.mark.usefixtures("allow_loopback")


@pytest.fixture
def secure(secure):
    secure.route("/", body(b"secret page", Content_Type="text/plain"))
    return secure


def test_https_is_verified_against_the_host_name_on_the_checked_address(
    secure, tls, resolver, connections
):
    result = fetch(
        f"https://secure.test:{secure.port}/", resolver=resolver, ssl_context=tls.client_context()
    )
    assert (result.outcome, result.body) == ("present", b"secret page")
    assert connections == ["127.0.0.1"]
    assert secure.requests[0].headers["host"] == f"secure.test:{secure.port}"


def test_a_certificate_for_another_name_fails_as_a_tls_error(secure, tls, resolver):
    result = fetch(
        f"https://other.test:{secure.port}/", resolver=resolver, ssl_context=tls.client_context()
    )
    assert (result.outcome, result.reason) == ("failed", "tls_error")
    assert secure.requests == []


def test_an_untrusted_certificate_fails_as_a_tls_error(secure, resolver):
    result = fetch(f"https://secure.test:{secure.port}/", resolver=resolver)
    assert (result.outcome, result.reason) == ("failed", "tls_error")
    assert "certificate" in result.detail.lower()


def test_plain_http_to_a_tls_port_fails_with_a_reason(secure, resolver):
    result = fetch(f"http://secure.test:{secure.port}/", resolver=resolver, timeout=2)
    assert result.outcome == "failed"
    assert result.reason in ("bad_response", "connection_reset", "timeout")


def test_a_redirect_from_http_to_https_is_checked_and_followed(
    server, secure, tls, resolver, connections
):
    server.route("/", redirect(f"https://secure.test:{secure.port}/"))
    result = fetch(
        f"http://host.test:{server.port}/", resolver=resolver, ssl_context=tls.client_context()
    )
    assert (result.outcome, result.body) == ("present", b"secret page")
    assert connections == ["127.0.0.1", "127.0.0.1"]


def test_through_the_proxy_http_is_tunnelled_to_the_checked_address(
    server, proxy, resolver, connections
):
    server.route("/", body(b"via proxy"))
    result = fetch(
        f"http://host.test:{server.port}/page",
        resolver=resolver,
        proxy=f"http://127.0.0.1:{proxy.port}",
    )
    assert (result.outcome, result.body) == ("present", b"via proxy")
    [connect] = proxy.requests
    # The proxy is given the checked address, never the name to resolve itself.
    assert (connect.method, connect.target) == ("CONNECT", f"127.0.0.1:{server.port}")
    assert server.requests[0].headers["host"] == f"host.test:{server.port}"
    assert server.requests[0].target == "/page"
    assert connections == []  # no direct connection to the target


def test_through_the_proxy_https_keeps_the_name_for_the_certificate(secure, tls, proxy, resolver):
    result = fetch(
        f"https://secure.test:{secure.port}/",
        resolver=resolver,
        proxy=f"http://127.0.0.1:{proxy.port}",
        ssl_context=tls.client_context(),
    )
    assert (result.outcome, result.body) == ("present", b"secret page")
    assert proxy.requests[0].target == f"127.0.0.1:{secure.port}"


def test_the_proxy_setting_is_used_by_default(server, proxy, resolver, settings):
    settings.FETCH_PROXY = f"http://127.0.0.1:{proxy.port}"
    server.route("/", body(b"ok"))
    assert fetch(f"http://host.test:{server.port}/", resolver=resolver).outcome == "present"
    assert len(proxy.requests) == 1


def test_with_a_proxy_forbidden_targets_are_still_refused_before_the_proxy_is_asked(proxy):
    resolver = StaticResolver({"inside.test": ["10.1.2.3"]})
    result = fetch("http://inside.test/", resolver=resolver, proxy=f"http://127.0.0.1:{proxy.port}")
    assert (result.outcome, result.reason) == ("refused", "forbidden_address")
    assert proxy.requests == [] and proxy.accepted == 0


def test_a_proxy_that_refuses_the_tunnel_fails_with_a_reason(server, resolver):
    refusing = ConnectProxy(answer=403)
    try:
        result = fetch(
            f"http://host.test:{server.port}/",
            resolver=resolver,
            proxy=f"http://127.0.0.1:{refusing.port}",
        )
    finally:
        refusing.stop()
    assert (result.outcome, result.reason) == ("failed", "proxy_error")
    assert "403" in result.detail


def test_a_proxy_that_is_down_fails_with_a_reason(server, resolver):
    result = fetch(
        f"http://host.test:{server.port}/", resolver=resolver, proxy="http://127.0.0.1:1"
    )
    assert (result.outcome, result.reason) == ("failed", "proxy_error")


def test_a_malformed_proxy_setting_fails_with_a_reason(server, resolver):
    result = fetch(f"http://host.test:{server.port}/", resolver=resolver, proxy="http://:x")
    assert (result.outcome, result.reason) == ("failed", "proxy_error")


def test_proxy_credentials_go_to_the_proxy_only(server, proxy, resolver):
    server.route("/", body(b"ok"))
    fetch(
        f"http://host.test:{server.port}/",
        resolver=resolver,
        proxy=f"http://egress:s3cret@127.0.0.1:{proxy.port}",
    )
    assert proxy.requests[0].headers["proxy-authorization"].startswith("Basic ")
    assert "proxy-authorization" not in server.requests[0].headers


@pytest.mark.parametrize(
    "setting",
    [
        "http://haven:S3cret/pw@proxy.internal:3128",
        "http://haven:abc#defSECRET@proxy:3128",
        "http://haven:pa?ssSECRET@proxy:3128",
        "http://haven:SECRET@proxy:port",
        "http://haven:SECRET@[::1:3128",
        "http://haven:SECRET@pro xy:3128",
    ],
)
def test_a_broken_proxy_setting_never_shows_any_of_its_password(server, resolver, setting):
    result = fetch(f"http://host.test:{server.port}/", resolver=resolver, proxy=setting)
    assert (result.outcome, result.reason) == ("failed", "proxy_error")
    for secret in ("S3cret", "pw@", "SECRET", "abc", "pa?", "haven", "proxy:"):
        assert secret not in result.detail
    assert "http://[user:password@]host:port" in result.detail
    assert server.requests == []


@pytest.mark.parametrize("scheme", ["https", "socks5", "HTTPS"])
def test_only_a_plain_http_proxy_is_accepted_so_credentials_never_go_out_unexpectedly_clear(
    server, proxy, resolver, scheme
):
    result = fetch(
        f"http://host.test:{server.port}/",
        resolver=resolver,
        proxy=f"{scheme}://haven:TopSecret@127.0.0.1:{proxy.port}",
    )
    assert (result.outcome, result.reason) == ("failed", "proxy_error")
    assert "only an http:// proxy" in result.detail and "TopSecret" not in result.detail
    assert proxy.accepted == 0


def test_percent_encoded_proxy_credentials_are_decoded(server, proxy, resolver):
    server.route("/", body(b"ok"))
    result = fetch(
        f"http://host.test:{server.port}/",
        resolver=resolver,
        proxy=f"http://egress%40hotline:p%40ss%2Fw%23rd%3F%3A@127.0.0.1:{proxy.port}",
    )
    assert result.outcome == "present"
    sent = proxy.requests[0].headers["proxy-authorization"]
    assert base64.b64decode(sent.removeprefix("Basic ")) == b"egress@hotline:p@ss/w#rd?:"


@pytest.mark.parametrize(
    "setting",
    [
        "",
        "http://proxy.internal:3128",
        "http://proxy.internal:3128/",
        "http://haven:s3cret@proxy.internal:3128",
        "http://haven:p%2Fw%23@10.0.0.5:3128",
        "http://[fd00::5]:3128",
        "HTTP://proxy.internal",
    ],
)
def test_usable_proxy_settings_pass_validation(setting):
    assert validate_proxy_setting(setting) is None


@pytest.mark.parametrize(
    "setting",
    [
        "proxy.internal:3128",
        "https://proxy.internal:3128",
        "socks5://proxy.internal:1080",
        "http://haven:S3cret/pw@proxy.internal:3128",
        "http://proxy.internal:3128/path",
        "http://proxy.internal:3128?x",
        "http://proxy.internal:99999",
        "http://proxy.internal:0",
        "http://:3128",
        "http://pro_xy!.internal:3128",
        "http://proxy.internal:3128\nX-Injected: 1",
        "http://prøxy.internal:3128",
    ],
)
def test_unusable_proxy_settings_are_explained_without_quoting_them(setting):
    problem = validate_proxy_setting(setting)
    assert problem and problem.startswith("HAVEN_FETCH_PROXY is not usable")
    assert "proxy.internal" not in problem and "S3cret" not in problem
