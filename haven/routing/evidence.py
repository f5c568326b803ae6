"""The evidence package: what a partner hotline or the police receive about a report.

A description of the material, never the material: addresses as text with what the
capture saw (final address, server addresses, status, a few headers) and where it is
hosted; the hashes of each file and the bank lists they matched (names only); the
classification given to the report and to each item; who sends it. No bytes, no
reporter's words or contact. When the sender retains evidence, the package says which
files it holds, to be asked for through the proper legal channel.

The schema is versioned (`schema`); docs/routing.md describes every field.
"""

from datetime import UTC

from django.utils import timezone

from haven.classification.models import Classification
from haven.classification.services import summary
from haven.fetching.models import Fetch, Purpose
from haven.matching.models import Feedback, Match
from haven.reports.models import Category, MediaItem, Report, ReportUrl
from haven.web.countries import country_name

SCHEMA = "haven-evidence/1"
NOTICE = (
    "This package describes material and where it was found. It contains none of the "
    "material itself, and nothing about the person who reported it."
)
# Response headers that help identify a server or a CDN, and nothing that identifies us.
SELECTED_HEADERS = (
    "server",
    "content-type",
    "content-length",
    "last-modified",
    "date",
    "etag",
    "via",
    "x-powered-by",
    "x-served-by",
    "x-cache",
    "cf-ray",
    "cf-cache-status",
)


def evidence_package(report: Report, *, report_urls=None) -> dict:
    """The package for `report`, with all its addresses or only `report_urls`."""
    organisation = report.organisation
    urls = chosen_urls(report, report_urls)
    url_refs = {url.pk: f"U{n}" for n, url in enumerate(urls, start=1)}
    items = _items(report, url_refs)
    labels = _labels(report)
    matches = _matches(items)
    files = [
        _file(item, f"F{n}", url_refs, labels, matches.get(item.pk, []))
        for n, item in enumerate(items, start=1)
    ]
    fetches = _fetches(urls)
    package = {
        "schema": SCHEMA,
        "generated_at": _iso(timezone.now()),
        "notice": NOTICE,
        "from": {
            "organisation": organisation.name,
            "country": organisation.country,
            "country_name": country_name(organisation.country),
        },
        "report": _report(report),
        "urls": [_url(url, url_refs[url.pk], labels, fetches) for url in urls],
        "files": files,
        "material_included": False,
    }
    if organisation.evidence_retention:
        package["retained_evidence"] = {
            "available_on_lawful_request": True,
            "files": [entry["ref"] for entry in files if entry["evidence_retained"]],
        }
    return package


def chosen_urls(report: Report, report_urls=None) -> list[ReportUrl]:
    """The report's addresses in order; only those in `report_urls` when it is given."""
    urls = report.urls.select_related("hosting").order_by("pk")
    if report_urls is not None:
        urls = urls.filter(pk__in=[getattr(url, "pk", url) for url in report_urls])
    return list(urls)


def _report(report: Report) -> dict:
    category = report.classified_category or report.category
    return {
        "reference": report.reference,
        "received_at": _iso(report.received_at),
        "category": category,
        "category_name": str(Category(category).label) if category in Category.values else "",
        "reported_category": report.category,
        "classification": report_classification(report),
    }


def report_classification(report: Report) -> list[dict]:
    """Every label used in the report, on the report or its items (classification's
    summary, as the report is shown everywhere)."""
    return [{"scheme": str(scheme), "label": str(label)} for scheme, label in summary(report)]


def _labels(report: Report) -> dict[tuple[str, int], list[dict]]:
    """Labels of the report's items, by ("item", id) and ("url", id)."""
    labels: dict[tuple[str, int], list[dict]] = {}
    rows = (
        Classification.objects.filter(report=report)
        .exclude(media_item=None, report_url=None)
        .select_related("scheme", "label")
        .order_by("scheme__pk")
    )
    for row in rows:
        key = ("item", row.media_item_id) if row.media_item_id else ("url", row.report_url_id)
        labels.setdefault(key, []).append(_label(row))  # type: ignore[arg-type]
    return labels


def _label(row: Classification) -> dict:
    return {"scheme": row.scheme.name, "label": row.label.name}


def _fetches(urls: list[ReportUrl]) -> dict[int, list[Fetch]]:
    """Every fetch of the addresses, oldest first, in one query. Read from the model (not
    fetching's `latest`) because the package needs the first capture as well as the last
    check."""
    by_url: dict[int, list[Fetch]] = {}
    rows = Fetch.objects.filter(report_url__in=urls).order_by("started_at", "pk")
    for fetch in rows:
        by_url.setdefault(fetch.report_url_id, []).append(fetch)
    return by_url


def _url(url: ReportUrl, ref: str, labels: dict, fetches: dict[int, list[Fetch]]) -> dict:
    seen = fetches.get(url.pk, [])
    captures = [fetch for fetch in seen if fetch.purpose == Purpose.CAPTURE] or seen
    first, last = (captures[0] if captures else None), (seen[-1] if seen else None)
    return {
        "ref": ref,
        "url": url.url,
        "normalised": url.normalised,
        "classification": labels.get(("url", url.pk), []),
        "first_captured_at": _iso(first.started_at) if first else None,
        "capture": _capture(first) if first else None,
        "last_checked_at": _iso(last.started_at) if last else None,
        "last_outcome": last.outcome if last else None,
        "hosting": _hosting(url),
    }


def _capture(fetch: Fetch) -> dict:
    headers = {str(name).lower(): value for name, value in (fetch.response_headers or {}).items()}
    return {
        "requested_url": fetch.requested_url,
        "final_url": fetch.final_url,
        "outcome": fetch.outcome,
        "reason": fetch.reason,
        "status_code": fetch.status_code,
        "addresses": list(fetch.addresses or []),
        "redirects": list(fetch.redirects or []),
        "content_type": fetch.content_type,
        "size": fetch.size,
        "md5": fetch.md5,
        "sha256": fetch.sha256,
        "headers": {name: headers[name] for name in SELECTED_HEADERS if name in headers},
        "started_at": _iso(fetch.started_at),
        "finished_at": _iso(fetch.finished_at),
    }


def _hosting(url: ReportUrl) -> dict | None:
    hosting = getattr(url, "hosting", None)
    if hosting is None:
        return None
    return {
        "hostname": hosting.hostname,
        "addresses": list(hosting.addresses or []),
        "country": hosting.country,
        "country_name": country_name(hosting.country),
        "network": hosting.network_name,
        "cdn": hosting.cdn,
    }


def _items(report: Report, url_refs: dict[int, str]) -> list[MediaItem]:
    """Files with hashes: those sent by the reporter, and those fetched from the chosen
    addresses (a file fetched from an address left out stays out)."""
    items = report.media.exclude(md5="", sha256="", pdq="").order_by("pk")
    return [item for item in items if item.report_url_id is None or item.report_url_id in url_refs]


def _file(
    item: MediaItem, ref: str, url_refs: dict[int, str], labels: dict, matches: list[dict]
) -> dict:
    return {
        "ref": ref,
        "kind": item.kind,
        "content_type": item.content_type,
        "size": item.size,
        "md5": item.md5,
        "sha256": item.sha256,
        "pdq": item.pdq,
        "pdq_quality": item.pdq_quality,
        "vpdq_frames": len([line for line in item.vpdq.splitlines() if line.strip()]),
        "from_url": url_refs.get(item.report_url_id) if item.report_url_id else None,
        "hashed_at": _iso(item.hashed_at),
        "matches": matches or _match_label(item),
        "classification": labels.get(("item", item.pk), []),
        "evidence_retained": bool(item.evidence_name),
    }


def _matches(items: list[MediaItem]) -> dict[int, list[dict]]:
    """The bank lists each file matched, by name and meaning (never the entries' notes),
    for all the files in one query."""
    rows = (
        Match.objects.filter(item__in=items, suppressed=False)
        .exclude(feedback=Feedback.REJECTED)
        .select_related("entry__bank")
        .order_by("pk")
    )
    found: dict[int, dict[str, dict]] = {}
    for match in rows:
        bank = match.entry.bank
        found.setdefault(match.item_id, {}).setdefault(
            bank.name, {"bank": bank.name, "classification": bank.classification}
        )
    return {item_id: list(banks.values()) for item_id, banks in found.items()}


def _match_label(item: MediaItem) -> list[dict]:
    # A file marked known without a match row (an older match): its label is all we have.
    return [{"bank": "", "classification": item.match_label}] if item.match_label else []


def _iso(moment) -> str | None:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else None
