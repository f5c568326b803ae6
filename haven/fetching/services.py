"""Check a reported address and keep the record: what came back, as hashes, or why not.

`check` fetches once through the safe client and always writes a `Fetch` row, whatever
happened. For a capture, an image or video that came back (judged by its bytes, never
by the Content-Type) becomes a media item of the report, hashed and matched by the same
job as an uploaded file: its bytes are staged encrypted, hashed, kept as evidence only
when the organisation retains evidence, and deleted otherwise. A page that is not an
image or video is hashed on the Fetch row and not stored anywhere.

Nothing is lost: text from the server is cleaned before it is saved (PostgreSQL cannot
store NUL), a capture that cannot be staged is recorded with its reason, and a row that
still cannot be saved is replaced by a minimal one saying so.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import posixpath
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlsplit

from django.db import DatabaseError, transaction
from django.utils import timezone

from haven.audit.services import Actor, record
from haven.fetching import client
from haven.fetching.models import Fetch, Outcome, Purpose
from haven.fetching.signals import url_checked
from haven.hashing import sealing
from haven.hashing.media import MediaRejected, inspect
from haven.hashing.signals import md5_hex, sha256_hex
from haven.jobs.services import enqueue
from haven.reports.models import MediaItem, MediaStatus, ReportUrl

log = logging.getLogger(__name__)

Fetcher = Callable[[str], client.Result]

# Response headers worth keeping: they tell who serves the page (CDN, cache, server)
# and what it was. Nothing that could carry a session or a personal detail.
SAFE_HEADERS = (
    "server",
    "via",
    "cf-ray",
    "x-served-by",
    "x-cache",
    "content-type",
    "content-length",
    "content-encoding",
    "x-amz-cf-id",
)
MAX_HEADER_LENGTH = 300


def check(
    report_url: ReportUrl,
    purpose: str,
    *,
    fetcher: Fetcher | None = None,
    actor: Actor | None = None,
) -> Fetch:
    """Fetch `report_url` once and record what happened (never raises for bad input)."""
    started = timezone.now()
    try:
        result = (fetcher or _default_fetcher)(report_url.url)
    except Exception as error:  # the client never raises; an injected fetcher might
        log.exception("fetching report address %s raised", report_url.pk)
        result = client.Result(
            outcome=Outcome.FAILED,
            reason="error",
            detail=f"{type(error).__name__}: {error}"[:500],
            requested_url=report_url.url,
        )
    fetch = _record_of(report_url, purpose, result, started)
    if purpose == Purpose.CAPTURE and result.outcome == Outcome.PRESENT and result.body:
        return _capture(fetch, report_url, result.body, actor)
    return _save(fetch, actor)


def latest(report_url: ReportUrl) -> Fetch | None:
    return report_url.fetches.order_by("-started_at", "-pk").first()


def _default_fetcher(url: str) -> client.Result:
    return client.fetch(url)


def _record_of(report_url: ReportUrl, purpose: str, result: client.Result, started) -> Fetch:
    body = result.body
    return Fetch(
        organisation_id=report_url.report.organisation_id,
        report_url=report_url,
        purpose=purpose,
        requested_url=report_url.url,
        final_url=result.final_url,
        outcome=result.outcome,
        reason=result.reason[:40],
        detail=result.detail or result.sentence,
        status_code=result.status_code,
        addresses=list(result.addresses),
        connected_address=_ip_or_none(result.connected_address),
        redirects=list(result.redirects),
        response_headers=safe_headers(result.headers),
        content_type=result.content_type[:200],
        size=len(body) if body else result.size,
        md5=md5_hex(body) if body else "",
        sha256=sha256_hex(body) if body else "",
        started_at=started,
        finished_at=timezone.now(),
    )


def _ip_or_none(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value)) if value else None
    except ValueError:
        return None


def safe_headers(headers: dict[str, str]) -> dict[str, str]:
    lowered = {name.lower(): value for name, value in headers.items()}
    return {
        name: str(lowered[name])[:MAX_HEADER_LENGTH] for name in SAFE_HEADERS if name in lowered
    }


def _capture(fetch: Fetch, report_url: ReportUrl, body: bytes, actor: Actor | None) -> Fetch:
    try:
        inspected = inspect(body)
    except MediaRejected as rejected:
        # A page, or a file Haven cannot hash as media: its hashes are on the Fetch row.
        fetch.detail = (
            f"Not captured as an image or video ({rejected.code}); "
            "its SHA-256 is recorded and the content was not kept."
        )
        return _save(fetch, actor)
    except Exception as error:
        return _not_captured(fetch, actor, "examined", error)
    earlier = _earlier_capture(report_url, fetch.sha256)
    if earlier is not None:
        fetch.media_item = earlier
        fetch.detail = "The same file as an earlier capture of this address."
        return _save(fetch, actor)
    staging = sealing.staging_store()
    try:
        staged_name = staging.put(body)
    except Exception as error:
        return _not_captured(fetch, actor, "staged", error)
    try:
        with transaction.atomic():
            item = MediaItem.objects.create(
                report_id=report_url.report_id,
                report_url=report_url,
                kind=inspected.kind,
                original_name=_file_name(fetch.final_url or report_url.url),
                content_type=inspected.content_type,
                size=len(body),
                staged_name=staged_name,
                status=MediaStatus.PENDING,
            )
            fetch.media_item = item
            fetch.detail = f"Captured as {inspected.kind} ({inspected.content_type})."
            saved = _save(fetch, actor)
            enqueue("hashing.hash_media", item_id=item.pk)
    except Exception as error:
        staging.delete(staged_name)
        fetch.pk, fetch.media_item = None, None
        return _not_captured(fetch, actor, "kept", error)
    except BaseException:
        staging.delete(staged_name)
        raise
    return saved


def _not_captured(fetch: Fetch, actor: Actor | None, step: str, error: Exception) -> Fetch:
    """The content came back but could not be made a media item: say so on the row (the
    outcome stays: the address did answer) instead of losing the check."""
    log.exception("a capture of report address %s could not be %s", fetch.report_url_id, step)
    fetch.reason = "capture_error"
    fetch.detail = (
        f"The content came back but could not be {step} as a capture "
        f"({type(error).__name__}); its SHA-256 is recorded and the content was not kept."
    )
    return _save(fetch, actor)


def _earlier_capture(report_url: ReportUrl, sha256: str) -> MediaItem | None:
    earlier = (
        Fetch.objects.filter(report_url=report_url, sha256=sha256, media_item__isnull=False)
        .select_related("media_item")
        .order_by("-started_at")
        .first()
    )
    return earlier.media_item if earlier is not None else None


def _save(fetch: Fetch, actor: Actor | None) -> Fetch:
    """Save the row and its audit event; if the database still refuses the row, save a
    minimal one saying so, so that every check leaves a row."""
    _clean_for_database(fetch)
    try:
        _save_and_record(fetch, actor)
    except (DatabaseError, ValueError) as error:  # ValueError: text psycopg cannot send
        log.exception("the record of a check of report address %s was refused", fetch.report_url_id)
        fetch = _minimal(fetch, error)
        _save_and_record(fetch, actor)
    return fetch


def _save_and_record(fetch: Fetch, actor: Actor | None) -> None:
    with transaction.atomic():
        fetch.save()
        record(
            actor or Actor.system("fetcher"),
            "url.checked",
            fetch.report_url,
            organisation_id=fetch.organisation_id,
            fetch_id=fetch.pk,
            purpose=fetch.purpose,
            outcome=fetch.outcome,
            reason=fetch.reason,
            status_code=fetch.status_code,
            sha256=fetch.sha256,
        )
        transaction.on_commit(lambda: url_checked.send(sender=Fetch, fetch=fetch))


def _minimal(fetch: Fetch, error: Exception) -> Fetch:
    """A row with nothing from the server in it, for when the full one cannot be saved."""
    return Fetch(
        organisation_id=fetch.organisation_id,
        report_url=fetch.report_url,
        purpose=fetch.purpose,
        requested_url=_db_text(fetch.requested_url),
        outcome=Outcome.FAILED,
        reason="error",
        detail=(
            f"The record of this check could not be saved ({type(error).__name__}); "
            f"the check had ended {fetch.outcome}"
            + (f" ({_db_text(fetch.reason)})." if fetch.reason else ".")
        ),
        started_at=fetch.started_at,
        finished_at=fetch.finished_at,
    )


TEXT_FIELDS = ("requested_url", "final_url", "reason", "detail", "content_type", "md5", "sha256")
JSON_FIELDS = ("addresses", "redirects", "response_headers")


def _clean_for_database(fetch: Fetch) -> None:
    """The safety net behind the client's own cleaning: no text or JSON field may hold
    NUL, another control character or a lone surrogate, whoever made the Result (an
    injected fetcher, a future code path)."""
    for name in TEXT_FIELDS:
        setattr(fetch, name, _db_text(getattr(fetch, name)))
    for name in JSON_FIELDS:
        setattr(fetch, name, _db_json(getattr(fetch, name)))


def _db_text(value: Any) -> str:
    return client.clean_text(value if isinstance(value, str) else str(value or ""))


def _db_json(value: Any) -> Any:
    if isinstance(value, str):
        return _db_text(value)
    if isinstance(value, dict):
        return {_db_text(key): _db_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_db_json(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no NaN or infinity
    if value is None or isinstance(value, bool | int | float):
        return value
    return _db_text(value)


def _file_name(url: str) -> str:
    """A name for the captured file, from the last part of its path ("capture" if none)."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return "capture"
    name = posixpath.basename(unquote(path)).strip()
    return (name or "capture")[:255]
