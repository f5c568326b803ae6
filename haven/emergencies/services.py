"""Emergencies: opening one, and every step until it closes.

Writes go through these functions only. Each runs in one transaction, adds the step to
the emergency's timeline, writes an audit row, and leaves sending to the
`emergencies.deliver_alert` job, which runs after commit. Opening never fails for want
of a district, a partner or someone on call: the emergency opens UNASSIGNED and the
supervisors are alerted at once, so no emergency is ever lost.

Who acts is passed as an audit `Actor`; `responder` names the network Responder when a
responder acts (through their link or their login), and is None when staff act.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from haven.audit.services import Actor, record
from haven.emergencies import alerts, config, people, timeline
from haven.emergencies.models import Alert, Emergency, EmergencyStatus, Outcome
from haven.helpline.identity import seal, unseal
from haven.network.models import ServicePartner
from haven.reports.models import Source
from haven.triage.actions import InvalidInput, InvalidTransition

__all__ = [
    "acknowledge",
    "arrive",
    "assign",
    "close",
    "confirm",
    "open_emergency",
    "responder_viewed",
    "reveal",
]

# Alerts are out, or supervisors must find someone: the escalation clock runs.
WAITING = (EmergencyStatus.ALERTING, EmergencyStatus.UNASSIGNED)
OPEN = (*WAITING, EmergencyStatus.ACKNOWLEDGED, EmergencyStatus.ARRIVED)
LOCATION_MAX = 1_000
SITUATION_MAX = 2_000
NOTE_MAX = 2_000
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # read aloud on the phone: no 0/O, 1/I/L


def _as_actor(actor) -> Actor:
    return actor if isinstance(actor, Actor) else Actor.for_user(actor)


def new_reference() -> str:
    body = "".join(secrets.choice(_ALPHABET) for _ in range(10))
    return f"EM-{body[:5]}-{body[5:]}"


# --- Opening ------------------------------------------------------------------------------


def open_emergency(
    actor,
    organisation,
    *,
    district=None,
    location: str = "",
    situation: str = "",
    contact=None,
    report=None,
    case=None,
) -> Emergency:
    """Open an emergency and alert the first responder on call for the district, or the
    supervisors when there is none. `actor` is an audit Actor (or a User).

    One from the public form (an anonymous reporter) beyond the organisation's hourly
    limit opens "needs confirmation": only the supervisors are alerted until a member of
    staff confirms it (`confirm`), so that a flood of false reports cannot send
    responders running."""
    actor = _as_actor(actor)
    if district is not None and district.organisation_id != organisation.pk:
        district = None  # never another organisation's district; supervisors will place it
    location, situation = (location or "").strip()[:LOCATION_MAX], (situation or "").strip()
    now = timezone.now()
    times = config.times(organisation)
    from_public = actor.user is None and report is not None and report.source == Source.PUBLIC
    if case is None and contact is not None and contact.case_id is not None:
        # Raised from a contact that is part of a case: the emergency is about the same
        # child, so the case lists it (as opening a case from a contact takes its
        # emergencies along, haven.cases.services).
        case = contact.case
    with transaction.atomic():
        held = from_public and _over_public_limit(organisation, now)
        emergency = Emergency.objects.create(
            organisation=organisation,
            reference=new_reference(),
            status=EmergencyStatus.ALERTING,
            contact=contact,
            report=report,
            case=case,
            district=district,
            location_sealed=seal(location) if location else "",
            situation_sealed=seal(situation[:SITUATION_MAX]) if situation else "",
            opened_by=actor.user,
            opened_at=now,
            target_at=now + timedelta(minutes=times.emergency_target_minutes),
            from_public_form=from_public,
            needs_confirmation=held,
        )
        via = _opened_via(actor, contact, report, case)
        timeline.add(emergency, "opened", actor.label, at=now, via=via)
        record(
            actor,
            "emergency.opened",
            emergency,
            organisation_id=organisation.pk,
            reference=emergency.reference,
            via=via,
            district=district.name if district else "",
            contact=contact.reference if contact else "",
            report=report.reference if report else "",
            needs_confirmation=held,
        )
        if held:
            _hold(emergency, now, times)
        else:
            _alert_first(emergency, now, times)
    return emergency


def _alert_first(emergency: Emergency, now, times) -> None:
    responders = people.on_call(emergency.district, now)
    if responders:
        _alert(emergency, responders[0], now, times)
    else:
        _unassigned(emergency, now, times, nobody_reason(emergency))


def public_limit() -> int:
    """Emergencies an organisation opens from the public form in an hour before the next
    ones need confirming (settings.PUBLIC_EMERGENCIES_PER_HOUR)."""
    return int(settings.PUBLIC_EMERGENCIES_PER_HOUR)


def _over_public_limit(organisation, now) -> bool:
    opened = Emergency.objects.filter(
        organisation=organisation, from_public_form=True, opened_at__gt=now - timedelta(hours=1)
    ).count()
    return opened >= public_limit()


def held_reason() -> str:
    return (
        f"Opened from the public form beyond the limit of {public_limit()} an hour: "
        "confirm it on its page before any responder is alerted."
    )


def _opened_via(actor: Actor, contact, report, case) -> str:
    if contact is not None:
        return "contact"
    if report is not None:
        return "public report" if actor.user is None else "report"
    return "case" if case is not None else "staff"


def _alert(emergency: Emergency, responder, now, times) -> None:
    emergency.partner = responder.partner
    emergency.status = EmergencyStatus.ALERTING
    emergency.next_escalation_at = now + timedelta(minutes=times.acknowledge_minutes)
    emergency.save(update_fields=["partner", "status", "next_escalation_at", "updated_at"])
    alerts.alert_responder(emergency, responder, emergency.escalation_level, now)


def _unassigned(emergency: Emergency, now, times, reason: str) -> None:
    emergency.status = EmergencyStatus.UNASSIGNED
    emergency.next_escalation_at = now + timedelta(minutes=times.realert_minutes)
    emergency.save(update_fields=["status", "next_escalation_at", "updated_at"])
    timeline.add(emergency, "unassigned", at=now, reason=reason)
    alerts.alert_supervisors(emergency, emergency.escalation_level, now, reason)


def _hold(emergency: Emergency, now, times) -> None:
    """No responder yet: the supervisors are alerted, and re-alerted on the escalation
    clock, until someone confirms (or closes) it."""
    emergency.status = EmergencyStatus.UNASSIGNED
    emergency.next_escalation_at = now + timedelta(minutes=times.realert_minutes)
    emergency.save(update_fields=["status", "next_escalation_at", "updated_at"])
    reason = held_reason()
    timeline.add(emergency, "held", at=now, reason=reason)
    alerts.alert_supervisors(emergency, emergency.escalation_level, now, reason)


def confirm(emergency: Emergency, *, actor) -> Emergency:
    """A member of staff judged a held public emergency real: alert the responders on
    call now, as opening would have (or the supervisors, when nobody is on call)."""
    actor = _as_actor(actor)
    now = timezone.now()
    times = config.times(emergency.organisation)
    with transaction.atomic():
        emergency = _locked(emergency)
        if emergency.status == EmergencyStatus.CLOSED:
            raise InvalidTransition("This emergency is closed.")
        if not emergency.needs_confirmation:
            raise InvalidTransition("This emergency does not need confirming.")
        _mark_confirmed(emergency, actor, now, via="confirm")
        _alert_first(emergency, now, times)
    return emergency


def _mark_confirmed(emergency: Emergency, actor: Actor, now, via: str) -> None:
    emergency.needs_confirmation = False
    emergency.confirmed_at, emergency.confirmed_by = now, actor.user
    emergency.save(
        update_fields=["needs_confirmation", "confirmed_at", "confirmed_by", "updated_at"]
    )
    timeline.add(emergency, "confirmed", actor.label, at=now, via=via)
    record(
        actor,
        "emergency.confirmed",
        emergency,
        organisation_id=emergency.organisation_id,
        reference=emergency.reference,
        via=via,
    )


def nobody_reason(emergency: Emergency) -> str:
    """Why no responder could be alerted: a sentence for supervisors (in the e-mail, the
    page's message and the timeline), saying what to do."""
    district = emergency.district
    if district is None:
        return "The child's district is not known: assign a responder by hand."
    covering = ServicePartner.objects.filter(
        organisation_id=emergency.organisation_id,
        active=True,
        responds_to_emergencies=True,
        districts=district,
    )
    if not covering.exists():
        return f"No partner responds in {district.name}: assign a responder by hand."
    return f"No responder is on call in {district.name} now: assign a responder by hand."


# --- Responding ---------------------------------------------------------------------------


def acknowledge(
    emergency: Emergency, responder, *, actor, via: str = "link"
) -> tuple[Emergency, bool]:
    """`responder` is going. The first acknowledgement wins (one conditional UPDATE);
    returns the emergency and whether this one won."""
    actor = _as_actor(actor)
    now = timezone.now()
    with transaction.atomic():
        won = Emergency.objects.filter(
            pk=emergency.pk, status__in=WAITING, acknowledged_at=None
        ).update(
            status=EmergencyStatus.ACKNOWLEDGED,
            acknowledged_at=now,
            responder=responder,
            partner=responder.partner,
            next_escalation_at=None,
            updated_at=now,
        )
        if won:
            Alert.objects.filter(
                emergency_id=emergency.pk, responder=responder, acknowledged_at=None
            ).update(acknowledged_at=now)
            _acknowledged_step(emergency, responder, actor, via, now)
    emergency.refresh_from_db()
    return emergency, bool(won)


def _acknowledged_step(emergency, responder, actor: Actor, via: str, now) -> None:
    minutes = timeline.minutes_between(emergency.opened_at, now)
    timeline.add(
        emergency,
        "acknowledged",
        actor.label,
        at=now,
        responder=responder.name,
        partner=responder.partner.name,
        minutes=minutes,
        via=via,
    )
    record(
        actor,
        "emergency.acknowledged",
        emergency,
        organisation_id=emergency.organisation_id,
        responder=responder.name,
        via=via,
        minutes=minutes,
    )


def arrive(emergency: Emergency, *, actor, responder=None, via: str = "link") -> Emergency:
    """The responder is with the child. `responder` (when a responder acts) must be the
    one going; staff record it for whoever is going."""
    actor = _as_actor(actor)
    now = timezone.now()
    with transaction.atomic():
        emergency = _locked(emergency)
        if emergency.status == EmergencyStatus.ARRIVED:
            return emergency  # said twice: once is enough
        if emergency.status == EmergencyStatus.CLOSED:
            raise InvalidTransition("This emergency is closed.")
        if emergency.status != EmergencyStatus.ACKNOWLEDGED or emergency.responder is None:
            raise InvalidTransition(
                "No responder has said they are going yet: record who is going first."
            )
        _require_going(emergency, responder)
        emergency.status, emergency.arrived_at = EmergencyStatus.ARRIVED, now
        emergency.next_escalation_at = None
        emergency.save(update_fields=["status", "arrived_at", "next_escalation_at", "updated_at"])
        minutes = timeline.minutes_between(emergency.opened_at, now)
        within = now <= emergency.target_at
        timeline.add(
            emergency,
            "arrived",
            actor.label,
            at=now,
            responder=emergency.responder.name,
            minutes=minutes,
            within_target=within,
            via=via,
        )
        if within:
            timeline.add(emergency, "target_met", at=now, minutes=minutes)
        else:
            note_target_missed(emergency, now)
        record(
            actor,
            "emergency.arrived",
            emergency,
            organisation_id=emergency.organisation_id,
            via=via,
            minutes=minutes,
            within_target=within,
        )
    return emergency


def close(
    emergency: Emergency, outcome: str, note: str = "", *, actor, responder=None, via: str = "staff"
) -> Emergency:
    """Close with an outcome. A responder's outcome closes the emergency too: reaching
    the child is what an emergency is for, and what follows is a case's work."""
    actor = _as_actor(actor)
    note = (note or "").strip()
    if outcome not in Outcome.values:
        raise InvalidInput("Choose what happened.", "outcome")
    if len(note) > NOTE_MAX:
        raise InvalidInput(f"Keep the note under {NOTE_MAX} characters.", "note")
    now = timezone.now()
    with transaction.atomic():
        emergency = _locked(emergency)
        if emergency.status == EmergencyStatus.CLOSED:
            raise InvalidTransition("This emergency is already closed.")
        if responder is not None:
            if emergency.status not in (EmergencyStatus.ACKNOWLEDGED, EmergencyStatus.ARRIVED):
                raise InvalidTransition("Say that you are going first.")
            _require_going(emergency, responder)
        if emergency.arrived_at is None and now >= emergency.target_at:
            note_target_missed(emergency, now)
        emergency.status, emergency.closed_at = EmergencyStatus.CLOSED, now
        emergency.outcome, emergency.outcome_note = outcome, note
        emergency.next_escalation_at = None
        emergency.save(
            update_fields=[
                "status",
                "closed_at",
                "outcome",
                "outcome_note",
                "next_escalation_at",
                "updated_at",
            ]
        )
        minutes = timeline.minutes_between(emergency.opened_at, now)
        # The note's words stay on the emergency; the timeline and audit say one was given.
        timeline.add(
            emergency, "closed", actor.label, at=now, outcome=outcome, minutes=minutes, via=via
        )
        record(
            actor,
            "emergency.closed",
            emergency,
            organisation_id=emergency.organisation_id,
            outcome=outcome,
            via=via,
            note_given=bool(note),
        )
    return emergency


def _require_going(emergency: Emergency, responder) -> None:
    if responder is not None and emergency.responder_id != responder.pk:
        going = emergency.responder.name if emergency.responder else "someone else"
        raise InvalidTransition(f"{going} is going to this child, not you.")


def _locked(emergency: Emergency) -> Emergency:
    return (
        Emergency.objects.select_for_update(of=("self",))
        .select_related("responder", "partner")
        .get(pk=emergency.pk)
    )


def note_target_missed(emergency: Emergency, now) -> bool:
    """Record "target missed" on the timeline, once (claimed by a conditional UPDATE)."""
    claimed = Emergency.objects.filter(pk=emergency.pk, target_missed_at=None).update(
        target_missed_at=now
    )
    if claimed:
        emergency.target_missed_at = now
        timeline.add(
            emergency,
            "target_missed",
            at=emergency.target_at,
            minutes=timeline.minutes_between(emergency.opened_at, emergency.target_at),
        )
    return bool(claimed)


# --- Staff acting for responders ----------------------------------------------------------


def acknowledge_for(emergency: Emergency, responder, *, actor) -> Emergency:
    """Staff record that an alerted responder said (by phone) that they are going."""
    if not emergency.alerts.filter(responder=responder).exists():
        raise InvalidInput("Choose a responder who was alerted, or assign one.", "responder")
    emergency, won = acknowledge(emergency, responder, actor=actor, via="staff")
    if not won:
        going = emergency.responder.name if emergency.responder else "Someone"
        raise InvalidTransition(
            f"{going} is already going."
            if emergency.status != EmergencyStatus.CLOSED
            else "This emergency is closed."
        )
    return emergency


def assign(emergency: Emergency, responder, *, actor, confirmed: bool = False) -> Emergency:
    """Staff send a responder of their choosing: alerted with their own link, and, when
    they already said yes on the phone (`confirmed`), on the way at once."""
    actor = _as_actor(actor)
    if not people.assignable(emergency).filter(pk=responder.pk).exists():
        raise InvalidInput("Choose an active responder of a partner in your network.", "responder")
    now = timezone.now()
    times = config.times(emergency.organisation)
    with transaction.atomic():
        emergency = _locked(emergency)
        if emergency.status == EmergencyStatus.CLOSED:
            raise InvalidTransition("This emergency is closed.")
        if emergency.status == EmergencyStatus.ARRIVED:
            raise InvalidTransition("A responder is already with the child.")
        if emergency.needs_confirmation:
            # Sending someone is the surest confirmation there is.
            _mark_confirmed(emergency, actor, now, via="assign")
        emergency.partner = responder.partner
        if confirmed:
            emergency.status, emergency.responder = EmergencyStatus.ACKNOWLEDGED, responder
            emergency.acknowledged_at, emergency.next_escalation_at = now, None
        else:
            # Asked, not yet going: the escalation clock runs again for them.
            emergency.status, emergency.responder = EmergencyStatus.ALERTING, None
            emergency.acknowledged_at = None
            emergency.next_escalation_at = now + timedelta(minutes=times.acknowledge_minutes)
        emergency.save(
            update_fields=[
                "partner",
                "status",
                "responder",
                "acknowledged_at",
                "next_escalation_at",
                "updated_at",
            ]
        )
        timeline.add(
            emergency,
            "assigned",
            actor.label,
            at=now,
            responder=responder.name,
            partner=responder.partner.name,
        )
        record(
            actor,
            "emergency.assigned",
            emergency,
            organisation_id=emergency.organisation_id,
            responder=responder.name,
            partner=responder.partner.name,
            confirmed=confirmed,
        )
        sent = alerts.alert_responder(emergency, responder, emergency.escalation_level, now)
        if confirmed:
            Alert.objects.filter(pk__in=[alert.pk for alert in sent]).update(acknowledged_at=now)
            _acknowledged_step(emergency, responder, actor, "staff", now)
    return emergency


# --- Reading the sealed details -----------------------------------------------------------


def reveal(emergency: Emergency, *, actor) -> dict:
    """Where the child is and what is happening, for staff; the reading is audited."""
    actor = _as_actor(actor)
    record(
        actor,
        "emergency.revealed",
        emergency,
        organisation_id=emergency.organisation_id,
        reference=emergency.reference,
    )
    return details(emergency)


def details(emergency: Emergency) -> dict:
    return {
        "location": unseal(emergency.location_sealed) if emergency.location_sealed else "",
        "situation": unseal(emergency.situation_sealed) if emergency.situation_sealed else "",
        "note": emergency.outcome_note,
    }


def responder_viewed(emergency: Emergency, responder, *, actor, alert: Alert | None = None) -> dict:
    """A responder opened their link or the partner page: audited, and the first opening
    of each link goes on the timeline. Returns the details they need to find the child."""
    actor = _as_actor(actor)
    now = timezone.now()
    with transaction.atomic():
        if alert is not None and alert.opened_at is None:
            first = Alert.objects.filter(pk=alert.pk, opened_at=None).update(opened_at=now)
            if first:
                timeline.add(
                    emergency,
                    "link_opened",
                    actor.label,
                    at=now,
                    responder=responder.name,
                    channel=alert.channel,
                )
        record(
            actor,
            "emergency.viewed",
            emergency,
            organisation_id=emergency.organisation_id,
            responder=responder.name if responder is not None else "",
            via="link" if alert is not None else "partner page",
        )
    return details(emergency)
