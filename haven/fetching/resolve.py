"""Turning a host name into the addresses it points to, behind a small interface.

The fetching client resolves each host once per hop through a `Resolver`, checks every
address it got, and then connects to one of those checked addresses itself, so that the
name is never resolved a second time behind its back (DNS rebinding). Tests use
`StaticResolver`; production uses `SystemResolver` (the operating system's resolver).
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterable
from typing import Any, Protocol


class ResolveError(Exception):
    """The name could not be resolved; `nxdomain` when it does not exist at all."""

    def __init__(self, message: str, *, nxdomain: bool) -> None:
        super().__init__(message)
        self.nxdomain = nxdomain


class Resolver(Protocol):
    def resolve(self, host: str, port: int) -> list[str]:
        """Every address `host` points to, as IP strings, without duplicates."""
        ...


class SystemResolver:
    """The operating system's resolver (getaddrinfo), IPv4 and IPv6."""

    def resolve(self, host: str, port: int) -> list[str]:
        # The trailing dot makes the name absolute: "intranet" must not pick up the
        # machine's search domains.
        name = host if _is_ip(host) or host.endswith(".") else host + "."
        try:
            infos = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM)
        except socket.gaierror as error:
            missing = error.errno in _NXDOMAIN_ERRORS
            raise ResolveError(
                f"The name {host} does not exist." if missing else f"{host}: {error}",
                nxdomain=missing,
            ) from None
        except (UnicodeError, OSError) as error:
            raise ResolveError(f"{host}: {error}", nxdomain=False) from None
        return _unique(str(info[4][0]).partition("%")[0] for info in infos)


class StaticResolver:
    """Fixed answers for tests; unknown names behave like a name that does not exist."""

    def __init__(self, mapping: dict[str, list[str]]) -> None:
        self.mapping = {
            name.lower().rstrip("."): list(addresses) for name, addresses in mapping.items()
        }
        self.calls: list[str] = []

    def resolve(self, host: str, port: int) -> list[str]:
        self.calls.append(host)
        if _is_ip(host):
            return [host]
        addresses = self.mapping.get(host.lower().rstrip("."))
        if not addresses:
            raise ResolveError(f"The name {host} does not exist.", nxdomain=True)
        return _unique(addresses)


def resolve_within(resolver: Resolver, host: str, port: int, seconds: float) -> list[str]:
    """`resolver.resolve(host, port)`, waiting no longer than `seconds`: getaddrinfo has
    no timeout of its own, and a slow name server must not hold a fetch or a hosting
    look-up past its deadline. Raises TimeoutError when the answer is late (the lookup
    goes on in a daemon thread and its answer is dropped)."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = resolver.resolve(host, port)
        except BaseException as error:  # handed back to the caller's thread
            outcome["error"] = error

    worker = threading.Thread(target=run, name="haven-resolve", daemon=True)
    worker.start()
    worker.join(max(seconds, 0.0))
    if worker.is_alive():
        raise TimeoutError("resolution timed out")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


_NXDOMAIN_ERRORS = {
    code
    for code in (
        getattr(socket, "EAI_NONAME", None),
        getattr(socket, "EAI_NODATA", None),
        getattr(socket, "EAI_ADDRFAMILY", None),
    )
    if code is not None
}


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _unique(addresses: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(addresses))
