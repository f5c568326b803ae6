"""The directory of services by type and district, and each partner's services."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from haven.network import directory
from haven.network.access import access_partner, access_service, staff_page, supervisor_page
from haven.network.forms import DirectoryFilterForm, ServiceForm
from haven.network.models import District
from haven.network.views.common import actor, back_to_partner, form_page
from haven.triage.actions import ActionError
from haven.web.forms import show_refusal

PER_PAGE = 50


@require_GET
@staff_page
def directory_page(request):
    organisation = request.user.organisation
    filters = DirectoryFilterForm(request.GET or None, organisation=organisation)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    services = directory.services_for(
        organisation,
        service_type=chosen.get("service_type") or None,
        district=chosen.get("district"),
    ).prefetch_related(
        Prefetch("districts", queryset=District.objects.order_by("region", "name")),
        Prefetch("partner__districts", queryset=District.objects.order_by("region", "name")),
    )
    page = Paginator(services, PER_PAGE).get_page(request.GET.get("page"))
    context = {"filters": filters, "page": page, "district": chosen.get("district")}
    return render(request, "network/directory.html", context)


@require_http_methods(["GET", "POST"])
@supervisor_page
def service_create(request, service_partner_id: int):
    partner = access_partner(request.user, service_partner_id)
    form = ServiceForm(request.POST or None, partner=partner)
    if request.method == "POST" and form.is_valid():
        try:
            service = directory.create_service(partner, form.cleaned_data, actor=actor(request))
        except ActionError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("%s added to the directory.") % service.name)
            return redirect("network:partner_detail", service_partner_id=partner.pk)
    return form_page(
        request,
        form,
        title=_("Add a service of %s") % partner.name,
        back=back_to_partner(partner),
        submit=_("Add service"),
    )


@require_http_methods(["GET", "POST"])
@supervisor_page
def service_edit(request, partner_service_id: int):
    service = access_service(request.user, partner_service_id)
    partner = service.partner
    form = ServiceForm(request.POST or None, partner=partner, service=service)
    if request.method == "POST" and form.is_valid():
        try:
            service = directory.update_service(service, form.cleaned_data, actor=actor(request))
        except ActionError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("%s saved.") % service.name)
            return redirect("network:partner_detail", service_partner_id=partner.pk)
    return form_page(
        request,
        form,
        title=_("Change %s") % service.name,
        back=back_to_partner(partner),
        submit=_("Save"),
    )


@require_POST
@supervisor_page
def service_deactivate(request, partner_service_id: int):
    service = access_service(request.user, partner_service_id)
    try:
        directory.deactivate_service(service, actor=actor(request))
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%s is no longer offered in the directory.") % service.name)
    return redirect("network:partner_detail", service_partner_id=service.partner_id)
