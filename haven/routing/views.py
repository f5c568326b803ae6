"""Pages for routing: the directory of partners, the report panel's forms, the evidence
package download, and the public page where a partner acknowledges a referral.

Views parse input, fetch through `access_*` helpers, call one function of `services` or
`directory` and redirect or render. A refused form is shown again on a page of its own
(status 400) with the reason beside the field.
"""

import json

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from haven.accounts.access import staff_required, supervisor_required
from haven.audit.services import Actor, client_ip, record
from haven.reports.access import access_report
from haven.routing import directory, services
from haven.routing.access import access_partner, access_referral, partners_for
from haven.routing.forms import (
    AcknowledgedForm,
    ForwardForm,
    PartnerFilterForm,
    PartnerForm,
    PoliceForm,
)
from haven.routing.models import Partner, PartnerKind, ReferralStatus
from haven.triage import panels
from haven.triage.actions import ActionError
from haven.web.countries import country_name
from haven.web.forms import error_links, show_refusal
from haven.web.languages import language_name


def _actor(request) -> Actor:
    return Actor.for_user(request.user, client_ip(request))


def _back_to_panel(report) -> str:
    return panels.url(report.reference, "routing")


# --- The directory ----------------------------------------------------------------------


@require_GET
@staff_required
def partner_list(request):
    filters = PartnerFilterForm(request.GET or None)
    partners = filters.apply(partners_for(request.user)).order_by("country", "name", "pk")
    groups = {kind: [] for kind in PartnerKind}
    for partner in partners:
        partner.country_name = country_name(partner.country)
        partner.language_name = language_name(partner.language)
        groups[PartnerKind(partner.kind)].append(partner)
    _mark_forward_receivers(groups[PartnerKind.HOTLINE])
    return render(
        request,
        "routing/partner_list.html",
        {
            "filters": filters,
            "groups": [(kind.label, kind.value, listed) for kind, listed in groups.items()],
        },
    )


def _mark_forward_receivers(hotlines: list[Partner]) -> None:
    """Where a country has several active hotlines, mark the one forwards go to: the
    first added (services.partner_hotline_for)."""
    by_country: dict[str, list[Partner]] = {}
    for partner in hotlines:
        if partner.active and partner.country:
            by_country.setdefault(partner.country, []).append(partner)
    for several in by_country.values():
        if len(several) > 1:
            first = min(several, key=lambda partner: partner.pk)
            first.receives_forwards = True  # type: ignore[attr-defined]


@require_http_methods(["GET", "POST"])
@supervisor_required
def partner_create(request):
    form = PartnerForm(request.POST or None, organisation=request.user.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            partner = directory.create_partner(
                request.user.organisation,
                form.partner_data(),
                request.user,
                api_token=form.cleaned_data["api_token"],
                actor=_actor(request),
            )
        except ActionError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"{partner.name} added to the directory.")
            return redirect("routing:partners")
    return _partner_form(request, form, None)


@require_http_methods(["GET", "POST"])
@supervisor_required
def partner_edit(request, partner_id: int):
    partner = access_partner(request.user, partner_id)
    form = PartnerForm(request.POST or None, partner=partner)
    if request.method == "POST" and form.is_valid():
        try:
            directory.update_partner(
                partner,
                form.partner_data(),
                request.user,
                api_token=form.cleaned_data["api_token"],
                clear_token=bool(form.cleaned_data.get("clear_token")),
                actor=_actor(request),
            )
        except ActionError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"{partner.name} saved.")
            return redirect("routing:partners")
    return _partner_form(request, form, partner)


def _partner_form(request, form: PartnerForm, partner):
    return render(
        request,
        "routing/partner_form.html",
        {"form": form, "partner": partner, "errors": error_links(form, "routing-form")},
        status=400 if form.errors else 200,
    )


@require_POST
@supervisor_required
def partner_deactivate(request, partner_id: int):
    partner = access_partner(request.user, partner_id)
    try:
        directory.deactivate_partner(partner, request.user, actor=_actor(request))
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{partner.name} is no longer active.")
    return redirect("routing:partners")


# --- From the report page ---------------------------------------------------------------


@require_POST
@staff_required
def forward(request, reference: str):
    report = access_report(request.user, reference)
    form = ForwardForm(request.POST, report=report, prefix="forward")
    if form.is_valid():
        try:
            referral = services.forward(
                report,
                form.cleaned_data["partner"],
                request.user,
                report_urls=form.cleaned_data.get("urls"),
                actor=_actor(request),
            )
        except ActionError as error:
            show_refusal(form, error)
        else:
            return _sent(request, report, referral)
    return _refused(request, report, form, "Forward this report")


@require_POST
@staff_required
def police(request, reference: str):
    report = access_report(request.user, reference)
    form = PoliceForm(request.POST, report=report, prefix="police")
    if form.is_valid():
        try:
            referral = services.refer_to_police(
                report, form.cleaned_data["partner"], request.user, actor=_actor(request)
            )
        except ActionError as error:
            show_refusal(form, error)
        else:
            return _sent(request, report, referral)
    return _refused(request, report, form, "Refer to police")


def _sent(request, report, referral):
    referral.refresh_from_db()
    name = referral.partner.name
    if referral.status == ReferralStatus.FAILED:
        messages.error(request, f"Recorded, but it could not be sent to {name}: {referral.error}")
    elif referral.status == ReferralStatus.ACKNOWLEDGED:
        messages.success(
            request, f"Sent to {name}'s Haven, which received it as {referral.remote_reference}."
        )
    elif referral.status == ReferralStatus.SENT:
        messages.success(request, f"Sent to {name} by e-mail.")
    else:
        messages.success(request, f"Sending to {name}; the list shows when it has gone.")
    return redirect(_back_to_panel(report))


def _refused(request, report, form, title: str):
    return render(
        request,
        "routing/refused.html",
        {
            "report": report,
            "form": form,
            "title": title,
            "action": request.path,
            "errors": error_links(form, "routing-form"),
            "back": _back_to_panel(report),
        },
        status=400,
    )


@require_POST
@staff_required
def retry(request, referral_id: int):
    referral = access_referral(request.user, referral_id)
    try:
        referral = services.retry(referral, request.user, actor=_actor(request))
    except ActionError as error:
        messages.error(request, error.message)
        return redirect(_back_to_panel(referral.report))
    return _sent(request, referral.report, referral)


@require_POST
@staff_required
def mark_acknowledged(request, referral_id: int):
    referral = access_referral(request.user, referral_id)
    form = AcknowledgedForm(request.POST, prefix=f"ack-{referral.pk}")
    if form.is_valid():
        try:
            services.mark_acknowledged(
                referral, request.user, form.cleaned_data["note"], actor=_actor(request)
            )
        except ActionError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"Acknowledgement by {referral.partner.name} recorded.")
            return redirect(_back_to_panel(referral.report))
    return _refused(request, referral.report, form, f"Mark acknowledged by {referral.partner}")


@require_GET
@staff_required
def evidence(request, reference: str):
    report = access_report(request.user, reference)
    package = services.evidence_package(report)
    record(
        _actor(request),
        "report.evidence_downloaded",
        report,
        reference=report.reference,
        urls=len(package["urls"]),
        files=len(package["files"]),
    )
    response = HttpResponse(
        json.dumps(package, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="haven-evidence-{report.reference}.json"'
    )
    response["Cache-Control"] = "no-store"
    return response


# --- The partner's side -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def acknowledge(request, token: str):
    """Public: the link in a referral e-mail. Holding the link is the permission; a link
    we never sent gets the same page whatever it looks like."""
    try:
        referral = services.referral_for_link(token)
    except services.UnknownLink:
        return render(request, "routing/ack_unknown.html", status=404)
    just_now = False
    if request.method == "POST" and referral.acknowledged_at is None:
        referral = services.acknowledge(token, ip_address=client_ip(request))
        just_now = True
    response = render(
        request,
        "routing/ack.html",
        {
            "referral": referral,
            "reference": referral.report.reference,
            "just_now": just_now,
        },
    )
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
