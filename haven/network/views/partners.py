"""The service partners: the list (with the warning about districts nobody covers), a
partner's page, and the supervisors' forms."""

from django.contrib import messages
from django.db.models import Exists, OuterRef, Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.network import partners as changes
from haven.network import rota
from haven.network.access import access_partner, partners_for, staff_page, supervisor_page
from haven.network.forms import PartnerFilterForm, PartnerForm
from haven.network.models import District
from haven.network.views.common import actor, back_to_partner, by_region, form_page
from haven.triage.actions import ActionError
from haven.web.forms import show_refusal

GAPS_SHOWN = 20


@require_GET
@staff_page
def partner_list(request):
    organisation = request.user.organisation
    filters = PartnerFilterForm(request.GET or None, organisation=organisation)
    partners = list(
        filters.apply(partners_for(request.user))
        .prefetch_related(
            Prefetch("districts", queryset=District.objects.order_by("region", "name"))
        )
        .order_by("name", "pk")
    )
    now = timezone.now()
    on_call = rota.on_call_by_partner([p for p in partners if p.active], now)
    for partner in partners:
        partner.on_call_now = on_call.get(partner.pk, [])  # type: ignore[attr-defined]
    horizon = now + rota.GAP_HORIZON
    gaps = rota.coverage_gaps(organisation, now, horizon)
    context = {
        "filters": filters,
        "partners": partners,
        "gaps": gaps[:GAPS_SHOWN],
        "now": now,
        "horizon": horizon,
        "more_gaps": max(0, len(gaps) - GAPS_SHOWN),
        "no_partner": sum(1 for gap in gaps if gap.partners == 0),
        "has_districts": District.objects.filter(organisation=organisation, active=True).exists(),
    }
    return render(request, "network/partner_list.html", context)


@require_GET
@staff_page
def partner_detail(request, service_partner_id: int):
    partner = access_partner(request.user, service_partner_id)
    now = timezone.now()
    has_device = TOTPDevice.objects.filter(user=OuterRef("user_id"), confirmed=True)
    context = {
        "partner": partner,
        "district_groups": by_region(partner.districts.order_by("region", "name")),
        "services": partner.services.prefetch_related(
            Prefetch("districts", queryset=District.objects.order_by("region", "name"))
        ).order_by("-active", "service_type", "name"),
        "responders": partner.responders.select_related("user").order_by("-active", "name"),
        "on_call_now": rota.on_call_by_partner([partner], now).get(partner.pk, []),
        "upcoming": partner.shifts.filter(ends_at__gt=now, starts_at__lt=now + rota.GAP_HORIZON)
        .select_related("responder")
        .order_by("starts_at", "position"),
        "members": partner.members.select_related("user")
        .annotate(has_two_factor=Exists(has_device))
        .order_by("user__username"),
    }
    return render(request, "network/partner_detail.html", context)


@require_http_methods(["GET", "POST"])
@supervisor_page
def partner_create(request):
    form = PartnerForm(request.POST or None, organisation=request.user.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            partner = changes.create_partner(
                request.user.organisation, form.cleaned_data, actor=actor(request)
            )
        except ActionError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request, _("%s added. Now add its services, responders and rota.") % partner.name
            )
            return redirect("network:partner_detail", service_partner_id=partner.pk)
    return form_page(
        request,
        form,
        title=_("Add a partner"),
        back=(reverse("network:partners"), _("Back to the partners")),
        submit=_("Add partner"),
    )


@require_http_methods(["GET", "POST"])
@supervisor_page
def partner_edit(request, service_partner_id: int):
    partner = access_partner(request.user, service_partner_id)
    form = PartnerForm(
        request.POST or None, organisation=request.user.organisation, partner=partner
    )
    if request.method == "POST" and form.is_valid():
        try:
            partner = changes.update_partner(partner, form.cleaned_data, actor=actor(request))
        except ActionError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("%s saved.") % partner.name)
            return redirect("network:partner_detail", service_partner_id=partner.pk)
    return form_page(
        request,
        form,
        title=_("Change %s") % partner.name,
        back=back_to_partner(partner),
        submit=_("Save"),
    )


@require_POST
@supervisor_page
def partner_deactivate(request, service_partner_id: int):
    partner = access_partner(request.user, service_partner_id)
    try:
        changes.deactivate_partner(partner, actor=actor(request))
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "%s is no longer active: it is not alerted, its services leave the directory "
                "and its logins see nothing. Reactivate it on its edit page."
            )
            % partner.name,
        )
    return redirect("network:partner_detail", service_partner_id=partner.pk)
