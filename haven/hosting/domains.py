"""Domain names: the registered domain of a host name, and directory suffix matching.

The registrable domain is what a registrar sells ("example.co.uk" for
"img.cdn.example.co.uk"). Haven takes the last two labels, or three under a short list
of well-known second-level suffixes (co.uk, com.au, co.jp…). This is a deliberate
simplification of the Public Suffix List: a host under a suffix missing here (e.g.
"example.sch.uk", or private suffixes like "github.io") is looked up one level too high;
the RDAP answer is then the registry's or the platform's, and the analyst can correct
the registrar. Adding the `publicsuffixlist` package would remove the limit.
"""

from __future__ import annotations

import ipaddress

# Second-level suffixes under which names are registered at the third level.
# fmt: off
SECOND_LEVEL_SUFFIXES = frozenset(
    [
        "ac.uk", "co.uk", "gov.uk", "ltd.uk", "me.uk", "net.uk", "nhs.uk", "org.uk", "plc.uk",
        "police.uk",
        "com.au", "net.au", "org.au", "edu.au", "gov.au", "asn.au", "id.au",
        "co.nz", "net.nz", "org.nz", "govt.nz", "ac.nz",
        "co.jp", "ne.jp", "or.jp", "ac.jp", "go.jp",
        "co.kr", "or.kr",
        "com.br", "net.br", "org.br", "gov.br",
        "com.cn", "net.cn", "org.cn", "gov.cn",
        "com.hk", "net.hk", "org.hk",
        "com.tw", "net.tw", "org.tw",
        "co.in", "net.in", "org.in", "firm.in", "gen.in", "ind.in",
        "co.za", "net.za", "org.za", "web.za",
        "com.mx", "net.mx", "org.mx",
        "com.ar", "net.ar", "org.ar",
        "com.tr", "net.tr", "org.tr",
        "com.ua", "net.ua", "org.ua", "in.ua",
        "com.ru", "net.ru", "org.ru", "msk.ru", "spb.ru",
        "com.sg", "net.sg", "org.sg",
        "com.my", "net.my", "org.my",
        "co.id", "or.id", "web.id",
        "co.th", "in.th",
        "com.ph", "net.ph", "org.ph",
        "com.pk", "net.pk", "org.pk",
        "com.vn", "net.vn",
        "com.ng",
        "co.il", "org.il",
        "com.eg",
        "com.sa",
        "co.ke",
        "com.co",
        "com.pe",
        "com.ve",
        "com.pl", "net.pl", "org.pl",
    ]
)
# fmt: on


def registrable_domain(host: str) -> str:
    """The registered domain of `host` (ASCII, lower case); "" for IP literals and
    single-label names."""
    host = host.lower().rstrip(".")
    if not host or _is_ip(host):
        return ""
    labels = host.split(".")
    if len(labels) < 2:
        return ""
    if len(labels) >= 3 and ".".join(labels[-2:]) in SECOND_LEVEL_SUFFIXES:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def within(host: str, domain: str) -> bool:
    """`host` is `domain` or one of its subdomains ("a.example.org" within "example.org")."""
    host, domain = host.lower().rstrip("."), domain.lower().rstrip(".")
    return bool(domain) and (host == domain or host.endswith("." + domain))


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True
