"""Response deadlines: per-category hours set by each organisation, with defaults."""

from datetime import datetime, timedelta

from haven.reports.models import Category, Report, Urgency

DEFAULT_HOURS: dict[str, int] = {
    Category.DANGER_NOW: 1,
    Category.SEXUAL_IMAGERY: 24,
}
OTHER_HOURS = 72


def hours_for(organisation_id: int, category: str) -> int:
    from haven.triage.models import ResponseDeadline

    configured = (
        ResponseDeadline.objects.filter(organisation_id=organisation_id, category=category)
        .values_list("hours", flat=True)
        .first()
    )
    if configured is not None:
        return configured
    return DEFAULT_HOURS.get(category, OTHER_HOURS)


def due_at(organisation_id: int, category: str, received_at: datetime) -> datetime:
    return received_at + timedelta(hours=hours_for(organisation_id, category))


def urgency_for(category: str) -> int:
    return Urgency.DANGER_NOW if category == Category.DANGER_NOW else Urgency.STANDARD


def raise_for_known_material(report: Report) -> None:
    """A match of known material moves a report up the queue and shortens its deadline."""
    fields = []
    if report.urgency > Urgency.KNOWN_MATERIAL:
        report.urgency = Urgency.KNOWN_MATERIAL
        fields.append("urgency")
    sexual_due = due_at(report.organisation_id, Category.SEXUAL_IMAGERY, report.received_at)
    if sexual_due < report.due_at:
        report.due_at = sexual_due
        fields.append("due_at")
    if fields:
        report.save(update_fields=[*fields, "updated_at"])
