"""When each stage and each service of a case is due. Deadlines are data (`stage_due_at`,
`CaseService.due_at`, `FollowUp.due_at`): these functions compute them when something
changes, and the overdue board only compares them with the time."""

from datetime import datetime, timedelta

from django.db.models import Max, Min

from haven.cases import config
from haven.cases.models import Case, ServiceStatus, Stage, Timeframe

# Primero's service timeframes.
TIMEFRAMES = {
    Timeframe.HOUR: timedelta(hours=1),
    Timeframe.THREE_HOURS: timedelta(hours=3),
    Timeframe.DAY: timedelta(days=1),
    Timeframe.THREE_DAYS: timedelta(days=3),
}

OPEN_SERVICE = (ServiceStatus.PLANNED, ServiceStatus.IN_PROGRESS)


def service_due(timeframe: str, start: datetime) -> datetime:
    return start + TIMEFRAMES[Timeframe(timeframe)]


def stage_due(case: Case, stage: str, entered_at: datetime) -> datetime | None:
    """The due date of `stage` for a case that entered it at `entered_at`."""
    if stage == Stage.REGISTRATION:
        # Counted from when the case was opened: raising the risk later shortens it.
        return case.created_at + config.assign_within(case.risk_level)
    if stage == Stage.ASSESSMENT:
        return entered_at + config.assessment_within()
    if stage == Stage.PLAN:
        return entered_at + config.plan_within()
    if stage == Stage.SERVICES:
        # Until the services are delivered: the last one's due date.
        latest = case.services.filter(status__in=OPEN_SERVICE).aggregate(due=Max("due_at"))["due"]
        return latest or entered_at + config.services_within()
    if stage == Stage.FOLLOW_UP:
        earliest = case.follow_ups.filter(done_at=None, cancelled_at=None).aggregate(
            due=Min("due_at")
        )["due"]
        return earliest or entered_at + config.follow_up_every()
    return None


def refresh_stage_due(case: Case) -> None:
    """Recompute the current stage's due date (after a service, a follow-up or the risk
    changed) and store it on the case and on the stage's record."""
    record = case.stage_records.filter(stage=case.stage, completed_at=None).order_by("-pk").first()
    if record is None:
        return
    due = stage_due(case, case.stage, record.entered_at)
    if due != case.stage_due_at:
        case.stage_due_at = due
        case.save(update_fields=["stage_due_at", "updated_at"])
    if due != record.due_at:
        record.due_at = due
        record.save(update_fields=["due_at"])
