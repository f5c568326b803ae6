"""The one way Haven fetches a reported address: SSRF-safe, capped, and never raising.

For each hop of a fetch: parse and canonicalise the address (`urls.parse`), resolve the
host once, check every address it resolved to against the policy (one forbidden address
refuses the hop: a public name that also points inside is an attack, not an accident),
then open the TCP connection to one of those checked IP addresses ourselves. The name is
never handed to anything that would resolve it again, so a DNS answer that changes
between the check and the connection (DNS rebinding) cannot move the request inside.
Redirects are followed by hand, and every Location goes through the same steps.

Caps: one wall-clock deadline for the whole fetch (every socket read waits at most until
it, so a server that trickles a byte a second is cut at the deadline), a connect timeout
per attempt, a byte cap (a Content-Length above it is refused before reading; a chunked
or endless body is cut at it), a redirect cap. No cookies, no credentials, no
Authorization; `Accept-Encoding: identity`, and a server that compresses anyway is
decompressed only up to the byte cap (a gzip bomb stops at the cap).

With an egress proxy, the target is still resolved and checked here, and the proxy is
asked to `CONNECT` to the checked IP address (for http as well as https), so the proxy
never resolves the name itself and the Host header reaches the site unchanged.

The sockets, the proxy tunnel, the deadline and the capped body reader are
`haven.fetching.transport`, shared with `outbound`; this module decides what is sent,
follows the redirects and turns every failure into a `Result`'s outcome and reason.
Every outcome is a `Result`; hostile input never raises.
"""

from __future__ import annotations

import http.client
import logging
import ssl
import zlib
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from haven.fetching import policy, transport, urls
from haven.fetching.reasons import REASONS
from haven.fetching.resolve import ResolveError, Resolver, SystemResolver

# Other modules and the settings take these from here.
from haven.fetching.transport import clean_text as clean_text
from haven.fetching.transport import validate_proxy_setting as validate_proxy_setting

log = logging.getLogger(__name__)

PRESENT, GONE, REFUSED, FAILED = "present", "gone", "refused", "failed"
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
GONE_STATUSES = {404: "not_found", 410: "gone", 451: "legal_block"}
# A Location is kept in the redirect chain as received, up to this many characters.
MAX_LOCATION = 4000


@dataclass
class Hop:
    url: str
    addresses: list[str] = field(default_factory=list)
    connected: str = ""
    status: int | None = None
    location: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "addresses": self.addresses,
            "connected": self.connected,
            "status": self.status,
            "location": self.location,
        }


@dataclass
class Result:
    outcome: str
    reason: str = ""
    detail: str = ""
    requested_url: str = ""
    final_url: str = ""
    status_code: int | None = None
    # The addresses of the host that gave the final answer (or the refused ones).
    addresses: list[str] = field(default_factory=list)
    connected_address: str = ""
    # Every redirect followed, in order, as dicts (url, addresses, connected, status,
    # location).
    redirects: list[dict[str, Any]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = ""
    body: bytes = b""
    size: int = 0

    @property
    def sentence(self) -> str:
        return REASONS.get(self.reason, self.reason)


class _Stop(Exception):
    """Ends a fetch with an outcome; raised inside, always turned into a Result."""

    def __init__(self, outcome: str, reason: str, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.outcome, self.reason = outcome, reason
        # Details often quote what the server or the address said ("The port “…” is
        # not a number."): hostile text, cleaned before it goes anywhere.
        self.detail = clean_text(detail or REASONS[reason])


@dataclass
class _Limits:
    deadline: transport.Deadline
    connect_timeout: float
    max_bytes: int
    max_redirects: int

    @property
    def timeout(self) -> float:
        return self.deadline.seconds


def _timed_out(sentence: str) -> _Stop:
    return _Stop(FAILED, "timeout", sentence)


def fetch(
    url: str,
    *,
    resolver: Resolver | None = None,
    max_bytes: int | None = None,
    timeout: float | None = None,
    connect_timeout: float | None = None,
    max_redirects: int | None = None,
    proxy: str | None = None,
    method: str = "GET",
    ssl_context: ssl.SSLContext | None = None,
) -> Result:
    """Fetch `url` under the address policy and the caps; never raises for bad input."""
    total = float(settings.FETCH_TIMEOUT_SECONDS if timeout is None else timeout)
    limits = _Limits(
        deadline=transport.Deadline(total, _timed_out),
        connect_timeout=float(
            settings.FETCH_CONNECT_TIMEOUT_SECONDS if connect_timeout is None else connect_timeout
        ),
        max_bytes=int(settings.FETCH_MAX_BYTES if max_bytes is None else max_bytes),
        max_redirects=int(settings.FETCH_MAX_REDIRECTS if max_redirects is None else max_redirects),
    )
    session = _Session(
        resolver=resolver or SystemResolver(),
        limits=limits,
        proxy=settings.FETCH_PROXY if proxy is None else proxy,
        method=method.upper() if method.upper() in ("GET", "HEAD") else "GET",
        context=ssl_context,
    )
    result = Result(outcome=FAILED, requested_url=url if isinstance(url, str) else "")
    try:
        session.start()
        session.run(url, result)
    except _Stop as stop:
        result.outcome, result.reason, result.detail = stop.outcome, stop.reason, stop.detail
        result.body = b""
    except Exception as error:  # a bug, not the input: record it rather than lose the case
        log.exception("unexpected error fetching a reported address")
        result.outcome, result.reason = FAILED, "error"
        result.detail = clean_text(f"{type(error).__name__}: {error}"[:500])
        result.body = b""
    result.redirects = [hop.as_dict() for hop in session.hops[:-1]]
    if session.hops:
        last = session.hops[-1]
        result.final_url = last.url
        result.addresses, result.connected_address = last.addresses, last.connected
    return result


class _Session:
    def __init__(self, *, resolver, limits: _Limits, proxy: str, method: str, context) -> None:
        self.resolver = resolver
        self.limits = limits
        self.proxy_setting = proxy
        self.proxy: transport.Proxy | None = None
        self.method = method
        self.context = context
        self.hops: list[Hop] = []

    def start(self) -> None:
        try:
            self.proxy = transport.parse_proxy(self.proxy_setting)
        except urls.BadUrl as error:
            # A fixed sentence: it never quotes the setting, which holds the password.
            raise _Stop(FAILED, "proxy_error", error.message) from None

    def run(self, url: str, result: Result) -> None:
        target = _parse(url, redirect=False)
        seen: set[str] = set()
        while True:
            hop = Hop(url=target.url)
            self.hops.append(hop)
            result.status_code, result.headers, result.content_type = None, {}, ""
            if target.url in seen:
                raise _Stop(FAILED, "redirect_loop", f"{target.url} was already visited.")
            seen.add(target.url)
            _check_target(target)
            location = self.one_hop(target, hop, result)
            if location is None:
                return
            hop.location = clean_text(location[:MAX_LOCATION])
            if len(self.hops) > self.limits.max_redirects:
                raise _Stop(
                    FAILED,
                    "too_many_redirects",
                    f"More than {self.limits.max_redirects} redirects.",
                )
            try:
                joined = urls.join(target.url, location)
            except ValueError:  # "//[::1" and other Locations no URL parser can read
                raise _Stop(
                    FAILED, "bad_redirect", "The redirect's Location cannot be understood."
                ) from None
            target = _parse(joined, redirect=True)

    def one_hop(self, target: urls.Parsed, hop: Hop, result: Result) -> str | None:
        """One request; the Location to follow next, or None when the answer is final."""
        hop.addresses = self.resolve(target)
        refusal = transport.forbidden(target, hop.addresses)
        if refusal is not None:
            raise _Stop(REFUSED, "forbidden_address", refusal)
        connection = self.connect(target, hop)
        try:
            response = self.send(connection, target)
            hop.status = status = response.status
            result.status_code = status
            result.headers = transport.response_headers(response)
            result.content_type = clean_text(response.getheader("Content-Type", "")[:200])
            if status in REDIRECT_STATUSES:
                location = response.getheader("Location")
                if not location:
                    raise _Stop(FAILED, "bad_redirect", f"A {status} redirect without a Location.")
                return location
            self.judge(status, response, result)
            return None
        finally:
            connection.release()

    def resolve(self, target: urls.Parsed) -> list[str]:
        try:
            return transport.resolve(self.resolver, target, self.limits.deadline)
        except ResolveError as error:
            if error.nxdomain:
                raise _Stop(GONE, "nxdomain", f"The name {target.host} does not exist.") from None
            raise _Stop(FAILED, "dns_error", str(error)) from None
        except TimeoutError:
            raise _Stop(
                FAILED, "timeout", f"The name {target.host} did not resolve in time."
            ) from None

    def connect(self, target: urls.Parsed, hop: Hop) -> transport.PinnedConnection:
        try:
            sock, hop.connected = transport.connect(
                hop.addresses,
                target.port,
                proxy=self.proxy,
                connect_timeout=self.limits.connect_timeout,
                deadline=self.limits.deadline,
            )
        except transport.ProxyFailure as failure:
            raise _Stop(FAILED, "proxy_error", str(failure)) from None
        except transport.ConnectFailed as failed:
            tried = "; ".join(
                f"{address}: {_connect_failure(error)}" for address, error in failed.failures
            )
            raise _Stop(FAILED, failed.reason, f"{REASONS[failed.reason]} ({tried})") from None
        return transport.PinnedConnection(sock, target, self.limits.deadline, self.context)

    def send(
        self, connection: transport.PinnedConnection, target: urls.Parsed
    ) -> http.client.HTTPResponse:
        headers = {
            "Host": target.authority,
            "User-Agent": policy.user_agent(),
            "Accept": "*/*",
            "Accept-Encoding": "identity",
            "Connection": "close",
        }
        try:
            return transport.send(connection, self.method, target, headers)
        except _Stop:
            raise
        except ssl.SSLError as error:
            raise _Stop(FAILED, "tls_error", f"TLS failed: {error}") from None
        except TimeoutError:
            raise _Stop(
                FAILED, "timeout", f"No answer within {self.limits.timeout:g} seconds."
            ) from None
        except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected):
            raise _Stop(FAILED, "connection_reset") from None
        except http.client.HTTPException as error:
            raise _Stop(FAILED, "bad_response", f"Invalid HTTP: {type(error).__name__}.") from None
        except OSError as error:
            raise _Stop(FAILED, "connection_error", str(error)) from None

    def read_body(self, response: http.client.HTTPResponse) -> bytes:
        limits = self.limits
        try:
            return transport.read_body(response, limits.deadline, limits.max_bytes)
        except transport.TooLarge as large:
            if large.announced is None:
                raise _Stop(FAILED, "too_large", f"More than {limits.max_bytes:,} bytes.") from None
            raise _Stop(
                FAILED,
                "too_large",
                f"The server announced {large.announced:,} bytes; the cap is {limits.max_bytes:,}.",
            ) from None
        except transport.ShortBody as short:
            raise _Stop(
                FAILED,
                "connection_reset",
                f"The body ended after {short.received:,} of the {short.announced:,} bytes "
                "announced.",
            ) from None
        except TimeoutError:
            raise _Stop(
                FAILED, "timeout", f"The body did not arrive within {limits.timeout:g} seconds."
            ) from None
        except http.client.IncompleteRead:
            raise _Stop(
                FAILED, "connection_reset", "The body ended before its announced end."
            ) from None
        except (ConnectionResetError, BrokenPipeError):
            raise _Stop(FAILED, "connection_reset") from None
        except http.client.HTTPException as error:
            raise _Stop(
                FAILED, "bad_response", f"Invalid HTTP body: {type(error).__name__}."
            ) from None
        except zlib.error:
            raise _Stop(FAILED, "bad_response", "The compressed body is corrupt.") from None

    def judge(self, status: int, response: http.client.HTTPResponse, result: Result) -> None:
        if 200 <= status < 300:
            result.outcome = PRESENT
            result.body = self.read_body(response) if self.method == "GET" else b""
            result.size = len(result.body)
            return
        if status in GONE_STATUSES:
            raise _Stop(GONE, GONE_STATUSES[status], f"{REASONS[GONE_STATUSES[status]]}")
        if status >= 500:
            raise _Stop(FAILED, "server_error", f"The server answered {status}.")
        if 300 <= status < 400:
            raise _Stop(FAILED, "bad_redirect", f"The server answered {status} without a redirect.")
        raise _Stop(FAILED, "http_error", f"The server answered {status}.")


def _parse(url: str, *, redirect: bool) -> urls.Parsed:
    try:
        return urls.parse(url)
    except urls.BadUrl as error:
        if error.code == "unsupported_scheme":
            where = "The server redirected to" if redirect else "This is"
            raise _Stop(
                REFUSED, "unsupported_scheme", f"{where} a non-web address: {error.message}"
            ) from None
        reason = "bad_redirect" if redirect else "bad_url"
        raise _Stop(FAILED, reason, error.message) from None


def _check_target(target: urls.Parsed) -> None:
    if target.has_credentials:
        raise _Stop(REFUSED, "credentials")
    if not policy.port_allowed(target.port):
        raise _Stop(REFUSED, "forbidden_port", f"Port {target.port} is not used for web pages.")


def _connect_failure(error: OSError) -> str:
    reason = transport.failure_reason(error)
    return f"{reason}: {error}" if reason == "connection_error" else reason
