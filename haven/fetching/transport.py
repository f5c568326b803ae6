"""The sockets under Haven's two HTTP clients: `client.fetch` (reported addresses) and
`outbound` (configured endpoints: notice APIs, partner Havens, RDAP).

Both resolve a host once, check every address it resolved to against the policy, and
then speak HTTP over a TCP connection they opened themselves to one checked IP address,
so the name is never resolved again behind their back (DNS rebinding). This module holds
what that takes, and nothing about what to fetch, which headers to send or how to word a
failure:

- `Deadline`: one wall-clock deadline for a whole call. Name resolution, every
  connection, the TLS handshake and every send and read wait at most until it, so a
  server that trickles a byte a second is cut there.
- `resolve`: the host's addresses, looked up once within the deadline. `forbidden`: the
  sentence that refuses a host when any of its addresses is one Haven must not contact.
- `connect`: a TCP connection to the first checked address that takes one, directly or
  through the egress proxy's tunnel (`CONNECT <checked IP>:<port>`, so the proxy never
  resolves the name). `parse_proxy` and `validate_proxy_setting` are the one, strict,
  reading of `HAVEN_FETCH_PROXY`.
- `PinnedConnection`: `http.client` over that socket. For https the certificate is
  checked against the host name, which is also sent as SNI, while the connection stays
  on the checked address. `send`: one request with exactly the headers given.
- `read_body`: the body, cut at a byte cap (a Content-Length above it is refused before
  reading). gzip and deflate are undone, never beyond the cap, so a bomb stops there.
- `clean_text` and `response_headers`: hostile text from a server, made safe to store
  (PostgreSQL text and JSON cannot hold NUL) and to show.

What sockets, TLS and `http.client` raise passes through unchanged, and so does whatever
the caller's `Deadline` raises once it has passed. The errors this module adds carry
facts rather than final wording (`ConnectFailed`, `ProxyFailure`, `TooLarge`,
`ShortBody`, `BadHeader`, `NotAnAddress`): each client says them in its own words, and
none of them quotes the proxy setting, which may hold a password.
"""

from __future__ import annotations

import base64
import http.client
import io
import ipaddress
import socket
import ssl
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit

from haven.fetching import policy, urls
from haven.fetching.resolve import ResolveError, Resolver, resolve_within

# The proxy's answer to CONNECT is a status line and a few headers.
MAX_PROXY_ANSWER = 16 * 1024
# How much of a body one read asks for.
READ_SIZE = 64 * 1024
PROXY_FORM = "http://[user:password@]host:port"


# --- The deadline ----------------------------------------------------------------------


class Deadline:
    """One wall-clock deadline for a whole call, over every hop.

    `remaining()` is the time left; once none is, it raises what `expired` makes of the
    sentence "No full answer within N seconds.", so each client gets its own error from
    every layer below, untouched by their handlers for socket errors."""

    def __init__(self, seconds: float, expired: Callable[[str], Exception]) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self._expired = expired

    def remaining(self) -> float:
        left = self.at - time.monotonic()
        if left <= 0:
            raise self._expired(f"No full answer within {self.seconds:g} seconds.")
        return left


# --- Addresses -------------------------------------------------------------------------


class NotAnAddress(ResolveError):
    """The resolver answered something that is not an IP address."""

    def __init__(self, host: str, answer: object) -> None:
        super().__init__(f"The resolver answered a non-address: {answer!r}.", nxdomain=False)
        self.host = host


def resolve(resolver: Resolver, target: urls.Parsed, deadline: Deadline) -> list[str]:
    """Every address of the target's host (an IP address is its own answer), looked up
    once, as IP strings without duplicates.

    Raises ResolveError (NotAnAddress for an answer that is not an IP address, and also
    when there is no address at all), and TimeoutError when the name server is too slow
    for the deadline: getaddrinfo has no timeout of its own."""
    if target.ip is not None:
        return [str(target.ip)]
    found = resolve_within(resolver, target.host, target.port, deadline.remaining())
    addresses = []
    for answer in found:
        try:
            addresses.append(str(ipaddress.ip_address(answer)))
        except ValueError:
            raise NotAnAddress(target.host, answer) from None
    if not addresses:
        raise ResolveError(f"The name {target.host} has no addresses.", nxdomain=False)
    return list(dict.fromkeys(addresses))


def forbidden(target: urls.Parsed, addresses: list[str]) -> str | None:
    """The sentence refusing the target when any of its addresses is forbidden, or None.

    One is enough: a public name that also points inside is an attack, not an accident,
    and trying only its "good" address would still tell the attacker something."""
    bad = [
        f"{address} ({why})" for address in addresses if (why := policy.forbidden_reason(address))
    ]
    if not bad:
        return None
    where = "is" if target.ip is not None else "resolves to"
    return (
        f"{target.host} {where} an address Haven must not contact: "
        + ", ".join(bad)
        + ". Nothing was sent."
    )


# --- Connections -----------------------------------------------------------------------


class ConnectFailed(Exception):
    """No address took a connection. `failures` holds each address tried, with its error."""

    def __init__(self, failures: list[tuple[str, OSError]]) -> None:
        super().__init__("; ".join(f"{address}: {error}" for address, error in failures))
        self.failures = failures

    @property
    def reason(self) -> str:
        """The reason code of the last failure."""
        return failure_reason(self.failures[-1][1]) if self.failures else "connection_error"


def failure_reason(error: OSError) -> str:
    """`connect_timeout`, `connection_refused` or `connection_error`."""
    if isinstance(error, TimeoutError):
        return "connect_timeout"
    if isinstance(error, ConnectionRefusedError):
        return "connection_refused"
    return "connection_error"


def connect(
    addresses: list[str],
    port: int,
    *,
    proxy: Proxy | None,
    connect_timeout: float,
    deadline: Deadline,
) -> tuple[socket.socket, str]:
    """A TCP connection to the first of `addresses` (all of them checked) that takes one,
    and that address. With a proxy, the connection is a tunnel through it.

    Raises ConnectFailed when none does, and ProxyFailure at once when the proxy fails."""
    failures: list[tuple[str, OSError]] = []
    for address in addresses:
        try:
            if proxy is not None:
                sock = open_tunnel(proxy, address, port, connect_timeout, deadline)
            else:
                sock = open_pinned(address, port, connect_timeout, deadline)
        except OSError as error:
            failures.append((address, error))
            continue
        return sock, address
    raise ConnectFailed(failures)


def open_pinned(
    address: str, port: int, connect_timeout: float, deadline: Deadline
) -> socket.socket:
    """A TCP connection to exactly this IP address: no name, so no second look-up."""
    ip = ipaddress.ip_address(address)
    family = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.settimeout(min(connect_timeout, deadline.remaining()))
        sock.connect((address, port))
    except BaseException:
        sock.close()
        raise
    return sock


class PinnedConnection(http.client.HTTPConnection):
    """HTTP(S) over a socket already opened to a checked IP address. It never opens a
    connection by name (http.client would resolve the name again), and is used once."""

    def __init__(
        self,
        sock: socket.socket,
        target: urls.Parsed,
        deadline: Deadline,
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
        self.sock = DeadlineSocket(sock, self._deadline)

    def release(self) -> None:
        self.close()
        for sock in (self._opened, self._raw):
            if sock is not None:
                sock.close()


class DeadlineSocket:
    """A socket whose every send and receive waits at most until the deadline."""

    def __init__(self, sock: socket.socket, deadline: Deadline) -> None:
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
        # "Connection: close" answer, before the body is read.
        # `PinnedConnection.release` closes the real socket when the exchange is over.
        pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class _DeadlineReader(io.RawIOBase):
    def __init__(self, sock: DeadlineSocket) -> None:
        self._sock = sock

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        return self._sock.recv_into(buffer)


# --- The egress proxy ------------------------------------------------------------------


@dataclass(frozen=True)
class Proxy:
    host: str
    port: int
    authorization: str  # the Proxy-Authorization value, or ""


class ProxyFailure(Exception):
    """The egress proxy gave no tunnel. `kind` says how: "unreachable" or "failed" (with
    the OSError in `error`), "refused" (with its status line in `answer`), or "broken"
    (it closed the connection, or its answer was too long). str() is a sentence that
    never quotes the setting."""

    def __init__(
        self, kind: str, message: str, *, error: OSError | None = None, answer: str = ""
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.error = error
        self.answer = answer


def open_tunnel(
    proxy: Proxy, address: str, port: int, connect_timeout: float, deadline: Deadline
) -> socket.socket:
    """A socket through which `address:port` is reached: the proxy was asked to
    `CONNECT` to the checked address (for http as well as https), never to a name."""
    try:
        # The proxy is the operator's own, usually on an internal network: it is
        # reached as configured and not subject to the address policy.
        sock = socket.create_connection(
            (proxy.host, proxy.port), timeout=min(connect_timeout, deadline.remaining())
        )
    except OSError as error:
        raise ProxyFailure(
            "unreachable", f"The egress proxy is unreachable: {error}", error=error
        ) from None
    authority = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
    lines = [f"CONNECT {authority} HTTP/1.1", f"Host: {authority}"]
    if proxy.authorization:
        lines.append(f"Proxy-Authorization: {proxy.authorization}")
    wrapped = DeadlineSocket(sock, deadline)
    try:
        wrapped.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("ascii"))
        status_line = _read_proxy_answer(wrapped)
    except OSError as error:
        sock.close()
        raise ProxyFailure("failed", f"The egress proxy failed: {error}", error=error) from None
    except BaseException:
        sock.close()
        raise
    parts = status_line.split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or parts[1] != "200":
        sock.close()
        raise ProxyFailure(
            "refused", f"The egress proxy answered: {status_line[:200]}", answer=status_line
        )
    sock.settimeout(None)
    return sock


def _read_proxy_answer(sock: DeadlineSocket) -> str:
    """The status line of the proxy's answer to CONNECT. The answer is read one byte at a
    time, so that nothing after it is consumed."""
    answer = bytearray()
    one = bytearray(1)
    while not answer.endswith(b"\r\n\r\n"):
        if sock.recv_into(one, 1) == 0:
            raise ProxyFailure("broken", "The egress proxy closed the connection.")
        answer += one
        if len(answer) > MAX_PROXY_ANSWER:
            raise ProxyFailure("broken", "The egress proxy's answer is too long.")
    return answer.split(b"\r\n", 1)[0].decode("latin-1")


def parse_proxy(setting: str) -> Proxy | None:
    """The egress proxy from `http://[user:password@]host:port`, or None for "".

    Raises BadUrl (code "bad_proxy") with a fixed sentence that never quotes the setting
    (it holds the password). The user name and password are percent-decoded: a password
    with "/", "#", "?", "@" or ":" is written percent-encoded, as in any URL."""
    if not setting:
        return None
    problem = validate_proxy_setting(setting)
    if problem is not None:
        raise urls.BadUrl(problem, "bad_proxy")
    parts = urlsplit(setting)
    authorization = ""
    if parts.username is not None:
        credentials = unquote_to_bytes(parts.username) + b":"
        credentials += unquote_to_bytes(parts.password or "")
        authorization = "Basic " + base64.b64encode(credentials).decode("ascii")
    return Proxy(parts.hostname or "", parts.port or 80, authorization)


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


# --- Requests and answers --------------------------------------------------------------


class BadHeader(ValueError):
    """A header that HTTP cannot carry (a line break, a character outside Latin-1…). The
    message names the header, never its value."""

    def __init__(self, name: str) -> None:
        super().__init__(f"The header {name[:40]!r} has a value HTTP cannot carry.")
        self.name = name


def send(
    connection: PinnedConnection,
    method: str,
    target: urls.Parsed,
    headers: Mapping[str, str],
    body: bytes = b"",
) -> http.client.HTTPResponse:
    """Connect (TLS included), send one request with exactly `headers` (http.client adds
    neither Host nor Accept-Encoding of its own) and `body`, and read the answer's head."""
    connection.connect()
    connection.putrequest(method, target.target, skip_host=True, skip_accept_encoding=True)
    for name, value in headers.items():
        try:
            connection.putheader(name, value)
        except ValueError:
            raise BadHeader(name) from None
    connection.endheaders(body or None)
    return connection.getresponse()


class TooLarge(Exception):
    """The body is larger than `max_bytes`: `announced` by its Content-Length, or (None)
    found so while reading it, decompressed bytes included."""

    def __init__(self, max_bytes: int, announced: int | None = None) -> None:
        super().__init__(f"More than {max_bytes:,} bytes.")
        self.max_bytes = max_bytes
        self.announced = announced


class ShortBody(Exception):
    """The body ended before the Content-Length it announced."""

    def __init__(self, received: int, announced: int) -> None:
        super().__init__(f"{received:,} of the {announced:,} bytes announced.")
        self.received = received
        self.announced = announced


def read_body(response: http.client.HTTPResponse, deadline: Deadline, max_bytes: int) -> bytes:
    """The whole body, within the deadline and at most `max_bytes` (raises TooLarge past
    it, ShortBody when it ends early). What the socket and http.client raise (timeouts,
    resets, IncompleteRead, invalid chunking) and zlib.error for a corrupt compressed
    body pass through."""
    declared = (response.getheader("Content-Length") or "").strip()
    announced = int(declared) if declared.isdigit() and not response.chunked else None
    if announced is not None and announced > max_bytes:
        raise TooLarge(max_bytes, announced)
    decode = _decoder(response.getheader("Content-Encoding", ""), max_bytes)
    body = bytearray()
    received = 0
    while True:
        deadline.remaining()
        chunk = response.read1(READ_SIZE)
        if not chunk:
            break
        received += len(chunk)
        body += decode(chunk) if decode else chunk
        if len(body) > max_bytes or received > max_bytes:
            raise TooLarge(max_bytes)
    if announced is not None and received < announced:
        raise ShortBody(received, announced)
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


def response_headers(response: http.client.HTTPResponse) -> dict[str, str]:
    """The answer's headers, names lower-cased, names and values cleaned (`clean_text`)."""
    return {clean_text(name.lower()): clean_text(value) for name, value in response.getheaders()}
