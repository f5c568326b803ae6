"""Tiny servers on 127.0.0.1 for the fetching tests: misbehaving on purpose.

`Server` speaks just enough HTTP to answer one request per connection with whatever a
test's route writes to the socket (a normal answer, a trickle, an endless body…), and
records every request it got. `ConnectProxy` is an egress proxy that only tunnels
(CONNECT) and records what it was asked. `Counter` only counts connections, for an
address that must never be contacted. `tls_files` (from `certs`) makes a throw-away
certificate authority and a server certificate for TLS tests.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

# Other apps' tests take these from here.
from haven.fetching.tests.certs import TlsFiles as TlsFiles
from haven.fetching.tests.certs import tls_files as tls_files


@dataclass
class Request:
    method: str
    target: str
    headers: dict[str, str]
    raw: bytes = b""


Route = Callable[[Request, socket.socket], None]


def respond(
    sock: socket.socket,
    status: int = 200,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    reason: str = "X",
) -> None:
    head = [f"HTTP/1.1 {status} {reason}"]
    merged = {"Content-Length": str(len(body)), "Connection": "close"} | (headers or {})
    head += [f"{name}: {value}" for name, value in merged.items() if value is not None]
    sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)


def _read_head(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 65536:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def _parse_request(raw: bytes) -> Request | None:
    head = raw.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    lines = head.split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3:
        return None
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Request(parts[0], parts[1], headers, raw)


class _Listener:
    def __init__(self, tls: ssl.SSLContext | None = None, host: str = "127.0.0.1") -> None:
        self.listener = socket.create_server((host, 0))
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self.tls = tls
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []
        self.accepted = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            worker = threading.Thread(target=self._handle, args=(conn,), daemon=True)
            self.threads.append(worker)
            worker.start()

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        try:
            if self.tls is not None:
                conn = self.tls.wrap_socket(conn, server_side=True)
            self.serve_connection(conn)
        except (OSError, ssl.SSLError):
            pass
        finally:
            with contextlib.suppress(OSError):
                conn.close()

    def serve_connection(self, conn: socket.socket) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        self.stopping.set()
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() at once
        self.listener.close()
        self.thread.join(2)
        # Connection threads are daemons; the misbehaving ones end when the client
        # hangs up (their next send fails) or when their sleep is over.


class Server(_Listener):
    """One request per connection; routes by path (longest matching prefix first)."""

    def __init__(self, routes: dict[str, Route] | None = None, tls=None) -> None:
        self.routes: dict[str, Route] = dict(routes or {})
        self.requests: list[Request] = []
        super().__init__(tls)

    def route(self, prefix: str, handler: Route) -> None:
        self.routes[prefix] = handler

    def serve_connection(self, conn: socket.socket) -> None:
        request = _parse_request(_read_head(conn))
        if request is None:
            return
        self.requests.append(request)
        path = request.target.split("?", 1)[0]
        for prefix in sorted(self.routes, key=len, reverse=True):
            if path.startswith(prefix):
                self.routes[prefix](request, conn)
                return
        respond(conn, 404, b"no route")


class ConnectProxy(_Listener):
    """An egress proxy that tunnels CONNECT to 127.0.0.1 only and refuses the rest."""

    def __init__(self, answer: int = 200) -> None:
        self.answer = answer
        self.requests: list[Request] = []
        super().__init__()

    def serve_connection(self, conn: socket.socket) -> None:
        raw = _read_head(conn)
        request = _parse_request(raw)
        if request is None:
            return
        self.requests.append(request)
        host, _, port = request.target.rpartition(":")
        if request.method != "CONNECT" or host != "127.0.0.1" or self.answer != 200:
            conn.sendall(
                f"HTTP/1.1 {self.answer if self.answer != 200 else 403} No\r\n\r\n".encode()
            )
            return
        upstream = socket.create_connection((host, int(port)), timeout=5)
        conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        pump = threading.Thread(target=_pipe, args=(upstream, conn), daemon=True)
        pump.start()
        _pipe(conn, upstream)
        pump.join(5)
        upstream.close()


class Counter(_Listener):
    """Counts the connections made to it (`accepted`) and closes each at once: stands at
    an address that must never be contacted."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        super().__init__(host=host)

    def serve_connection(self, conn: socket.socket) -> None:
        pass


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    try:
        while chunk := source.recv(65536):
            sink.sendall(chunk)
    except OSError:
        pass
    with contextlib.suppress(OSError):
        sink.shutdown(socket.SHUT_WR)


# Routes that misbehave -------------------------------------------------------------


def body(data: bytes, status: int = 200, **headers: str) -> Route:
    def route(request: Request, sock: socket.socket) -> None:
        respond(sock, status, data, {k.replace("_", "-"): v for k, v in headers.items()})

    return route


def redirect(location: str, status: int = 302) -> Route:
    def route(request: Request, sock: socket.socket) -> None:
        respond(sock, status, b"", {"Location": location})

    return route


def trickle_body(interval: float = 0.2) -> Route:
    """Headers at once, then one byte of body every `interval` seconds, for ever."""

    def route(request: Request, sock: socket.socket) -> None:
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
        while True:
            sock.sendall(b"x")
            time.sleep(interval)

    return route


def trickle_headers(interval: float = 0.2) -> Route:
    """The status line, then one byte of a header every `interval` seconds, for ever."""

    def route(request: Request, sock: socket.socket) -> None:
        sock.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        while True:
            sock.sendall(b"a")
            time.sleep(interval)

    return route


def endless_chunked(request: Request, sock: socket.socket) -> None:
    sock.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"%x\r\n%s\r\n" % (65536, b"z" * 65536)
    while True:
        sock.sendall(chunk)


def endless_unsized(request: Request, sock: socket.socket) -> None:
    sock.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n")
    while True:
        sock.sendall(b"y" * 65536)


def huge_length(request: Request, sock: socket.socket) -> None:
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n")
    time.sleep(3)  # and then nothing: the client must not wait for it


def silent(request: Request, sock: socket.socket) -> None:
    time.sleep(3)


def reset(request: Request, sock: socket.socket) -> None:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    sock.close()


def garbage(request: Request, sock: socket.socket) -> None:
    sock.sendall(b"this is not HTTP at all\r\n\r\n")
