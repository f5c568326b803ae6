"""The audit log browser: an organisation's events, newest first, for supervisors.

Reading the log is itself written to the log, so that who looked at what stays visible.
"""

import json
import re
from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from haven.accounts.access import supervisor_required
from haven.audit.forms import AuditFilterForm
from haven.audit.models import AuditEvent
from haven.audit.services import Actor, client_ip, record
from haven.reports.models import MediaItem, Report

PAGE_SIZE = 50
# Only a well-formed reference becomes a link; anything else in the detail stays text.
_REFERENCE = re.compile(r"^HVN-[A-Z0-9]{5}-[A-Z0-9]{5}$")


@dataclass(frozen=True)
class EventRow:
    at: datetime
    actor: str
    action: str
    target: str
    target_url: str
    detail: str

    @classmethod
    def of(cls, event: AuditEvent, references: dict[tuple[str, str], str]) -> "EventRow":
        reference = event.detail.get("reference") if isinstance(event.detail, dict) else None
        if not isinstance(reference, str):
            reference = references.get((event.target_type, event.target_id))
        if reference and event.target_type == "report":
            target = reference
        elif reference:
            target = f"{_TARGET_NAMES.get(event.target_type, event.target_type)} in {reference}"
        else:
            target = f"{event.target_type} {event.target_id}".strip()
        url = ""
        if reference and _REFERENCE.match(reference):
            url = reverse("triage:detail", args=[reference])
        return cls(
            at=event.at,
            actor=event.actor_label,
            action=event.action,
            target=target,
            target_url=url,
            detail=_compact(event.detail),
        )


@require_GET
@supervisor_required
def log(request):
    events = AuditEvent.objects.filter(organisation_id=request.user.organisation_id)
    actions = list(events.order_by("action").values_list("action", flat=True).distinct())
    form = AuditFilterForm(request.GET)
    newest_first = form.apply(events).order_by("-at", "-pk")
    page = Paginator(newest_first, PAGE_SIZE).get_page(request.GET.get("page"))
    references = _references_of(page.object_list, request.user.organisation_id)
    rows = [EventRow.of(event, references) for event in page]
    record(
        Actor.for_user(request.user, client_ip(request)),
        "audit.viewed",
        page=page.number,
        # Nested: "action" and "target" would clash with record()'s own arguments.
        filters=form.applied(),
    )
    return render(
        request,
        "audit/log.html",
        {"form": form, "actions": actions, "page": page, "rows": rows},
    )


_TARGET_NAMES = {"mediaitem": "file", "note": "note", "actiontaken": "action"}


def _references_of(events, organisation_id) -> dict[tuple[str, str], str]:
    """The report reference behind each report or media target on the page: two queries,
    scoped to the organisation, however many rows there are."""
    ids: dict[str, set[int]] = {"report": set(), "mediaitem": set()}
    for event in events:
        if event.target_type in ids and event.target_id.isdigit():
            ids[event.target_type].add(int(event.target_id))
    found: dict[tuple[str, str], str] = {}
    if ids["report"]:
        reports = Report.objects.filter(pk__in=ids["report"], organisation_id=organisation_id)
        found |= {("report", str(pk)): ref for pk, ref in reports.values_list("pk", "reference")}
    if ids["mediaitem"]:
        items = MediaItem.objects.filter(
            pk__in=ids["mediaitem"], report__organisation_id=organisation_id
        ).values_list("pk", "report__reference")
        found |= {("mediaitem", str(pk)): ref for pk, ref in items}
    return found


def _compact(detail) -> str:
    if not detail:
        return ""
    return json.dumps(detail, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))
