"""Is the site behind a CDN or a reverse proxy? Then the addresses are the CDN's, the real
host is hidden, and notices go to the CDN's abuse desk, which passes them on.

Four clues, strongest first: an operator directory entry marked as a CDN, the CDNs'
published address ranges, the RDAP network name, and the response headers of the last
capture. Each answer says which clue gave it.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Published ranges, as of 2025-06 (Cloudflare: cloudflare.com/ips; Fastly:
# api.fastly.com/public-ip-list; Imperva: its published "Incapsula IP ranges"; Sucuri:
# its firewall documentation; CloudFront: the CLOUDFRONT part of AWS ip-ranges.json,
# the long-standing blocks only). Ranges change: a miss here is still caught by the RDAP
# name or the headers, and operators can add any range as a directory entry with
# "CDN" ticked.
PUBLISHED_RANGES: dict[str, tuple[str, ...]] = {
    "Cloudflare": (
        "173.245.48.0/20",
        "103.21.244.0/22",
        "103.22.200.0/22",
        "103.31.4.0/22",
        "141.101.64.0/18",
        "108.162.192.0/18",
        "190.93.240.0/20",
        "188.114.96.0/20",
        "197.234.240.0/22",
        "198.41.128.0/17",
        "162.158.0.0/15",
        "104.16.0.0/13",
        "104.24.0.0/14",
        "172.64.0.0/13",
        "131.0.72.0/22",
        "2400:cb00::/32",
        "2606:4700::/32",
        "2803:f800::/32",
        "2405:b500::/32",
        "2405:8100::/32",
        "2a06:98c0::/29",
        "2c0f:f248::/32",
    ),
    "Fastly": (
        "23.235.32.0/20",
        "43.249.72.0/22",
        "103.244.50.0/24",
        "103.245.222.0/23",
        "103.245.224.0/24",
        "104.156.80.0/20",
        "140.248.64.0/18",
        "140.248.128.0/17",
        "146.75.0.0/17",
        "151.101.0.0/16",
        "157.52.64.0/18",
        "167.82.0.0/17",
        "167.82.128.0/20",
        "167.82.160.0/20",
        "167.82.224.0/20",
        "172.111.64.0/18",
        "185.31.16.0/22",
        "199.27.72.0/21",
        "199.232.0.0/16",
        "2a04:4e40::/32",
        "2a04:4e42::/32",
    ),
    "Amazon CloudFront": (
        "13.32.0.0/15",
        "13.224.0.0/14",
        "52.84.0.0/15",
        "54.182.0.0/16",
        "54.192.0.0/16",
        "54.230.0.0/16",
        "54.239.128.0/18",
        "99.84.0.0/16",
        "143.204.0.0/16",
        "204.246.164.0/22",
    ),
    "Imperva (Incapsula)": (
        "199.83.128.0/21",
        "198.143.32.0/19",
        "149.126.72.0/21",
        "103.28.248.0/22",
        "45.64.64.0/22",
        "185.11.124.0/22",
        "192.230.64.0/18",
        "107.154.0.0/16",
        "45.60.0.0/16",
        "45.223.0.0/16",
    ),
    "Sucuri": ("192.88.134.0/23", "185.93.228.0/22", "66.248.200.0/22"),
}

_NETWORKS = [
    (ipaddress.ip_network(cidr), name) for name, cidrs in PUBLISHED_RANGES.items() for cidr in cidrs
]

# RDAP network or owner names of CDNs and reverse proxies. Amazon's and Google's general
# networks are not here: most sites on them are hosted there, not fronted.
_NAME_PATTERNS = [
    (re.compile(r"cloudflare", re.I), "Cloudflare"),
    (re.compile(r"akamai", re.I), "Akamai"),
    (re.compile(r"fastly", re.I), "Fastly"),
    (re.compile(r"cloudfront|amazo(n)?-cf\b", re.I), "Amazon CloudFront"),
    (re.compile(r"incapsula|imperva", re.I), "Imperva (Incapsula)"),
    (re.compile(r"sucuri", re.I), "Sucuri"),
    (re.compile(r"stackpath|highwinds", re.I), "StackPath"),
    (re.compile(r"edgecast|edgio|limelight", re.I), "Edgio"),
    (re.compile(r"azure[ -]?front[ -]?door", re.I), "Azure Front Door"),
    (re.compile(r"cdn77|datacamp", re.I), "CDN77"),
    (re.compile(r"ddos-?guard", re.I), "DDoS-Guard"),
]


@dataclass(frozen=True)
class CdnFact:
    name: str
    source: str  # "directory", "cdn_ranges", "rdap" or "headers"


def by_range(addresses: Iterable[str]) -> str:
    for text in addresses:
        try:
            ip = ipaddress.ip_address(text)
        except ValueError:
            continue
        for network, name in _NETWORKS:
            if ip.version == network.version and ip in network:
                return name
    return ""


def by_network_name(*names: str) -> str:
    for name in names:
        for pattern, cdn in _NAME_PATTERNS:
            if name and pattern.search(name):
                return cdn
    return ""


def by_headers(headers: Mapping[str, object]) -> str:
    """The CDN that stamped these response headers, if any."""
    h = {str(key).lower(): str(value).lower() for key, value in (headers or {}).items()}
    server = h.get("server", "")
    checks = [
        ("cf-ray" in h or server == "cloudflare" or "cf-cache-status" in h, "Cloudflare"),
        (
            "x-amz-cf-id" in h or "x-amz-cf-pop" in h or "cloudfront" in h.get("via", ""),
            "Amazon CloudFront",
        ),
        ("x-fastly-request-id" in h or "cache-" in h.get("x-served-by", ""), "Fastly"),
        (
            any(key.startswith("x-akamai-") for key in h)
            or "akamai-grn" in h
            or server.startswith("akamaighost"),
            "Akamai",
        ),
        ("x-sucuri-id" in h or "sucuri" in server, "Sucuri"),
        ("x-iinfo" in h or "incapsula" in h.get("x-cdn", "").lower(), "Imperva (Incapsula)"),
        ("x-azure-ref" in h, "Azure Front Door"),
        ("x-hw" in h or "stackpath" in server, "StackPath"),
        (server.startswith("ddos-guard"), "DDoS-Guard"),
    ]
    return next((name for matched, name in checks if matched), "")


def detect(
    *,
    addresses: Iterable[str] = (),
    network_names: Iterable[str] = (),
    headers: Mapping[str, object] | None = None,
    directory_cdn: str = "",
) -> CdnFact | None:
    """The CDN in front of the site and the clue that showed it, or None."""
    if directory_cdn:
        return CdnFact(directory_cdn, "directory")
    for find, source in (
        (lambda: by_range(addresses), "cdn_ranges"),
        (lambda: by_network_name(*network_names), "rdap"),
        (lambda: by_headers(headers or {}), "headers"),
    ):
        name = find()
        if name:
            return CdnFact(name, source)
    return None
