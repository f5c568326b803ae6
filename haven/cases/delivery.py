"""What a case does for the child: services with Primero's timeframes, referrals to the
partner network's services, and follow-ups until the case closes.

Every change runs in one transaction on the locked case and writes an audit row (codes
and ids only). A referral's e-mail to the partner's desk is a durable job that runs
after commit (`jobs.notify_partner`).

Referral states: requested -> accepted -> completed, or requested -> declined. A
partner answers through its portal (`respond` with the responder as actor); the
helpline can record an answer given by telephone (`respond` with `on_behalf`).
Accepting a referral starts its service; completing it delivers the service.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import dateformat, timezone

from haven.audit.services import Actor, record
from haven.cases import deadlines
from haven.cases.models import (
    Case,
    CaseReferral,
    CaseService,
    FollowUp,
    ReferralStatus,
    ServiceStatus,
    Stage,
    Timeframe,
)
from haven.cases.services import as_actor
from haven.jobs.services import enqueue
from haven.network.models import PartnerService, ServiceType
from haven.triage.actions import InvalidInput, InvalidTransition

__all__ = [
    "SERVICE_MOVES",
    "FollowUpDone",
    "add_follow_up",
    "add_service",
    "complete_follow_up",
    "open_follow_up_on",
    "partner_services_for",
    "refer",
    "respond",
    "set_service_status",
]

# Where a service may go from each status; delivered and cancelled are final.
SERVICE_MOVES = {
    ServiceStatus.PLANNED: (ServiceStatus.IN_PROGRESS, ServiceStatus.DONE, ServiceStatus.CANCELLED),
    ServiceStatus.IN_PROGRESS: (ServiceStatus.DONE, ServiceStatus.CANCELLED),
    ServiceStatus.DONE: (),
    ServiceStatus.CANCELLED: (),
}
# A partner's answers: the action, the status it leaves, the status it needs.
RESPONSES = {
    "accept": (ReferralStatus.ACCEPTED, ReferralStatus.REQUESTED),
    "decline": (ReferralStatus.DECLINED, ReferralStatus.REQUESTED),
    "complete": (ReferralStatus.COMPLETED, ReferralStatus.ACCEPTED),
}
ACTIVE_REFERRAL = (ReferralStatus.REQUESTED, ReferralStatus.ACCEPTED)
MAX_NOTE = 4000


# --- Services ---------------------------------------------------------------------------


def add_service(actor, case: Case, service_type: str, timeframe: str, description: str = ""):
    """A service the child needs, due within its timeframe (1 hour, 3 hours, 1 day or 3
    days) from now."""
    actor = as_actor(actor)
    if service_type not in ServiceType.values:
        raise InvalidInput("Choose the type of service from the list.", "service_type")
    if timeframe not in Timeframe.values:
        raise InvalidInput("Choose the timeframe from the list.", "timeframe")
    now = timezone.now()
    with transaction.atomic():
        case = _locked_open(case)
        service = CaseService.objects.create(
            case=case,
            service_type=service_type,
            description=description.strip()[:MAX_NOTE],
            timeframe=timeframe,
            due_at=deadlines.service_due(timeframe, now),
            created_by=actor.user,
            created_at=now,
        )
        _refresh(case, Stage.SERVICES)
        _record(
            actor,
            "case.service_added",
            case,
            service=service.pk,
            service_type=service_type,
            timeframe=timeframe,
        )
    return service


def set_service_status(actor, service: CaseService, status: str) -> CaseService:
    actor = as_actor(actor)
    if status not in ServiceStatus.values:
        raise InvalidInput("Choose the service's status from the list.", "status")
    with transaction.atomic():
        case = _locked_open(service.case)
        service = CaseService.objects.select_for_update().get(pk=service.pk)
        _move_service(service, status)
        _refresh(case, Stage.SERVICES)
        _record(actor, "case.service_status", case, service=service.pk, status=status)
    return service


def _move_service(service: CaseService, status: str) -> None:
    if status == service.status:
        raise InvalidTransition(f"The service is already {service.get_status_display().lower()}.")
    if status not in SERVICE_MOVES[ServiceStatus(service.status)]:
        raise InvalidTransition(
            f"A {service.get_status_display().lower()} service cannot become "
            f"{ServiceStatus(status).label.lower()}."
        )
    service.status = status
    service.completed_at = timezone.now() if status == ServiceStatus.DONE else None
    service.save(update_fields=["status", "completed_at"])


# --- Referrals --------------------------------------------------------------------------


def partner_services_for(case: Case, service_type: str) -> QuerySet[PartnerService]:
    """The partner services of `service_type` that take referrals in the child's district
    (in every district when the case has none)."""
    from haven.network.directory import services_for

    return services_for(case.organisation, service_type, case.district).filter(
        accepts_referrals=True
    )


def refer(actor, service: CaseService, partner_service: PartnerService, note: str = ""):
    """Refer the child to a partner's service for `service`. The partner's desk is
    e-mailed a link to its portal (no child details). The partner sees `note` only if the
    child consented to sharing (case.consent_share); without consent it stays with the
    helpline."""
    actor = as_actor(actor)
    with transaction.atomic():
        case = _locked_open(service.case)
        service = CaseService.objects.select_for_update().get(pk=service.pk)
        if not service.is_open:
            raise InvalidTransition("Refer only for a service that is planned or in progress.")
        if (
            not partner_services_for(case, service.service_type)
            .filter(pk=partner_service.pk)
            .exists()
        ):
            raise InvalidInput(
                "Choose a partner service of this type that takes referrals in the child's "
                "district.",
                "partner_service",
            )
        if case.referrals.filter(
            service=service, partner_service=partner_service, status__in=ACTIVE_REFERRAL
        ).exists():
            raise InvalidTransition(
                f"The child is already referred to {partner_service.name} for this service."
            )
        referral = CaseReferral.objects.create(
            case=case,
            service=service,
            partner_service=partner_service,
            partner=partner_service.partner,
            note=note.strip()[:MAX_NOTE],
            requested_by=actor.user,
            requested_at=timezone.now(),
        )
        _record(
            actor,
            "case.referred",
            case,
            referral=referral.pk,
            partner=partner_service.partner_id,
            partner_service=partner_service.pk,
            service_type=service.service_type,
            note_shared=bool(referral.note) and case.consent_share,
        )
        enqueue("cases.notify_partner", case_referral_id=referral.pk)
    return referral


def respond(
    actor, referral: CaseReferral, action: str, note: str = "", *, on_behalf: bool = False
) -> CaseReferral:
    """The partner's answer: accept, decline (with a reason) or complete (with a note).
    `on_behalf` when the helpline records what the partner said by telephone."""
    actor = as_actor(actor)
    if action not in RESPONSES:
        raise InvalidInput("Choose to accept, decline or complete the referral.", "action")
    to_status, needs = RESPONSES[action]
    text = note.strip()[:MAX_NOTE]
    if action == "decline" and not text:
        raise InvalidInput("Say why the referral is declined.", "note")
    if action == "complete" and not text:
        raise InvalidInput("Say what was done for the child.", "note")
    with transaction.atomic():
        referral = (
            CaseReferral.objects.select_for_update(of=("self",))
            .select_related("case", "partner")
            .get(pk=referral.pk)
        )
        if referral.status != needs:
            raise InvalidTransition(
                f"This referral is {referral.get_status_display().lower()}: it cannot be "
                f"{ReferralStatus(to_status).label.lower()} now."
            )
        now = timezone.now()
        referral.status = to_status
        if action == "complete":
            referral.completed_at = now
            referral.completion_note = text
        else:
            referral.responded_at = now
            referral.response_note = text
            referral.responded_by = _responder_label(actor, referral, on_behalf)
        referral.save()
        _follow_service(referral, action)
        case = referral.case
        if case.stage == Stage.SERVICES:
            deadlines.refresh_stage_due(case)
        _record(
            actor,
            f"case.referral_{ReferralStatus(to_status).value}",
            case,
            referral=referral.pk,
            partner=referral.partner_id,
            on_behalf=on_behalf,
        )
        enqueue("cases.notify_response", case_referral_id=referral.pk)
    return referral


def _responder_label(actor: Actor, referral: CaseReferral, on_behalf: bool) -> str:
    if on_behalf:
        return f"{referral.partner.name} (recorded by {actor.label})"
    return f"{actor.label}, {referral.partner.name}"


def _follow_service(referral: CaseReferral, action: str) -> None:
    """Accepting starts the referral's service; completing it delivers it."""
    service = referral.service
    if service is None or not service.is_open:
        return
    if action == "accept" and service.status == ServiceStatus.PLANNED:
        _move_service(service, ServiceStatus.IN_PROGRESS)
    elif action == "complete":
        _move_service(service, ServiceStatus.DONE)


# --- Follow-ups -------------------------------------------------------------------------


def add_follow_up(actor, case: Case, due_at: datetime, description: str, assignee=None):
    """A task to check on the child: due when, what, and who (the case's assignee when
    nobody is named)."""
    actor = as_actor(actor)
    description = description.strip()
    if not description:
        raise InvalidInput("Say what the follow-up is.", "description")
    if len(description) > 300:
        raise InvalidInput("Keep the follow-up to 300 characters.", "description")
    with transaction.atomic():
        case = _locked_open(case)
        if assignee is not None and (
            assignee.organisation_id != case.organisation_id or not assignee.is_helpline_staff
        ):
            raise InvalidInput("Choose a member of your organisation's staff.", "assignee")
        if open_follow_up_on(case, due_at, description) is not None:
            raise InvalidInput(
                f"“{description}” is already scheduled for "
                f"{dateformat.format(timezone.localdate(due_at), 'j M Y')}: "
                "no need to add it twice.",
                "due",
            )
        follow_up = FollowUp.objects.create(
            case=case,
            due_at=due_at,
            description=description,
            assigned_to=assignee or case.assigned_to,
        )
        _refresh(case, Stage.FOLLOW_UP)
        _record(actor, "case.follow_up_added", case, follow_up=follow_up.pk)
    return follow_up


@dataclass(frozen=True)
class FollowUpDone:
    follow_up: FollowUp
    following: FollowUp | None = None  # the next one, scheduled now
    # The next one was not scheduled: this open follow-up is already due that day.
    already: FollowUp | None = None


def open_follow_up_on(case: Case, due_at: datetime, description: str | None = None):
    """An open follow-up of `case` due the same day (in the server's zone) as `due_at`
    (with the same task, when `description` is given), or None."""
    day = timezone.localdate(due_at)
    for follow_up in case.follow_ups.filter(done_at=None, cancelled_at=None).order_by("pk"):
        same_task = description is None or follow_up.description == description
        if same_task and timezone.localdate(follow_up.due_at) == day:
            return follow_up
    return None


def complete_follow_up(
    actor, follow_up: FollowUp, outcome: str, next_due: datetime | None = None
) -> FollowUpDone:
    """Mark a follow-up done with its outcome; `next_due` schedules the next one (same
    task, same person), unless an open follow-up of the case is already due that day
    (moving to follow-up schedules one by itself, and the form suggests the same date):
    two on one day would be one visit recorded twice."""
    actor = as_actor(actor)
    if not outcome.strip():
        raise InvalidInput("Say how the child is: the outcome of the follow-up.", "outcome")
    with transaction.atomic():
        case = _locked_open(follow_up.case)
        follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        if not follow_up.is_open:
            raise InvalidTransition("This follow-up is already done.")
        follow_up.done_at = timezone.now()
        follow_up.done_by = actor.user
        follow_up.outcome = outcome.strip()[:MAX_NOTE]
        follow_up.save(update_fields=["done_at", "done_by", "outcome"])
        following = already = None
        if next_due is not None:
            already = open_follow_up_on(case, next_due)
        if next_due is not None and already is None:
            following = FollowUp.objects.create(
                case=case,
                due_at=next_due,
                description=follow_up.description,
                assigned_to=follow_up.assigned_to,
            )
        _refresh(case, Stage.FOLLOW_UP)
        _record(
            actor,
            "case.follow_up_done",
            case,
            follow_up=follow_up.pk,
            next_follow_up=following.pk if following is not None else None,
            next_already_due=already.pk if already is not None else None,
        )
    return FollowUpDone(follow_up, following, already)


# --- Shared -----------------------------------------------------------------------------


def _locked_open(case: Case) -> Case:
    case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    if case.stage == Stage.CLOSED:
        raise InvalidTransition("The case is closed: a supervisor can reopen it.")
    return case


def _refresh(case: Case, stage: str) -> None:
    """The stage whose due date depends on what changed."""
    if case.stage == stage:
        deadlines.refresh_stage_due(case)


def _record(actor: Actor, action: str, case: Case, **detail) -> None:
    record(
        actor,
        action,
        case,
        organisation_id=case.organisation_id,
        reference=case.reference,
        **detail,
    )
