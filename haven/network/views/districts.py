"""The helpline's districts: every member of staff reads them; supervisors add (one by
one or pasted in bulk), change and deactivate them."""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from haven.network import districts as changes
from haven.network.access import access_district, districts_for, staff_page, supervisor_page
from haven.network.forms import DistrictBulkForm, DistrictForm
from haven.network.views.common import actor, by_region, form_page
from haven.triage.actions import ActionError
from haven.web.forms import show_refusal


@require_GET
@staff_page
def district_list(request):
    active_partner = Q(partners__active=True)
    districts = districts_for(request.user).annotate(
        partner_count=Count("partners", filter=active_partner, distinct=True),
        responding_count=Count(
            "partners",
            filter=active_partner & Q(partners__responds_to_emergencies=True),
            distinct=True,
        ),
    )
    groups = by_region(districts.order_by("region", "name", "pk"))
    return render(request, "network/district_list.html", {"groups": groups})


@require_http_methods(["GET", "POST"])
@supervisor_page
def district_create(request):
    form = DistrictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            district = changes.create_district(
                request.user.organisation, **form.cleaned_data, actor=actor(request)
            )
        except ActionError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("%s added.") % district)
            return redirect("network:districts")
    return form_page(
        request, form, title=_("Add a district"), back=_to_districts(), submit=_("Add district")
    )


@require_http_methods(["GET", "POST"])
@supervisor_page
def district_edit(request, district_id: int):
    district = access_district(request.user, district_id)
    form = DistrictForm(request.POST or None, district=district)
    if request.method == "POST" and form.is_valid():
        try:
            district = changes.update_district(district, **form.cleaned_data, actor=actor(request))
        except ActionError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("%s saved.") % district)
            return redirect("network:districts")
    return form_page(
        request, form, title=_("Change %s") % district, back=_to_districts(), submit=_("Save")
    )


@require_POST
@supervisor_page
def district_deactivate(request, district_id: int):
    district = access_district(request.user, district_id)
    try:
        changes.deactivate_district(district, actor=actor(request))
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%s is no longer active: it is not offered for new contacts or partners.") % district,
        )
    return redirect("network:districts")


@require_http_methods(["GET", "POST"])
@supervisor_page
def district_bulk(request):
    form = DistrictBulkForm(request.POST or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            result = changes.add_districts(
                request.user.organisation, form.cleaned_data["lines"], actor=actor(request)
            )
        except changes.BadLines as error:
            problems = error.problems
            show_refusal(form, error)
        else:
            added, skipped = len(result.added), len(result.already_listed)
            message = ngettext("%d district added.", "%d districts added.", added) % added
            if skipped:
                message += (
                    " "
                    + ngettext(
                        "%d was already in the list.", "%d were already in the list.", skipped
                    )
                    % skipped
                )
            messages.success(request, message)
            return redirect("network:districts")
    return form_page(
        request,
        form,
        title=_("Add many districts"),
        back=_to_districts(),
        submit=_("Add districts"),
        template="network/district_bulk.html",
        intro=_(
            "Paste the list, one district a line. If a line is wrong nothing is added: "
            "correct the lines listed and send the list again."
        ),
        problems=problems,
    )


def _to_districts() -> tuple[str, str]:
    return reverse("network:districts"), _("Back to the districts")
