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
    def of(cls, event: AuditEvent) -> "EventRow":
        reference = event.detail.get("reference") if isinstance(event.detail, dict) else None
        if event.target_type == "report" and isinstance(reference, str):
            target = reference
            url = reverse("triage:detail", args=[reference]) if _REFERENCE.match(reference) else ""
        else:
            target, url = f"{event.target_type} {event.target_id}".strip(), ""
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
    rows = [EventRow.of(event) for event in page]
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


def _compact(detail) -> str:
    if not detail:
        return ""
    return json.dumps(detail, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))
