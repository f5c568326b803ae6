"""Where a reported address is hosted, and where its notices go.

`locate` gathers the facts — addresses, country, network owner and abuse desk, the
domain's registrar, a CDN in front — from DNS, the offline country data, RDAP and the
operator's directory, and records where each came from. Analysts `correct` any of it;
a corrected field is theirs, and no later look-up overwrites it. `notice_contact` and
`registrar_contact` tell the takedown code whom to write to.

Look-ups touch the network (DNS, RDAP) outside any transaction and write the result in
one short one, on a locked row, so a correction made meanwhile is never lost.
"""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone

from haven.audit.services import Actor, record
from haven.fetching import urls
from haven.fetching.models import Fetch
from haven.fetching.resolve import ResolveError, Resolver, SystemResolver, resolve_within
from haven.hosting import cdn, directory, domains
from haven.hosting.countries import CountryFact, CountrySource, default_source
from haven.hosting.models import Hosting
from haven.hosting.rdap import DomainRegistration, IpNetwork, RdapClient, RdapError, default_client
from haven.reports.models import ReportUrl
from haven.triage.actions import InvalidInput
from haven.web.countries import is_country

log = logging.getLogger(__name__)

# A look-up resolves the name itself only when no fetch says where the page was; a slow
# name server must not hold the job for ever (getaddrinfo has no timeout of its own).
RESOLVE_TIMEOUT_SECONDS = 10.0

# The facts a look-up fills in, and an analyst may correct.
FIELDS = (
    "country",
    "network_name",
    "network_range",
    "abuse_email",
    "registrar_name",
    "registrar_abuse_email",
    "cdn",
)
EMAIL_FIELDS = ("abuse_email", "registrar_abuse_email")
MAX_LENGTHS = {
    field.name: field.max_length or 0
    for field in Hosting._meta.fields
    if isinstance(field, models.CharField)
}


@dataclass(frozen=True)
class Contact:
    channel: str  # "email" or "api"
    recipient: str  # an e-mail address, or the notice API's URL
    name: str
    language: str
    api_token: str = ""


@dataclass
class Findings:
    """What one look-up found: (value, source) per field, and what went wrong."""

    hostname: str = ""
    addresses: list[str] = field(default_factory=list)
    addresses_source: str = ""
    facts: dict[str, tuple[str, str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def offer(self, name: str, value: str, source: str) -> None:
        """Take `value` unless an earlier (higher-priority) source already gave one."""
        if value and name not in self.facts:
            self.facts[name] = (value, source)


# --- Looking up ------------------------------------------------------------------------


def locate(
    report_url: ReportUrl,
    *,
    resolver: Resolver | None = None,
    rdap: RdapClient | None = None,
    countries: CountrySource | None = None,
) -> Hosting:
    """Look up where `report_url` is hosted and record it (never over corrected fields).

    `rdap` None means the configured client (none when HAVEN_RDAP_URL is empty)."""
    organisation_id = report_url.report.organisation_id
    hosting, _ = Hosting.objects.get_or_create(
        report_url=report_url, defaults={"organisation_id": organisation_id}
    )
    found = gather(
        report_url,
        organisation_id,
        resolver=resolver or SystemResolver(),
        rdap=rdap if rdap is not None else default_client(),
        countries=countries or default_source(),
    )
    return _save(hosting, found)


def gather(
    report_url: ReportUrl,
    organisation_id: int,
    *,
    resolver: Resolver,
    rdap: RdapClient | None,
    countries: CountrySource,
) -> Findings:
    found = Findings()
    fetch = _latest_fetch(report_url)
    url = fetch.final_url if fetch is not None else report_url.url
    try:
        parsed = urls.parse(url)
    except urls.BadUrl as problem:
        found.problems.append(f"The address cannot be read: {problem.message}")
        return found
    found.hostname = parsed.host
    _resolve(found, parsed, resolver, fetch)
    public = [address for address in found.addresses if _is_public(address)]
    if found.addresses and not public:
        found.problems.append("None of its addresses is a public one.")
    first = public[0] if public else ""

    fact = countries.country(first) if first else None
    network, registration = _rdap(found, rdap, first, parsed.host if parsed.ip is None else "")
    match = directory.match(organisation_id, parsed.host, public or found.addresses)
    _combine(found, fact, network, registration, match)

    front = cdn.detect(
        addresses=public,
        network_names=[network.name, network.owner] if network is not None else [],
        headers=fetch.response_headers if fetch is not None else {},
        directory_cdn=match.cdn_name,
    )
    if front is not None:
        found.offer("cdn", front.name, front.source)
    return found


def _combine(
    found: Findings,
    fact: CountryFact | None,
    network: IpNetwork | None,
    registration: DomainRegistration | None,
    match: directory.DirectoryMatch,
) -> None:
    """Offer each source's facts in order of trust; the first value offered stays."""
    if fact is not None:
        found.offer("country", fact.code, fact.source)
    # Abuse contact: the operator's directory first — it is kept deliberately, and RDAP's
    # abuse desks are often generic. Everything else: RDAP first, the directory fills gaps.
    found.offer("abuse_email", match.first("abuse_email")[0], "directory")
    if network is not None:
        found.offer("country", network.country, "rdap")
        found.offer("network_name", network.label, "rdap")
        found.offer("network_range", network.range, "rdap")
        found.offer("abuse_email", _valid_email(network.abuse_email), "rdap")
    if match.network is not None:
        found.offer("network_name", match.network.name, "directory")
        found.offer("network_range", match.network.match, "directory")
    found.offer("country", match.first("country")[0], "directory")
    if registration is not None:
        found.offer("registrar_name", registration.registrar_name, "rdap")
        found.offer(
            "registrar_abuse_email", _valid_email(registration.registrar_abuse_email), "rdap"
        )


def _latest_fetch(report_url: ReportUrl) -> Fetch | None:
    # The last fetch that got somewhere: its final URL is where the content really is
    # after redirects, and its headers show a CDN.
    fetches = Fetch.objects.filter(report_url=report_url).exclude(final_url="")
    return fetches.order_by("-started_at", "-pk").first()


def _resolve(found: Findings, parsed: urls.Parsed, resolver: Resolver, fetch: Fetch | None) -> None:
    if parsed.ip is not None:
        found.addresses, found.addresses_source = [str(parsed.ip)], "address"
        return
    captured = _fetched_addresses(fetch)
    if captured:
        # Where the fetcher really connected (and the other addresses it was given then),
        # not a new DNS answer: a hostile name server could answer a second look-up with
        # someone else's address and so choose whose abuse desk gets the notice.
        found.addresses, found.addresses_source = captured, "capture"
        return
    try:
        found.addresses = resolve_within(
            resolver, parsed.host, parsed.port, RESOLVE_TIMEOUT_SECONDS
        )
        found.addresses_source = "dns"
    except ResolveError as problem:
        found.problems.append(str(problem) if problem.nxdomain else f"DNS failed: {problem}")
    except TimeoutError:
        found.problems.append(
            f"DNS failed: {parsed.host} did not resolve within {RESOLVE_TIMEOUT_SECONDS:g} seconds."
        )


def _fetched_addresses(fetch: Fetch | None) -> list[str]:
    """The fetch's connected address first, then the other addresses the name had."""
    if fetch is None:
        return []
    listed = [fetch.connected_address or "", *(fetch.addresses or [])]
    return list(dict.fromkeys(a for a in listed if isinstance(a, str) and _is_ip(a)))


def _rdap(
    found: Findings, rdap: RdapClient | None, address: str, host: str
) -> tuple[IpNetwork | None, DomainRegistration | None]:
    if rdap is None:
        return None, None
    network = registration = None
    if address:
        try:
            network = rdap.ip(address)
        except RdapError as problem:
            found.problems.append(f"RDAP for {address}: {problem}")
    registered = domains.registrable_domain(host)
    if registered:
        try:
            registration = rdap.domain(registered)
        except RdapError as problem:
            found.problems.append(f"RDAP for {registered}: {problem}")
    return network, registration


def _save(hosting: Hosting, found: Findings) -> Hosting:
    with transaction.atomic():
        hosting = Hosting.objects.select_for_update().get(pk=hosting.pk)
        corrected = set(hosting.corrected_fields)
        sources = dict(hosting.sources)
        for name in FIELDS:
            if name in corrected:
                continue
            value, source = found.facts.get(name, ("", ""))
            if not value and found.problems and getattr(hosting, name):
                # This look-up failed where an earlier one succeeded: keep what we knew.
                continue
            setattr(hosting, name, _fit(name, value))
            if value:
                sources[name] = source
            else:
                sources.pop(name, None)
        if found.addresses or not found.problems:
            hosting.addresses = found.addresses
            sources["addresses"] = found.addresses_source
        hosting.hostname = found.hostname or hosting.hostname
        hosting.sources = sources
        hosting.looked_up_at = timezone.now()
        hosting.lookup_error = _fit("lookup_error", " ".join(found.problems))
        hosting.save()
        record(
            Actor.system("hosting"),
            "hosting.looked_up",
            hosting,
            organisation_id=hosting.organisation_id,
            report_url_id=hosting.report_url_id,
            hostname=hosting.hostname,
            addresses=hosting.addresses,
            country=hosting.country,
            network=hosting.network_name,
            abuse_email=hosting.abuse_email,
            cdn=hosting.cdn,
            error=hosting.lookup_error,
        )
    return hosting


def _fit(name: str, value: str) -> str:
    limit = MAX_LENGTHS[name]
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _is_ip(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def _is_public(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_global
    except ValueError:
        return False


def _valid_email(value: str) -> str:
    # RDAP answers come from the network: keep an address only if it is one.
    try:
        return directory.clean_email(value, "email")
    except InvalidInput:
        return ""


# --- Corrections -----------------------------------------------------------------------


def correct(hosting: Hosting, changes: dict, by, *, actor: Actor | None = None) -> Hosting:
    """Set fields by hand. Fields whose value really changes become corrected: the
    analyst's, shown as such, and kept by every later look-up."""
    if not (by.is_org_staff and by.organisation_id == hosting.organisation_id):
        raise PermissionDenied("Only staff of the organisation can correct hosting details.")
    cleaned = {name: _clean_correction(name, value) for name, value in changes.items()}
    with transaction.atomic():
        hosting = Hosting.objects.select_for_update().get(pk=hosting.pk)
        changed = {
            name: value for name, value in cleaned.items() if getattr(hosting, name) != value
        }
        if not changed:
            raise InvalidInput("Nothing was changed: edit a field before saving.")
        previous = {name: getattr(hosting, name) for name in changed}
        sources = dict(hosting.sources)
        for name, value in changed.items():
            setattr(hosting, name, value)
            sources[name] = "analyst"
        hosting.sources = sources
        hosting.corrected_fields = sorted(set(hosting.corrected_fields) | set(changed))
        hosting.corrected_by, hosting.corrected_at = by, timezone.now()
        hosting.save()
        record(
            actor or Actor.for_user(by),
            "hosting.corrected",
            hosting,
            report_url_id=hosting.report_url_id,
            changes=changed,
            previous=previous,
        )
    return hosting


def _clean_correction(name: str, value) -> str:
    if name not in FIELDS:
        raise InvalidInput(f"{name} cannot be corrected.", name)
    text = str(value or "").strip()
    if name == "country":
        text = text.upper()
        if text and not is_country(text):
            raise InvalidInput("Choose a country.", name)
        return text
    if name in EMAIL_FIELDS:
        return directory.clean_email(text, name)
    if name == "network_range":
        return directory.clean_network_range(text, name)
    limit = MAX_LENGTHS[name]
    if len(text) > limit:
        raise InvalidInput(f"Keep this under {limit} characters.", name)
    return text


# --- Contacts --------------------------------------------------------------------------


def notice_contact(
    report_url: ReportUrl,
    *,
    with_token: bool = True,
    hosting: Hosting | None = None,
    loaded: directory.Loaded | None = None,
) -> Contact | None:
    """Where notices for `report_url` go: a directory entry's notice API, else the abuse
    e-mail an analyst set, else the directory's abuse e-mail, else RDAP's. Pages that
    only show where notices go ask `with_token=False`: the API token stays sealed; they
    pass the `hosting` row and the `loaded` directory they already have."""
    if hosting is None:
        hosting = Hosting.objects.filter(report_url=report_url).first()
    if hosting is None:
        return None
    match = directory.match(
        hosting.organisation_id, hosting.hostname, hosting.addresses, loaded=loaded
    )
    language = match.first("language")[0]
    for entry in match.entries:
        if entry.notice_api_url:
            if not with_token:
                return Contact("api", entry.notice_api_url, entry.name, entry.language)
            try:
                token = directory.unseal_token(entry.notice_api_token_sealed)
            except directory.TokenUnreadable:
                log.error("notice API token of directory entry %s is unreadable", entry.pk)
                continue
            return Contact("api", entry.notice_api_url, entry.name, entry.language, token)
    if "abuse_email" in hosting.corrected_fields and hosting.abuse_email:
        return Contact("email", hosting.abuse_email, _host_name(hosting, match), language)
    email, listed = match.first("abuse_email")
    if listed is not None:
        return Contact("email", email, listed.name, listed.language or language)
    if hosting.abuse_email:
        return Contact("email", hosting.abuse_email, _host_name(hosting, match), language)
    return None


def registrar_contact(report_url: ReportUrl) -> Contact | None:
    """The registrar's abuse desk for the domain of `report_url`, if known."""
    hosting = Hosting.objects.filter(report_url=report_url).first()
    if hosting is None or not hosting.registrar_abuse_email:
        return None
    return Contact(
        "email", hosting.registrar_abuse_email, hosting.registrar_name or "Registrar", ""
    )


def _host_name(hosting: Hosting, match: directory.DirectoryMatch) -> str:
    return hosting.cdn or hosting.network_name or match.first("name")[0] or hosting.hostname
