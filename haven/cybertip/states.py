"""What can be done with a CyberTipline report in each state, and when NCMEC deletes it.

Read by the actions in `services` (to refuse what is not allowed) and by the report
page (to offer only what is).
"""

from datetime import timedelta

from django.utils import timezone

from haven.cybertip.models import CyberTip, TipAction, TipState

# NCMEC deletes a report that is not finished 24 hours after it was opened (or an hour
# after its last change, if later); the extra hour covers the uploads made on opening.
NCMEC_KEEPS_UNFINISHED = timedelta(hours=24)
EXPIRY_MARGIN = timedelta(hours=1)
# A tip BUSY for longer than this was left by a process that died mid-way: it may be
# claimed again, as if it had failed.
BUSY_STALE = timedelta(hours=1)

BUSY_MESSAGE = "Haven is talking to NCMEC about this report right now. Reload the page in a moment."


def refusal(tip: CyberTip, action: str) -> str:
    """Why `action` cannot be done on the tip now, or "" when it can."""
    state = TipState.FAILED if tip.state == TipState.BUSY and stale(tip) else tip.state
    if state == TipState.BUSY:
        return BUSY_MESSAGE
    if state == TipState.RETRACTED:
        return "This CyberTipline report was retracted. Prepare a new one if needed."
    if state == TipState.FINISHED:
        if action == TipAction.RETRACT:
            return (
                "NCMEC does not let a finished report be retracted. Write to NCMEC, "
                f"quoting report {tip.ncmec_report_id}."
            )
        return f"This report was already submitted to NCMEC as report {tip.ncmec_report_id}."
    if action != TipAction.RETRACT and expired(tip):
        return (
            f"NCMEC deletes reports that are not finished within a day, so report "
            f"{tip.ncmec_report_id} is gone. Prepare the report again."
        )
    if action == TipAction.SEND and state == TipState.OPEN:
        return f"This report is already open at NCMEC as report {tip.ncmec_report_id}."
    if action == TipAction.FINISH:
        if state == TipState.DRAFT:
            return "Send the report before finishing it."
        if state == TipState.FAILED and (not tip.ncmec_report_id or tip.attempt == TipAction.SEND):
            return "Sending did not complete: send the report again before finishing it."
    return ""


def expired(tip: CyberTip) -> bool:
    """NCMEC has deleted this report: it was opened but not finished in time."""
    if not tip.opened_at or tip.state in (TipState.FINISHED, TipState.RETRACTED):
        return False
    return timezone.now() >= finish_by(tip) + EXPIRY_MARGIN


def finish_by(tip: CyberTip):
    """When NCMEC deletes the report if it is still not finished."""
    return tip.opened_at + NCMEC_KEEPS_UNFINISHED if tip.opened_at else None


def actions_for(tip: CyberTip | None, user) -> list[str]:
    """What the user may do with the tip now (send, finish, retract)."""
    if tip is None or not user.is_supervisor or user.organisation_id != tip.organisation_id:
        return []
    return [action for action in TipAction.values if not refusal(tip, action)]


def is_busy(tip: CyberTip) -> bool:
    """Someone is talking to NCMEC about this tip right now."""
    return tip.state == TipState.BUSY and not stale(tip)


def stale(tip: CyberTip) -> bool:
    return tip.busy_since is None or timezone.now() - tip.busy_since > BUSY_STALE
