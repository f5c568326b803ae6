"""Which country an IP address is in: offline data from the `iptocc` package, corrected
by an optional operator file of overrides.

`iptocc` ships the regional registries' delegation files inside the wheel, so a look-up
never leaves the machine; `pip install -U iptocc` brings newer data. Where the operator
knows better (a network registered in one country and run in another), a CSV of
`network,country` lines in HAVEN_IP_COUNTRY_OVERRIDES_FILE wins, the longest matching
prefix first. The file is read once and again only when it changes on disk.
"""

from __future__ import annotations

import csv
import ipaddress
import logging
import os
import threading
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from typing import Protocol

import iptocc
from django.conf import settings

from haven.web.countries import is_country

log = logging.getLogger(__name__)

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class CountryFact:
    code: str  # ISO 3166 alpha-2, upper case
    source: str  # "override" (the operator's file) or "iptocc"


class CountrySource(Protocol):
    def country(self, address: str) -> CountryFact | None:
        """The country of `address`, or None when unknown (private, reserved, not an IP)."""
        ...


def iptocc_version() -> str:
    try:
        return version("iptocc")
    except PackageNotFoundError:  # pragma: no cover - it is a dependency
        return "unknown"


# --- Operator overrides ----------------------------------------------------------------


@dataclass
class Overrides:
    """Networks the operator assigned to a country, searchable by longest prefix."""

    path: str = ""
    # {prefix length: {network address as int: country}}, per IP version; looking an
    # address up masks it once per prefix length in use, longest first.
    tables: dict[int, dict[int, dict[int, str]]] = field(default_factory=lambda: {4: {}, 6: {}})
    count: int = 0
    # "file:line: what is wrong" for every line that was skipped.
    problems: list[str] = field(default_factory=list)

    def add(self, network: Network, code: str) -> None:
        by_length = self.tables[network.version].setdefault(network.prefixlen, {})
        by_length[int(network.network_address)] = code
        self.count += 1

    def lookup(self, address: Address) -> str | None:
        tables = self.tables[address.version]
        bits = address.max_prefixlen
        value = int(address)
        for length in sorted(tables, reverse=True):
            mask = ((1 << length) - 1) << (bits - length) if length else 0
            code = tables[length].get(value & mask)
            if code is not None:
                return code
        return None


def parse_overrides(text: str, path: str = "overrides") -> Overrides:
    """Read `network,country` lines; blank lines, `#` comments and a header are allowed.

    A malformed line is skipped and described in `problems` (and logged): one typo must
    not stop every other override from applying."""
    overrides = Overrides(path=path)
    for number, row in enumerate(csv.reader(text.splitlines()), start=1):
        cells = [cell.strip() for cell in row]
        if not cells or not any(cells) or cells[0].startswith("#"):
            continue
        if number == 1 and [c.lower() for c in cells[:2]] == ["network", "country"]:
            continue
        problem = _add_line(overrides, cells)
        if problem:
            message = f"{path}:{number}: {problem}"
            overrides.problems.append(message)
            log.warning("IP country overrides: %s (line skipped)", message)
    return overrides


def _add_line(overrides: Overrides, cells: list[str]) -> str:
    if len(cells) != 2:
        return f"expected `network,country`, found {len(cells)} fields"
    text, code = cells[0], cells[1].upper()
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return f"{text!r} is not an IP address or network (e.g. 203.0.113.0/24)"
    if not is_country(code):
        return f"{cells[1]!r} is not a two-letter country code (e.g. NL)"
    overrides.add(network, code)
    return ""


_cache_lock = threading.Lock()
_cache: dict[str, tuple[tuple[int, int], Overrides]] = {}


def load_overrides(path: str) -> Overrides:
    """The overrides in `path`, read again only when the file's mtime or size changes."""
    if not path:
        return Overrides()
    try:
        stat = os.stat(path)
    except OSError as error:
        log.error("IP country overrides file %s cannot be read: %s", path, error)
        return Overrides(path=path, problems=[f"{path}: cannot be read ({error.strerror})"])
    stamp = (stat.st_mtime_ns, stat.st_size)
    with _cache_lock:
        cached = _cache.get(path)
        if cached and cached[0] == stamp:
            return cached[1]
    try:
        with open(path, encoding="utf-8-sig") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as error:
        log.error("IP country overrides file %s cannot be read: %s", path, error)
        return Overrides(path=path, problems=[f"{path}: cannot be read ({error})"])
    overrides = parse_overrides(text, path)
    with _cache_lock:
        _cache[path] = (stamp, overrides)
    return overrides


# --- Sources ---------------------------------------------------------------------------


class OfflineCountries:
    """The real source: operator overrides first, then iptocc's bundled registry data."""

    def __init__(self, overrides_file: str | None = None):
        self._overrides_file = overrides_file

    @property
    def overrides_file(self) -> str:
        if self._overrides_file is not None:
            return self._overrides_file
        return settings.IP_COUNTRY_OVERRIDES_FILE

    def overrides(self) -> Overrides:
        return load_overrides(self.overrides_file)

    def country(self, address: str) -> CountryFact | None:
        ip = _address(address)
        if ip is None:
            return None
        code = self.overrides().lookup(ip)
        if code:
            return CountryFact(code, "override")
        if not ip.is_global:
            return None
        code = iptocc.country_code(str(ip))
        return CountryFact(code.upper(), "iptocc") if code else None


class StaticCountries:
    """An in-memory source for tests: addresses or networks mapped to countries."""

    def __init__(self, mapping: dict[str, str]):
        self.overrides = Overrides(path="test")
        for network, code in mapping.items():
            self.overrides.add(ipaddress.ip_network(network, strict=False), code.upper())
        self.calls: list[str] = []

    def country(self, address: str) -> CountryFact | None:
        self.calls.append(address)
        ip = _address(address)
        code = self.overrides.lookup(ip) if ip is not None else None
        return CountryFact(code, "test") if code else None


def default_source() -> CountrySource:
    return OfflineCountries()


def _address(text: str) -> Address | None:
    try:
        ip = ipaddress.ip_address(str(text).strip())
    except ValueError:
        return None
    # An IPv4 address written as IPv6 (::ffff:192.0.2.1) is looked up as IPv4.
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip
