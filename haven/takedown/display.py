"""How a takedown reads on a page: its next step and when, and every delay so far."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from haven.takedown.models import FirstNotice, State, Takedown
from haven.triage.queue import short_duration

# The scheduler runs every minute; a step this late means it is not running or keeps
# failing, and the page shows it in red.
OVERDUE_AFTER = timedelta(minutes=15)


@dataclass(frozen=True)
class NextStep:
    text: str
    at: datetime | None = None
    overdue: bool = False


def next_step(takedown: Takedown, now: datetime, first_notice: str = "") -> NextStep:
    """ "Reminder 2 due in 3h", "First notice 20m overdue", "Waiting for police"…"""
    state, at = takedown.state, takedown.next_action_at
    if state == State.WAITING and at is None:
        if first_notice == FirstNotice.AFTER_POLICE and takedown.police_agreed_at is None:
            return NextStep("Waiting for police to agree")
        return NextStep("Waiting")
    if at is None or state not in (*_NAMES, State.REMOVED):
        return NextStep("")
    if state == State.REMOVED:
        name = "Check after removal"
    elif state in (State.NOTIFIED, State.ESCALATED):
        name = f"Reminder {takedown.reminders_sent + 1}"
    else:
        name = _NAMES[state]
    if at >= now:
        return NextStep(f"{name} due in {short_duration(at - now)}", at)
    late = now - at
    return NextStep(f"{name} {short_duration(late)} overdue", at, late > OVERDUE_AFTER)


# Every step starts with a check of the address: nothing goes if the content is gone.
_NAMES: dict[str, str] = {
    State.WAITING: "First notice",
    State.NOTIFIED: "Reminder",
    State.ESCALATED: "Reminder",
    State.FORWARDED: "Next check",
}


def since(moment: datetime | None, now: datetime) -> str:
    return short_duration(now - moment) if moment else ""


def took(start: datetime | None, end: datetime | None) -> str:
    return short_duration(end - start) if start and end else ""
