"""Which addresses and ports Haven may connect to when it fetches a reported address.

Only globally routable unicast addresses: a reported address is hostile input, and one
that points at the hotline's own network (loopback, private ranges, the cloud provider's
metadata service…) must never be contacted. The ranges are listed explicitly rather than
left to `ipaddress.is_global`, whose lists differ between Python releases (3.11 calls
224.0.0.1 and 64:ff9b:1::1 global); `is_global` is then applied as well, so that an
address has to pass both.

Addresses that carry an IPv4 address inside an IPv6 one (IPv4-mapped, 6to4, NAT64) are
judged by the IPv4 address they carry: `::ffff:127.0.0.1` is loopback. NAT64 matters in
practice: on an IPv6-only network with DNS64, every IPv4-only site resolves to
64:ff9b::/96, and those must work while `64:ff9b::a9fe:a9fe` (169.254.169.254) must not.

`settings.FETCH_EXTRA_FORBIDDEN_NETWORKS` (CIDRs) adds the operator's own ranges — a
public range of the hotline's or its hosting provider's that the fetcher must not reach
either. They are forbidden whatever else is set, the test allow-list included.

`settings.FETCH_TEST_ALLOW_NETWORKS` lets tests reach their own servers on 127.0.0.1;
the settings module refuses to start in production with it set.

`DEFAULT_USER_AGENT` is what fetches say they are when `settings.FETCH_USER_AGENT` is
empty: a common desktop browser, because a host that recognises Haven's fetcher can
answer it 404 while still serving everyone else (and so have a removal wrongly
confirmed).

`API_USER_AGENT` is what calls to configured endpoints (`haven.fetching.outbound`: hosts'
notice APIs, partner Havens, RDAP) say they are: Haven, openly. Those endpoints expect
Haven and answer it about Haven's own business, so there is nothing to cloak and nothing
to hide; a caller may name itself more precisely (RDAP sends "Haven-RDAP/1.0").
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# A current desktop browser (Chrome on Windows, in the reduced form Chrome sends). Keep
# it recent when upgrading Haven: an old version is itself unusual enough to be noticed.
DEFAULT_USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36"
)
# Calls to configured endpoints (outbound.py) identify Haven instead: see above.
API_USER_AGENT = "Haven/1.0"
OPERATOR_REASON = "forbidden by the operator"

# Most specific first: the first match names the reason.
FORBIDDEN_NETWORKS: list[tuple[str, str]] = [
    # IPv4
    ("0.0.0.0/8", "unspecified"),  # "this network"
    ("10.0.0.0/8", "private"),
    ("100.100.100.200/32", "cloud metadata service"),  # Alibaba Cloud
    ("100.64.0.0/10", "shared carrier-grade NAT"),
    ("127.0.0.0/8", "loopback"),
    # Azure's WireServer and DNS: a public address, reachable only from inside Azure,
    # that hands out VM configuration and extension settings.
    ("168.63.129.16/32", "cloud platform service"),
    ("169.254.169.254/32", "cloud metadata service"),  # AWS, Azure, GCP, OpenStack…
    ("169.254.170.2/32", "cloud metadata service"),  # AWS ECS task credentials
    ("169.254.0.0/16", "link-local"),
    ("172.16.0.0/12", "private"),
    ("192.0.0.0/24", "IETF protocol assignments"),
    ("192.0.2.0/24", "documentation"),
    ("192.88.99.0/24", "deprecated 6to4 relay"),
    ("192.168.0.0/16", "private"),
    ("198.18.0.0/15", "benchmarking"),
    ("198.51.100.0/24", "documentation"),
    ("203.0.113.0/24", "documentation"),
    ("224.0.0.0/4", "multicast"),
    ("255.255.255.255/32", "broadcast"),
    ("240.0.0.0/4", "reserved"),
    # IPv6
    ("::/128", "unspecified"),
    ("::1/128", "loopback"),
    ("::/96", "deprecated IPv4-compatible"),
    ("64:ff9b:1::/48", "local-use NAT64"),
    ("100::/64", "discard-only"),
    ("2001::/32", "Teredo tunnel"),
    ("2001:db8::/32", "documentation"),
    ("2001::/23", "IETF protocol assignments"),
    ("3fff::/20", "documentation"),
    ("5f00::/16", "segment routing"),
    ("fd00:ec2::254/128", "cloud metadata service"),  # AWS IPv6 endpoint
    ("fc00::/7", "private (unique local)"),
    ("fe80::/10", "link-local"),
    ("fec0::/10", "deprecated site-local"),
    ("ff00::/8", "multicast"),
]

# Where an IPv4 address rides inside an IPv6 one, judge the IPv4 address.
MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")
GLOBAL_UNICAST_V6 = ipaddress.IPv6Network("2000::/3")

# The ports browsers refuse to fetch (WHATWG Fetch, "bad port"): mail, DNS, SSH, IRC…
# Content on them cannot be seen in a browser either, and sending HTTP to them is how
# cross-protocol attacks on third parties are made. Every other port is allowed:
# reported pages are often on :8080 or :8443, and the address policy, not the port,
# is what keeps requests away from internal services.
BAD_PORTS = frozenset(
    {1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95}
    | {101, 102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143}
    | {161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554}
    | {556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045}
    | {4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080}
)


def forbidden_reason(address: str | Address) -> str | None:
    """Why Haven must not connect to `address` ("loopback", "private"…), or None."""
    try:
        ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    except ValueError:
        return "not an IP address"
    operator = _operator_forbidden(ip)
    if operator:
        return operator
    if _test_allowed(ip):
        return None
    return _classify(ip)


def is_allowed(address: str | Address) -> bool:
    return forbidden_reason(address) is None


def port_allowed(port: int) -> bool:
    return 0 < port <= 65535 and port not in BAD_PORTS


def _classify(ip: Address) -> str | None:
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            kind, v4 = embedded
            reason = _classify(v4)
            return f"{reason} inside {kind}" if reason else None
    for network, reason in _networks(ip.version):
        if ip in network:
            return reason
    if isinstance(ip, ipaddress.IPv6Address) and ip not in GLOBAL_UNICAST_V6:
        return "outside the global unicast range"
    if not ip.is_global or ip.is_multicast or ip.is_reserved or ip.is_unspecified:
        return "not globally routable"
    return None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> tuple[str, ipaddress.IPv4Address] | None:
    if ip in MAPPED:
        return "IPv4-mapped IPv6", ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in NAT64:
        return "NAT64", ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in SIX_TO_FOUR:
        return "6to4", ipaddress.IPv4Address((int(ip) >> 80) & 0xFFFFFFFF)
    return None


@lru_cache(maxsize=2)
def _networks(version: int) -> list[tuple[Network, str]]:
    parsed = [(ipaddress.ip_network(cidr), reason) for cidr, reason in FORBIDDEN_NETWORKS]
    return [(network, reason) for network, reason in parsed if network.version == version]


def user_agent() -> str:
    """The User-Agent fetches send: the setting, or a common browser's when it is empty."""
    return getattr(settings, "FETCH_USER_AGENT", "") or DEFAULT_USER_AGENT


def validate_networks(values: list[str] | tuple[str, ...]) -> str | None:
    """Why a list of CIDRs cannot be used (for the settings module), or None."""
    for value in values:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            return f"{value!r} is not a network (write 203.0.113.0/24 or 2001:db8::/32)."
    return None


def _operator_forbidden(ip: Address) -> str | None:
    extra = getattr(settings, "FETCH_EXTRA_FORBIDDEN_NETWORKS", None) or []
    if not extra:
        return None
    networks = _extra_networks(tuple(extra))
    if any(ip in network for network in networks):
        return OPERATOR_REASON
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None and any(embedded[1] in network for network in networks):
            return f"{OPERATOR_REASON} inside {embedded[0]}"
    return None


@lru_cache(maxsize=8)
def _extra_networks(cidrs: tuple[str, ...]) -> list[Network]:
    # Not strict: "10.1.2.3/8" forbids 10.0.0.0/8 — forbidding more is the safe reading.
    # A value that is not a network raises, and the fetch fails as an error: closed.
    return [ipaddress.ip_network(cidr, strict=False) for cidr in cidrs]


def _test_allowed(ip: Address) -> bool:
    allowed = getattr(settings, "FETCH_TEST_ALLOW_NETWORKS", None) or []
    return any(ip in network for network in _allowed_networks(tuple(allowed)))


@lru_cache(maxsize=8)
def _allowed_networks(cidrs: tuple[str, ...]) -> list[Network]:
    return [ipaddress.ip_network(cidr, strict=True) for cidr in cidrs]
