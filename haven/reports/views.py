"""The public pages: make a report, see its reference and PIN once, check its status.

No sign-in, and no IP address is stored with a report (the status page's throttle, and
the one on reports of a child in danger, keep only a keyed hash of it, for an hour or
two). Pages are never cached, so that the reference and PIN are not left in a shared
browser's cache.
"""

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.translation import get_language, ngettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from haven.accounts.models import Organisation
from haven.audit.services import Actor, client_ip
from haven.hashing.media import rejection_message
from haven.network.models import District
from haven.reports.forms import DANGER_HINT_ID, ReportForm, StatusForm, error_links
from haven.reports.intake import Submission, submit_report
from haven.reports.models import Category, Source
from haven.reports.status import IP_WINDOW_MINUTES, Outcome, check_status, meanings
from haven.reports.throttle import may_open_emergency

# The reference and PIN travel to the confirmation page in the session, never in a URL,
# and are removed from it the moment they are shown.
SENT_KEY = "reports.sent"

# One message for a wrong reference and a wrong PIN, so neither says which was wrong.
REFUSALS = {
    Outcome.WRONG: _("The reference number or PIN is not right. Check both and try again."),
    Outcome.LOCKED: _(
        "Too many attempts with this reference number. To keep reports safe, its status "
        "cannot be checked for the next hour. If you need help now, call the helpline."
    ),
    Outcome.THROTTLED: ngettext_lazy(
        "Too many attempts from this device. Please wait %(minutes)d minute and try again.",
        "Too many attempts from this device. Please wait %(minutes)d minutes and try again.",
        "minutes",
    )
    % {"minutes": IP_WINDOW_MINUTES},
}


def public_organisation() -> Organisation | None:
    # A slug that matches nothing is a mistake in set-up: refuse reports rather than
    # send them to an organisation that was not meant to receive them.
    if settings.PUBLIC_ORGANISATION:
        return Organisation.objects.filter(slug=settings.PUBLIC_ORGANISATION).first()
    return Organisation.objects.order_by("pk").first()


@never_cache
def report(request):
    organisation = public_organisation()
    if organisation is None:
        return render(request, "reports/unavailable.html", status=503)
    # "A child is in danger right now": where, from the organisation's own districts.
    districts = list(District.objects.filter(organisation=organisation, active=True))
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES, districts=districts)
        if form.is_valid():
            data = form.to_input(get_language())
            if data.danger is not None and not may_open_emergency(client_ip(request)):
                data.danger.throttled = True
            submission = submit_report(organisation, Source.PUBLIC, data, Actor.public())
            request.session[SENT_KEY] = _remember(submission, form.cleaned_data["in_danger"])
            return redirect("reports:sent")
    else:
        form = ReportForm(districts=districts)
    context = {
        "form": form,
        "error_links": error_links(form) if form.is_bound else [],
        "danger_hint_id": DANGER_HINT_ID,
        "danger_chosen": form.is_bound and form.data.get("category") == Category.DANGER_NOW,
        "files_dropped": form.is_bound and bool(request.FILES),
    }
    return render(request, "reports/report_form.html", context)


def _remember(submission: Submission, in_danger: bool = False) -> dict:
    return {
        "reference": submission.report.reference,
        "pin": submission.pin,
        "danger_now": submission.report.category == Category.DANGER_NOW or in_danger,
        # An emergency was opened so that the helpline can try to send someone.
        "emergency": bool(submission.emergency),
        # The reporter said where the child is (an emergency was asked for), whether or
        # not one could be opened at once: the confirmation must not say "we cannot
        # send help" to someone the form offered it to.
        "where_given": in_danger,
        "rejected": [{"name": r.name, "code": r.code} for r in submission.rejected],
    }


@never_cache
def sent(request):
    shown = request.session.pop(SENT_KEY, None)
    if shown is None:
        # Shown once only: a reload or a later visitor to this browser sees nothing.
        return render(request, "reports/sent_gone.html")
    rejected = [
        {"name": item["name"], "message": rejection_message(item["code"])}
        for item in shown["rejected"]
    ]
    return render(request, "reports/sent.html", {"sent": shown, "rejected": rejected})


@never_cache
def status(request):
    form = StatusForm(request.POST) if request.method == "POST" else StatusForm()
    result = None
    if form.is_valid():
        result = check_status(
            form.cleaned_data["reference"], form.cleaned_data["pin"], client_ip(request)
        )
    if result is not None and result.outcome != Outcome.SHOWN:
        form.add_error(None, REFUSALS[result.outcome])
    refused = result is not None and result.outcome in (Outcome.LOCKED, Outcome.THROTTLED)
    context = {
        "form": form,
        "error_links": error_links(form) if form.is_bound else [],
        "result": result if result and result.outcome == Outcome.SHOWN else None,
        "statuses": meanings(),
    }
    return render(request, "reports/status.html", context, status=429 if refused else 200)
