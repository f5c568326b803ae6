"""The triage queue: which reports an analyst sees, in what order, and how late they are.

The browser queue and the API queue both build on `queue_for`, so that they always
agree on order and filters.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet

from haven.reports.access import reports_for
from haven.reports.models import OPEN_STATUSES, Category, Report, Status

# Reports that joined an open case are not in the open queue: their case is.
STATUS_FILTERS: dict[str, tuple[str, ...] | None] = {
    "open": tuple(OPEN_STATUSES),
    "closed": (Status.CLOSED,),
    "joined": (Status.JOINED,),
    "all": None,
}
ASSIGNED_FILTERS = ("", "mine", "unassigned")


@dataclass(frozen=True)
class QueueFilter:
    status: str = "open"
    assigned: str = ""
    category: str = ""


def queue_for(user, filters: QueueFilter) -> QuerySet[Report]:
    """The user's organisation's reports: danger now, then known material, then by due time."""
    reports = _filtered(reports_for(user), user, filters)
    return (
        reports.select_related("assigned_to", "duplicate_of")
        .annotate(
            # One join for both counts, so the page costs the same whatever its length.
            item_count=Count("media"),
            match_count=Count("media", filter=~Q(media__match_label="")),
        )
        .order_by("urgency", "due_at", "pk")
    )


def _filtered(reports: QuerySet[Report], user, filters: QueueFilter) -> QuerySet[Report]:
    statuses = STATUS_FILTERS.get(filters.status, STATUS_FILTERS["open"])
    if statuses is not None:
        reports = reports.filter(status__in=statuses)
    if filters.assigned == "mine":
        reports = reports.filter(assigned_to=user)
    elif filters.assigned == "unassigned":
        reports = reports.filter(assigned_to__isnull=True)
    if filters.category in Category.values:
        # An analyst's classification replaces what the reporter chose.
        reports = reports.filter(
            Q(classified_category=filters.category)
            | Q(classified_category="", category=filters.category)
        )
    return reports


def overdue_reports(user, now: datetime) -> QuerySet[Report]:
    return reports_for(user).filter(
        status__in=OPEN_STATUSES, first_action_at__isnull=True, due_at__lt=now
    )


def is_overdue(report: Report, now: datetime) -> bool:
    return report.is_open and report.first_action_at is None and report.due_at < now


def due_label(report: Report, now: datetime) -> str:
    """ "due in 2h" or "3h overdue"; empty once the report has been acted on or closed."""
    if not report.is_open or report.first_action_at is not None:
        return ""
    if report.due_at >= now:
        return f"due in {short_duration(report.due_at - now)}"
    return f"{short_duration(now - report.due_at)} overdue"


def short_duration(delta: timedelta) -> str:
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes < 60:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 48:
        return f"{hours}h"
    return f"{hours // 24}d"
