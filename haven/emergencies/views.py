"""Staff pages under /emergencies/: the board and its JSON, opening an emergency (by hand,
from a contact, from a report), the emergency's page and the steps staff record on it.

Views parse input, fetch through `access_*` helpers, call one function of `services`
and redirect or render. A refused form is shown again with the reason (status 400).
"""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from haven.audit.services import Actor, client_ip, record
from haven.emergencies import board, services, timeline
from haven.emergencies.access import access_emergency, emergencies_for, staff_page
from haven.emergencies.forms import AcknowledgeForm, AssignForm, EmergencyForm, OutcomeForm
from haven.emergencies.models import Emergency, EmergencyStatus
from haven.helpline.access import access_contact
from haven.helpline.identity import mask, unseal
from haven.messaging.links import simulated_phone_url
from haven.reports.access import access_report
from haven.triage import panels
from haven.triage.actions import ActionError
from haven.web.forms import error_links, show_refusal


def _actor(request) -> Actor:
    return Actor.for_user(request.user, client_ip(request))


# --- The board ----------------------------------------------------------------------------


@require_GET
@never_cache
@staff_page
def board_page(request):
    emergencies = emergencies_for(request.user)
    rows = board.open_rows(emergencies)
    record(_actor(request), "emergency.board_viewed", open=len(rows))
    return render(
        request,
        "emergencies/board.html",
        {
            "rows": rows,
            "closed": board.closed_rows(emergencies),
            "alerted": board.alerted_to(request.user, emergencies),
            "now_ms": board.now_ms(),
        },
    )


@require_GET
@never_cache
@staff_page
def board_data(request):
    # Polled every few seconds by the board's script: not audited one by one (the board
    # page is), and it carries nothing about a child, only references and times.
    return JsonResponse(board.as_json(emergencies_for(request.user)))


# --- Opening ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_page
def new(request):
    organisation = request.user.organisation
    form = EmergencyForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        emergency = services.open_emergency(_actor(request), organisation, **form.cleaned_data)
        return _opened(request, emergency)
    return _open_form(request, form, title="New emergency")


@require_http_methods(["GET", "POST"])
@never_cache  # the form holds the child's location, unmasked
@staff_page
def open_from_contact(request, contact_ref: str):
    contact = access_contact(request.user, contact_ref)
    organisation = request.user.organisation
    if request.method == "POST":
        form = EmergencyForm(request.POST, organisation=organisation)
        if form.is_valid():
            emergency = services.open_emergency(
                _actor(request), organisation, contact=contact, **form.cleaned_data
            )
            return _opened(request, emergency)
    else:
        initial: dict[str, object] = {"district": contact.district_id}
        if contact.location_sealed:
            # The location is prefilled for the emergency: that is a reading, audited.
            initial["location"] = unseal(contact.location_sealed)
            record(_actor(request), "contact.location_viewed", contact, purpose="emergency")
        form = EmergencyForm(initial=initial, organisation=organisation)
    already = Emergency.objects.filter(contact=contact, status__in=services.OPEN)
    return _open_form(
        request,
        form,
        title=f"Raise an emergency for contact {contact.reference}",
        already=already,
        back=reverse("helpline:contact", args=[contact.reference]),
    )


@require_POST
@staff_page
def open_from_report(request, reference: str):
    report = access_report(request.user, reference)
    organisation = request.user.organisation
    form = EmergencyForm(request.POST, organisation=organisation, prefix="emergency")
    if form.is_valid():
        emergency = services.open_emergency(
            _actor(request), organisation, report=report, **form.cleaned_data
        )
        return _opened(request, emergency)
    return _open_form(
        request,
        form,
        title=f"Raise an emergency for report {report.reference}",
        back=panels.url(report.reference, "emergencies"),
    )


def _opened(request, emergency: Emergency, verb: str = "opened"):
    if emergency.status == EmergencyStatus.UNASSIGNED:
        messages.error(
            request,
            f"Emergency {emergency.reference} {verb}, but no responder could be alerted. "
            f"{services.nobody_reason(emergency)} The supervisors have been alerted too.",
        )
    else:
        messages.success(
            request,
            f"Emergency {emergency.reference} {verb}: alerting "
            f"{emergency.partner.name if emergency.partner else 'the responder on call'}.",
        )
    return redirect("emergencies:detail", emergency_ref=emergency.reference)


def _open_form(request, form, *, title: str, already=None, back=None):
    return render(
        request,
        "emergencies/open.html",
        {
            "form": form,
            "title": title,
            "action": request.path,
            "already": list(already or []),
            "back": back,
            "errors": error_links(form, "emergency-form"),
        },
        status=400 if form.errors else 200,
    )


# --- One emergency --------------------------------------------------------------------------


@require_GET
@never_cache
@staff_page
def detail(request, emergency_ref: str):
    emergency = access_emergency(request.user, emergency_ref)
    record(_actor(request), "emergency.viewed", emergency, reference=emergency.reference)
    return _detail(request, emergency)


@require_POST
@never_cache
@staff_page
def reveal(request, emergency_ref: str):
    emergency = access_emergency(request.user, emergency_ref)
    shown = services.reveal(emergency, actor=_actor(request))
    return _detail(request, emergency, revealed=shown)


@require_POST
@staff_page
def acknowledge(request, emergency_ref: str):
    emergency = access_emergency(request.user, emergency_ref)
    form = AcknowledgeForm(request.POST, emergency=emergency, prefix="ack")
    if form.is_valid():
        responder = form.cleaned_data["responder"]
        try:
            services.acknowledge_for(emergency, responder, actor=_actor(request))
        except ActionError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"Recorded: {responder.name} is going.")
            return redirect("emergencies:detail", emergency_ref=emergency.reference)
    return _detail(request, emergency, ack_form=form)


@require_POST
@staff_page
def confirm(request, emergency_ref: str):
    emergency = access_emergency(request.user, emergency_ref)
    try:
        emergency = services.confirm(emergency, actor=_actor(request))
    except ActionError as error:
        messages.error(request, error.message)
    else:
        return _opened(request, emergency, verb="confirmed")
    return redirect("emergencies:detail", emergency_ref=emergency.reference)


@require_POST
@staff_page
def arrived(request, emergency_ref: str):
    emergency = access_emergency(request.user, emergency_ref)
    try:
        emergency = services.arrive(emergency, actor=_actor(request), via="staff")
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Recorded: {emergency.responder} is with the child.")
    return redirect("emergencies:detail", emergency_ref=emergency.reference)


@require_POST
@staff_page
def assign(request, emergency_ref: str):
    emergency = access_emergency(request.user, emergency_ref)
    form = AssignForm(request.POST, emergency=emergency, prefix="assign")
    if form.is_valid():
        responder = form.cleaned_data["responder"]
        try:
            services.assign(
                emergency,
                responder,
                actor=_actor(request),
                confirmed=form.cleaned_data["confirmed"],
            )
        except ActionError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"{responder.name} assigned and sent an alert.")
            return redirect("emergencies:detail", emergency_ref=emergency.reference)
    return _detail(request, emergency, assign_form=form)


@require_POST
@staff_page
def close(request, emergency_ref: str):
    emergency = access_emergency(request.user, emergency_ref)
    form = OutcomeForm(request.POST, prefix="close")
    if form.is_valid():
        try:
            services.close(
                emergency,
                form.cleaned_data["outcome"],
                form.cleaned_data["note"],
                actor=_actor(request),
            )
        except ActionError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"Emergency {emergency.reference} closed.")
            return redirect("emergencies:detail", emergency_ref=emergency.reference)
    return _detail(request, emergency, close_form=form)


def _detail(request, emergency: Emergency, *, revealed=None, **bound):
    forms = {
        "ack_form": AcknowledgeForm(emergency=emergency, prefix="ack"),
        "assign_form": AssignForm(emergency=emergency, prefix="assign"),
        "close_form": OutcomeForm(prefix="close"),
    } | bound
    refused = [form for form in bound.values() if form.errors]
    is_open = emergency.status != EmergencyStatus.CLOSED
    sealed = services.details(emergency) if revealed is None else revealed
    context = {
        "emergency": emergency,
        "is_open": is_open,
        "revealed": revealed is not None,
        "location": sealed["location"] if revealed is not None else mask(sealed["location"]),
        "situation": sealed["situation"] if revealed is not None else mask(sealed["situation"]),
        "has_details": bool(sealed["location"] or sealed["situation"]),
        "clock": board.open_row(emergency, timezone.now()) if is_open else None,
        "times": board.closed_row(emergency),
        "clock_now_ms": board.now_ms(),
        "timeline": timeline.rows(emergency),
        "alerts": _alerts(request.user, emergency),
        "errors": [link for form in refused for link in error_links(form, "emergency-actions")],
        "public_limit": services.public_limit(),
        **forms,
    }
    return render(request, "emergencies/detail.html", context, status=400 if refused else 200)


def _alerts(user, emergency: Emergency) -> list:
    alerts = list(
        emergency.alerts.select_related("responder__partner", "user", "outbound_message__channel")
    )
    # On a fake SMS channel (a demo), supervisors may read what the responder's phone
    # got, link included, on the channel's browser "phone"; never for a real provider.
    for alert in alerts:
        message = alert.outbound_message
        phone_url = simulated_phone_url(message) if message and user.is_supervisor else ""
        alert.phone_url = phone_url  # type: ignore[attr-defined]
    return alerts
