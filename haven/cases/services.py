"""Every change to a case's life: opening it (from a contact, a hotline report or an
emergency), assigning it, moving it from stage to stage, its details, linking the
records about the same child, closing and reopening it.

Views and other apps call these functions only. Each runs in one transaction on the
locked case and writes an audit row (with codes and ids, never free text or names: the
audit log is kept forever, while case text is anonymised after the retention period).
Services, referrals and follow-ups are in `delivery`.

The workflow (Primero's, for a helpline):

    registration -> assessment -> case plan -> services -> follow-up -> closed

Registration ends when someone is assigned (due within 3 hours, 1 hour at high risk);
the assessment is due some days after assignment, the plan some days after the
assessment; the services stage lasts until its services are delivered; follow-ups are
scheduled every so many days until the case is closed (`config` has the numbers).
"""

import secrets

from cryptography.fernet import InvalidToken
from django.db import transaction
from django.utils import timezone

from haven.audit.services import Actor, record
from haven.cases import config, deadlines
from haven.cases.models import (
    Case,
    ClosureReason,
    FollowUp,
    ReferralStatus,
    ServiceStatus,
    Stage,
    StageRecord,
)
from haven.emergencies.models import Emergency
from haven.helpline import identity, taxonomy
from haven.helpline.access import contacts_for
from haven.helpline.models import Contact, Gender, RiskLevel
from haven.reports.models import Category, Report
from haven.reports.references import _ALPHABET
from haven.triage.actions import ActionError, InvalidInput, InvalidTransition

__all__ = [
    "NEXT_STAGE",
    "NeedsConfirmation",
    "advance",
    "advance_from",
    "assign",
    "close",
    "emergency_contact_for",
    "link_contact",
    "link_emergency",
    "link_report",
    "masked_name",
    "new_case_reference",
    "open_case",
    "reopen",
    "reveal_name",
    "update_details",
    "write_record",
]

NEXT_STAGE = {
    Stage.REGISTRATION: Stage.ASSESSMENT,
    Stage.ASSESSMENT: Stage.PLAN,
    Stage.PLAN: Stage.SERVICES,
    Stage.SERVICES: Stage.FOLLOW_UP,
}
RISK_ORDER = [level.value for level in RiskLevel]  # none < low < medium < high < immediate
RECORDS = {"assessment": "Assessment", "plan": "Case plan"}
FIRST_FOLLOW_UP = "Check how the child is and whether the plan still fits."
UNREADABLE = "(sealed with a key this server no longer has)"


class NeedsConfirmation(ActionError):
    """Closing would cancel open services and follow-ups: ask the user first."""

    def __init__(self, message: str, services: list, follow_ups: list, referrals: list):
        super().__init__(message)
        self.services = services
        self.follow_ups = follow_ups
        self.referrals = referrals


def as_actor(actor) -> Actor:
    """Callers pass an Actor (views, with the address) or the user acting."""
    return actor if isinstance(actor, Actor) else Actor.for_user(actor)


def new_case_reference() -> str:
    """ "K-" and ten characters that are easy to read aloud (no 0/O, 1/I/L)."""
    while True:
        body = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        reference = f"K-{body[:5]}-{body[5:]}"
        if not Case.objects.filter(reference=reference).exists():
            return reference


# --- Opening ----------------------------------------------------------------------------


def open_case(
    actor,
    organisation,
    *,
    contact: Contact | None = None,
    report: Report | None = None,
    emergency=None,
    child_name: str = "",
    risk_level: str | None = None,
    assign_to=None,
) -> Case:
    """A new case in registration, due to be assigned within 3 hours (1 at high risk).

    From a contact it takes the child's age, gender, district, categories, consent, name
    and risk level; from an emergency its district, contact and report, and the highest
    risk; a hotline report about a child in danger makes the risk high. Each record given
    is linked to the case. `assign_to` assigns it at once (registration then ends).

    An emergency's contact is linked only when the actor could already open that
    contact (`emergency_contact_for`): linking it would otherwise hand them a counsellor's
    record through the case.
    """
    actor = as_actor(actor)
    if emergency is not None:
        contact = contact or emergency_contact_for(actor, emergency)
        report = report or emergency.report
    _check_same_organisation(organisation, contact, report, emergency)
    if risk_level is not None and risk_level not in RISK_ORDER:
        raise InvalidInput("Choose a risk level from the list.", "risk_level")
    now = timezone.now()
    with transaction.atomic():
        contact = _lock_unlinked_contact(contact)
        emergency = _lock_unlinked_emergency(emergency)
        case = Case(
            organisation=organisation,
            reference=new_case_reference(),
            created_by=actor.user,
            created_at=now,
            risk_level=_highest(
                risk_level,
                contact.risk_level if contact is not None else None,
                "immediate" if emergency is not None else None,
                "high" if report is not None and report.category == Category.DANGER_NOW else None,
            )
            or RiskLevel.MEDIUM,
        )
        if contact is not None:
            _copy_from_contact(case, contact)
        if emergency is not None and case.district_id is None:
            case.district_id = emergency.district_id
        if child_name.strip():
            case.child_name_sealed = identity.seal(child_name)
        case.stage_due_at = deadlines.stage_due(case, Stage.REGISTRATION, now)
        case.save()
        StageRecord.objects.create(
            case=case,
            stage=Stage.REGISTRATION,
            entered_at=now,
            due_at=case.stage_due_at,
            by=actor.user,
        )
        if contact is not None:
            Contact.objects.filter(pk=contact.pk).update(case=case, updated_at=now)
        if report is not None:
            case.reports.add(report)
        if emergency is not None:
            Emergency.objects.filter(pk=emergency.pk).update(case=case, updated_at=now)
        raised = _take_contact_emergencies(case, contact, now)
        record(
            actor,
            "case.opened",
            case,
            organisation_id=organisation.pk,
            reference=case.reference,
            risk_level=case.risk_level,
            contact=contact.reference if contact is not None else None,
            report=report.reference if report is not None else None,
            emergency=emergency.reference if emergency is not None else None,
            contact_emergencies=raised,
        )
        if assign_to is not None:
            case = assign(actor, case, assign_to)
    return case


def emergency_contact_for(actor, emergency) -> Contact | None:
    """The emergency's contact, if the actor may take it into a case: supervisors (and
    the system) always; anyone else only a contact they can already open."""
    if emergency.contact_id is None:
        return None
    user = as_actor(actor).user
    if user is not None and not contacts_for(user).filter(pk=emergency.contact_id).exists():
        return None
    return emergency.contact


def _check_same_organisation(organisation, *records) -> None:
    for found in records:
        if found is not None and found.organisation_id != organisation.pk:
            raise InvalidInput("That record belongs to another organisation.")


def _lock_unlinked_contact(contact: Contact | None) -> Contact | None:
    if contact is None:
        return None
    contact = (
        Contact.objects.select_for_update(of=("self",)).select_related("case").get(pk=contact.pk)
    )
    if contact.case is not None:
        raise InvalidTransition(
            f"Contact {contact.reference} is already part of case {contact.case.reference}."
        )
    return contact


def _lock_unlinked_emergency(emergency):
    if emergency is None:
        return None
    emergency = Emergency.objects.select_for_update().get(pk=emergency.pk)
    if emergency.case_id is not None:
        raise InvalidTransition(f"Emergency {emergency.reference} already has a case.")
    return emergency


def _take_contact_emergencies(case: Case, contact: Contact | None, now) -> list[str]:
    """The emergencies raised from `contact` that have no case yet join `case`: they are
    about the same child, and the case page, its summary and the statistics read an
    emergency's case from `Emergency.case`. One already in another case stays there.
    Returns their references, for the audit row."""
    if contact is None:
        return []
    found = Emergency.objects.select_for_update().filter(contact=contact, case__isnull=True)
    references = sorted(found.values_list("reference", flat=True))
    Emergency.objects.filter(reference__in=references).update(case=case, updated_at=now)
    return references


def _highest(*levels: str | None) -> str | None:
    known = [level for level in levels if level in RISK_ORDER]
    return max(known, key=RISK_ORDER.index) if known else None


def _copy_from_contact(case: Case, contact: Contact) -> None:
    case.child_age = contact.child_age
    case.gender = contact.gender
    case.district_id = contact.district_id
    case.categories = list(contact.categories or [])
    case.consent_share = contact.consent_share
    case.child_name_sealed = contact.child_name_sealed


# --- Assignment and stages --------------------------------------------------------------


def assign(actor, case: Case, assignee) -> Case:
    """Give the case to `assignee`. Supervisors assign anyone on the staff; anyone else
    may only take an unassigned case for themselves. Assigning a case in registration
    ends registration: the assessment is then due."""
    actor = as_actor(actor)
    with transaction.atomic():
        case = _locked_open(case)
        if assignee is None or not assignee.is_active or not assignee.is_helpline_staff:
            raise InvalidInput("Choose a member of staff.", "assignee")
        if assignee.organisation_id != case.organisation_id:
            raise InvalidInput("Choose a member of your own organisation's staff.", "assignee")
        user = actor.user
        taking = user is not None and user.pk == assignee.pk and case.assigned_to_id is None
        if not taking and not (user is not None and user.is_supervisor):
            raise InvalidTransition("Only a supervisor assigns cases to others.")
        if case.assigned_to_id == assignee.pk:
            raise InvalidTransition(f"The case is already assigned to {assignee.get_username()}.")
        previous = case.assigned_to.get_username() if case.assigned_to else None
        case.assigned_to = assignee
        case.assigned_at = timezone.now()
        case.save(update_fields=["assigned_to", "assigned_at", "updated_at"])
        record(
            actor,
            "case.assigned",
            case,
            organisation_id=case.organisation_id,
            reference=case.reference,
            assignee=assignee.get_username(),
            previous=previous,
        )
        if case.stage == Stage.REGISTRATION:
            _enter(case, Stage.ASSESSMENT, actor.user)
            _record_stage(actor, case, Stage.REGISTRATION)
    return case


def advance(actor, case: Case, to_stage: str, record_text: str = "") -> Case:
    """Move the case to its next stage. What the stage asks for first:

    - to the case plan: a written assessment (`record_text` is it, or it was saved);
    - to services: a written case plan (likewise);
    - to follow-up: at least one delivered service, or `record_text` saying why none was.

    Closing is `close`, with a reason.
    """
    actor = as_actor(actor)
    text = record_text.strip()
    with transaction.atomic():
        case = _locked_open(case)
        if to_stage == Stage.CLOSED:
            raise InvalidTransition("Close the case with a reason instead.")
        if NEXT_STAGE.get(Stage(case.stage)) != to_stage:
            raise InvalidTransition(
                f"A case in {Stage(case.stage).label.lower()} moves on to "
                f"{NEXT_STAGE[Stage(case.stage)].label.lower()} only."
            )
        if case.assigned_to_id is None:
            raise InvalidTransition("Assign the case to someone first.")
        note = ""
        if case.stage == Stage.ASSESSMENT:
            case.assessment = _required(text or case.assessment, "Write the assessment first.")
        elif case.stage == Stage.PLAN:
            case.plan = _required(text or case.plan, "Write the case plan first.")
        elif (
            case.stage == Stage.SERVICES
            and not case.services.filter(status=ServiceStatus.DONE).exists()
        ):
            note = _required(
                text, "No service has been delivered: say why the case moves to follow-up."
            )
        previous = case.stage
        case.save(update_fields=["assessment", "plan", "updated_at"])
        _enter(case, to_stage, actor.user, note=note)
        _record_stage(actor, case, previous)
    return case


def advance_from(actor, case: Case, stage: str, record_text: str = "") -> Case:
    """Save the record of `stage` (the assessment or the plan) and move the case on: the
    "save and move on" button, refused if the case has meanwhile left that stage."""
    if case.stage != stage or stage not in NEXT_STAGE:
        raise InvalidTransition(
            f"The case is no longer in {Stage(stage).label.lower()}: save the text only."
        )
    return advance(actor, case, NEXT_STAGE[Stage(stage)], record_text)


def _required(text: str, message: str) -> str:
    if not text.strip():
        raise InvalidInput(message, "record")
    return text.strip()


def _enter(case: Case, stage: str, user, note: str = "") -> None:
    """Complete the current stage's record and start `stage`'s (the case is locked)."""
    now = timezone.now()
    ending = case.stage_records.filter(completed_at=None).order_by("-pk").first()
    case.stage_records.filter(completed_at=None).update(completed_at=now)
    if note and ending is not None:
        ending.note = note
        ending.save(update_fields=["note"])
    if (
        stage == Stage.FOLLOW_UP
        and not case.follow_ups.filter(done_at=None, cancelled_at=None).exists()
    ):
        FollowUp.objects.create(
            case=case,
            due_at=now + config.follow_up_every(),
            description=FIRST_FOLLOW_UP,
            assigned_to=case.assigned_to,
        )
    case.stage = stage
    case.stage_due_at = deadlines.stage_due(case, stage, now)
    case.save(update_fields=["stage", "stage_due_at", "updated_at"])
    StageRecord.objects.create(
        case=case, stage=stage, entered_at=now, due_at=case.stage_due_at, by=user
    )


def _record_stage(actor: Actor, case: Case, previous: str) -> None:
    record(
        actor,
        "case.stage_changed",
        case,
        organisation_id=case.organisation_id,
        reference=case.reference,
        previous=previous,
        stage=case.stage,
        due_at=case.stage_due_at.isoformat() if case.stage_due_at else None,
    )


def write_record(actor, case: Case, which: str, text: str) -> Case:
    """Save the assessment or the case plan without moving the case on."""
    if which not in RECORDS:
        raise InvalidInput("Choose the assessment or the case plan.")
    actor = as_actor(actor)
    with transaction.atomic():
        case = _locked_open(case)
        setattr(case, which, text.strip())
        case.save(update_fields=[which, "updated_at"])
        record(
            actor,
            f"case.{which}_written",
            case,
            organisation_id=case.organisation_id,
            reference=case.reference,
            characters=len(text.strip()),
        )
    return case


# --- Details ----------------------------------------------------------------------------

DETAIL_FIELDS = ("child_age", "gender", "district", "categories", "consent_share", "risk_level")


def update_details(actor, case: Case, changes: dict) -> Case:
    """Apply the details form: any of DETAIL_FIELDS, and `child_name` (blank keeps the
    stored name; `clear_child_name` removes it). Raising the risk of a case waiting to
    be assigned shortens its deadline."""
    actor = as_actor(actor)
    _check_details(case, changes)
    with transaction.atomic():
        case = _locked_open(case)
        changed = []
        for name in DETAIL_FIELDS:
            if name in changes and _value(case, name) != _value_of(changes[name]):
                setattr(case, name, changes[name])
                changed.append(name)
        new_name = (changes.get("child_name") or "").strip()
        if new_name:
            case.child_name_sealed = identity.seal(new_name)
            changed.append("child_name")
        elif changes.get("clear_child_name") and case.child_name_sealed:
            case.child_name_sealed = ""
            changed.append("child_name")
        if not changed:
            return case
        case.save()
        if "risk_level" in changed and case.stage == Stage.REGISTRATION:
            deadlines.refresh_stage_due(case)
        record(
            actor,
            "case.details_changed",
            case,
            organisation_id=case.organisation_id,
            reference=case.reference,
            fields=changed,
            risk_level=case.risk_level,
            consent_share=case.consent_share,
        )
    return case


def _value(case: Case, name: str):
    return case.district_id if name == "district" else getattr(case, name)


def _value_of(value):
    return getattr(value, "pk", value)


def _check_details(case: Case, changes: dict) -> None:
    if "risk_level" in changes and changes["risk_level"] not in RISK_ORDER:
        raise InvalidInput("Choose a risk level from the list.", "risk_level")
    if "gender" in changes and changes["gender"] not in Gender.values:
        raise InvalidInput("Choose a gender from the list.", "gender")
    age = changes.get("child_age")
    if age is not None and not 0 <= age <= 25:
        raise InvalidInput(
            "Give the child's age in years (0 to 25), or leave it blank.", "child_age"
        )
    district = changes.get("district")
    if district is not None and district.organisation_id != case.organisation_id:
        raise InvalidInput("Choose one of your organisation's districts.", "district")
    unknown = [code for code in changes.get("categories") or [] if not taxonomy.is_category(code)]
    if unknown:
        raise InvalidInput("Choose categories from the list.", "categories")


# --- Names: masked, revealed on request -------------------------------------------------


def child_name(case: Case) -> str:
    if not case.child_name_sealed:
        return ""
    try:
        return identity.unseal(case.child_name_sealed)
    except InvalidToken:
        return UNREADABLE


def masked_name(case: Case) -> str:
    return identity.mask(child_name(case))


def reveal_name(actor, case: Case, purpose: str = "screen") -> str:
    """The child's name in full, with the look recorded."""
    record(
        as_actor(actor),
        "case.revealed",
        case,
        organisation_id=case.organisation_id,
        reference=case.reference,
        fields=["child_name"] if case.child_name_sealed else [],
        purpose=purpose,
    )
    return child_name(case)


def view_case(actor, case: Case) -> None:
    record(
        as_actor(actor),
        "case.viewed",
        case,
        organisation_id=case.organisation_id,
        reference=case.reference,
    )


# --- Closing and reopening --------------------------------------------------------------


def close(actor, case: Case, reason: str, note: str = "", *, confirm: bool = False) -> Case:
    """Close the case with a reason (and a note, required for "Other"). Services and
    follow-ups still open are cancelled, but only once the user confirms: without
    `confirm`, NeedsConfirmation lists them."""
    actor = as_actor(actor)
    if reason not in ClosureReason.values:
        raise InvalidInput("Choose why the case is closing.", "reason")
    if reason == ClosureReason.OTHER and not note.strip():
        raise InvalidInput("Say why the case is closing.", "note")
    with transaction.atomic():
        case = _locked_open(case)
        services = list(case.services.filter(status__in=deadlines.OPEN_SERVICE))
        follow_ups = list(case.follow_ups.filter(done_at=None, cancelled_at=None))
        referrals = list(
            case.referrals.filter(
                status__in=[ReferralStatus.REQUESTED, ReferralStatus.ACCEPTED]
            ).select_related("partner")
        )
        if (services or follow_ups) and not confirm:
            raise NeedsConfirmation(
                "Closing the case cancels the services and follow-ups still open.",
                services,
                follow_ups,
                referrals,
            )
        now = timezone.now()
        case.services.filter(pk__in=[s.pk for s in services]).update(status=ServiceStatus.CANCELLED)
        case.follow_ups.filter(pk__in=[f.pk for f in follow_ups]).update(cancelled_at=now)
        previous = case.stage
        case.closed_at = now
        case.closure_reason = reason
        case.closure_note = note.strip()
        case.save(update_fields=["closed_at", "closure_reason", "closure_note", "updated_at"])
        _enter(case, Stage.CLOSED, actor.user)
        record(
            actor,
            "case.closed",
            case,
            organisation_id=case.organisation_id,
            reference=case.reference,
            previous=previous,
            reason=reason,
            cancelled_services=len(services),
            cancelled_follow_ups=len(follow_ups),
            open_referrals=len(referrals),
        )
    return case


def reopen(actor, case: Case, reason: str) -> Case:
    """A supervisor reopens a closed case: it returns to the stage it was closed in, with
    that stage's time counted again from now."""
    actor = as_actor(actor)
    if actor.user is None or not actor.user.is_supervisor:
        raise InvalidTransition("Only a supervisor reopens a case.")
    if not reason.strip():
        raise InvalidInput("Say why the case is reopened.", "reason")
    with transaction.atomic():
        case = _locked(case)
        if case.stage != Stage.CLOSED:
            raise InvalidTransition("The case is not closed.")
        if case.anonymised_at is not None:
            raise InvalidTransition("The case was anonymised: open a new one instead.")
        before = case.stage_records.exclude(stage=Stage.CLOSED).order_by("-pk").first()
        stage = before.stage if before is not None else Stage.REGISTRATION
        closed_record = (
            case.stage_records.filter(stage=Stage.CLOSED, completed_at=None).order_by("-pk").first()
        )
        if closed_record is not None:
            closed_record.note = reason.strip()
            closed_record.save(update_fields=["note"])
        previous_reason = case.closure_reason
        case.closed_at = None
        case.closure_reason = ""
        case.closure_note = ""
        case.save(update_fields=["closed_at", "closure_reason", "closure_note", "updated_at"])
        _enter(case, stage, actor.user)
        record(
            actor,
            "case.reopened",
            case,
            organisation_id=case.organisation_id,
            reference=case.reference,
            stage=stage,
            previous_reason=previous_reason,
        )
    return case


# --- Linking the records about the same child -------------------------------------------


def link_contact(actor, case: Case, contact: Contact) -> Case:
    """Add a contact about the same child. What the case does not know yet (age, gender,
    district) is taken from it, and its categories are added."""
    actor = as_actor(actor)
    _check_same_organisation(case.organisation, contact)
    with transaction.atomic():
        case = _locked_open(case)
        contact = (
            Contact.objects.select_for_update(of=("self",))
            .select_related("case")
            .get(pk=contact.pk)
        )
        if contact.case_id == case.pk:
            raise InvalidTransition(f"Contact {contact.reference} is already in this case.")
        if contact.case is not None:
            raise InvalidTransition(
                f"Contact {contact.reference} is part of case {contact.case.reference}."
            )
        now = timezone.now()
        Contact.objects.filter(pk=contact.pk).update(case=case, updated_at=now)
        raised = _take_contact_emergencies(case, contact, now)
        if case.child_age is None:
            case.child_age = contact.child_age
        if case.gender == Gender.UNKNOWN:
            case.gender = contact.gender
        if case.district_id is None:
            case.district_id = contact.district_id
        case.categories = list(dict.fromkeys([*case.categories, *(contact.categories or [])]))
        case.save()
        record(
            actor,
            "case.contact_linked",
            case,
            organisation_id=case.organisation_id,
            reference=case.reference,
            contact=contact.reference,
            contact_emergencies=raised,
        )
    return case


def link_report(actor, case: Case, report: Report) -> Case:
    actor = as_actor(actor)
    _check_same_organisation(case.organisation, report)
    with transaction.atomic():
        case = _locked_open(case)
        if case.reports.filter(pk=report.pk).exists():
            raise InvalidTransition(f"Report {report.reference} is already in this case.")
        case.reports.add(report)
        record(
            actor,
            "case.report_linked",
            case,
            organisation_id=case.organisation_id,
            reference=case.reference,
            report=report.reference,
        )
    return case


def link_emergency(actor, case: Case, emergency) -> Case:
    actor = as_actor(actor)
    _check_same_organisation(case.organisation, emergency)
    with transaction.atomic():
        case = _locked_open(case)
        emergency = _lock_unlinked_emergency(emergency)
        Emergency.objects.filter(pk=emergency.pk).update(case=case, updated_at=timezone.now())
        record(
            actor,
            "case.emergency_linked",
            case,
            organisation_id=case.organisation_id,
            reference=case.reference,
            emergency=emergency.reference,
        )
    return case


# --- Locking ----------------------------------------------------------------------------


def _locked(case: Case) -> Case:
    return (
        Case.objects.select_for_update(of=("self",)).select_related("assigned_to").get(pk=case.pk)
    )


def _locked_open(case: Case) -> Case:
    case = _locked(case)
    if case.stage == Stage.CLOSED:
        raise InvalidTransition("The case is closed: a supervisor can reopen it.")
    return case
