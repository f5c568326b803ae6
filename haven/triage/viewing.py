"""Reading a report as staff: what is loaded, and the audit row that every look leaves.

Details, contact, previews and originals are each recorded separately, so the audit log
shows not only that someone opened a report but how far into it they looked.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Prefetch

from haven.audit.models import AuditEvent
from haven.audit.services import Actor, record
from haven.classification.services import ChangeNames, change_names, describe_change
from haven.hashing import sealing
from haven.hashing.media import rejection_message
from haven.matching.models import Match
from haven.reports.intake import unseal_contact
from haven.reports.models import Category, MediaItem, MediaKind, Report
from haven.triage import previews
from haven.triage.models import ActionTaken, Note, severity_label


class NoEvidence(Exception):
    """The file was not kept (hash-only), or it cannot be previewed."""


def _actor(user, actor: Actor | None) -> Actor:
    return actor if actor is not None else Actor.for_user(user)


def view_report(report: Report, user, *, actor: Actor | None = None) -> None:
    record(_actor(user, actor), "report.viewed", report, reference=report.reference)


def reveal_contact(report: Report, user, *, actor: Actor | None = None) -> str:
    record(_actor(user, actor), "report.contact_viewed", report, reference=report.reference)
    return unseal_contact(report)


def preview_media(item: MediaItem, user, *, actor: Actor | None = None) -> bytes:
    if not item.evidence_name or item.kind != MediaKind.IMAGE:
        raise NoEvidence
    preview = previews.blurred_preview(_evidence(item))
    record(_actor(user, actor), "media.preview_viewed", item, reference=item.report.reference)
    return preview


def reveal_media(item: MediaItem, user, *, actor: Actor | None = None) -> str:
    """Record the decision to look, and return a one-time grant to fetch the original."""
    if not item.evidence_name:
        raise NoEvidence
    record(
        _actor(user, actor),
        "media.revealed",
        item,
        reference=item.report.reference,
        known_material=item.is_known_material,
    )
    return previews.issue_grant(user.pk, item.pk)


def open_original(item: MediaItem, user, grant: str, *, actor: Actor | None = None) -> bytes:
    """The original bytes, once, for the user the grant was issued to. May raise GrantRefused."""
    if not item.evidence_name:
        raise NoEvidence
    with transaction.atomic():
        previews.spend_grant(grant, user.pk, item.pk)
        record(_actor(user, actor), "media.original_viewed", item, reference=item.report.reference)
    return _evidence(item)


def _evidence(item: MediaItem) -> bytes:
    try:
        return sealing.evidence_store().get(item.evidence_name)
    except FileNotFoundError as exc:
        raise NoEvidence from exc


def media_for(report: Report) -> list[MediaItem]:
    """The report's items, each with `banks`: the names of the hash banks it matched."""
    items = list(
        report.media.order_by("pk").prefetch_related(
            Prefetch("matches", queryset=Match.objects.select_related("entry__bank"))
        )
    )
    for item in items:
        banks = sorted({match.entry.bank.name for match in item.matches.all()})
        reason = rejection_message(item.rejection) if item.rejection else ""
        # Display-only attributes for the page and the API; never saved.
        item.banks, item.rejection_text = banks, reason  # type: ignore[attr-defined]
    return items


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    who: str
    what: str
    text: str = ""


# Audit events that change a report, shown on its timeline alongside notes and actions.
_LIFECYCLE = (
    "report.claimed",
    "report.assigned",
    "report.classified",
    "report.closed",
    "report.reopened",
    "report.joined",
    "report.duplicate_joined",
    "report.separated",
    "report.duplicate_separated",
    "classification.changed",
)


def timeline(report: Report) -> list[TimelineEntry]:
    entries = [TimelineEntry(report.received_at, report.get_source_display(), "Report received")]
    for note in Note.objects.filter(report=report).select_related("author"):
        entries.append(
            TimelineEntry(note.created_at, note.author.get_username(), "Note", note.text)
        )
    for action in ActionTaken.objects.filter(report=report).select_related("actor"):
        entries.append(
            TimelineEntry(
                action.taken_at,
                action.actor.get_username(),
                action.get_kind_display(),
                action.detail,
            )
        )
    events = list(
        AuditEvent.objects.filter(
            organisation_id=report.organisation_id,
            target_type="report",
            target_id=str(report.pk),
            action__in=_LIFECYCLE,
        )
    )
    # Scheme, label, address and file names, read once for all classification changes.
    changed = any(event.action == "classification.changed" for event in events)
    names = change_names(report) if changed else None
    entries.extend(TimelineEntry(e.at, e.actor_label, *_describe(e, names)) for e in events)
    return sorted(entries, key=lambda entry: entry.at)


def _describe(event: AuditEvent, names: ChangeNames | None = None) -> tuple[str, str]:
    detail = event.detail
    if event.action == "report.assigned":
        return f"Assigned to {detail.get('assignee', '')}", ""
    if event.action == "report.classified":
        category = _label(Category, detail.get("category"))
        severity = severity_label(detail.get("severity", ""))
        return f"Classified as {category}, severity {severity}", ""
    if event.action == "report.closed":
        return "Closed", detail.get("reason", "")
    if event.action == "report.reopened":
        return "Reopened", detail.get("reason", "")
    if event.action in _CASE_EVENTS:
        return _CASE_EVENTS[event.action].format(**_text(detail)), detail.get("reason", "")
    if event.action == "classification.changed":
        return describe_change(detail, names=names)
    return "Claimed", ""


_CASE_EVENTS = {
    "report.joined": "Joined case {case}",
    "report.duplicate_joined": "Reported again: {joined} joined this case",
    "report.separated": "Taken out of case {case}",
    "report.duplicate_separated": "{separated} was taken out of this case",
}


def _text(detail: dict) -> dict:
    return {key: detail.get(key, "") for key in ("case", "joined", "separated")}


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)
