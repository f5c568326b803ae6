"""The other apps a takedown calls, behind one small interface that tests replace.

Checking an address (fetching), finding where notices go (hosting), forwarding and
escalating (routing), knowing whether an address is actionable (classification) and the
notice channels: the takedown code reaches all of them through `outside()`, so a test
installs in-memory fakes with `replaced_by(...)` and drives the whole life cycle without
a network or another helper's module.
"""

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, Protocol


class ContactLike(Protocol):
    """Where notices go: hosting's `Contact` (channel "email" or "api")."""

    @property
    def channel(self) -> str: ...
    @property
    def recipient(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def language(self) -> str: ...
    @property
    def api_token(self) -> str: ...


@dataclass(frozen=True)
class Contact:
    """A contact the takedown knows by itself (the snapshot on the takedown)."""

    channel: str
    recipient: str
    name: str = ""
    language: str = ""
    api_token: str = ""


# (report_url, purpose) -> fetching.models.Fetch
Checker = Callable[[Any, str], Any]
# report_url -> Contact | None
Contacts = Callable[[Any], ContactLike | None]


def _check(report_url, purpose: str):
    from haven.fetching import services

    return services.check(report_url, purpose)


def _notice_contact(report_url):
    from haven.hosting import services

    return services.notice_contact(report_url)


def _registrar_contact(report_url):
    from haven.hosting import services

    return services.registrar_contact(report_url)


def _hosting(report_url):
    from haven.hosting.models import Hosting

    return Hosting.objects.filter(report_url=report_url).first()


def _partner_hotline_for(organisation, country: str):
    from haven.routing import services

    return services.partner_hotline_for(organisation, country)


def _forward(report, partner, by, *, report_urls=None, actor=None):
    from haven.routing import services

    return services.forward(report, partner, by, report_urls=report_urls, actor=actor)


def _escalate(takedown, to: str):
    from haven.routing import services

    return services.escalate(takedown, to)


def _is_actionable(report_url) -> bool:
    from haven.classification import services

    return services.is_actionable(report_url)


def _actionable_among(report_urls) -> set[int]:
    """The ids of those addresses that are actionable, in one query (a report's panel)."""
    from haven.classification.models import Classification

    rows = Classification.objects.filter(report_url__in=report_urls, label__actionable=True)
    return set(rows.values_list("report_url_id", flat=True))


def _classification(report_url) -> list[tuple[str, str]]:
    """(scheme, label) in words: the address's own labels, else the report's."""
    from haven.classification.models import Classification

    rows = (
        Classification.objects.filter(report_url=report_url)
        .select_related("scheme", "label")
        .order_by("scheme__name")
    )
    labels = [(row.scheme.name, row.label.name) for row in rows]
    if labels:
        return labels
    from haven.classification import services

    return list(services.summary(report_url.report))


def _channels() -> Mapping[str, Any]:
    from haven.takedown.channels import ApiChannel, EmailChannel

    return {"email": EmailChannel(), "api": ApiChannel()}


@dataclass(frozen=True)
class Outside:
    check: Checker = _check
    notice_contact: Contacts = _notice_contact
    registrar_contact: Contacts = _registrar_contact
    hosting: Callable[[Any], Any] = _hosting
    partner_hotline_for: Callable[[Any, str], Any] = _partner_hotline_for
    forward: Callable[..., Any] = _forward
    escalate: Callable[[Any, str], Any] = _escalate
    is_actionable: Callable[[Any], bool] = _is_actionable
    actionable_among: Callable[[Any], set[int]] = _actionable_among
    classification: Callable[[Any], list[tuple[str, str]]] = _classification
    channels: Mapping[str, Any] = field(default_factory=_channels)


_current: list[Outside] = []


def outside() -> Outside:
    """The real apps, or what a test put in their place."""
    return _current[-1] if _current else Outside()


@contextmanager
def replaced_by(**parts) -> Iterator[Outside]:
    """Replace some of the outside apps for the duration of a block (tests)."""
    _current.append(replace(outside(), **parts))
    try:
        yield _current[-1]
    finally:
        _current.pop()
