"""Everything people do to a takedown, and the scheduler that does the rest.

Views, the API, the classification signal and the public answer page call these
functions and nothing else, so the rules live in one place. Each runs in one transaction
on a locked copy of the takedown and writes an audit row; anything slow (a check, a
notice) happens after commit, in a job or in the scheduler.
"""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from haven.audit.services import Actor, record
from haven.fetching.models import Outcome
from haven.jobs.services import enqueue
from haven.reports.models import Report, ReportUrl, Status
from haven.takedown import lifecycle
from haven.takedown.models import (
    OPEN_STATES,
    AnswerKind,
    FirstNotice,
    HostAnswer,
    State,
    Takedown,
)
from haven.takedown.policies import first_action_at, policy_for
from haven.takedown.scheduler import run_due
from haven.takedown.seams import outside
from haven.triage.actions import ActionError, InvalidInput, InvalidTransition

__all__ = [
    "ActionError",
    "InvalidInput",
    "InvalidTransition",
    "confirm_removed",
    "open_takedown",
    "police_agreed",
    "record_host_answer",
    "run_due",
    "send_now",
    "stop",
]

REASON_MAX_LENGTH = 2_000
POLICE_NOTE_MAX_LENGTH = 500
ANSWER_MAX_LENGTH = 10_000
NOT_ACTIONABLE = (
    "Classify this address as actionable (for example INTERPOL baseline) first, or ask a "
    "supervisor to start the takedown."
)


def _actor(by, actor: Actor | None, organisation_id: int) -> Actor:
    if actor is not None:
        return actor
    if by is None:
        return Actor(None, "takedown (automatic)", None, organisation_id)
    return Actor.for_user(by)


def _locked(takedown: Takedown) -> Takedown:
    return (
        Takedown.objects.select_for_update(of=("self",))
        .select_related("organisation", "report", "report_url")
        .get(pk=takedown.pk)
    )


def _require_staff(by, organisation_id: int) -> None:
    if by is not None and not (by.is_org_staff and by.organisation_id == organisation_id):
        raise PermissionDenied("Only staff of this organisation can work on its takedowns.")


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


def _act_soon(takedown: Takedown) -> None:
    # Someone asked for it: at once, not at the scheduler's next tick (a durable job
    # after commit; the lease keeps it from acting twice if the scheduler gets there
    # first). Opening a takedown does not do this: its first step waits for the next
    # tick, so that classifying an address never fetches anything on its way.
    enqueue("takedown.act_now", takedown_id=takedown.pk)


def _due_now(takedown: Takedown, now) -> None:
    """The next step is due now; also when a removal is being confirmed, so that a check
    finding the content online sends at once rather than at the step's old time."""
    takedown.next_action_at = now
    if takedown.gone_since is not None:
        takedown.resume_at = now


# --- Opening ----------------------------------------------------------------------------


def open_takedown(report_url: ReportUrl, by, *, actor: Actor | None = None) -> Takedown:
    """Start taking an address down. `by` None: opened by the system (auto-open).

    Needs an actionable classification of the address, or a supervisor. A stopped
    takedown of the same address starts again; a running one is refused, as is the same
    address (normalised) running in another report of the organisation.
    """
    # Read afresh: the report may have been closed since the caller loaded it.
    report = Report.objects.select_related("organisation").get(pk=report_url.report_id)
    organisation = report.organisation
    _require_staff(by, organisation.pk)
    out = outside()
    if not out.is_actionable(report_url) and not (by is not None and by.is_supervisor):
        raise InvalidInput(NOT_ACTIONABLE)
    if report.status == Status.CLOSED:
        raise InvalidTransition("This report is closed. Reopen it before starting a takedown.")
    hosting = out.hosting(report_url)
    contact = out.notice_contact(report_url)
    policy = policy_for(organisation)
    now = timezone.now()
    actor = _actor(by, actor, organisation.pk)
    try:
        with transaction.atomic():
            takedown = _open(report_url, by, now, policy, hosting, contact)
            _audit(
                actor,
                "takedown.opened",
                takedown,
                url_id=report_url.pk,
                first_notice=policy.first_notice,
                next_action_at=takedown.next_action_at.isoformat()
                if takedown.next_action_at
                else None,
                recipient=takedown.recipient,
                automatic=by is None,
            )
    except IntegrityError:
        # Two people pressed "Start" at once: the other one won.
        raise InvalidTransition("A takedown is already running for this address.") from None
    return takedown


def _open(report_url, by, now, policy, hosting, contact) -> Takedown:
    existing = Takedown.objects.select_for_update().filter(report_url=report_url).first()
    if existing is not None and existing.state != State.STOPPED:
        raise InvalidTransition("A takedown is already running for this address.")
    if report_url.normalised:
        elsewhere = (
            Takedown.objects.filter(
                organisation_id=report_url.report.organisation_id,
                report_url__normalised=report_url.normalised,
                state__in=(*OPEN_STATES, State.FORWARDED),
            )
            .exclude(report_url=report_url)
            .select_related("report")
            .first()
        )
        if elsewhere is not None:
            raise InvalidTransition(
                f"This address is already being taken down in report {elsewhere.report.reference}."
            )
    takedown = existing or Takedown(
        organisation_id=report_url.report.organisation_id,
        report=report_url.report,
        report_url=report_url,
    )
    takedown.state = State.WAITING
    takedown.opened_by = by
    takedown.opened_at = now
    takedown.police_agreed_at = None
    takedown.next_action_at = first_action_at(policy, now)
    takedown.stopped_reason = ""
    takedown.attention = ""
    takedown.failed_checks = 0
    takedown.reminders_sent = 0
    takedown.gone_since = None
    takedown.resume_at = None
    takedown.police_note = ""
    lifecycle.take_snapshot(takedown, hosting, contact)
    takedown.language = takedown.language or report_url.report.organisation.language
    takedown.save()
    return takedown


# --- People's actions -------------------------------------------------------------------


def police_agreed(
    takedown: Takedown, by, *, note: str = "", actor: Actor | None = None
) -> Takedown:
    """Police agree the host may be told: the first notice goes at once. `note` says who
    agreed (officer, unit, reference), for the record."""
    note = " ".join((note or "").split())
    if len(note) > POLICE_NOTE_MAX_LENGTH:
        raise InvalidInput(f"Keep this under {POLICE_NOTE_MAX_LENGTH} characters.", "note")
    _require_staff(by, takedown.organisation_id)
    with transaction.atomic():
        takedown = _locked(takedown)
        if takedown.state != State.WAITING:
            raise InvalidTransition("Only a takedown waiting for its first notice needs this.")
        if takedown.police_agreed_at is not None:
            raise InvalidTransition("Police agreement is already recorded.")
        now = timezone.now()
        takedown.police_agreed_at = now
        takedown.police_note = note
        _due_now(takedown, now)
        takedown.save(
            update_fields=["police_agreed_at", "police_note", "next_action_at", "resume_at"]
        )
        _audit(
            _actor(by, actor, takedown.organisation_id),
            "takedown.police_agreed",
            takedown,
            note=note,
        )
        _act_soon(takedown)
    return takedown


def send_now(takedown: Takedown, by, *, actor: Actor | None = None) -> Takedown:
    """A supervisor's override: check and send the next notice now, not when it is due
    (and without waiting for police). The address is still checked first."""
    if by is None or not by.is_supervisor:
        raise PermissionDenied("Only supervisors can send a notice early.")
    _require_staff(by, takedown.organisation_id)
    with transaction.atomic():
        takedown = _locked(takedown)
        if takedown.state not in OPEN_STATES:
            raise InvalidTransition("Only a takedown still waiting for removal can send now.")
        previous = takedown.next_action_at
        _due_now(takedown, timezone.now())
        takedown.save(update_fields=["next_action_at", "resume_at"])
        _audit(
            _actor(by, actor, takedown.organisation_id),
            "takedown.send_now",
            takedown,
            state=takedown.state,
            was_due=previous.isoformat() if previous else None,
        )
        _act_soon(takedown)
    return takedown


def record_host_answer(
    takedown: Takedown,
    text: str,
    by=None,
    *,
    kind: str = AnswerKind.MESSAGE,
    actor: Actor | None = None,
) -> HostAnswer:
    """What the host said: through the answer link (`by` None) or written down by staff.
    Recorded with its time; the address is checked again at once."""
    if kind not in AnswerKind.values:
        raise InvalidInput("Choose what the host said.", "kind")
    text = (text or "").strip()
    if kind == AnswerKind.MESSAGE and not text:
        raise InvalidInput("Write the host's answer.", "text")
    if len(text) > ANSWER_MAX_LENGTH:
        raise InvalidInput(f"Keep this under {ANSWER_MAX_LENGTH} characters.", "text")
    _require_staff(by, takedown.organisation_id)
    if actor is None:
        actor = (
            Actor.for_user(by)
            if by is not None
            else Actor(None, "host (answer link)", None, takedown.organisation_id)
        )
    with transaction.atomic():
        takedown = _locked(takedown)
        now = timezone.now()
        answer = HostAnswer.objects.create(
            takedown=takedown, kind=kind, text=text, answered_at=now, recorded_by=by
        )
        label = AnswerKind(kind).label
        takedown.host_answered_at = now
        takedown.host_answer = f"{label}: {text}" if text else str(label)
        fields = ["host_answered_at", "host_answer"]
        if kind == AnswerKind.NOT_HOSTED:
            takedown.attention = (
                "The host says it does not host this address: check the hosting and the "
                "abuse contact."
            )
            fields.append("attention")
        takedown.save(update_fields=fields)
        # The words stay in the answer; the audit log says one came, and how.
        _audit(
            actor,
            "takedown.host_answered",
            takedown,
            kind=kind,
            answer_id=answer.pk,
            via="staff" if by is not None else "answer link",
        )
        if takedown.state in (*OPEN_STATES, State.FORWARDED, State.REMOVED):
            enqueue("takedown.recheck", takedown_id=takedown.pk)
    return answer


def confirm_removed(takedown: Takedown, by, *, actor: Actor | None = None) -> Takedown:
    """Check the address now. Gone, and found gone by a check an hour or more before:
    removed, dated by that earlier check. Gone for the first time: recorded, and the
    scheduler checks again in an hour (`gone_since` set, not removed yet). Online, or
    cannot be checked: refused with the reason."""
    _require_staff(by, takedown.organisation_id)
    if takedown.state not in lifecycle.REMOVABLE_STATES:
        raise InvalidTransition("This takedown is already marked removed.")
    out = outside()
    fetch = lifecycle.check(takedown, out)
    actor = _actor(by, actor, takedown.organisation_id)
    when = timezone.localtime(fetch.started_at).strftime("%H:%M")
    if fetch.outcome == Outcome.PRESENT:
        lifecycle.record_check(takedown, fetch, actor)
        raise InvalidTransition(
            f"The address still answers with content (checked at {when}): it is not removed. "
            "If the material itself is gone but the page remains, stop the takedown and say why."
        )
    if fetch.outcome != Outcome.GONE:
        lifecycle.record_check(takedown, fetch, actor)
        reason = fetch.detail or fetch.reason or fetch.outcome
        raise InvalidTransition(
            f"The address could not be checked ({reason}), so removal cannot be confirmed. "
            "Try again later."
        )
    current = lifecycle.found_gone(takedown, fetch, timezone.now(), actor)
    if current is None:
        raise InvalidTransition("This takedown changed meanwhile; look at it again.")
    return current


def stop(takedown: Takedown, reason: str, by, *, actor: Actor | None = None) -> Takedown:
    """Stop: no more checks, notices or re-checks. It can be started again later."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Say why the takedown is stopped.", "reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise InvalidInput(f"Keep this under {REASON_MAX_LENGTH} characters.", "reason")
    _require_staff(by, takedown.organisation_id)
    with transaction.atomic():
        takedown = _locked(takedown)
        if takedown.state == State.STOPPED:
            raise InvalidTransition("This takedown is already stopped.")
        previous = takedown.state
        takedown.state = State.STOPPED
        takedown.stopped_reason = reason
        takedown.next_action_at = None
        takedown.attention = ""
        takedown.save(update_fields=["state", "stopped_reason", "next_action_at", "attention"])
        _audit(
            _actor(by, actor, takedown.organisation_id),
            "takedown.stopped",
            takedown,
            reason=reason,
            previous_state=previous,
        )
    return takedown


def waiting_for_police(takedown: Takedown) -> bool:
    return (
        takedown.state == State.WAITING
        and takedown.police_agreed_at is None
        and takedown.next_action_at is None
        and policy_for(takedown.organisation).first_notice == FirstNotice.AFTER_POLICE
    )
