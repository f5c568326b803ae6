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
certificate check.

What else each call does:
- https only, unless the caller allows plain http (tests, closed networks). A redirect
  from https to http is refused even then.
- An address with a user name or password is refused: credentials go in headers the
  caller chose, never in a URL.
- No environment proxies, no .netrc and no cookies. `http.client` reads none of them.
  The operator's egress proxy (`HAVEN_FETCH_PROXY`) is used the way the fetcher uses it:
  `CONNECT <checked IP>:<port>`.
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

import base64
import http.client
import io
import ipaddress
import json
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from django.conf import settings

from haven.fetching import policy, urls
from haven.fetching.resolve import ResolveError, Resolver, SystemResolver

MAX_BYTES = 1024 * 1024
MAX_REDIRECTS = 3
CONNECT_TIMEOUT_SECONDS = 10.0
USER_AGENT = "Haven/1.0"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# The proxy's answer to CONNECT is a status line and a few headers.
MAX_PROXY_ANSWER = 16 * 1024
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
        deadline=_Deadline(float(timeout)),
        connect_timeout=float(connect_timeout),
        max_bytes=int(max_bytes),
        max_redirects=int(max_redirects) if method == "GET" else 0,
        allow_http=allow_http,
        proxy=_parse_proxy(settings.FETCH_PROXY if proxy is None else proxy),
        resolver=resolver or SystemResolver(),
        context=ssl_context,
    )
    return call.run(url)


# --- One call ------------------------------------------------------------------------


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def remaining(self) -> float:
        left = self.at - time.monotonic()
        if left <= 0:
            raise OutboundError("timeout", f"No full answer within {self.seconds:g} seconds.")
        return left


@dataclass
class _Proxy:
    host: str
    port: int
    authorization: str  # the Proxy-Authorization value, or ""


@dataclass
class _Call:
    method: str
    body: bytes
    headers: dict[str, str]
    deadline: _Deadline
    connect_timeout: float
    max_bytes: int
    max_redirects: int
    allow_http: bool
    proxy: _Proxy | None
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
        bad = [f"{a} ({why})" for a in addresses if (why := policy.forbidden_reason(a))]
        if bad:
            where = "is" if target.ip is not None else "resolves to"
            raise OutboundError(
                "forbidden_address",
                f"{target.host} {where} an address Haven must not contact: "
                + ", ".join(bad)
                + ". Nothing was sent.",
            )
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
            answer_headers = {name.lower(): value for name, value in response.getheaders()}
            data = _read_body(response, self.deadline, self.max_bytes, target.host)
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
        if target.ip is not None:
            return [str(target.ip)]
        try:
            found = _within(
                lambda: self.resolver.resolve(target.host, target.port), self.deadline.remaining()
            )
        except ResolveError as error:
            raise OutboundError("dns_error", str(error)) from None
        except TimeoutError:
            raise OutboundError(
                "timeout", f"The name {target.host} did not resolve in time."
            ) from None
        addresses = []
        for address in found:
            try:
                addresses.append(str(ipaddress.ip_address(address)))
            except ValueError:
                raise OutboundError(
                    "dns_error", f"The resolver answered a non-address for {target.host}."
                ) from None
        if not addresses:
            raise OutboundError("dns_error", f"The name {target.host} has no addresses.")
        return list(dict.fromkeys(addresses))

    def connect(self, target: urls.Parsed, addresses: list[str]) -> _Connection:
        failures = []
        for address in addresses:
            try:
                if self.proxy is not None:
                    sock = self.through_proxy(address, target.port)
                else:
                    sock = _open(address, target.port, self.connect_timeout, self.deadline)
            except TimeoutError:
                self.deadline.remaining()  # the whole call's deadline, if that is what passed
                failures.append((address, "connect_timeout", "timed out"))
                continue
            except ConnectionRefusedError:
                failures.append((address, "connection_refused", "refused"))
                continue
            except OSError as error:
                failures.append((address, "connection_error", error.strerror or str(error)))
                continue
            return _Connection(sock, target, self.deadline, self.context)
        tried = "; ".join(f"{address}: {what}" for address, _reason, what in failures)
        raise OutboundError(failures[-1][1], f"Could not connect to {target.host} ({tried}).")

    def through_proxy(self, address: str, port: int) -> socket.socket:
        assert self.proxy is not None
        proxy = self.proxy
        try:
            # The proxy is the operator's own, usually on an internal network: it is
            # reached as configured and not subject to the address policy.
            sock = socket.create_connection(
                (proxy.host, proxy.port),
                timeout=min(self.connect_timeout, self.deadline.remaining()),
            )
        except OSError as error:
            self.deadline.remaining()
            raise OutboundError(
                "proxy_error", f"The egress proxy is unreachable ({error.strerror or error})."
            ) from None
        authority = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
        lines = [f"CONNECT {authority} HTTP/1.1", f"Host: {authority}"]
        if proxy.authorization:
            lines.append(f"Proxy-Authorization: {proxy.authorization}")
        wrapped = _DeadlineSocket(sock, self.deadline)
        try:
            wrapped.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("ascii"))
            status_line = _read_proxy_answer(wrapped)
        except BaseException as error:
            sock.close()
            if isinstance(error, TimeoutError):
                raise OutboundError("timeout", "The egress proxy did not answer in time.") from None
            if isinstance(error, OSError):
                raise OutboundError(
                    "proxy_error", f"The egress proxy failed ({error.strerror or error})."
                ) from None
            raise
        parts = status_line.split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or parts[1] != "200":
            sock.close()
            raise OutboundError("proxy_error", f"The egress proxy answered: {status_line[:100]!r}.")
        return sock

    def send(
        self, connection: _Connection, target: urls.Parsed, extra: dict[str, str]
    ) -> http.client.HTTPResponse:
        connection.connect()
        connection.putrequest(self.method, target.target, skip_host=True, skip_accept_encoding=True)
        own = {
            "Host": target.authority,
            "User-Agent": USER_AGENT,
            "Accept-Encoding": "identity",
            "Connection": "close",
        }
        if self.body or self.method in ("POST", "PUT", "PATCH"):
            own["Content-Length"] = str(len(self.body))
        for name, value in _merge(own, extra).items():
            try:
                connection.putheader(name, value)
            except ValueError:
                raise OutboundError(
                    "bad_header", f"The header {name[:40]!r} has a value HTTP cannot carry."
                ) from None
        connection.endheaders(self.body or None)
        return connection.getresponse()


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
    """What sockets, TLS and http.client raise, as an OutboundError (None: a bug)."""
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


# --- Sockets ---------------------------------------------------------------------------


def _within(call: Callable[[], list[str]], seconds: float) -> list[str]:
    """Run a resolver call, waiting no longer than `seconds`: getaddrinfo has no timeout
    of its own, and a slow name server must not hold the call past its deadline."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as error:  # handed back to the caller's thread
            outcome["error"] = error

    worker = threading.Thread(target=run, name="haven-outbound-resolve", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise TimeoutError("resolution timed out")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _open(address: str, port: int, connect_timeout: float, deadline: _Deadline) -> socket.socket:
    """A TCP connection to exactly this IP address: no name, so no second look-up."""
    ip = ipaddress.ip_address(address)
    sock = socket.socket(socket.AF_INET6 if ip.version == 6 else socket.AF_INET)
    try:
        sock.settimeout(min(connect_timeout, deadline.remaining()))
        sock.connect((address, port))
    except BaseException:
        sock.close()
        raise
    return sock


class _DeadlineSocket:
    """A socket whose every send and receive waits at most until the call's deadline."""

    def __init__(self, sock: socket.socket, deadline: _Deadline) -> None:
        self._sock = sock
        self._deadline = deadline

    def sendall(self, data: bytes) -> None:
        self._sock.settimeout(self._deadline.remaining())
        self._sock.sendall(data)

    def recv_into(self, buffer: Any, nbytes: int = 0) -> int:
        self._sock.settimeout(self._deadline.remaining())
        return self._sock.recv_into(buffer, nbytes)

    def makefile(self, mode: str = "rb", buffering: int | None = None, **_options: Any) -> Any:
        return io.BufferedReader(_DeadlineReader(self), buffer_size=16 * 1024)

    def close(self) -> None:
        # http.client closes the connection's socket as soon as it has the head of a
        # "Connection: close" answer, before the body is read. `_Connection.release`
        # closes the real socket when the exchange is over.
        pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class _DeadlineReader(io.RawIOBase):
    def __init__(self, sock: _DeadlineSocket) -> None:
        self._sock = sock

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        return self._sock.recv_into(buffer)


class _Connection(http.client.HTTPConnection):
    """HTTP(S) over a socket already opened to a checked IP address. It never opens a
    connection by name (http.client would resolve the name again)."""

    def __init__(
        self,
        sock: socket.socket,
        target: urls.Parsed,
        deadline: _Deadline,
        context: ssl.SSLContext | None,
    ) -> None:
        super().__init__(target.host, target.port)
        self._raw = sock
        self._target = target
        self._deadline = deadline
        self._context = context
        self._opened: socket.socket | None = None

    def connect(self) -> None:
        if self._opened is not None:
            raise http.client.NotConnected("the connection is used once")
        sock = self._raw
        if self._target.scheme == "https":
            context = self._context or ssl.create_default_context()
            sock.settimeout(self._deadline.remaining())
            # The certificate is checked against the host name, which is also sent as
            # SNI. The connection itself stays on the checked address.
            sock = context.wrap_socket(sock, server_hostname=self._target.host)
        self._opened = sock
        self.sock = _DeadlineSocket(sock, self._deadline)

    def release(self) -> None:
        self.close()
        for sock in (self._opened, self._raw):
            if sock is not None:
                sock.close()


def _read_proxy_answer(sock: _DeadlineSocket) -> str:
    """The status line of the proxy's answer to CONNECT. The answer is read one byte at a
    time, so that nothing after it is consumed."""
    answer = bytearray()
    one = bytearray(1)
    while not answer.endswith(b"\r\n\r\n"):
        if sock.recv_into(one, 1) == 0:
            raise OutboundError("proxy_error", "The egress proxy closed the connection.")
        answer += one
        if len(answer) > MAX_PROXY_ANSWER:
            raise OutboundError("proxy_error", "The egress proxy's answer is too long.")
    return answer.split(b"\r\n", 1)[0].decode("latin-1")


def _read_body(
    response: http.client.HTTPResponse, deadline: _Deadline, max_bytes: int, host: str
) -> bytes:
    too_large = OutboundError("too_large", f"{host} answered more than {max_bytes:,} bytes.")
    declared = (response.getheader("Content-Length") or "").strip()
    announced = int(declared) if declared.isdigit() and not response.chunked else None
    if announced is not None and announced > max_bytes:
        raise too_large
    decode = _decoder(response.getheader("Content-Encoding", ""), max_bytes)
    body = bytearray()
    received = 0
    while True:
        deadline.remaining()
        chunk = response.read1(64 * 1024)
        if not chunk:
            break
        received += len(chunk)
        body += decode(chunk) if decode else chunk
        if len(body) > max_bytes or received > max_bytes:
            raise too_large
    if announced is not None and received < announced:
        raise OutboundError(
            "connection_reset",
            f"{host} sent {received:,} of the {announced:,} bytes it announced.",
        )
    return bytes(body)


def _decoder(encoding: str, max_bytes: int) -> Callable[[bytes], bytes] | None:
    """Undo gzip or deflate that a server applied despite `identity`, never producing more
    than one byte beyond the cap, so that a decompression bomb stops there."""
    encoding = encoding.strip().lower()
    if encoding in ("gzip", "x-gzip"):
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        inflater = zlib.decompressobj(32 + zlib.MAX_WBITS)
    else:
        return None
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


def _parse_proxy(proxy: str) -> _Proxy | None:
    """The egress proxy from `http://[user:password@]host[:port]`, or None for none. The
    credentials may be percent-encoded. They never appear in an error message."""
    if not proxy:
        return None
    scheme, sep, rest = proxy.partition("://")
    if not sep:
        scheme, rest = "http", proxy
    if scheme.lower() != "http":
        raise OutboundError("proxy_error", "The egress proxy must be an http:// address.")
    # The host cannot contain "@", so the last one ends the credentials, even when an
    # unencoded password contains "@" or "/".
    credentials, at, hostport = rest.rpartition("@")
    try:
        parsed = urls.parse("http://" + hostport.split("/", 1)[0])
    except urls.BadUrl:
        raise OutboundError("proxy_error", "The egress proxy address cannot be used.") from None
    authorization = ""
    if at:
        user, _, password = credentials.partition(":")
        pair = f"{unquote(user)}:{unquote(password)}".encode()
        authorization = "Basic " + base64.b64encode(pair).decode("ascii")
    return _Proxy(parsed.host, parsed.port, authorization)
