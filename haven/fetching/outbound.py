"""Calls to endpoints that an operator or a partner configured: a host's notice API, a
partner's Haven, RDAP registries.

These addresses come from the directory, a partner record or a setting rather than from a
reporter, but they are still not trusted. A mistyped or tampered entry, or a registry's
redirect, could point Haven at its own network (the cloud metadata service, a database,
an internal API), and the request may carry a Bearer token. So every call goes through
the same address policy as the fetching of reported addresses (`haven.fetching.policy`,
with the same test allow-list): the host is resolved once, every address it resolved to
is checked, and the TCP connection is opened to one of those checked addresses. HTTPS is
then spoken over that connection with the real host name, sent as SNI and used for the
certificate check. The sockets, the proxy tunnel, the deadline and the capped body reader
are `haven.fetching.transport`, shared with `client.fetch`; this module decides what is
sent and how each failure is worded.

What else each call does:
- https only, unless the caller allows plain http (tests, closed networks). A redirect
  from https to http is refused even then.
- An address with a user name or password is refused: credentials go in headers the
  caller chose, never in a URL.
- No environment proxies, no .netrc and no cookies. `http.client` reads none of them.
  The operator's egress proxy (`HAVEN_FETCH_PROXY`, or `proxy=`) is used the way the
  fetcher uses it, `CONNECT <checked IP>:<port>`, and read as strictly: only
  `http://[user:password@]host:port`, with `/ # ? @ :` in the credentials
  percent-encoded. Anything else is a `proxy_error` that never quotes the value.
- The User-Agent is `policy.API_USER_AGENT` ("Haven/1.0"), unless the caller names
  itself in `headers` (RDAP sends "Haven-RDAP/1.0"): these endpoints expect Haven, so,
  unlike the fetcher of reported addresses, these calls do not pose as a browser.
- POST never follows redirects: the answer is returned as it is. GET follows up to
  `max_redirects` by hand, and each Location is parsed and checked again like the first
  address. Authorization and Cookie headers go to the first origin only.
- One wall-clock deadline covers name resolution, connecting, TLS, sending, the headers
  and the body, over every hop. Every socket read waits at most until that deadline, so
  a server that trickles its headers or body a byte at a time is cut off there.
- A byte cap on the answer. A Content-Length above it is refused before reading, and a
  chunked or endless body is cut at the cap, decompressed bytes included.

`post_json` and `get_json` return a `Response` with any status. Everything that prevents
a full answer raises `OutboundError(reason, sentence)`. The sentence names the host and
never the whole address, because an address may hold a secret.
"""

from __future__ import annotations

import http.client
import json
import ssl
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from haven.fetching import policy, transport, urls
from haven.fetching.resolve import ResolveError, Resolver, SystemResolver

MAX_BYTES = 1024 * 1024
MAX_REDIRECTS = 3
CONNECT_TIMEOUT_SECONDS = 10.0
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Headers that this module sets itself; a caller's value for them is ignored.
OWN_HEADERS = frozenset(
    {"host", "content-length", "connection", "accept-encoding", "transfer-encoding"}
)

# Headers that carry credentials: dropped when a redirect leads to another origin.
CREDENTIALS = frozenset({"authorization", "cookie", "proxy-authorization"})

# Nothing was sent, because the address itself is unacceptable. It needs correcting;
# retrying it will not help.
REFUSED = frozenset(
    {
        "bad_url",
        "unsupported_scheme",
        "not_https",
        "insecure_redirect",
        "credentials",
        "forbidden_port",
        "forbidden_address",
        "bad_header",
    }
)


class OutboundError(Exception):
    """No full answer. `reason` is a short code; str() is a sentence for people."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message

    @property
    def refused(self) -> bool:
        """The address was refused before anything was sent to it."""
        return self.reason in REFUSED


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes  # decompressed, at most `max_bytes`
    url: str  # the address that gave this answer, after any redirects

    def json(self) -> Any:
        """The body as JSON (raises ValueError when it is not)."""
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def post_json(
    url: str,
    payload: Any,
    *,
    headers: Mapping[str, str] | None = None,
    timeout: float,
    **options: Any,
) -> Response:
    """POST `payload` as JSON. A redirect is returned as the answer and is not followed."""
    body = json.dumps(payload, allow_nan=False).encode()
    own = {"Content-Type": "application/json", "Accept": "application/json"}
    return request("POST", url, body=body, headers=_merge(own, headers), timeout=timeout, **options)


def get_json(
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    timeout: float,
    max_redirects: int = MAX_REDIRECTS,
    **options: Any,
) -> Response:
    """GET, asking for JSON, and follow redirects after checking each one."""
    own = {"Accept": "application/json"}
    return request(
        "GET",
        url,
        headers=_merge(own, headers),
        timeout=timeout,
        max_redirects=max_redirects,
        **options,
    )


def request(
    method: str,
    url: str,
    *,
    body: bytes = b"",
    headers: Mapping[str, str] | None = None,
    timeout: float,
    connect_timeout: float = CONNECT_TIMEOUT_SECONDS,
    max_bytes: int = MAX_BYTES,
    max_redirects: int = 0,
    allow_http: bool = False,
    proxy: str | None = None,
    resolver: Resolver | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> Response:
    """One call under the address policy and the caps (see the module docstring).

    Redirects are followed for GET only. `proxy` None means `settings.FETCH_PROXY`, and
    "" means no proxy.
    """
    method = method.upper()
    call = _Call(
        method=method,
        body=body,
        headers=dict(headers or {}),
        deadline=transport.Deadline(float(timeout), _timed_out),
        connect_timeout=float(connect_timeout),
        max_bytes=int(max_bytes),
        max_redirects=int(max_redirects) if method == "GET" else 0,
        allow_http=allow_http,
        proxy=_proxy(settings.FETCH_PROXY if proxy is None else proxy),
        resolver=resolver or SystemResolver(),
        context=ssl_context,
    )
    return call.run(url)


# --- One call ------------------------------------------------------------------------


def _timed_out(sentence: str) -> OutboundError:
    return OutboundError("timeout", sentence)


def _proxy(setting: str) -> transport.Proxy | None:
    try:
        return transport.parse_proxy(setting)
    except urls.BadUrl as error:
        # A fixed sentence: it never quotes the setting, which holds the password.
        raise OutboundError("proxy_error", error.message) from None


@dataclass
class _Call:
    method: str
    body: bytes
    headers: dict[str, str]
    deadline: transport.Deadline
    connect_timeout: float
    max_bytes: int
    max_redirects: int
    allow_http: bool
    proxy: transport.Proxy | None
    resolver: Resolver
    context: ssl.SSLContext | None

    def run(self, url: str) -> Response:
        target = _parse(url, redirect=False)
        first = target
        seen: set[str] = set()
        previous: urls.Parsed | None = None
        while True:
            self.check(target, previous)
            if target.url in seen:
                raise OutboundError(
                    "redirect_loop", f"{target.host} redirected back to an address already tried."
                )
            seen.add(target.url)
            # Credentials are meant for the origin the caller named, not wherever it
            # redirects to.
            headers = self.headers
            if _origin(target) != _origin(first):
                headers = {k: v for k, v in headers.items() if k.lower() not in CREDENTIALS}
            answer = self.exchange(target, headers)
            if isinstance(answer, Response):
                return answer
            if len(seen) > self.max_redirects:
                raise OutboundError(
                    "too_many_redirects", f"More than {self.max_redirects} redirects."
                )
            previous, target = target, _parse(urls.join(target.url, answer), redirect=True)

    def check(self, target: urls.Parsed, previous: urls.Parsed | None) -> None:
        if target.has_credentials:
            where = "A redirect to an address" if previous else "The address"
            raise OutboundError(
                "credentials",
                f"{where} of {target.host} has a user name or password in it; refused.",
            )
        if target.scheme == "http" and previous is not None and previous.scheme == "https":
            raise OutboundError(
                "insecure_redirect",
                f"{previous.host} redirected from https to plain http ({target.host}); refused.",
            )
        if target.scheme == "http" and not self.allow_http:
            raise OutboundError(
                "not_https", f"Only https:// addresses are used; {target.host} was plain http."
            )
        if not policy.port_allowed(target.port):
            raise OutboundError(
                "forbidden_port", f"Port {target.port} of {target.host} is not used for HTTP."
            )

    def exchange(self, target: urls.Parsed, headers: dict[str, str]) -> Response | str:
        """One request: the full answer, or the Location of a redirect to follow."""
        addresses = self.resolve(target)
        refusal = transport.forbidden(target, addresses)
        if refusal is not None:
            raise OutboundError("forbidden_address", refusal)
        connection = self.connect(target, addresses)
        try:
            response = self.send(connection, target, headers)
            if response.status in REDIRECT_STATUSES and self.max_redirects:
                location = (response.getheader("Location") or "").strip()
                if not location:
                    raise OutboundError(
                        "bad_redirect", f"{target.host} redirected without a Location."
                    )
                return location
            answer_headers = transport.response_headers(response)
            data = transport.read_body(response, self.deadline, self.max_bytes)
            return Response(response.status, answer_headers, data, target.url)
        except OutboundError:
            raise
        except Exception as error:
            translated = _translate(error, target.host)
            if translated is None:
                raise
            raise translated from None
        finally:
            connection.release()

    def resolve(self, target: urls.Parsed) -> list[str]:
        try:
            return transport.resolve(self.resolver, target, self.deadline)
        except transport.NotAnAddress:
            raise OutboundError(
                "dns_error", f"The resolver answered a non-address for {target.host}."
            ) from None
        except ResolveError as error:
            raise OutboundError("dns_error", str(error)) from None
        except TimeoutError:
            raise OutboundError(
                "timeout", f"The name {target.host} did not resolve in time."
            ) from None

    def connect(self, target: urls.Parsed, addresses: list[str]) -> transport.PinnedConnection:
        try:
            sock, _address = transport.connect(
                addresses,
                target.port,
                proxy=self.proxy,
                connect_timeout=self.connect_timeout,
                deadline=self.deadline,
            )
        except transport.ProxyFailure as failure:
            raise self.proxy_error(failure) from None
        except transport.ConnectFailed as failed:
            if failed.failures and isinstance(failed.failures[-1][1], TimeoutError):
                self.deadline.remaining()  # the whole call's deadline, if that is what passed
            tried = "; ".join(
                f"{address}: {_connect_failure(error)}" for address, error in failed.failures
            )
            raise OutboundError(
                failed.reason, f"Could not connect to {target.host} ({tried})."
            ) from None
        return transport.PinnedConnection(sock, target, self.deadline, self.context)

    def proxy_error(self, failure: transport.ProxyFailure) -> OutboundError:
        error = failure.error
        if failure.kind == "unreachable":
            self.deadline.remaining()  # the whole call's deadline, if that is what passed
            return OutboundError(
                "proxy_error", f"The egress proxy is unreachable ({_strerror(error)})."
            )
        if failure.kind == "failed":
            if isinstance(error, TimeoutError):
                return OutboundError("timeout", "The egress proxy did not answer in time.")
            return OutboundError("proxy_error", f"The egress proxy failed ({_strerror(error)}).")
        if failure.kind == "refused":
            return OutboundError(
                "proxy_error", f"The egress proxy answered: {failure.answer[:100]!r}."
            )
        return OutboundError("proxy_error", str(failure))

    def send(
        self, connection: transport.PinnedConnection, target: urls.Parsed, extra: dict[str, str]
    ) -> http.client.HTTPResponse:
        own = {
            "Host": target.authority,
            "User-Agent": policy.API_USER_AGENT,
            "Accept-Encoding": "identity",
            "Connection": "close",
        }
        if self.body or self.method in ("POST", "PUT", "PATCH"):
            own["Content-Length"] = str(len(self.body))
        try:
            return transport.send(connection, self.method, target, _merge(own, extra), self.body)
        except transport.BadHeader as error:
            raise OutboundError("bad_header", str(error)) from None


def _merge(own: Mapping[str, str], extra: Mapping[str, str] | None) -> dict[str, str]:
    """`own` overridden by `extra` (names compared without case), except for the headers
    this module sets itself (`OWN_HEADERS`)."""
    merged = {name.lower(): (name, value) for name, value in own.items()}
    for name, value in (extra or {}).items():
        if name.lower() not in OWN_HEADERS:
            merged[name.lower()] = (name, value)
    return dict(merged.values())


def _origin(target: urls.Parsed) -> tuple[str, str, int]:
    return target.scheme, target.host, target.port


def _parse(url: str, *, redirect: bool) -> urls.Parsed:
    try:
        return urls.parse(url)
    except urls.BadUrl as error:
        if error.code == "unsupported_scheme":
            where = "A redirect led to" if redirect else "This is"
            raise OutboundError(
                "unsupported_scheme", f"{where} an address that is not http(s); refused."
            ) from None
        reason = "bad_redirect" if redirect else "bad_url"
        where = "The redirect's address" if redirect else "The address"
        raise OutboundError(reason, f"{where} cannot be used: {error.message}") from None


def _translate(error: Exception, host: str) -> OutboundError | None:
    """What the transport, sockets, TLS and http.client raise, as an OutboundError (None:
    a bug)."""
    if isinstance(error, transport.TooLarge):
        return OutboundError("too_large", f"{host} answered more than {error.max_bytes:,} bytes.")
    if isinstance(error, transport.ShortBody):
        return OutboundError(
            "connection_reset",
            f"{host} sent {error.received:,} of the {error.announced:,} bytes it announced.",
        )
    if isinstance(error, ssl.SSLError):
        return OutboundError("tls_error", f"TLS with {host} failed: {error}")
    if isinstance(error, TimeoutError):
        return OutboundError("timeout", f"{host} did not answer in time.")
    if isinstance(error, http.client.IncompleteRead):
        return OutboundError(
            "connection_reset", f"{host} ended its answer before its announced end."
        )
    if isinstance(error, (ConnectionResetError, BrokenPipeError)):
        return OutboundError(
            "connection_reset", f"{host} closed the connection before a full answer."
        )
    if isinstance(error, (http.client.HTTPException, zlib.error)):
        return OutboundError(
            "bad_response", f"{host} did not answer valid HTTP ({type(error).__name__})."
        )
    if isinstance(error, OSError):
        return OutboundError(
            "connection_error", f"The connection to {host} failed ({error.strerror or error})."
        )
    return None


def _connect_failure(error: OSError) -> str:
    if isinstance(error, TimeoutError):
        return "timed out"
    if isinstance(error, ConnectionRefusedError):
        return "refused"
    return _strerror(error)


def _strerror(error: OSError | None) -> str:
    return (error.strerror or str(error)) if error is not None else ""
