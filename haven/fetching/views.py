"""Staff actions on reported addresses: check one now."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from haven.accounts.access import staff_required
from haven.audit.services import Actor, client_ip
from haven.fetching import client, services
from haven.fetching.models import Outcome, Purpose
from haven.reports.access import access_report_url
from haven.triage import panels

# A person is waiting for the answer: the whole check ends within this many seconds even
# if FETCH_TIMEOUT_SECONDS is longer (background checks keep the full deadline).
INTERACTIVE_TIMEOUT_SECONDS = 15.0


@require_POST
@staff_required
def check_now(request, url_id):
    """Re-check a reported address at once (with the usual caps) and go back to the
    report's takedown panel, which shows the result."""
    report_url = access_report_url(request.user, url_id)
    actor = Actor.for_user(request.user, client_ip(request))
    fetch = services.check(report_url, Purpose.RECHECK, fetcher=_interactive, actor=actor)
    status = f" (HTTP {fetch.status_code})" if fetch.status_code else ""
    shown = report_url.url if len(report_url.url) <= 120 else report_url.url[:119] + "…"
    text = f"Checked {shown}: {fetch.get_outcome_display()}{status}. {fetch.detail}"
    if fetch.outcome in (Outcome.PRESENT, Outcome.GONE):
        messages.success(request, text)
    else:
        messages.warning(request, text)
    return redirect(panels.url(report_url.report.reference, "takedown"))


def _interactive(url: str) -> client.Result:
    timeout = min(float(settings.FETCH_TIMEOUT_SECONDS), INTERACTIVE_TIMEOUT_SECONDS)
    return client.fetch(url, timeout=timeout)
