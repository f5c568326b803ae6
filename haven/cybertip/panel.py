"""The "NCMEC CyberTipline" section of the report page (registered in apps.py)."""

from django.conf import settings

from haven.cybertip import services, states
from haven.cybertip.forms import PrepareForm, RetractForm, SendForm
from haven.cybertip.models import TipState


def context(report, user, request=None) -> dict:
    tips = list(report.cybertips.select_related("created_by").order_by("-pk"))
    current = tips[0] if tips else None
    refusal = services.prepare_refusal(report, current)
    uploads = services.kept_file_count(report)
    return {
        "current": current,
        "history": tips[1:],
        "xml_shown": current is not None and current.state != TipState.RETRACTED,
        "busy": current is not None and states.is_busy(current),
        "prepare_form": None if refusal else PrepareForm(report=report),
        "prepare_refusal": refusal,
        "actions": states.actions_for(current, user),
        "send_form": SendForm(uploads=bool(uploads)),
        "retract_form": RetractForm(),
        "uploads": uploads,
        "retention": report.organisation.evidence_retention,
        "configured": services.configured(),
        "endpoint": settings.NCMEC_API_URL,
        "supervisor": user.is_supervisor,
        "finish_by": states.finish_by(current) if current else None,
        "expired": current is not None and states.expired(current),
    }
