"""Background work for emergencies: delivering each alert after its transaction commits."""

from haven.emergencies import alerts
from haven.jobs.registry import job_handler


@job_handler("emergencies.deliver_alert")
def deliver_alert(alert_id: int, reason: str = "") -> None:
    alerts.deliver(alert_id, reason)
