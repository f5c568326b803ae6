"""The report page's "Emergency" panel: the emergencies raised from this report, and the
form to raise one when the report shows a child in danger now."""

from django.utils import timezone

from haven.emergencies.board import open_row
from haven.emergencies.forms import EmergencyForm
from haven.emergencies.models import Emergency, EmergencyStatus
from haven.triage.panels import Panel

KEY = "emergencies"


def panel() -> Panel:
    return Panel(KEY, "Emergency", "emergencies/_panel.html", context, order=15)


def context(report, user, request=None) -> dict:
    now = timezone.now()
    raised = list(
        Emergency.objects.filter(report=report, organisation_id=report.organisation_id)
        .select_related("district", "partner", "responder")
        .order_by("-opened_at")
    )
    return {
        "raised": [
            {
                "emergency": emergency,
                "clock": open_row(emergency, now)
                if emergency.status != EmergencyStatus.CLOSED
                else None,
            }
            for emergency in raised
        ],
        "form": EmergencyForm(organisation=report.organisation, prefix="emergency"),
        "can_act": user.is_any_staff and user.organisation_id == report.organisation_id,
    }
