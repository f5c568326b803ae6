"""The responder's pages: the link in their alert (public, no login: the token is the
permission) and, for responders with a login, the partner pages. Both offer the same
three steps: "I'm going", "I've reached the child", and the outcome.

A responder sees where the child is while the emergency waits for someone and, once
they are going, while it is theirs. When another responder is going, or it is closed,
the page says so and shows nothing about the child.
"""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from haven.audit.services import Actor, client_ip, record
from haven.emergencies import alerts, services
from haven.emergencies.access import (
    access_partner_emergency,
    emergencies_for_partner,
    responder_page,
)
from haven.emergencies.forms import OutcomeForm
from haven.emergencies.models import Emergency, EmergencyStatus
from haven.network.access import partner_of
from haven.network.models import Responder
from haven.triage.actions import ActionError


@require_http_methods(["GET", "POST"])
@never_cache
def respond(request, alert_token: str):
    alert = alerts.for_token(alert_token)
    if alert is None:
        # Never sent, mistyped or expired: one page for all, whatever the token looks like.
        response = render(request, "emergencies/respond_unknown.html", status=404)
        response["Referrer-Policy"] = "no-referrer"
        return response
    responder = alert.responder
    assert responder is not None  # for_token returns responder alerts only
    actor = Actor(
        None,
        f"{responder.name} ({responder.partner.name}, alert link)"[:150],
        client_ip(request),
        alert.emergency.organisation_id,
    )
    return _page(request, alert.emergency, responder, actor, alert=alert)


@require_GET
@responder_page
def partner_list(request):
    partner = partner_of(request.user)
    emergencies = emergencies_for_partner(partner).select_related("district", "responder")
    record(
        Actor.for_user(request.user, client_ip(request)),
        "emergency.partner_list_viewed",
        partner,
    )
    return render(
        request,
        "emergencies/partner_list.html",
        {
            "partner": partner,
            "open": emergencies.filter(status__in=services.OPEN).order_by("target_at"),
            "closed": emergencies.filter(status=EmergencyStatus.CLOSED).order_by("-closed_at")[:20],
        },
    )


@require_http_methods(["GET", "POST"])
@never_cache
@responder_page
def partner_detail(request, emergency_ref: str):
    emergency = access_partner_emergency(request.user, emergency_ref)
    partner = partner_of(request.user)
    # Their own entry in the rota, if their login is one: that is who acts.
    responder = (
        Responder.objects.filter(user=request.user, partner=partner, active=True)
        .select_related("partner")
        .first()
    )
    actor = Actor.for_user(request.user, client_ip(request))
    return _page(request, emergency, responder, actor, partner_page=True)


def _page(
    request, emergency: Emergency, responder, actor: Actor, *, alert=None, partner_page=False
):
    form = OutcomeForm()
    if request.method == "POST" and responder is not None:
        form, done = _act(request, emergency, responder, actor)
        if done:
            # Back to the page by GET, so a reload on a phone never repeats a step.
            return HttpResponseRedirect(request.path)
        emergency.refresh_from_db()
    mine = emergency.responder_id is not None and emergency.responder_id == getattr(
        responder, "pk", None
    )
    other_going = emergency.responder_id is not None and not mine
    closed = emergency.status == EmergencyStatus.CLOSED
    show = not closed and not other_going
    shown = (
        services.responder_viewed(emergency, responder, actor=actor, alert=alert) if show else {}
    )
    context = {
        "emergency": emergency,
        "responder": responder,
        "mine": mine,
        "other_going": other_going,
        "closed": closed,
        "location": shown.get("location", ""),
        "situation": shown.get("situation", ""),
        "show": show,
        "can_act": responder is not None and not closed,
        "form": form,
        "partner_page": partner_page,
        "minutes_left": int((emergency.target_at - timezone.now()).total_seconds() / 60),
    }
    response = render(
        request, "emergencies/respond.html", context, status=400 if form.errors else 200
    )
    response["Referrer-Policy"] = "no-referrer"
    return response


def _act(request, emergency: Emergency, responder, actor: Actor):
    """One step from a responder. Returns the outcome form and whether the step was done."""
    step = request.POST.get("step", "")
    via = "partner page" if actor.user is not None else "link"
    form = OutcomeForm(request.POST if step == "outcome" else None)
    try:
        if step == "going":
            emergency, won = services.acknowledge(emergency, responder, actor=actor, via=via)
            if won:
                messages.success(request, "Thank you: the helpline knows you are going.")
            elif emergency.status == EmergencyStatus.CLOSED:
                messages.info(request, "This emergency is already closed.")
            elif emergency.responder_id != responder.pk:
                messages.info(request, "Someone else is already going to this child.")
        elif step == "arrived":
            services.arrive(emergency, actor=actor, responder=responder, via=via)
            messages.success(request, "Recorded: you are with the child.")
        elif step == "outcome":
            if not form.is_valid():
                return form, False
            services.close(
                emergency,
                form.cleaned_data["outcome"],
                form.cleaned_data["note"],
                actor=actor,
                responder=responder,
                via=via,
            )
            messages.success(request, "Thank you. The emergency is closed.")
        else:
            return form, False
    except ActionError as error:
        messages.error(request, error.message)
    return form, True
