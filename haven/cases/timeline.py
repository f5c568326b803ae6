"""The case's timeline, read from the audit log: every change, every reveal of the
child's name and every print, with who and when. (Page views are in the audit log too,
but are left out here: they would bury the rest.)"""

from dataclasses import dataclass
from datetime import datetime

from haven.audit.models import AuditEvent
from haven.cases.models import Case, ClosureReason, ServiceStatus, Stage

LEFT_OUT = {"case.viewed", "case.referral_previewed"}


@dataclass(frozen=True)
class Entry:
    at: datetime
    who: str
    what: str


def timeline(case: Case, limit: int = 200) -> list[Entry]:
    events = AuditEvent.objects.filter(target_type="case", target_id=str(case.pk))
    # The partner's every look at a referral stays in the audit log; the timeline keeps
    # the first per referral (when the partner first read it), not every reload.
    repeats = _repeated_referral_views(events)
    events = (
        events.exclude(action__in=LEFT_OUT).exclude(pk__in=repeats).order_by("-at", "-pk")[:limit]
    )
    return [Entry(event.at, event.actor_label, describe(event)) for event in events]


def _repeated_referral_views(events) -> list[int]:
    first: dict[object, int] = {}
    repeats = []
    views = events.filter(action="case.referral_viewed").order_by("at", "pk")
    for pk, detail in views.values_list("pk", "detail"):
        referral = (detail or {}).get("referral")
        if referral in first:
            repeats.append(pk)
        else:
            first[referral] = pk
    return repeats


def describe(event: AuditEvent) -> str:
    detail = event.detail or {}
    words = _DESCRIBE.get(event.action)
    if words is None:
        return event.action
    return words(detail)


def _stage(code) -> str:
    return str(Stage(code).label) if code in Stage.values else str(code)


def _reason(code) -> str:
    return str(ClosureReason(code).label) if code in ClosureReason.values else str(code)


def _service_status(code) -> str:
    return str(ServiceStatus(code).label).lower() if code in ServiceStatus.values else str(code)


def _opened(d: dict) -> str:
    sources = [f"{kind} {d[kind]}" for kind in ("contact", "report", "emergency") if d.get(kind)]
    return "Case opened" + (f" from {', '.join(sources)}" if sources else "") + _raised(d)


def _contact_linked(d: dict) -> str:
    return f"Contact {d.get('contact')} added" + _raised(d)


def _raised(d: dict) -> str:
    # The emergencies raised from the contact came into the case with it.
    found = d.get("contact_emergencies") or []
    if not found:
        return ""
    return f", with its {'emergency' if len(found) == 1 else 'emergencies'} {', '.join(found)}"


_DESCRIBE = {
    "case.opened": _opened,
    "case.assigned": lambda d: f"Assigned to {d.get('assignee')}",
    "case.stage_changed": lambda d: f"Moved to {_stage(d.get('stage'))}",
    "case.assessment_written": lambda d: "Assessment saved",
    "case.plan_written": lambda d: "Case plan saved",
    "case.details_changed": lambda d: (
        "Details changed: " + ", ".join(name.replace("_", " ") for name in d.get("fields", []))
    ),
    "case.revealed": lambda d: (
        "Child's name revealed" + (" for printing" if d.get("purpose") == "print" else "")
    ),
    "case.printed": lambda d: (
        "Summary printed" + (" with the child's name" if d.get("revealed") else "")
    ),
    "case.closed": lambda d: f"Closed: {_reason(d.get('reason'))}",
    "case.reopened": lambda d: f"Reopened in {_stage(d.get('stage'))}",
    "case.contact_linked": _contact_linked,
    "case.report_linked": lambda d: f"Report {d.get('report')} added",
    "case.emergency_linked": lambda d: f"Emergency {d.get('emergency')} added",
    "case.service_added": lambda d: "Service added",
    "case.service_status": lambda d: f"Service marked {_service_status(d.get('status'))}",
    "case.referred": lambda d: "Referred to a partner",
    "case.referral_accepted": lambda d: (
        "Referral accepted" + (" (recorded by the helpline)" if d.get("on_behalf") else "")
    ),
    "case.referral_declined": lambda d: (
        "Referral declined" + (" (recorded by the helpline)" if d.get("on_behalf") else "")
    ),
    "case.referral_completed": lambda d: (
        "Referral completed" + (" (recorded by the helpline)" if d.get("on_behalf") else "")
    ),
    "case.referral_viewed": lambda d: "Referral first read by the partner",
    "case.follow_up_added": lambda d: "Follow-up scheduled",
    "case.follow_up_done": lambda d: "Follow-up done",
}
