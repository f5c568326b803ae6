"""Everything staff change on a report, and the response deadlines they set.

Views and the API call these functions and nothing else to change triage state, so the
rules (who may, from which status) live in one place. Each action runs in one
transaction on a locked copy of the report, writes an audit row, and queues any e-mail
as a job that is sent only after the transaction commits.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from haven.audit.services import Actor, record
from haven.jobs.services import enqueue
from haven.reports.models import Category, Report, Status
from haven.triage import deadlines
from haven.triage.models import ActionKind, ActionTaken, Note, ResponseDeadline, Severity

NOTE_MAX_LENGTH = 10_000
REASON_MAX_LENGTH = 2_000
MAX_DEADLINE_HOURS = 24 * 365
NOT_STAFF_HERE = "Choose a member of staff in your organisation."


class ActionError(Exception):
    """The rules refuse this action. `field` names the input at fault, if there is one."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(ActionError):
    """What was sent is not acceptable (an empty reason, an unknown category)."""


class InvalidTransition(ActionError):
    """The report is not in a state that allows this (closing a closed report)."""


def claim(report: Report, user, *, actor: Actor | None = None) -> Report:
    with transaction.atomic():
        report = _locked(report)
        _require_open(report)
        if report.assigned_to_id == user.pk:
            raise InvalidTransition("This report is already assigned to you.")
        if report.assigned_to_id is not None:
            raise InvalidTransition(
                f"This report is assigned to {report.assigned_to}. Ask a supervisor to reassign it."
            )
        report.assigned_to = user
        _start_review(report)
        report.save(update_fields=["assigned_to", "status", "updated_at"])
        record(_actor(user, actor), "report.claimed", report, reference=report.reference)
    return report


def assign(report: Report, assignee, by, *, actor: Actor | None = None) -> Report:
    if not by.is_supervisor:
        raise PermissionDenied("Only supervisors can assign reports.")
    with transaction.atomic():
        report = _locked(report)
        _require_open(report)
        if not (
            assignee.is_active
            and assignee.is_org_staff
            and assignee.organisation_id == report.organisation_id
        ):
            raise InvalidInput(NOT_STAFF_HERE, "username")
        if report.assigned_to_id == assignee.pk:
            raise InvalidTransition(f"This report is already assigned to {assignee}.")
        previous = report.assigned_to.get_username() if report.assigned_to else ""
        report.assigned_to = assignee
        _start_review(report)
        report.save(update_fields=["assigned_to", "status", "updated_at"])
        record(
            _actor(by, actor),
            "report.assigned",
            report,
            reference=report.reference,
            assignee=assignee.get_username(),
            previous=previous,
        )
        if assignee.pk != by.pk:
            # A durable job, sent after commit: the e-mail goes even if a worker restarts.
            enqueue("triage.notify_assignee", report_id=report.pk, user_id=assignee.pk)
    return report


def classify(
    report: Report, category: str, severity: str, by, *, actor: Actor | None = None
) -> Report:
    if category not in Category.values:
        raise InvalidInput("Choose a category.", "category")
    if severity not in Severity.values:
        raise InvalidInput("Choose a severity.", "severity")
    with transaction.atomic():
        report = _locked(report)
        _require_open(report)
        previous = {"category": report.classified_category, "severity": report.severity}
        report.classified_category, report.severity = category, severity
        # Classifying as danger now moves the report up; nothing ever moves it down.
        report.urgency = min(report.urgency, deadlines.urgency_for(category))
        _start_review(report)
        report.save(
            update_fields=["classified_category", "severity", "urgency", "status", "updated_at"]
        )
        record(
            _actor(by, actor),
            "report.classified",
            report,
            reference=report.reference,
            category=category,
            severity=severity,
            previous=previous,
        )
    return report


def add_note(report: Report, text: str, by, *, actor: Actor | None = None) -> Note:
    text = _required(text, "text", "Write the note.", NOTE_MAX_LENGTH)
    with transaction.atomic():
        note = Note.objects.create(report=report, author=by, text=text)
        # The note's words stay in the note: the audit log records only that one was added.
        record(
            _actor(by, actor),
            "report.note_added",
            report,
            reference=report.reference,
            note_id=note.pk,
        )
    return note


def record_action(
    report: Report, kind: str, detail: str, by, *, actor: Actor | None = None
) -> ActionTaken:
    if kind not in ActionKind.values:
        raise InvalidInput("Choose what was done.", "kind")
    detail = (detail or "").strip()
    if kind == ActionKind.NO_ACTION and not detail:
        raise InvalidInput("Say why no action is being taken.", "detail")
    if len(detail) > NOTE_MAX_LENGTH:
        raise InvalidInput(f"Keep this under {NOTE_MAX_LENGTH} characters.", "detail")
    with transaction.atomic():
        report = _locked(report)
        _require_open(report)
        action = ActionTaken.objects.create(report=report, kind=kind, detail=detail, actor=by)
        first = report.first_action_at is None
        if first:
            report.first_action_at = timezone.now()
        report.status = Status.ACTIONED
        report.save(update_fields=["first_action_at", "status", "updated_at"])
        record(
            _actor(by, actor),
            "report.action_recorded",
            report,
            reference=report.reference,
            kind=kind,
            action_id=action.pk,
            first=first,
        )
    return action


def close(report: Report, by, reason: str, *, actor: Actor | None = None) -> Report:
    reason = _required(reason, "reason", "Say why the report is being closed.")
    with transaction.atomic():
        report = _locked(report)
        if report.status == Status.CLOSED:
            raise InvalidTransition("This report is already closed.")
        previous = report.status
        report.status, report.closed_at = Status.CLOSED, timezone.now()
        report.save(update_fields=["status", "closed_at", "updated_at"])
        record(
            _actor(by, actor),
            "report.closed",
            report,
            reference=report.reference,
            reason=reason,
            previous_status=previous,
        )
    return report


def reopen(report: Report, by, reason: str, *, actor: Actor | None = None) -> Report:
    reason = _required(reason, "reason", "Say why the report is being reopened.")
    with transaction.atomic():
        report = _locked(report)
        if report.status != Status.CLOSED:
            raise InvalidTransition("Only a closed report can be reopened.")
        report.status, report.closed_at = Status.IN_REVIEW, None
        report.save(update_fields=["status", "closed_at", "updated_at"])
        record(
            _actor(by, actor), "report.reopened", report, reference=report.reference, reason=reason
        )
    return report


def set_deadlines(
    organisation, hours: dict[str, int], by, *, actor: Actor | None = None
) -> dict[str, list[int]]:
    """Save hours per category; returns what changed as {category: [old, new]}."""
    if not by.is_supervisor or by.organisation_id != organisation.pk:
        raise PermissionDenied("Only supervisors can change response deadlines.")
    for category, value in hours.items():
        if category not in Category.values:
            raise InvalidInput("Unknown category.", category)
        if not 1 <= value <= MAX_DEADLINE_HOURS:
            raise InvalidInput(f"Enter between 1 and {MAX_DEADLINE_HOURS} hours.", category)
    with transaction.atomic():
        changes = {}
        for category, value in hours.items():
            old = deadlines.hours_for(organisation.pk, category)
            if old != value:
                ResponseDeadline.objects.update_or_create(
                    organisation=organisation, category=category, defaults={"hours": value}
                )
                changes[category] = [old, value]
        if changes:
            record(
                _actor(by, actor),
                "deadlines.changed",
                organisation,
                organisation_id=organisation.pk,
                changes=changes,
            )
    return changes


def _actor(user, actor: Actor | None) -> Actor:
    # Callers pass the actor to say how the user came (a token's name, an address);
    # without one the user is recorded by name alone.
    return actor if actor is not None else Actor.for_user(user)


def _locked(report: Report) -> Report:
    # Re-read under a row lock, so that two analysts acting at once see each other's change.
    return (
        Report.objects.select_for_update(of=("self",))
        .select_related("assigned_to")
        .get(pk=report.pk)
    )


def _require_open(report: Report) -> None:
    if report.status == Status.CLOSED:
        raise InvalidTransition("This report is closed. Reopen it before working on it.")
    if report.status == Status.JOINED:
        raise InvalidTransition(
            "This report joined another case. Work on that case, or take this report out "
            "of it first."
        )


def _start_review(report: Report) -> None:
    if report.status == Status.RECEIVED:
        report.status = Status.IN_REVIEW


def _required(value: str, field: str, message: str, limit: int = REASON_MAX_LENGTH) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(message, field)
    if len(value) > limit:
        raise InvalidInput(f"Keep this under {limit} characters.", field)
    return value
