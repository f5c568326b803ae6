"""Staff pages for CyberTipline reports: the forms of the report page's panel, the XML
download and a connection check.

Each view fetches through `access_report` / `access_tip`, calls one function of
`services` and goes back to the report page with a message. A form that needs
correcting is shown again on a page of its own, with the errors beside the fields.
"""

from contextlib import contextmanager

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from haven.accounts.access import staff_required, supervisor_required
from haven.audit.services import Actor, client_ip
from haven.cybertip import services
from haven.cybertip.access import access_tip
from haven.cybertip.client import CyberTiplineError
from haven.cybertip.forms import PrepareForm, RetractForm, SendForm
from haven.reports.access import access_report
from haven.triage import panels
from haven.triage.actions import ActionError
from haven.web.forms import error_links, show_refusal


@require_POST
@staff_required
def prepare(request, reference):
    report = access_report(request.user, reference)
    form = PrepareForm(request.POST, report=report)
    schema_errors: list[str] = []
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.prepare(
                report,
                request.user,
                incident_type=data["incident_type"],
                include_description=data.get("include_description", False),
                include_contact=data.get("include_contact", False),
                actor=_actor(request),
            )
        except services.InvalidReport as error:
            schema_errors = error.errors
            form.add_error(None, "The report does not match NCMEC's schema (details below).")
        except ActionError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request, "CyberTipline report prepared and checked against NCMEC's schema."
            )
            return _back(report)
    return _form_page(
        request,
        report,
        form,
        name="cybertip-prepare",
        title="Prepare a CyberTipline report",
        button="Prepare and check",
        url=reverse("cybertip:prepare", args=[report.reference]),
        schema_errors=schema_errors,
    )


@require_GET
@staff_required
def download(request, tip_id):
    tip = access_tip(request.user, tip_id)
    text = services.download(tip, request.user, actor=_actor(request))
    response = HttpResponse(text, content_type="application/xml; charset=utf-8")
    name = f"cybertip-{tip.report.reference}-{tip.pk}.xml"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@supervisor_required
def send(request, tip_id):
    tip = access_tip(request.user, tip_id)
    form = SendForm(request.POST, uploads=True)
    form.is_valid()
    upload = bool(form.cleaned_data.get("upload_files"))
    with _outcome(request):
        tip = services.send(tip, request.user, upload_files=upload, actor=_actor(request))
        messages.success(
            request,
            f"NCMEC opened report {tip.ncmec_report_id}. Finish it to complete the submission: "
            "NCMEC deletes reports that are not finished within 24 hours.",
        )
    return _back(tip.report)


@require_POST
@supervisor_required
def finish(request, tip_id):
    tip = access_tip(request.user, tip_id)
    with _outcome(request):
        tip = services.finish(tip, request.user, actor=_actor(request))
        messages.success(request, f"Report {tip.ncmec_report_id} is submitted to NCMEC.")
    return _back(tip.report)


@require_POST
@supervisor_required
def retract(request, tip_id):
    tip = access_tip(request.user, tip_id)
    form = RetractForm(request.POST)
    if form.is_valid():
        try:
            services.retract(tip, request.user, form.cleaned_data["reason"], actor=_actor(request))
        except services.SendFailed as error:
            messages.error(request, error.message)
            return _back(tip.report)
        except ActionError as error:
            show_refusal(form, error)
        else:
            done = "retracted" if tip.ncmec_report_id else "discarded (nothing was sent to NCMEC)"
            messages.success(request, f"The CyberTipline report was {done}.")
            return _back(tip.report)
    # A draft that never reached NCMEC is discarded, not retracted: say so.
    sent = bool(tip.ncmec_report_id)
    return _form_page(
        request,
        tip.report,
        form,
        name="cybertip-retract",
        title="Retract the CyberTipline report" if sent else "Discard this draft",
        button="Retract the report" if sent else "Discard the draft",
        url=reverse("cybertip:retract", args=[tip.pk]),
        danger=True,
    )


@require_POST
@supervisor_required
def check_connection(request, reference):
    report = access_report(request.user, reference)
    try:
        with services.default_client() as client:
            greeting = client.status()
    except ActionError as error:
        messages.error(request, error.message)
    except CyberTiplineError as error:
        messages.error(request, f"The connection to NCMEC failed: {error}")
    else:
        messages.success(request, f"NCMEC answered: {greeting}")
    return _back(report)


@contextmanager
def _outcome(request):
    """Turn a refused or failed action into an error message on the report page."""
    try:
        yield
    except ActionError as error:
        messages.error(request, error.message)


def _actor(request) -> Actor:
    return Actor.for_user(request.user, client_ip(request))


def _back(report):
    # The report page opened at this panel, which shows the message.
    return redirect(panels.url(report.reference, "cybertip"))


def _form_page(request, report, form, *, schema_errors=(), **context):
    name = context["name"]
    errors = error_links(form, f"form-{name}")
    return render(
        request,
        "cybertip/form.html",
        {
            "report": report,
            "form": form,
            "errors": errors,
            "schema_errors": schema_errors,
            **context,
        },
        status=400,
    )
