"""The report page's "Helpline cases" panel: the cases this hotline report belongs to,
and the form to open a case for it or add it to an existing one."""

from haven.cases.access import cases_for
from haven.cases.forms import OpenCaseForm
from haven.cases.models import Case
from haven.triage.panels import Panel

KEY = "cases"


def panel() -> Panel:
    return Panel(KEY, "Helpline cases", "cases/_panel.html", context, order=70)


def context(report, user, request=None) -> dict:
    visible = list(
        cases_for(user).filter(reports=report).select_related("assigned_to").order_by("created_at")
    )
    total = Case.objects.filter(reports=report, organisation_id=report.organisation_id).count()
    return {
        "cases": visible,
        # Cases of this report that the user may not open (assigned to someone else).
        "others": total - len(visible),
        "form": OpenCaseForm(prefix="case"),
        "can_open": user.is_any_staff,
    }
