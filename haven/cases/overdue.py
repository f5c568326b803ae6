"""The overdue board: everything on an open case that is past its due time.

- a stage past its due date (registration not assigned in time, an assessment or a plan
  not written, services not delivered, follow-up not done);
- a service past its timeframe;
- a follow-up past its date;
- a referral the partner has not answered within CASES_REFERRAL_ANSWER_HOURS.

Supervisors see their whole organisation's; anyone else what is theirs: items of the
cases assigned to them, and the follow-ups assigned to them. Most overdue first.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from haven.cases import config
from haven.cases.access import cases_for
from haven.cases.deadlines import OPEN_SERVICE
from haven.cases.models import Case, CaseReferral, CaseService, FollowUp, ReferralStatus, Stage
from haven.network.models import ServiceType

KINDS = {
    "stage": "Stage",
    "service": "Service",
    "follow_up": "Follow-up",
    "referral": "Referral",
}


@dataclass(frozen=True)
class OverdueItem:
    kind: str  # a key of KINDS
    case: Case
    due_at: datetime
    what: str  # words for the item, without anything about the child

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]


def board(user, *, now: datetime | None = None, assignee=None, kind: str = "") -> list:
    """The user's overdue items, most overdue first. `assignee` (supervisors) narrows the
    board to one person's cases; `kind` to one kind of item."""
    now = now or timezone.now()
    cases = cases_for(user).exclude(stage=Stage.CLOSED)
    follow_ups_of = Q()
    if not user.is_supervisor:
        assignee = user
    if assignee is not None:
        follow_ups_of = Q(assigned_to=assignee) | Q(assigned_to=None, case__assigned_to=assignee)
        cases_of_assignee = cases.filter(assigned_to=assignee)
    else:
        cases_of_assignee = cases
    items: list[OverdueItem] = []
    if kind in ("", "stage"):
        items += _stages(cases_of_assignee, now)
    if kind in ("", "service"):
        items += _services(cases_of_assignee, now)
    if kind in ("", "follow_up"):
        items += _follow_ups(cases, follow_ups_of, now)
    if kind in ("", "referral"):
        items += _referrals(cases_of_assignee, now)
    return sorted(items, key=lambda item: (item.due_at, item.case.reference, item.kind))


def _stages(cases, now: datetime) -> list[OverdueItem]:
    rows = cases.filter(stage_due_at__lt=now).select_related("assigned_to")
    return [
        OverdueItem("stage", case, case.stage_due_at, _stage_words(case))
        for case in rows
        if case.stage_due_at is not None
    ]


def _stage_words(case: Case) -> str:
    if case.stage == Stage.REGISTRATION:
        return "Not assigned in time"
    return f"{case.get_stage_display()} not finished"


def _services(cases, now: datetime) -> list[OverdueItem]:
    rows = CaseService.objects.filter(
        case__in=cases, status__in=OPEN_SERVICE, due_at__lt=now
    ).select_related("case__assigned_to")
    return [
        OverdueItem(
            "service",
            service.case,
            service.due_at,
            f"{_service_type(service.service_type)} ({service.get_timeframe_display().lower()}), "
            f"{service.get_status_display().lower()}",
        )
        for service in rows
    ]


def _follow_ups(cases, of_whom: Q, now: datetime) -> list[OverdueItem]:
    rows = (
        FollowUp.objects.filter(case__in=cases, done_at=None, cancelled_at=None, due_at__lt=now)
        .filter(of_whom)
        .select_related("case__assigned_to", "assigned_to")
    )
    return [
        OverdueItem(
            "follow_up",
            follow_up.case,
            follow_up.due_at,
            "Follow-up"
            + (f" by {follow_up.assigned_to.get_username()}" if follow_up.assigned_to else ""),
        )
        for follow_up in rows
    ]


def _referrals(cases, now: datetime) -> list[OverdueItem]:
    wait = config.referral_answer_within()
    rows = CaseReferral.objects.filter(
        case__in=cases, status=ReferralStatus.REQUESTED, requested_at__lt=now - wait
    ).select_related("case__assigned_to", "partner")
    return [
        OverdueItem(
            "referral",
            referral.case,
            referral.requested_at + wait,
            f"No answer from {referral.partner.name}",
        )
        for referral in rows
    ]


def _service_type(code: str) -> str:
    return str(ServiceType(code).label) if code in ServiceType.values else code
