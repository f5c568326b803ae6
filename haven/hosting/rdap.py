"""A small RDAP client: who holds an IP network, where its abuse desk is, and which
registrar a domain is registered through.

RDAP (RFC 9082/9083) is the JSON successor of WHOIS. The default base URL,
https://rdap.org/, redirects each query to the registry that holds the answer (a RIR for
addresses, a TLD registry for domains). Every request goes through
`haven.fetching.outbound`: the address policy of the fetcher for the base URL and for
every redirect (a registry cannot send Haven to its own network), https only unless the
base URL itself is plain http (and never from https to http), one deadline for the whole
exchange (headers and body included), a size cap, at most three redirects. Any failure
raises `RdapError` with a sentence for people; the caller then falls back to the
operator's directory.
"""

from __future__ import annotations

import ipaddress
import ssl
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote, urljoin

from django.conf import settings

from haven.fetching import outbound
from haven.fetching.resolve import Resolver

MAX_BYTES = 1024 * 1024
MAX_REDIRECTS = 3
ACCEPT = "application/rdap+json, application/json;q=0.9"
USER_AGENT = "Haven-RDAP/1.0"


class RdapError(Exception):
    """The look-up failed; str() says why, for the record shown to analysts."""


@dataclass(frozen=True)
class IpNetwork:
    name: str = ""  # the registry's network name ("GOGL", "RIPE-NCC")
    owner: str = ""  # the organisation holding it ("Google LLC"), when given
    handle: str = ""
    range: str = ""  # CIDR(s), or "start - end" when the range is not one prefix
    country: str = ""
    abuse_email: str = ""

    @property
    def label(self) -> str:
        """How the network is shown: the owner, with the registry's name if different."""
        if self.owner and self.name and self.name.lower() not in self.owner.lower():
            return f"{self.owner} ({self.name})"
        return self.owner or self.name


@dataclass(frozen=True)
class DomainRegistration:
    name: str = ""
    registrar_name: str = ""
    registrar_abuse_email: str = ""


class RdapClient(Protocol):
    def ip(self, address: str) -> IpNetwork: ...

    def domain(self, name: str) -> DomainRegistration: ...


# --- HTTP ----------------------------------------------------------------------------


class HttpRdap:
    """RDAP over HTTP(S) through `haven.fetching.outbound`, which checks every redirect."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 10.0,
        max_bytes: int = MAX_BYTES,
        max_redirects: int = MAX_REDIRECTS,
        proxy: str = "",
        resolver: Resolver | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ):
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.proxy = proxy
        self.resolver = resolver
        self.ssl_context = ssl_context
        # An operator who points HAVEN_RDAP_URL at a plain-http server (a local mirror,
        # tests) allows http for that chain; from https, http is never followed.
        self.allow_http = self.base_url.lower().startswith("http://")

    def ip(self, address: str) -> IpNetwork:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            raise RdapError(f"{address!r} is not an IP address.") from None
        return parse_ip(self.get(f"ip/{ip}"))

    def domain(self, name: str) -> DomainRegistration:
        return parse_domain(self.get(f"domain/{quote(name.lower().rstrip('.'), safe='')}"))

    def get(self, path: str) -> dict[str, Any]:
        try:
            response = outbound.get_json(
                urljoin(self.base_url, path),
                headers={"Accept": ACCEPT, "User-Agent": USER_AGENT},
                timeout=self.timeout,
                connect_timeout=self.timeout,
                max_bytes=self.max_bytes,
                max_redirects=self.max_redirects,
                allow_http=self.allow_http,
                proxy=self.proxy,
                resolver=self.resolver,
                ssl_context=self.ssl_context,
            )
        except outbound.OutboundError as error:
            raise RdapError(self._sentence(error)) from None
        return self._read(response)

    def _sentence(self, error: outbound.OutboundError) -> str:
        reason = error.reason
        if reason == "timeout":
            return f"RDAP did not answer within {self.timeout:g} seconds."
        if reason == "too_large":
            return f"The RDAP answer is larger than {self.max_bytes:,} bytes."
        if reason == "too_many_redirects":
            return f"RDAP redirected more than {self.max_redirects} times."
        if reason == "redirect_loop":
            return "RDAP redirected in a loop."
        if reason == "unsupported_scheme":
            return "RDAP redirected to an address that is not http(s)."
        if reason == "bad_redirect":
            return f"RDAP answered with an unusable redirect ({_short(str(error))})."
        if error.refused:
            return f"RDAP look-up stopped: {_short(str(error))}"
        if reason in ("connection_reset", "bad_response"):
            return f"The RDAP answer was cut off ({_short(str(error))})."
        return f"RDAP could not be reached ({_short(str(error))})."

    def _read(self, response: outbound.Response) -> dict[str, Any]:
        if response.status == 404:
            raise RdapError("RDAP has no record for this.")
        if response.status == 429:
            raise RdapError("RDAP refused: too many look-ups (rate limited); try later.")
        if response.status != 200:
            raise RdapError(f"RDAP answered with HTTP {response.status}.")
        try:
            data = response.json()
        except ValueError:
            raise RdapError("The RDAP answer is not valid JSON.") from None
        if not isinstance(data, dict):
            raise RdapError("The RDAP answer is not an RDAP object.")
        return data


def _short(text: str) -> str:
    return text if len(text) <= 160 else text[:157] + "…"


def default_client() -> RdapClient | None:
    """The configured client, or None when RDAP is turned off (HAVEN_RDAP_URL empty)."""
    if not settings.RDAP_URL:
        return None
    return HttpRdap(
        settings.RDAP_URL,
        timeout=settings.RDAP_TIMEOUT_SECONDS,
        proxy=settings.FETCH_PROXY,
    )


# --- Parsing -------------------------------------------------------------------------


def parse_ip(data: dict[str, Any]) -> IpNetwork:
    """An RDAP IP network object (RFC 9083 §5.4) as the few facts Haven uses."""
    entities = _dicts(data.get("entities"))
    owner = _first_with_role(entities, "registrant") or _first_with_role(entities, "administrative")
    return IpNetwork(
        name=_text(data.get("name")),
        owner=_vcard(owner, "fn") if owner else "",
        handle=_text(data.get("handle")),
        range=_range(data),
        country=_text(data.get("country")).upper()[:2],
        abuse_email=_abuse_email(entities),
    )


def parse_domain(data: dict[str, Any]) -> DomainRegistration:
    """An RDAP domain object (RFC 9083 §5.3): its registrar and the registrar's abuse desk."""
    entities = _dicts(data.get("entities"))
    registrar = _first_with_role(entities, "registrar")
    name = _text(data.get("ldhName")).lower()
    if registrar is None:
        return DomainRegistration(name=name)
    return DomainRegistration(
        name=name,
        registrar_name=_vcard(registrar, "fn") or _text(registrar.get("handle")),
        registrar_abuse_email=_abuse_email(_dicts(registrar.get("entities")))
        or _vcard(registrar, "email"),
    )


def _abuse_email(entities: list[dict]) -> str:
    """The e-mail of the nearest entity with the "abuse" role, searching breadth first
    (RIPE puts it at the top level, ARIN nests it inside the organisation)."""
    level = entities
    for _ in range(4):
        for entity in level:
            if "abuse" in _roles(entity):
                email = _vcard(entity, "email")
                if email:
                    return email
        level = [child for entity in level for child in _dicts(entity.get("entities"))]
        if not level:
            break
    return ""


def _first_with_role(entities: list[dict], role: str) -> dict | None:
    return next((entity for entity in entities if role in _roles(entity)), None)


def _roles(entity: dict) -> list[str]:
    roles = entity.get("roles")
    return (
        [role.lower() for role in roles if isinstance(role, str)] if isinstance(roles, list) else []
    )


def _vcard(entity: dict, property_name: str) -> str:
    """The first value of a jCard property (RFC 7095): ["vcard", [[name, {}, type, value]]]."""
    card = entity.get("vcardArray")
    if not (isinstance(card, list) and len(card) == 2 and isinstance(card[1], list)):
        return ""
    for item in card[1]:
        if isinstance(item, list) and len(item) >= 4 and str(item[0]).lower() == property_name:
            value = item[3]
            if isinstance(value, list):  # structured values: take the first part
                value = value[0] if value else ""
            text = _text(value)
            if property_name == "email":
                text = text.removeprefix("mailto:")
            if text:
                return text
    return ""


def _range(data: dict[str, Any]) -> str:
    cidrs = []
    for item in _dicts(data.get("cidr0_cidrs")):
        prefix = item.get("v4prefix") or item.get("v6prefix") if isinstance(item, dict) else None
        if prefix and "length" in item:
            cidrs.append(f"{prefix}/{item['length']}")
    if cidrs:
        return ", ".join(cidrs)
    start, end = _text(data.get("startAddress")), _text(data.get("endAddress"))
    if not (start and end):
        return ""
    try:
        first, last = ipaddress.ip_address(start), ipaddress.ip_address(end)
        networks = list(ipaddress.summarize_address_range(first, last))  # type: ignore[arg-type]
    except (ValueError, TypeError):
        return f"{start} - {end}"
    if len(networks) <= 3:
        return ", ".join(str(network) for network in networks)
    return f"{start} - {end}"


def _dicts(value: Any) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


# --- Fake ------------------------------------------------------------------------------


class FakeRdap:
    """An in-memory RDAP for tests: networks by CIDR (longest prefix wins), domains by
    name; `error` makes every look-up fail as if the network were down."""

    def __init__(
        self,
        networks: dict[str, IpNetwork] | None = None,
        domains: dict[str, DomainRegistration] | None = None,
        error: str = "",
    ):
        self.networks = {
            ipaddress.ip_network(cidr, strict=False): network
            for cidr, network in (networks or {}).items()
        }
        self.domains = {name.lower(): info for name, info in (domains or {}).items()}
        self.error = error
        self.calls: list[str] = []

    def ip(self, address: str) -> IpNetwork:
        self.calls.append(f"ip/{address}")
        if self.error:
            raise RdapError(self.error)
        ip = ipaddress.ip_address(address)
        found = [net for net in self.networks if net.version == ip.version and ip in net]
        if not found:
            raise RdapError("RDAP has no record for this.")
        return self.networks[max(found, key=lambda net: net.prefixlen)]

    def domain(self, name: str) -> DomainRegistration:
        self.calls.append(f"domain/{name}")
        if self.error:
            raise RdapError(self.error)
        if name.lower() not in self.domains:
            raise RdapError("RDAP has no record for this.")
        return self.domains[name.lower()]
