"""A small RDAP client: who holds an IP network, where its abuse desk is, and which
registrar a domain is registered through.

RDAP (RFC 9082/9083) is the JSON successor of WHOIS. The default base URL,
https://rdap.org/, redirects each query to the registry that holds the answer (a RIR for
addresses, a TLD registry for domains). Every request is bounded: a timeout for the
whole exchange, a size cap, at most three redirects, http(s) only. Any failure raises
`RdapError` with a sentence for people; the caller then falls back to the operator's
directory.
"""

from __future__ import annotations

import ipaddress
import json
import time
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote, urljoin, urlsplit

import requests
import urllib3
from django.conf import settings

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
    """RDAP over HTTP(S) with requests, following redirects itself so each is checked."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 10.0,
        max_bytes: int = MAX_BYTES,
        max_redirects: int = MAX_REDIRECTS,
        proxy: str = "",
    ):
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.session = requests.Session()
        # Environment proxies and .netrc credentials must not apply behind our back.
        self.session.trust_env = False
        if proxy:
            self.session.proxies = {"http": proxy, "https": proxy}

    def ip(self, address: str) -> IpNetwork:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            raise RdapError(f"{address!r} is not an IP address.") from None
        return parse_ip(self.get(f"ip/{ip}"))

    def domain(self, name: str) -> DomainRegistration:
        return parse_domain(self.get(f"domain/{quote(name.lower().rstrip('.'), safe='')}"))

    def get(self, path: str) -> dict[str, Any]:
        url = urljoin(self.base_url, path)
        deadline = time.monotonic() + self.timeout
        for _ in range(self.max_redirects + 1):
            _check_scheme(url)
            response = self._request(url, deadline)
            with response:
                if response.is_redirect:
                    location = response.headers.get("location", "")
                    if not location:
                        raise RdapError("RDAP answered with a redirect to nowhere.")
                    url = urljoin(url, location)
                    continue
                return self._read(response, deadline)
        raise RdapError(f"RDAP redirected more than {self.max_redirects} times.")

    def _request(self, url: str, deadline: float) -> requests.Response:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise RdapError(f"RDAP did not answer within {self.timeout:g} seconds.")
        try:
            return self.session.get(
                url,
                headers={"Accept": ACCEPT, "User-Agent": USER_AGENT},
                timeout=(min(remaining, self.timeout), min(remaining, self.timeout)),
                allow_redirects=False,
                stream=True,
            )
        except requests.Timeout:
            raise RdapError(f"RDAP did not answer within {self.timeout:g} seconds.") from None
        except requests.RequestException as error:
            raise RdapError(f"RDAP could not be reached ({_short(error)}).") from None

    def _read(self, response: requests.Response, deadline: float) -> dict[str, Any]:
        if response.status_code == 404:
            raise RdapError("RDAP has no record for this.")
        if response.status_code == 429:
            raise RdapError("RDAP refused: too many look-ups (rate limited); try later.")
        if response.status_code != 200:
            raise RdapError(f"RDAP answered with HTTP {response.status_code}.")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise RdapError(f"The RDAP answer is larger than {self.max_bytes:,} bytes.")
        body = bytearray()
        too_slow = RdapError(f"RDAP did not answer within {self.timeout:g} seconds.")
        try:
            while True:
                # read1 returns whatever one socket read brings, so a server that trickles
                # a byte at a time cannot keep us past the deadline (read() would wait to
                # fill the chunk).
                chunk = response.raw.read1(16384, decode_content=True)
                if not chunk:
                    break
                body += chunk
                if len(body) > self.max_bytes:
                    raise RdapError(f"The RDAP answer is larger than {self.max_bytes:,} bytes.")
                if time.monotonic() > deadline:
                    raise too_slow
        except (urllib3.exceptions.ReadTimeoutError, TimeoutError):
            raise too_slow from None
        except (urllib3.exceptions.HTTPError, OSError) as error:
            raise RdapError(f"The RDAP answer was cut off ({_short(error)}).") from None
        try:
            data = json.loads(bytes(body))
        except ValueError:
            raise RdapError("The RDAP answer is not valid JSON.") from None
        if not isinstance(data, dict):
            raise RdapError("The RDAP answer is not an RDAP object.")
        return data


def _check_scheme(url: str) -> None:
    if urlsplit(url).scheme not in ("http", "https"):
        raise RdapError("RDAP redirected to an address that is not http(s).")


def _short(error: Exception) -> str:
    text = str(error)
    return text if len(text) <= 120 else text[:117] + "…"


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
