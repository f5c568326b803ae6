"""The seam between an exchange and Haven: a source yields pages of changed records.

A source knows one exchange's protocol; it knows nothing of banks. `fetch(checkpoint)`
yields `Page`s, each with the records that changed and the checkpoint to store once the
page is applied: resuming from that checkpoint fetches what comes after the page.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit

import requests

from haven.matching.banks import Signal


@dataclass
class Change:
    """A record of the exchange as it is now: the hashes it carries, or none if withdrawn."""

    key: str  # the exchange's id for the record
    signals: list[Signal] = field(default_factory=list)


@dataclass
class Page:
    changes: list[Change]
    checkpoint: dict
    # Records the source could not read at all, as "<where>: <why>" (never a secret).
    unreadable: list[str] = field(default_factory=list)


class Source(Protocol):
    def fetch(self, checkpoint: dict | None) -> Iterator[Page]: ...

    def is_stale(self, checkpoint: dict) -> bool:
        """Whether the checkpoint is too old to resume from (fetch everything again)."""
        ...


class FetchError(Exception):
    """A fetch that failed; the message is safe to show and says what to do."""


class CredentialsRefused(FetchError):
    """The exchange refused the credentials."""


def http_failure(service: str, exc: Exception, timeout: float | None = None) -> FetchError:
    """A FetchError saying, without any secret, why talking to `service` failed."""
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return status_failure(service, exc.response.status_code)
    if isinstance(exc, requests.Timeout):
        within = f" within {timeout:g} seconds" if timeout else ""
        return FetchError(f"{service} did not answer{within}; Haven will try again")
    if isinstance(exc, requests.exceptions.RetryError):
        return FetchError(f"{service} kept failing (server errors); Haven will try again")
    if isinstance(exc, requests.ConnectionError):
        return FetchError(f"could not connect to {service}; Haven will try again")
    if isinstance(exc, requests.RequestException) and not isinstance(exc, ValueError):
        return FetchError(f"talking to {service} failed ({type(exc).__name__})")
    # requests' JSONDecodeError is a RequestException too: still a response we cannot read.
    return FetchError(f"{service} sent a response Haven could not read ({type(exc).__name__})")


def status_failure(service: str, status: int) -> FetchError:
    if status in (401, 403):
        return CredentialsRefused(
            f"{service} refused the credentials (HTTP {status}): check them on the "
            "exchange's settings page"
        )
    if status == 429:
        return FetchError(f"{service} asked Haven to slow down (HTTP 429); it will try again")
    if status >= 500:
        return FetchError(f"{service} failed (HTTP {status}); Haven will try again")
    return FetchError(f"{service} answered HTTP {status}")


_URL_QUERY = re.compile(r"(https?://[^\s?'\"]+)\?[^\s'\"]*")


def redact(message: str, secrets: list[str]) -> str:
    """`message` without any of `secrets` nor URL query strings (tokens travel there)."""
    for secret in sorted(secrets, key=len, reverse=True):
        if secret and len(secret) >= 4:
            message = message.replace(secret, "[credential]")
    return _URL_QUERY.sub(r"\1?[query removed]", message)


def host_of(url: str) -> str:
    return urlsplit(url).netloc or url
