"""The operator-maintained host directory: who runs a network or a domain, where its
notices go, and (for partners that offer one) a notice API and its token.

Operators keep it deliberately, so its abuse contact beats RDAP's, and it is what
Haven uses when RDAP cannot be reached. Entries belong to one organisation. Every change
goes through the functions here, which validate, seal the token and write the audit log.
"""

from __future__ import annotations

import csv
import io
import ipaddress
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import idna
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q

from haven.audit.services import Actor, record
from haven.fetching import policy
from haven.hashing.sealing import SealedSecrets, SecretUnreadable
from haven.hosting import domains
from haven.hosting.models import DirectoryKind, HostDirectoryEntry
from haven.triage.actions import InvalidInput
from haven.web.countries import is_country
from haven.web.languages import is_language

ENTRY_FIELDS = (
    "kind",
    "match",
    "name",
    "country",
    "abuse_email",
    "notice_api_url",
    "language",
    "cdn",
    "notes",
)
NOTES_MAX_LENGTH = 5_000
# The most rows one CSV import may hold; a directory is hundreds of entries, not millions.
IMPORT_MAX_ROWS = 5_000
_PURPOSE = b"haven host directory notice tokens v1"


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


TokenUnreadable = SecretUnreadable
# Notice API tokens, under a key of their own (see haven.hashing.sealing.purpose_cipher).
_TOKENS = SealedSecrets(_PURPOSE, "the stored notice API token cannot be decrypted: enter it again")
seal_token = _TOKENS.seal
unseal_token = _TOKENS.unseal


# --- Matching --------------------------------------------------------------------------


@dataclass(frozen=True)
class DirectoryMatch:
    """The entries that apply to a host: the longest matching domain, then the longest
    matching network. The domain entry comes first: it names the site's own operator,
    a network entry only the provider it runs on."""

    domain: HostDirectoryEntry | None = None
    network: HostDirectoryEntry | None = None

    @property
    def entries(self) -> list[HostDirectoryEntry]:
        return [entry for entry in (self.domain, self.network) if entry is not None]

    @property
    def cdn_name(self) -> str:
        return next((entry.name for entry in self.entries if entry.cdn), "")

    def first(self, attribute: str) -> tuple[str, HostDirectoryEntry | None]:
        for entry in self.entries:
            value = getattr(entry, attribute)
            if value:
                return value, entry
        return "", None


@dataclass(frozen=True)
class Loaded:
    """An organisation's directory read once: domain entries by domain, network entries
    with their parsed ranges. A page that matches many addresses loads it once."""

    domains: dict[str, HostDirectoryEntry]
    networks: list[tuple[Network, HostDirectoryEntry]]


def load(organisation_id: int) -> Loaded:
    domains: dict[str, HostDirectoryEntry] = {}
    networks: list[tuple[Network, HostDirectoryEntry]] = []
    # Network entries are few (hundreds); matching them in Python keeps CIDR logic out
    # of SQL, which SQLite cannot do.
    for entry in HostDirectoryEntry.objects.filter(organisation_id=organisation_id):
        if entry.kind == DirectoryKind.DOMAIN:
            domains[entry.match] = entry
            continue
        try:
            networks.append((ipaddress.ip_network(entry.match, strict=False), entry))
        except ValueError:
            continue
    return Loaded(domains, networks)


def match(
    organisation_id: int, hostname: str, addresses: list[str], *, loaded: Loaded | None = None
) -> DirectoryMatch:
    loaded = loaded if loaded is not None else load(organisation_id)
    return DirectoryMatch(
        domain=_domain_entry(loaded, hostname), network=_network_entry(loaded, addresses)
    )


def _domain_entry(loaded: Loaded, hostname: str) -> HostDirectoryEntry | None:
    labels = hostname.lower().rstrip(".").split(".") if hostname else []
    # The longest suffix listed wins: img.cdn.example.org before example.org.
    for start in range(len(labels)):
        entry = loaded.domains.get(".".join(labels[start:]))
        if entry is not None:
            return entry
    return None


def _network_entry(loaded: Loaded, addresses: list[str]) -> HostDirectoryEntry | None:
    for text in addresses:
        try:
            ip = ipaddress.ip_address(text)
        except ValueError:
            continue
        # The first address that any entry covers decides (the first public address is
        # the one the look-up is about); among entries covering it, the longest prefix.
        covering = [
            (net, e) for net, e in loaded.networks if net.version == ip.version and ip in net
        ]
        if covering:
            return max(covering, key=lambda pair: pair[0].prefixlen)[1]
    return None


# --- Search and display ----------------------------------------------------------------


def search(entries, query: str):
    """The entries of `entries` that `query` finds: text in the range or domain, the name,
    the abuse e-mail or the notes; and by what they cover: an IP address finds the
    network entries that contain it, and a host name or a full URL (its host) finds the
    domain entries that cover it, international names in either form."""
    query = (query or "").strip()
    if not query:
        return entries
    found = (
        Q(match__icontains=query)
        | Q(name__icontains=query)
        | Q(abuse_email__icontains=query)
        | Q(notes__icontains=query)
    )
    host = _host_of(query)
    address = _ip(host)
    if address is not None:
        found |= Q(pk__in=_networks_containing(entries, address))
    elif host:
        ascii_host = _ascii(host)
        if ascii_host and ascii_host != query.lower():
            found |= Q(match__icontains=ascii_host)
        labels = ascii_host.split(".") if ascii_host else []
        suffixes = [".".join(labels[i:]) for i in range(len(labels) - 1)]
        if suffixes:
            found |= Q(kind=DirectoryKind.DOMAIN, match__in=suffixes)
    return entries.filter(found)


def _host_of(query: str) -> str:
    if "://" in query:
        try:
            return urlsplit(query).hostname or ""
        except ValueError:
            return ""
    if " " in query or "@" in query:
        return ""
    if _ip(query.strip("[]")) is not None:
        return query.strip("[]")
    # "example.org/page" or "example.org:8080": the host is before the path or port.
    return query.split("/", 1)[0].rsplit(":", 1)[0].lower().rstrip(".")


def _ip(text: str):
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _ascii(host: str) -> str:
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError):
        return ""


def _networks_containing(entries, address) -> list[int]:
    found = []
    for pk, text in entries.filter(kind=DirectoryKind.NETWORK).values_list("pk", "match"):
        try:
            network = ipaddress.ip_network(text, strict=False)
        except ValueError:
            continue
        if network.version == address.version and address in network:
            found.append(pk)
    return found


def shown_domain(name: str) -> str:
    """An international domain name as people read it, with the form DNS uses in
    brackets: "bücher.example (xn--bcher-kva.example)". Other names are unchanged.

    Both are shown because a look-alike name (a Cyrillic letter for a Latin one) only
    shows itself in the punycode form."""
    if "xn--" not in (name or "").lower():
        return name
    try:
        readable = idna.decode(name)
    except (idna.IDNAError, UnicodeError, ValueError):
        return name
    return f"{readable} ({name})" if readable != name.lower() else name


def shown_match(entry: HostDirectoryEntry) -> str:
    return shown_domain(entry.match) if entry.kind == DirectoryKind.DOMAIN else entry.match


# --- Validation ------------------------------------------------------------------------


def normalise_match(kind: str, text: str) -> str:
    """The canonical form of a directory key: a CIDR network, or an ASCII domain."""
    text = (text or "").strip()
    if kind == DirectoryKind.NETWORK:
        try:
            return str(ipaddress.ip_network(text, strict=False))
        except ValueError:
            raise InvalidInput(
                "Enter an address range such as 203.0.113.0/24 or 2001:db8::/32.", "match"
            ) from None
    if kind == DirectoryKind.DOMAIN:
        return normalise_domain(text)
    raise InvalidInput("Choose whether this is a network or a domain.", "kind")


def normalise_domain(text: str) -> str:
    name = text.strip().lower().removeprefix("*.").rstrip(".")
    bad = InvalidInput("Enter a domain such as example.org (no https:// and no path).", "match")
    if not name or "/" in name or ":" in name or " " in name or "." not in name:
        raise bad
    if domains.registrable_domain(name) == "":
        raise bad
    try:
        return idna.encode(name, uts46=True).decode("ascii")
    except idna.IDNAError:
        raise bad from None


def clean_entry(data: dict) -> dict:
    """Validated, normalised entry fields; raises InvalidInput naming the field at fault."""
    kind = str(data.get("kind", "")).strip()
    cleaned: dict = {"kind": kind, "match": normalise_match(kind, str(data.get("match", "")))}
    cleaned["name"] = str(data.get("name", "")).strip()
    if not cleaned["name"]:
        raise InvalidInput("Name the host or service.", "name")
    if len(cleaned["name"]) > 200:
        raise InvalidInput("Keep the name under 200 characters.", "name")
    country = str(data.get("country", "") or "").strip().upper()
    if country and not is_country(country):
        raise InvalidInput("Enter a two-letter country code such as NL.", "country")
    cleaned["country"] = country
    cleaned["abuse_email"] = clean_email(data.get("abuse_email", ""), "abuse_email")
    api_url = str(data.get("notice_api_url", "") or "").strip()
    if api_url:
        if len(api_url) > 500:
            raise InvalidInput(
                "Keep the notice API address under 500 characters.", "notice_api_url"
            )
        problem = api_address_problem(api_url, http_allowed=notice_api_http_allowed())
        if problem:
            raise InvalidInput(problem, "notice_api_url")
    cleaned["notice_api_url"] = api_url
    language = str(data.get("language", "") or "").strip().lower()
    if language and not is_language(language):
        raise InvalidInput(
            f"“{language[:20]}” is not a language code: use one such as en, fr or nl.",
            "language",
        )
    cleaned["language"] = language
    cdn = data.get("cdn", False)
    cleaned["cdn"] = (
        cdn if isinstance(cdn, bool) else str(cdn).strip().lower() in ("1", "true", "yes", "y")
    )
    cleaned["notes"] = str(data.get("notes", "") or "").strip()
    if len(cleaned["notes"]) > NOTES_MAX_LENGTH:
        raise InvalidInput(f"Keep the notes under {NOTES_MAX_LENGTH:,} characters.", "notes")
    return cleaned


def notice_api_http_allowed() -> bool:
    """Whether a notice API address may be http://: the switch the takedown sender obeys
    (HAVEN_TAKEDOWN_API_ALLOW_HTTP, for tests and closed networks), so the directory
    accepts exactly the addresses that will be called."""
    return bool(getattr(settings, "TAKEDOWN_API_ALLOW_HTTP", False))


def api_address_problem(url: str, *, http_allowed: bool) -> str:
    """Why Haven would refuse to call the API at `url`, in words ("" when it would not).

    https only (the token travels with every call) unless `http_allowed`; no user name
    or password in the address; a port and, for an IP literal, an address that the fetch
    policy allows. Host names are checked when the call is made: what they resolve to
    can change.
    """
    example = "Enter the API's full address, such as https://api.example.net/notices."
    try:
        URLValidator(schemes=["https", "http"])(url)
        parts = urlsplit(url)
        port = parts.port
    except (ValidationError, ValueError):
        return example
    host = parts.hostname or ""
    if parts.scheme != "https" and not http_allowed:
        return "Use an https:// address: the API token must not travel in clear."
    if parts.username or parts.password:
        return "Leave the user name and password out of the address."
    if port is not None and not policy.port_allowed(port):
        return f"Haven does not connect to port {port}: use the API's usual port."
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return ""
    reason = policy.forbidden_reason(address)
    if reason:
        return f"Haven may not connect to {host} ({reason}): use the API's public address."
    return ""


def clean_network_range(text: str, field_name: str = "network_range") -> str:
    """A network range as RDAP gives them, checked and normalised: one or more CIDR
    prefixes separated by commas ("192.0.2.0/24, 198.51.100.0/25"), or a first and a
    last address ("192.0.2.0 - 192.0.3.255"). Raises InvalidInput naming the field."""
    text = (text or "").strip()
    if not text:
        return ""
    bad = InvalidInput(
        "Enter a network range such as 203.0.113.0/24, or its first and last addresses "
        "such as 203.0.113.0 - 203.0.113.255.",
        field_name,
    )
    for dash in ("\u2013", "\u2014"):  # en and em dashes, as people type ranges
        text = text.replace(dash, "-")
    try:
        if "-" in text and "/" not in text:
            first_text, _, last_text = text.partition("-")
            first = ipaddress.ip_address(first_text.strip())
            last = ipaddress.ip_address(last_text.strip())
        else:
            parts = [part.strip() for part in text.split(",")]
            return ", ".join(str(ipaddress.ip_network(part, strict=False)) for part in parts)
    except ValueError:
        raise bad from None
    if first.version != last.version:
        raise InvalidInput("Give both ends of the range in IPv4, or both in IPv6.", field_name)
    if first > last:  # type: ignore[operator]
        raise InvalidInput("The first address of the range comes after the last.", field_name)
    return f"{first} - {last}"


def clean_email(value, field_name: str) -> str:
    email = str(value or "").strip()
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput(
            "Enter an e-mail address such as abuse@example.net.", field_name
        ) from None
    if len(email) > 254:
        raise InvalidInput("Keep the e-mail address under 254 characters.", field_name)
    return email


# --- Changes ---------------------------------------------------------------------------


def create_entry(
    actor: Actor, organisation, data: dict, *, api_token: str = ""
) -> HostDirectoryEntry:
    cleaned = clean_entry(data)
    _check_token(cleaned, api_token)
    try:
        with transaction.atomic():
            entry = HostDirectoryEntry.objects.create(
                organisation=organisation, notice_api_token_sealed=seal_token(api_token), **cleaned
            )
            record(
                actor,
                "hosting.directory_added",
                entry,
                organisation_id=organisation.pk,
                **_described(entry),
            )
    except IntegrityError:
        raise InvalidInput(_duplicate(cleaned), "match") from None
    return entry


def update_entry(
    actor: Actor,
    entry: HostDirectoryEntry,
    data: dict,
    *,
    api_token: str | None = None,
    forget_token: bool = False,
) -> HostDirectoryEntry:
    """Change an entry. `api_token` None keeps the stored token; `forget_token` drops it."""
    cleaned = clean_entry(data)
    with transaction.atomic():
        entry = HostDirectoryEntry.objects.select_for_update().get(pk=entry.pk)
        previous = _described(entry)
        for name, value in cleaned.items():
            setattr(entry, name, value)
        token_change = ""
        if forget_token:
            entry.notice_api_token_sealed, token_change = "", "removed"
        elif api_token:
            entry.notice_api_token_sealed, token_change = seal_token(api_token), "replaced"
        _check_token(cleaned, "x" if entry.notice_api_token_sealed else "")
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError:
            raise InvalidInput(_duplicate(cleaned), "match") from None
        record(
            actor,
            "hosting.directory_changed",
            entry,
            organisation_id=entry.organisation_id,
            previous=previous,
            token=token_change,
            **_described(entry),
        )
    return entry


def delete_entry(actor: Actor, entry: HostDirectoryEntry) -> None:
    with transaction.atomic():
        record(
            actor,
            "hosting.directory_deleted",
            entry,
            organisation_id=entry.organisation_id,
            **_described(entry),
        )
        entry.delete()


def _check_token(cleaned: dict, token: str) -> None:
    if token and not cleaned["notice_api_url"]:
        raise InvalidInput("A token needs the notice API's address too.", "notice_api_url")


def _duplicate(cleaned: dict) -> str:
    return f"The directory already has an entry for {cleaned['match']}: change that one instead."


def _described(entry: HostDirectoryEntry) -> dict:
    # The token is never written to the audit log; only whether there is one.
    return {
        "kind": entry.kind,
        "match": entry.match,
        "name": entry.name,
        "country": entry.country,
        "abuse_email": entry.abuse_email,
        "notice_api_url": entry.notice_api_url,
        "has_token": bool(entry.notice_api_token_sealed),
        "language": entry.language,
        "cdn": entry.cdn,
    }


# --- CSV import ------------------------------------------------------------------------

CSV_COLUMNS = (
    "kind",
    "match",
    "name",
    "country",
    "abuse_email",
    "notice_api_url",
    "language",
    "cdn",
    "notes",
)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    problems: list[str] = field(default_factory=list)


def import_csv(actor: Actor, organisation, text: str) -> ImportResult:
    """Add or update entries from CSV with a header row naming CSV_COLUMNS (kind, match
    and name required). Rows with a problem are skipped and described; API tokens are
    never imported (they are entered on the entry's page)."""
    result = ImportResult()
    reader = csv.DictReader(io.StringIO(text))
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in ("kind", "match", "name") if name not in header]
    if missing:
        result.problems.append(
            f"The first line must name the columns; missing: {', '.join(missing)}."
        )
        return result
    reader.fieldnames = header
    with transaction.atomic():
        for number, row in enumerate(reader, start=2):
            if number - 1 > IMPORT_MAX_ROWS:
                result.problems.append(f"Stopped after {IMPORT_MAX_ROWS:,} rows.")
                break
            values = {
                key: (value or "").strip() for key, value in row.items() if key in CSV_COLUMNS
            }
            if not any(values.values()):
                continue
            try:
                cleaned = clean_entry(values)
            except InvalidInput as problem:
                result.problems.append(f"Line {number}: {problem.message}")
                continue
            _, created = HostDirectoryEntry.objects.update_or_create(
                organisation=organisation,
                kind=cleaned["kind"],
                match=cleaned["match"],
                defaults={k: v for k, v in cleaned.items() if k not in ("kind", "match")},
            )
            if created:
                result.created += 1
            else:
                result.updated += 1
        record(
            actor,
            "hosting.directory_imported",
            None,
            organisation_id=organisation.pk,
            created=result.created,
            updated=result.updated,
            skipped=len(result.problems),
        )
    return result
