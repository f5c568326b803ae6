"""What a counsellor's workspace shows: what they have open now and what is waiting for
the helpline as a whole."""

from dataclasses import dataclass
from datetime import datetime

from django.db import models as db

from haven.cases.models import Case, Stage
from haven.chat.models import Conversation, ConversationStatus
from haven.emergencies.models import Emergency, EmergencyStatus
from haven.helpline.models import Contact, ContactStatus

SHOWN = 50


@dataclass
class Workspace:
    open_contacts: list[Contact]
    active_chats: list[Conversation]
    waiting_chats: int
    open_emergencies: int
    cases: list[Case]
    overdue_cases: int
    organisation_open_contacts: int | None  # for supervisors


def workspace_for(user, now: datetime) -> Workspace:
    organisation_id = user.organisation_id
    open_contacts = Contact.objects.filter(
        organisation_id=organisation_id, counsellor=user, status=ContactStatus.OPEN
    ).order_by("started_at", "pk")
    chats = Conversation.objects.filter(
        organisation_id=organisation_id, counsellor=user, status=ConversationStatus.ACTIVE
    ).order_by("taken_at", "pk")
    cases = list(_cases_of(user, now)[:SHOWN])
    for case in cases:
        case.overdue = case.stage_due_at is not None and case.stage_due_at < now  # type: ignore[attr-defined]
    everyone = None
    if user.is_supervisor:
        everyone = Contact.objects.filter(
            organisation_id=organisation_id, status=ContactStatus.OPEN
        ).count()
    return Workspace(
        open_contacts=list(open_contacts[:SHOWN]),
        active_chats=list(chats[:SHOWN]),
        waiting_chats=Conversation.objects.filter(
            organisation_id=organisation_id, status=ConversationStatus.WAITING
        ).count(),
        open_emergencies=Emergency.objects.filter(organisation_id=organisation_id)
        .exclude(status=EmergencyStatus.CLOSED)
        .count(),
        cases=cases,
        overdue_cases=_cases_of(user, now).filter(stage_due_at__lt=now).count(),
        organisation_open_contacts=everyone,
    )


def _cases_of(user, now: datetime):
    """The user's open cases, overdue first (most overdue at the top), then by due date,
    then those with no due date."""
    overdue_first = db.Case(
        db.When(stage_due_at__lt=now, then=db.Value(0)),
        db.When(stage_due_at__isnull=False, then=db.Value(1)),
        default=db.Value(2),
        output_field=db.IntegerField(),
    )
    return (
        Case.objects.filter(organisation_id=user.organisation_id, assigned_to=user)
        .exclude(stage=Stage.CLOSED)
        .annotate(due_order=overdue_first)
        .order_by("due_order", "stage_due_at", "-created_at", "pk")
    )
