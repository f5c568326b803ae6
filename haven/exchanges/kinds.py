"""What each kind of exchange needs: its settings and its credentials, and their checks.

Forms and the command line are built from these lists, so that a kind is described once.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from threatexchange.exchanges.clients.fb_threatexchange.api import is_valid_app_token
from threatexchange.exchanges.clients.ncmec.hash_api import NCMECEnvironment

from haven.exchanges.config import custom_urls_allowed
from haven.exchanges.models import Kind


class ExchangeError(ValueError):
    """An exchange change that cannot be made; the message says why, for the user."""


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    help: str = ""
    required: bool = True
    # text, int, int_list (comma-separated), choice or url
    type: str = "text"
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class KindSpec:
    settings: tuple[Field, ...]
    credentials: tuple[Field, ...]


BASE_URL = Field(
    "base_url",
    "Custom base URL",
    "For testing against a stand-in server only; honoured only when the server sets "
    "HAVEN_EXCHANGE_ALLOW_CUSTOM_URLS. Leave blank.",
    required=False,
    type="url",
)

KINDS: dict[str, KindSpec] = {
    Kind.NCMEC: KindSpec(
        settings=(
            Field(
                "environment",
                "NCMEC environment",
                "The hash database NCMEC gave you access to, e.g. NGO for non-profits.",
                type="choice",
                choices=tuple(e.name for e in NCMECEnvironment),
            ),
            Field(
                "only_esp_ids",
                "Only these member (ESP) ids",
                "Comma-separated NCMEC member ids; blank takes every member's hashes.",
                required=False,
                type="int_list",
            ),
            BASE_URL,
        ),
        credentials=(
            Field("username", "NCMEC API username"),
            Field("password", "NCMEC API password"),
        ),
    ),
    Kind.STOPNCII: KindSpec(
        settings=(BASE_URL,),
        credentials=(
            Field("fetch_function_key", "FetchHashes function key", "x-functions-key"),
            Field("subscription_key", "Subscription key", "Ocp-Apim-Subscription-Key"),
        ),
    ),
    Kind.THREATEXCHANGE: KindSpec(
        settings=(
            Field(
                "privacy_group",
                "Privacy group id",
                "The ThreatExchange privacy group (collaboration) to fetch.",
                type="int",
            ),
            BASE_URL,
        ),
        credentials=(
            Field("api_token", "App access token", "Your ThreatExchange app's <app id>|<secret>."),
        ),
    ),
    Kind.HAVEN: KindSpec(
        settings=(
            Field(
                "base_url",
                "Haven address",
                "The other Haven's address, e.g. https://haven.example.org.",
                type="url",
            ),
            Field("bank", "Bank name", "The name of the bank the other Haven shares with you."),
        ),
        credentials=(
            Field("token", "API token", "The hvn_... token the other Haven issued for you."),
        ),
    ),
}


def spec(kind: str) -> KindSpec:
    if kind not in KINDS:
        raise ExchangeError(f"unknown kind of exchange {kind!r}")
    return KINDS[kind]


def clean_settings(kind: str, raw: dict) -> dict:
    """The settings for `kind`, checked and in their stored form; ExchangeError if not."""
    cleaned: dict = {}
    for field in spec(kind).settings:
        value = _clean_value(field, raw.get(field.name))
        if value not in (None, "", []):
            cleaned[field.name] = value
    _check_base_url(kind, cleaned.get("base_url", ""))
    return cleaned


def clean_credentials(kind: str, raw: dict, stored: dict | None = None) -> dict:
    """The credentials for `kind`: a blank field keeps the stored value."""
    stored = stored or {}
    cleaned = {}
    for field in spec(kind).credentials:
        value = str(raw.get(field.name) or "").strip() or stored.get(field.name, "")
        if not value:
            raise ExchangeError(f"{field.label} is needed")
        cleaned[field.name] = value
    if kind == Kind.THREATEXCHANGE and not is_valid_app_token(cleaned["api_token"]):
        raise ExchangeError("a ThreatExchange app token looks like <app id>|<secret>")
    if kind == Kind.HAVEN and not cleaned["token"].startswith("hvn_"):
        raise ExchangeError("a Haven API token starts with hvn_")
    return cleaned


def _clean_value(field: Field, value):
    if isinstance(value, str):
        value = value.strip()
    if value in (None, "", []):
        if field.required:
            raise ExchangeError(f"{field.label} is needed")
        return None
    if field.type == "int":
        return _integer(field, value)
    if field.type == "int_list":
        items = value if isinstance(value, list | tuple | set) else str(value).split(",")
        return sorted({_integer(field, item) for item in items if str(item).strip()})
    if field.type == "choice" and value not in field.choices:
        raise ExchangeError(f"{field.label}: choose one of {', '.join(field.choices)}")
    if field.type == "url":
        return str(value).rstrip("/")
    return str(value)[:200]


def _integer(field: Field, value) -> int:
    text = str(value).strip()
    try:
        number = int(text)
    except ValueError:
        raise ExchangeError(f"{field.label}: {text!r} is not a whole number") from None
    if number < 0:
        raise ExchangeError(f"{field.label}: {number} is negative")
    return number


def _check_base_url(kind: str, url: str) -> None:
    if not url:
        return
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ExchangeError(f"{url!r} is not an http(s) address")
    if parts.query or parts.fragment or parts.username:
        raise ExchangeError("give the address alone, without a query, fragment or login")
    if kind == Kind.HAVEN:
        if parts.scheme != "https" and not custom_urls_allowed():
            raise ExchangeError("another Haven is reached over https only")
        return
    if not custom_urls_allowed():
        raise ExchangeError(
            "a custom base URL is only honoured when HAVEN_EXCHANGE_ALLOW_CUSTOM_URLS is "
            "set (for testing); leave it blank to use the exchange's own address"
        )
