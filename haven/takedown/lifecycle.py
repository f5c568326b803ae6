"""What a takedown does after each check of its address.

    check → present, nothing sent yet   → forward to the hosting country's hotline, or
                                           send the first notice to the host
          → present, host notified      → reminder (and, after N of them, escalation)
          → present, forwarded          → nothing to send: check again next interval
          → present, removed before     → it came back: reopen, notify again
          → gone, the first time        → nothing sent; check again in an hour
          → gone again, an hour later   → removed, dated by the first gone check;
                                           re-check later
          → present between the two     → not removed: the step goes on as planned
          → failed                      → nothing sent; try again in an hour
          → refused (safety policy)     → stopped, with the reason, for an analyst

The network (the check, a notice, forwarding, escalating) is done outside any
transaction. Each change is then written in one transaction on a locked, re-read copy,
and only if the takedown is still in the state the step started from: an analyst who
stops a takedown while a notice is on its way is not overruled (the notice is still
recorded, since it went).
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction

from haven.audit.services import Actor, record
from haven.fetching.models import Fetch, Outcome, Purpose
from haven.reports.models import Report, Status
from haven.takedown import sending
from haven.takedown.models import (
    OPEN_STATES,
    SCHEDULED_STATES,
    Channel,
    EscalateTo,
    NoticeKind,
    State,
    Takedown,
)
from haven.takedown.policies import policy_for, reminder_interval
from haven.takedown.seams import Contact, ContactLike, Outside

log = logging.getLogger(__name__)

RETRY_AFTER = timedelta(hours=1)
# A removal is confirmed by a second check that finds the address gone at least this
# long after the first: a name that does not resolve for a minute is not a removal.
CONFIRM_REMOVAL_AFTER = timedelta(hours=1)
# Failed checks in a row before the page asks an analyst to look.
FAILED_CHECKS_FOR_ATTENTION = 3
SCHEDULER = "takedown scheduler"
HOSTING_CHANGED = "takedown (from hosting)"
NO_CONTACT = (
    "No abuse contact is known for this address: add the host to the directory or correct "
    "the hosting. The takedown tries again every hour."
)
# Every state a removal can be confirmed from (a stopped takedown may still be removed).
REMOVABLE_STATES = (State.WAITING, State.NOTIFIED, State.ESCALATED, State.FORWARDED, State.STOPPED)
# The snapshot of where notices go, refreshed from hosting (see `refresh`).
SNAPSHOT_FIELDS = ("recipient", "channel", "language", "host_name", "country")


def scheduler_actor(takedown: Takedown) -> Actor:
    return Actor(None, SCHEDULER, None, takedown.organisation_id)


def check(takedown: Takedown, out: Outside) -> Fetch:
    return out.check(takedown.report_url, Purpose.RECHECK)


def after_check(
    takedown: Takedown,
    fetch: Fetch,
    out: Outside,
    now: datetime,
    *,
    notify: bool = True,
    actor: Actor | None = None,
) -> None:
    """Move the takedown on from what the check found. With `notify` off (a re-check
    asked for by a host's answer), nothing is sent and no reminder is brought forward."""
    actor = actor or scheduler_actor(takedown)
    outcome, state = fetch.outcome, takedown.state
    if outcome == Outcome.FAILED:
        _check_failed(takedown, fetch, now, actor, reschedule=notify)
    elif outcome == Outcome.REFUSED:
        _refused(takedown, fetch, actor)
    elif outcome == Outcome.GONE:
        if state == State.REMOVED:
            _still_gone(takedown, fetch, now, actor)
        else:
            found_gone(takedown, fetch, now, actor)
    elif state == State.REMOVED:
        _reappeared(takedown, fetch, out, now, actor)
    elif takedown.gone_since is not None and not _step_due(takedown, now, notify):
        # Online after all, while a removal was being confirmed, and what that check
        # displaced is not due yet: back to it (see note_check), nothing sent now.
        _still_online(takedown, fetch, now, actor, reschedule=False)
    elif not notify or state == State.FORWARDED:
        _still_online(takedown, fetch, now, actor, reschedule=notify)
    elif state == State.WAITING:
        begin(takedown, fetch, out, now, actor)
    elif state in (State.NOTIFIED, State.ESCALATED):
        remind(takedown, fetch, out, now, actor)


# --- Writing changes --------------------------------------------------------------------


def _locked(takedown: Takedown) -> Takedown:
    return (
        Takedown.objects.select_for_update(of=("self",))
        .select_related("organisation", "report", "report_url")
        .get(pk=takedown.pk)
    )


def _apply(takedown: Takedown, states, change: Callable[[Takedown], None]) -> Takedown | None:
    """`change` a locked copy if it is still in one of `states`; the saved copy, or None."""
    with transaction.atomic():
        current = _locked(takedown)
        if current.state not in states:
            return None
        change(current)
        current.save()
    return current


def _step_due(takedown: Takedown, now: datetime, notify: bool) -> bool:
    """Whether the step a pending removal check displaced is due now."""
    return notify and takedown.resume_at is not None and takedown.resume_at <= now


def note_check(takedown: Takedown, fetch: Fetch) -> None:
    takedown.last_check_outcome = fetch.outcome
    takedown.last_checked_at = fetch.started_at
    takedown.last_check_reason = (fetch.detail or fetch.reason or "")[:300]
    if fetch.outcome != Outcome.FAILED:
        takedown.failed_checks = 0
    if fetch.outcome in (Outcome.PRESENT, Outcome.REFUSED) and takedown.gone_since is not None:
        # Not removed after all: the removal check is off, and the step it displaced
        # (none while waiting for police) is next again. A failed check keeps waiting.
        takedown.gone_since = None
        if takedown.state != State.STOPPED:
            takedown.next_action_at = takedown.resume_at
        takedown.resume_at = None


def record_check(takedown: Takedown, fetch: Fetch, actor: Actor) -> None:
    """A check someone asked for that changes nothing else (online, or could not tell)."""

    def change(current: Takedown) -> None:
        note_check(current, fetch)
        _audit(actor, "takedown.rechecked", current, outcome=fetch.outcome, fetch_id=fetch.pk)

    # Whatever the state now: the caller's copy may be older than the scheduler's work.
    _apply(takedown, State.values, change)


def _audit(actor: Actor, action: str, takedown: Takedown, **detail) -> None:
    record(
        actor,
        action,
        takedown,
        organisation_id=takedown.organisation_id,
        reference=takedown.reference,
        report=takedown.report.reference,
        **detail,
    )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


# --- Present: first notice, forwarding, reminders, escalation ----------------------------


def take_snapshot(takedown: Takedown, hosting, contact: ContactLike | None) -> dict[str, list]:
    """Note hosting's country and host, and where notices go; what changed, as
    {field: [old, new]}. Without a contact the noted one stays (hosting may have lost
    what it knew; the noted e-mail address is still the best guess)."""
    before = {name: getattr(takedown, name) for name in SNAPSHOT_FIELDS}
    if hosting is not None:
        takedown.country = (hosting.country or "")[:2].upper()
        takedown.host_name = (hosting.network_name or hosting.hostname or takedown.host_name)[:200]
    if contact is not None:
        snapshot_contact(takedown, contact)
    return {
        name: [before[name], getattr(takedown, name)]
        for name in SNAPSHOT_FIELDS
        if before[name] != getattr(takedown, name)
    }


def refresh(takedown: Takedown, out: Outside, actor: Actor | None = None) -> Takedown:
    """Take where notices go afresh from hosting (an analyst may have corrected the
    country or the abuse contact since) and save it if it changed. Notices already sent
    keep their own recipient: this is where the next one goes."""
    hosting = out.hosting(takedown.report_url)
    contact = out.notice_contact(takedown.report_url)
    if not take_snapshot(_copy(takedown), hosting, contact):
        return takedown
    with transaction.atomic():
        current = _locked(takedown)
        if current.state not in OPEN_STATES:
            return takedown
        changes = take_snapshot(current, hosting, contact)
        if changes:
            current.save(update_fields=list(changes))
            _audit(
                actor or Actor(None, HOSTING_CHANGED, None, takedown.organisation_id),
                "takedown.contact_updated",
                current,
                changes=changes,
            )
    for name in SNAPSHOT_FIELDS:
        setattr(takedown, name, getattr(current, name))
    return takedown


def _copy(takedown: Takedown) -> Takedown:
    return Takedown(**{name: getattr(takedown, name) for name in SNAPSHOT_FIELDS})


def contact_for(takedown: Takedown, out: Outside) -> ContactLike | None:
    """Where notices go now: hosting's answer, else the e-mail address noted at the start."""
    contact = out.notice_contact(takedown.report_url)
    if contact is None and takedown.channel == Channel.EMAIL and takedown.recipient:
        contact = Contact(Channel.EMAIL, takedown.recipient, takedown.host_name, takedown.language)
    return contact


def snapshot_contact(takedown: Takedown, contact: ContactLike) -> None:
    takedown.recipient = contact.recipient
    takedown.channel = contact.channel
    takedown.language = contact.language or takedown.language
    takedown.host_name = (contact.name or takedown.host_name)[:200]


def begin(takedown: Takedown, fetch: Fetch, out: Outside, now: datetime, actor: Actor) -> None:
    """Online and nothing sent yet: forward to the hosting country's hotline when there is
    one (the fast path), else send the host the first notice."""
    states = (State.WAITING,)
    hosting = out.hosting(takedown.report_url)
    forwarded, routing_note = _forward(takedown, hosting, fetch, out, now, actor)
    if forwarded:
        return
    contact = contact_for(takedown, out)
    if contact is None:
        _no_contact(takedown, fetch, now, actor, states, routing_note)
        return
    delivery = sending.deliver(
        sending.prepare(takedown, NoticeKind.FIRST, contact, fetch, out), contact, out
    )
    interval = reminder_interval(policy_for(takedown.organisation))

    def change(current: Takedown) -> None:
        note_check(current, fetch)
        take_snapshot(current, hosting, contact)
        current.routing_note = routing_note
        if delivery.delivered:
            current.state = State.NOTIFIED
            current.first_notice_at = current.first_notice_at or now
            current.last_notice_at = now
            current.reminders_sent = 0
            current.next_action_at = now + interval
            current.attention = ""
        else:
            current.attention = f"The first notice could not be delivered: {delivery.error}"[:300]
            current.next_action_at = now + RETRY_AFTER

    _record_notice(takedown, delivery, fetch, now, actor, states, change)


def _forward(
    takedown: Takedown, hosting, fetch: Fetch, out: Outside, now: datetime, actor: Actor
) -> tuple[bool, str]:
    """(forwarded, why not) — forwarded when hosted abroad and a hotline is there."""
    organisation = takedown.organisation
    country = ((hosting.country if hosting is not None else "") or takedown.country).upper()
    home = (organisation.country or "").upper()
    if not country or not home or country == home:
        return False, ""
    partner = out.partner_hotline_for(organisation, country)
    if partner is None:
        return False, f"No partner hotline in {country}: the host is notified directly."
    try:
        referral = out.forward(
            takedown.report,
            partner,
            takedown.opened_by,
            report_urls=[takedown.report_url],
            actor=actor,
        )
    except Exception as problem:  # the fast path failing must not stop the slow one
        log.exception("forwarding takedown %s failed", takedown.pk)
        return False, f"Forwarding to {partner} failed ({problem}): the host is notified directly."
    if referral is None or getattr(referral, "status", "") == "failed":
        why = getattr(referral, "error", "") or "not sent"
        return False, f"Forwarding to {partner} failed ({why}): the host is notified directly."
    interval = reminder_interval(policy_for(organisation))

    def change(current: Takedown) -> None:
        note_check(current, fetch)
        current.state = State.FORWARDED
        current.referral = referral
        current.country = country
        current.routing_note = ""
        current.attention = ""
        # No notices from here: the partner acts; checks date the removal.
        current.next_action_at = now + interval
        _audit(
            actor,
            "takedown.forwarded",
            current,
            partner=str(partner),
            partner_id=partner.pk,
            country=country,
            referral_id=referral.pk,
        )

    _apply(takedown, (State.WAITING,), change)
    return True, ""


def _no_contact(takedown, fetch, now, actor, states, routing_note: str = "") -> None:
    def change(current: Takedown) -> None:
        note_check(current, fetch)
        if routing_note:
            current.routing_note = routing_note
        current.attention = NO_CONTACT
        current.next_action_at = now + RETRY_AFTER
        _audit(actor, "takedown.no_contact", current)

    _apply(takedown, states, change)


def remind(takedown: Takedown, fetch: Fetch, out: Outside, now: datetime, actor: Actor) -> None:
    """Still online after a notice: remind the host, and escalate after enough reminders."""
    states = (State.NOTIFIED, State.ESCALATED)
    policy = policy_for(takedown.organisation)
    hosting = out.hosting(takedown.report_url)
    contact = contact_for(takedown, out)
    if contact is None:
        _no_contact(takedown, fetch, now, actor, states)
        return
    delivery = sending.deliver(
        sending.prepare(takedown, NoticeKind.REMINDER, contact, fetch, out), contact, out
    )

    def change(current: Takedown) -> None:
        note_check(current, fetch)
        take_snapshot(current, hosting, contact)
        if delivery.delivered:
            current.reminders_sent += 1
            current.last_notice_at = now
            current.next_action_at = now + reminder_interval(policy)
            current.attention = ""
        else:
            current.attention = f"A reminder could not be delivered: {delivery.error}"[:300]
            current.next_action_at = now + RETRY_AFTER

    current = _record_notice(takedown, delivery, fetch, now, actor, states, change)
    if (
        delivery.delivered
        and current is not None
        and current.state == State.NOTIFIED
        and current.reminders_sent >= policy.escalate_after_reminders
    ):
        escalate(current, fetch, out, now, actor, policy.escalate_to)


def escalate(
    takedown: Takedown, fetch: Fetch, out: Outside, now: datetime, actor: Actor, to: str
) -> None:
    """Through routing to the partner in the directory (the hosting country's hotline,
    police, or the registrar when it is listed); for a registrar that is not, a notice to
    its abuse contact. Without anyone to escalate to, say so on the page and keep
    reminding: the next reminder tries again."""
    referral = None
    try:
        referral = out.escalate(takedown, to)
    except Exception:  # keep reminding even if routing breaks
        log.exception("escalating takedown %s failed", takedown.pk)
    delivery = None
    if referral is None and to == EscalateTo.REGISTRAR:
        contact = out.registrar_contact(takedown.report_url)
        if contact is not None:
            notice = sending.prepare(takedown, NoticeKind.ESCALATION, contact, fetch, out)
            delivery = sending.deliver(notice, contact, out)
            _record_notice(takedown, delivery, fetch, now, actor, (), None)
    done = referral is not None or (delivery is not None and delivery.delivered)
    label = EscalateTo(to).label if to in EscalateTo.values else to

    def change(current: Takedown) -> None:
        if done:
            current.state = State.ESCALATED
            current.escalated_at = now
            current.escalated_to = to
            if referral is not None:
                current.referral = referral
            current.attention = ""
            _audit(
                actor,
                "takedown.escalated",
                current,
                to=to,
                referral_id=referral.pk if referral is not None else None,
                registrar=delivery.contact.recipient if delivery and delivery.delivered else "",
            )
        else:
            current.attention = (
                f"No one to escalate to ({label}): add them to the directory. "
                "Reminders continue, and the next one tries to escalate again."
            )
            _audit(actor, "takedown.escalation_impossible", current, to=to)

    _apply(takedown, (State.NOTIFIED,), change)


def _record_notice(
    takedown: Takedown,
    delivery: sending.Delivery,
    fetch: Fetch,
    now: datetime,
    actor: Actor,
    states,
    change: Callable[[Takedown], None] | None,
) -> Takedown | None:
    """Write the notice (it went, or failed, whatever the takedown's state now) and, if
    the takedown is still where the step started, the step's change."""
    with transaction.atomic():
        current = _locked(takedown)
        notice = delivery.as_row(current, fetch, now)
        notice.save()
        _audit(
            actor,
            "takedown.notice_sent" if delivery.delivered else "takedown.notice_failed",
            current,
            notice_id=notice.pk,
            kind=notice.kind,
            channel=notice.channel,
            recipient=notice.recipient,
            error=notice.error,
        )
        if change is None or current.state not in states:
            return None
        change(current)
        current.save()
    return current


def _still_online(
    takedown: Takedown, fetch: Fetch, now: datetime, actor: Actor, *, reschedule: bool
) -> None:
    interval = reminder_interval(policy_for(takedown.organisation))

    def change(current: Takedown) -> None:
        note_check(current, fetch)
        if reschedule:
            current.next_action_at = now + interval
        _audit(actor, "takedown.rechecked", current, outcome=fetch.outcome, fetch_id=fetch.pk)

    _apply(takedown, (takedown.state,), change)


# --- Gone, and gone for good ------------------------------------------------------------


def found_gone(
    takedown: Takedown,
    fetch: Fetch,
    now: datetime,
    actor: Actor,
    states=REMOVABLE_STATES,
) -> Takedown | None:
    """A check found the address gone. The first time, nothing is sent and a second
    check is planned an hour later; a gone check an hour or more after the first
    confirms the removal, dated by the first. The saved takedown, or None if it moved on
    meanwhile."""

    def change(current: Takedown) -> None:
        first = current.gone_since
        if first is not None and fetch.started_at - first >= CONFIRM_REMOVAL_AFTER:
            _removed(current, fetch, first, actor)
            return
        note_check(current, fetch)
        if first is None:
            first = fetch.started_at
            current.gone_since = first
            current.resume_at = current.next_action_at
        confirm_at = first + CONFIRM_REMOVAL_AFTER
        if current.state in SCHEDULED_STATES:
            # The displaced step comes first if it is due before the second check.
            resume = current.resume_at
            sooner = resume is not None and now < resume < confirm_at
            current.next_action_at = resume if sooner else confirm_at
        _audit(
            actor,
            "takedown.found_gone",
            current,
            fetch_id=fetch.pk,
            first_gone_at=_iso(first),
            confirm_after=_iso(confirm_at),
        )

    return _apply(takedown, states, change)


def _removed(current: Takedown, fetch: Fetch, removed_at: datetime, actor: Actor) -> None:
    """Removed, dated by the first check that found it gone; re-checks planned after."""
    days = sorted({int(day) for day in policy_for(current.organisation).recheck_after_removal_days})
    previous = current.state
    note_check(current, fetch)
    current.state = State.REMOVED
    current.removed_at = removed_at
    current.gone_since = None
    current.resume_at = None
    current.rechecks_left = days
    current.next_action_at = removed_at + timedelta(days=days[0]) if days else None
    current.attention = ""
    current.stopped_reason = ""
    _audit(
        actor,
        "takedown.removed",
        current,
        previous_state=previous,
        checked_at=_iso(removed_at),
        confirmed_at=_iso(fetch.started_at),
        fetch_id=fetch.pk,
        before_first_notice=current.first_notice_at is None,
        referral_id=current.referral_id if previous == State.FORWARDED else None,
    )


def _still_gone(takedown: Takedown, fetch: Fetch, now: datetime, actor: Actor) -> None:
    def change(current: Takedown) -> None:
        note_check(current, fetch)
        removed_at = current.removed_at or now
        left = [d for d in current.rechecks_left if removed_at + timedelta(days=d) > now]
        current.rechecks_left = left
        current.next_action_at = removed_at + timedelta(days=left[0]) if left else None
        _audit(actor, "takedown.rechecked", current, outcome=fetch.outcome, fetch_id=fetch.pk)

    _apply(takedown, (State.REMOVED,), change)


def _reappeared(takedown: Takedown, fetch: Fetch, out: Outside, now: datetime, actor) -> None:
    """Online again after removal: back to the start, the report reopened if closed."""

    def change(current: Takedown) -> None:
        removed_at = current.removed_at
        note_check(current, fetch)
        current.state = State.WAITING
        current.removed_at = None
        current.rechecks_left = []
        current.reappeared_count += 1
        current.reminders_sent = 0
        current.next_action_at = now
        _audit(
            actor,
            "takedown.reappeared",
            current,
            removed_at=_iso(removed_at),
            fetch_id=fetch.pk,
            times=current.reappeared_count,
        )
        report = Report.objects.get(pk=current.report_id)
        if report.status == Status.CLOSED:
            from haven.triage import actions

            reason = f"The content is online again (takedown {current.reference})."
            actions.reopen(report, None, reason, actor=actor)

    current = _apply(takedown, (State.REMOVED,), change)
    if current is not None:
        begin(current, fetch, out, now, actor)


# --- Could not tell, or may not look ------------------------------------------------------


def _check_failed(
    takedown: Takedown, fetch: Fetch, now: datetime, actor: Actor, *, reschedule: bool
) -> None:
    def change(current: Takedown) -> None:
        note_check(current, fetch)
        current.failed_checks += 1
        if reschedule:
            # Nothing is sent on a check that could not tell: try again soon.
            current.next_action_at = now + RETRY_AFTER
        if current.failed_checks >= FAILED_CHECKS_FOR_ATTENTION:
            current.attention = (
                f"The last {current.failed_checks} checks could not tell whether the content "
                f"is online ({current.last_check_reason or fetch.reason}). Look at the "
                "address by hand."
            )[:300]
        _audit(
            actor,
            "takedown.check_failed",
            current,
            reason=fetch.reason,
            fetch_id=fetch.pk,
            failed_checks=current.failed_checks,
        )

    _apply(takedown, (takedown.state,), change)


def _refused(takedown: Takedown, fetch: Fetch, actor: Actor) -> None:
    reason = (
        f"The safety policy refuses to fetch this address ({fetch.detail or fetch.reason}). "
        "Check it by hand, and start the takedown again when it can be checked."
    )

    def change(current: Takedown) -> None:
        note_check(current, fetch)
        current.state = State.STOPPED
        current.stopped_reason = reason
        current.attention = reason[:300]
        current.next_action_at = None
        _audit(actor, "takedown.stopped", current, reason=reason, fetch_id=fetch.pk)

    _apply(takedown, (takedown.state,), change)
