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

Every outcome is a `Result`; hostile input never raises.
"""

from __future__ import annotations

import base64
import http.client
import io
import ipaddress
import logging
import socket
import ssl
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit

from django.conf import settings

from haven.fetching import policy, urls
from haven.fetching.reasons import REASONS
from haven.fetching.resolve import ResolveError, Resolver, SystemResolver, resolve_within

log = logging.getLogger(__name__)

PRESENT, GONE, REFUSED, FAILED = "present", "gone", "refused", "failed"
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
GONE_STATUSES = {404: "not_found", 410: "gone", 451: "legal_block"}
# The CONNECT answer from a proxy is a status line and a few headers.
MAX_PROXY_ANSWER = 16 * 1024
# A Location is kept in the redirect chain as received, up to this many characters.
MAX_LOCATION = 4000

# What a hostile server sends ends up in the database (PostgreSQL text and JSON cannot
# hold NUL) and on staff pages: control characters other than tab become U+FFFD (line
# breaks a space), and so do lone surrogates, which cannot be encoded as UTF-8.
_UNPRINTABLE = (
    {code: "\ufffd" for code in range(0x20) if code != 0x09}
    | {0x0A: " ", 0x0D: " "}
    | {code: "\ufffd" for code in range(0xD800, 0xE000)}
)


def clean_text(value: str) -> str:
    """`value` without NUL, other control characters (tab aside) or lone surrogates."""
    return value.translate(_UNPRINTABLE)


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
    deadline: float
    timeout: float
    connect_timeout: float
    max_bytes: int
    max_redirects: int

    def remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise _Stop(FAILED, "timeout", f"No full answer within {self.timeout:g} seconds.")
        return left


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
        deadline=time.monotonic() + total,
        timeout=total,
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
        self.proxy: tuple[str, int, str] | None = None
        self.method = method
        self.context = context
        self.hops: list[Hop] = []

    def start(self) -> None:
        if not self.proxy_setting:
            return
        try:
            self.proxy = _parse_proxy(self.proxy_setting)
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
        forbidden = [(a, policy.forbidden_reason(a)) for a in hop.addresses]
        bad = [f"{address} ({reason})" for address, reason in forbidden if reason]
        if bad:
            where = "is" if target.ip is not None else "resolves to"
            raise _Stop(
                REFUSED,
                "forbidden_address",
                f"{target.host} {where} an address Haven must not contact: "
                + ", ".join(bad)
                + ". Nothing was sent.",
            )
        connection = self.connect(target, hop)
        try:
            response = self.send(connection, target)
            hop.status = status = response.status
            result.status_code = status
            result.headers = {
                clean_text(name.lower()): clean_text(value) for name, value in response.getheaders()
            }
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
        if target.ip is not None:
            return [str(target.ip)]
        try:
            addresses = resolve_within(
                self.resolver, target.host, target.port, self.limits.remaining()
            )
        except ResolveError as error:
            if error.nxdomain:
                raise _Stop(GONE, "nxdomain", f"The name {target.host} does not exist.") from None
            raise _Stop(FAILED, "dns_error", str(error)) from None
        except TimeoutError:
            raise _Stop(
                FAILED, "timeout", f"The name {target.host} did not resolve in time."
            ) from None
        checked = []
        for address in addresses:
            try:
                checked.append(str(ipaddress.ip_address(address)))
            except ValueError:
                raise _Stop(
                    FAILED, "dns_error", f"The resolver answered a non-address: {address!r}."
                ) from None
        if not checked:
            raise _Stop(FAILED, "dns_error", f"The name {target.host} has no addresses.")
        return list(dict.fromkeys(checked))

    def connect(self, target: urls.Parsed, hop: Hop) -> _Connection:
        errors = []
        for address in hop.addresses:
            try:
                if self.proxy is not None:
                    sock = self.through_proxy(address, target.port)
                else:
                    sock = _open(address, target.port, self.limits)
            except _Stop:
                raise
            except TimeoutError:
                errors.append((address, "connect_timeout"))
                continue
            except ConnectionRefusedError:
                errors.append((address, "connection_refused"))
                continue
            except OSError as error:
                errors.append((address, f"connection_error: {error}"))
                continue
            hop.connected = address
            return _Connection(sock, target, self.limits, self.context)
        reason = errors[-1][1].partition(":")[0] if errors else "connection_error"
        tried = "; ".join(f"{address}: {error}" for address, error in errors)
        raise _Stop(FAILED, reason, f"{REASONS[reason]} ({tried})")

    def through_proxy(self, address: str, port: int) -> socket.socket:
        assert self.proxy is not None
        proxy_host, proxy_port, authorization = self.proxy
        try:
            # The proxy is the operator's own, usually on an internal network: it is
            # reached as configured and not subject to the address policy.
            sock = socket.create_connection(
                (proxy_host, proxy_port),
                timeout=min(self.limits.connect_timeout, self.limits.remaining()),
            )
        except OSError as error:
            raise _Stop(
                FAILED, "proxy_error", f"The egress proxy is unreachable: {error}"
            ) from None
        authority = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
        lines = [f"CONNECT {authority} HTTP/1.1", f"Host: {authority}"]
        if authorization:
            lines.append(f"Proxy-Authorization: {authorization}")
        wrapped = _DeadlineSocket(sock, self.limits)
        try:
            wrapped.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("ascii"))
            answer = _read_head(wrapped)
        except _Stop:
            sock.close()
            raise
        except OSError as error:
            sock.close()
            raise _Stop(FAILED, "proxy_error", f"The egress proxy failed: {error}") from None
        status_line = answer.split(b"\r\n", 1)[0].decode("latin-1")
        parts = status_line.split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or parts[1] != "200":
            sock.close()
            raise _Stop(FAILED, "proxy_error", f"The egress proxy answered: {status_line[:200]}")
        sock.settimeout(None)
        return sock

    def send(self, connection: _Connection, target: urls.Parsed) -> http.client.HTTPResponse:
        try:
            connection.connect()
            connection.putrequest(
                self.method, target.target, skip_host=True, skip_accept_encoding=True
            )
            connection.putheader("Host", target.authority)
            connection.putheader("User-Agent", policy.user_agent())
            connection.putheader("Accept", "*/*")
            connection.putheader("Accept-Encoding", "identity")
            connection.putheader("Connection", "close")
            connection.endheaders()
            return connection.getresponse()
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

    def judge(self, status: int, response: http.client.HTTPResponse, result: Result) -> None:
        if 200 <= status < 300:
            result.outcome = PRESENT
            result.body = _read_body(response, self.limits) if self.method == "GET" else b""
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


def _open(address: str, port: int, limits: _Limits) -> socket.socket:
    """A TCP connection to exactly this IP address: no name, so no second lookup."""
    ip = ipaddress.ip_address(address)
    family = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.settimeout(min(limits.connect_timeout, limits.remaining()))
        sock.connect((address, port))
    except BaseException:
        sock.close()
        raise
    return sock


class _DeadlineSocket:
    """A socket whose every send and receive waits at most until the fetch's deadline."""

    def __init__(self, sock: socket.socket, limits: _Limits) -> None:
        self._sock = sock
        self._limits = limits

    def _arm(self) -> None:
        self._sock.settimeout(self._limits.remaining())

    def sendall(self, data: bytes) -> None:
        self._arm()
        self._sock.sendall(data)

    def recv_into(self, buffer, nbytes: int = 0) -> int:
        self._arm()
        return self._sock.recv_into(buffer, nbytes)

    def makefile(self, mode: str = "rb", buffering: int | None = None, **_kwargs):
        return io.BufferedReader(_DeadlineReader(self), buffer_size=16 * 1024)

    def close(self) -> None:
        # http.client closes the connection's socket as soon as it has the response of
        # a "Connection: close" exchange, before the body is read; the real socket is
        # closed by `_Connection.release` when the hop is over.
        pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class _DeadlineReader(io.RawIOBase):
    def __init__(self, sock: _DeadlineSocket) -> None:
        self._sock = sock

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        return self._sock.recv_into(buffer)


class _Connection(http.client.HTTPConnection):
    """An HTTP(S) connection over a socket already opened to a checked IP address."""

    def __init__(self, sock, target: urls.Parsed, limits: _Limits, context) -> None:
        super().__init__(target.host, target.port)
        self._raw = sock
        self._target = target
        self._limits = limits
        self._context = context
        self._opened: socket.socket | None = None

    def connect(self) -> None:
        sock = self._raw
        if self._target.scheme == "https":
            context = self._context or ssl.create_default_context()
            sock.settimeout(self._limits.remaining())
            # The certificate is checked against the host name, sent as SNI; the
            # connection itself stays on the checked address.
            sock = context.wrap_socket(sock, server_hostname=self._target.host)
        self._opened = sock
        self.sock = _DeadlineSocket(sock, self._limits)

    def release(self) -> None:
        self.close()
        for sock in (self._opened, self._raw):
            if sock is not None:
                sock.close()


def _read_head(sock: _DeadlineSocket) -> bytes:
    """The proxy's answer to CONNECT, one byte at a time so nothing after it is eaten."""
    answer = bytearray()
    one = bytearray(1)
    while not answer.endswith(b"\r\n\r\n"):
        if sock.recv_into(one, 1) == 0:
            raise _Stop(FAILED, "proxy_error", "The egress proxy closed the connection.")
        answer += one
        if len(answer) > MAX_PROXY_ANSWER:
            raise _Stop(FAILED, "proxy_error", "The egress proxy's answer is too long.")
    return bytes(answer)


def _read_body(response: http.client.HTTPResponse, limits: _Limits) -> bytes:
    declared = (response.getheader("Content-Length") or "").strip()
    announced = int(declared) if declared.isdigit() and not response.chunked else None
    if announced is not None and announced > limits.max_bytes:
        raise _Stop(
            FAILED,
            "too_large",
            f"The server announced {announced:,} bytes; the cap is {limits.max_bytes:,}.",
        )
    decoder = _decoder(response.getheader("Content-Encoding", ""), limits.max_bytes)
    body = bytearray()
    received = 0
    try:
        while True:
            limits.remaining()
            chunk = response.read1(64 * 1024)
            if not chunk:
                break
            received += len(chunk)
            body += decoder(chunk) if decoder else chunk
            if len(body) > limits.max_bytes or received > limits.max_bytes:
                raise _Stop(FAILED, "too_large", f"More than {limits.max_bytes:,} bytes.")
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
        raise _Stop(FAILED, "bad_response", f"Invalid HTTP body: {type(error).__name__}.") from None
    except zlib.error:
        raise _Stop(FAILED, "bad_response", "The compressed body is corrupt.") from None
    if announced is not None and received < announced:
        raise _Stop(
            FAILED,
            "connection_reset",
            f"The body ended after {received:,} of the {announced:,} bytes announced.",
        )
    return bytes(body)


def _decoder(encoding: str, max_bytes: int) -> Callable[[bytes], bytes] | None:
    """Undo gzip/deflate that a server applied despite `identity`, never producing more
    than one byte beyond the cap (so a decompression bomb stops there)."""
    encoding = encoding.strip().lower()
    if encoding in ("gzip", "x-gzip"):
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        inflater = zlib.decompressobj(32 + zlib.MAX_WBITS)
    else:
        return None  # identity, or an encoding kept as received (br, zstd…)
    produced = 0

    def feed(data: bytes) -> bytes:
        nonlocal produced
        out = bytearray()
        while data:
            part = inflater.decompress(data, max_bytes - produced + 1)
            produced += len(part)
            out += part
            if produced > max_bytes:
                break
            data = inflater.unconsumed_tail
        return bytes(out)

    return feed


PROXY_FORM = "http://[user:password@]host:port"


def _parse_proxy(proxy: str) -> tuple[str, int, str]:
    """(host, port, Proxy-Authorization value) from http://[user:password@]host:port.

    Raises BadUrl with a fixed sentence that never quotes the setting (it holds the
    password). The user name and password are percent-decoded: a password with "/",
    "#", "?", "@" or ":" is written percent-encoded, as in any URL."""
    problem = validate_proxy_setting(proxy)
    if problem is not None:
        raise urls.BadUrl(problem, "bad_proxy")
    parts = urlsplit(proxy)
    authorization = ""
    if parts.username is not None:
        credentials = unquote_to_bytes(parts.username) + b":"
        credentials += unquote_to_bytes(parts.password or "")
        authorization = "Basic " + base64.b64encode(credentials).decode("ascii")
    return parts.hostname or "", parts.port or 80, authorization


def validate_proxy_setting(value: str) -> str | None:
    """Why the proxy setting `value` cannot be used, or None when it can (or is empty).

    Also for the settings module, so that Haven refuses to start with a broken proxy
    rather than fail every fetch. The sentences never quote the value. Only plain
    http:// is accepted: Haven speaks to the proxy in clear, so an https:// setting
    would send the password unencrypted to a proxy the operator expected TLS from."""
    if not value:
        return None
    usable = f"HAVEN_FETCH_PROXY is not usable: write it as {PROXY_FORM}"
    encoded = f"{usable}, with any / # ? @ : in the user name or password percent-encoded."
    if not value.isascii() or any(ch.isspace() or not ch.isprintable() for ch in value):
        return f"{usable}, without spaces or control characters."
    if "://" not in value or value.partition("://")[0].lower() != "http":
        return f"{usable}: only an http:// proxy is supported (not https://, nor SOCKS)."
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:  # a port that is not a number, an unclosed IPv6 bracket
        return encoded
    if parts.path not in ("", "/") or "?" in value or "#" in value:
        return encoded
    host = parts.hostname or ""
    if not (_is_ip(host) or _is_host_name(host)):
        return encoded
    if port == 0:
        return f"{usable}: the port must be between 1 and 65535."
    return None


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _is_host_name(text: str) -> bool:
    allowed = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_")
    labels = text.removesuffix(".").split(".")
    return all(0 < len(label) <= 63 and set(label) <= allowed for label in labels)
