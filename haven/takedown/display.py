"""How a takedown reads on a page: its next step and when, and every delay so far."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from haven.takedown.lifecycle import CONFIRM_REMOVAL_AFTER
from haven.takedown.models import EscalateTo, FirstNotice, NoticeKind, State, Takedown
from haven.triage.queue import short_duration

# The scheduler runs every minute; a step this late means it is not running or keeps
# failing, and the page shows it in red.
OVERDUE_AFTER = timedelta(minutes=15)


@dataclass(frozen=True)
class NextStep:
    text: str
    at: datetime | None = None
    overdue: bool = False


def scheduler_interval() -> timedelta:
    return timedelta(seconds=float(settings.TAKEDOWN_SCHEDULER_SECONDS))


def next_step(takedown: Takedown, now: datetime, first_notice: str = "") -> NextStep:
    """ "Reminder 2 due in 3h", "First notice 20m overdue", "Waiting for police"…

    Never empty: a takedown with nothing planned says why ("Nothing scheduled")."""
    state, at = takedown.state, takedown.next_action_at
    if state == State.STOPPED:
        return NextStep("None: stopped")
    if at is None:
        return NextStep(_nothing_planned(takedown, first_notice))
    name = _name(takedown)
    if at >= now:
        return NextStep(f"{name} due in {short_duration(at - now)}", at)
    late = now - at
    if late < scheduler_interval():
        # The scheduler has not had its turn yet (it runs every interval): not late.
        return NextStep(f"{name} due now", at)
    return NextStep(f"{name} {short_duration(late)} overdue", at, late > OVERDUE_AFTER)


def _nothing_planned(takedown: Takedown, first_notice: str) -> str:
    if (
        takedown.state == State.WAITING
        and takedown.police_agreed_at is None
        and first_notice == FirstNotice.AFTER_POLICE
    ):
        return "Waiting for police to agree"
    if takedown.state == State.REMOVED:
        return "None: no checks after removal left"
    return "Nothing scheduled"


def _name(takedown: Takedown) -> str:
    # Every step starts with a check of the address: nothing goes if the content is gone.
    if takedown.state == State.REMOVED:
        return "Check after removal"
    if takedown.gone_since is not None:
        return "Second check to confirm the removal"
    if takedown.state in (State.NOTIFIED, State.ESCALATED):
        return f"Reminder {takedown.reminders_sent + 1}"
    if takedown.state == State.FORWARDED:
        return "Next check"
    return "First notice"


def escalated_to(takedown: Takedown, notices=(), registrar_name: str = "") -> str:
    """Whom a takedown was escalated to, in words: the partner's name, else the
    registrar's name and abuse address, else what the target was ("police")."""
    if not takedown.escalated_at:
        return ""
    referral = takedown.referral
    partner = getattr(referral, "partner", None) if referral is not None else None
    target = takedown.escalated_to
    if partner is not None:
        return f"{partner.name} ({_TARGETS.get(target, partner.get_kind_display().lower())})"
    if target == EscalateTo.REGISTRAR:
        sent = [n for n in notices if n.kind == NoticeKind.ESCALATION and n.delivered]
        who = f"the domain's registrar{f', {registrar_name}' if registrar_name else ''}"
        return f"{who} ({sent[0].recipient})" if sent else who
    if target in EscalateTo.values:
        return _TARGETS[target]
    return target or "someone not recorded"


_TARGETS: dict[str, str] = {
    EscalateTo.PARTNER_HOTLINE: "the hotline of the hosting country",
    EscalateTo.REGISTRAR: "the domain's registrar",
    EscalateTo.POLICE: "police",
}


def removal_pending(takedown: Takedown) -> str:
    """What a check that found the address gone means, while the second is awaited."""
    if takedown.gone_since is None:
        return ""
    confirm_at = timezone.localtime(takedown.gone_since + CONFIRM_REMOVAL_AFTER)
    if takedown.state == State.STOPPED:
        return (
            "Gone now. A stopped takedown is not checked by itself: check again from "
            f"{confirm_at:%H:%M} to confirm the removal."
        )
    return (
        "Gone now: removal is confirmed by a second check in an hour "
        f"(at {confirm_at:%H:%M}, an hour after the first check that found it gone)."
    )


def since(moment: datetime | None, now: datetime) -> str:
    return short_duration(now - moment) if moment else ""


def took(start: datetime | None, end: datetime | None) -> str:
    return short_duration(end - start) if start and end else ""
