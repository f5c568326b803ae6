"""A partner's rota: the week view, adding one shift or a weekly pattern, removing one.

The forms sit under the week they change; a refused one is shown there again (400)."""

from datetime import date, timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from haven.network import rota
from haven.network.access import access_partner, access_shift, staff_page, supervisor_page
from haven.network.forms import ShiftForm, WeeklyForm
from haven.network.views.common import FORM_ID, actor
from haven.triage.actions import ActionError
from haven.web.forms import error_links, show_refusal


def _monday(text: str | None) -> date:
    """The week asked for; this week when none, or one that is not a date a rota holds."""
    try:
        day = date.fromisoformat(text or "")
    except ValueError:
        day = timezone.localdate()
    if not rota.within_years(day):
        day = timezone.localdate()
    return rota.week_of(day)


def _rota_url(partner, monday: date) -> str:
    url = reverse("network:rota", kwargs={"service_partner_id": partner.pk})
    return f"{url}?week={monday.isoformat()}"


def _rota_page(request, partner, monday: date, shift_form=None, weekly_form=None):
    shift_form = shift_form or ShiftForm(partner=partner, prefix="shift")
    weekly_form = weekly_form or WeeklyForm(
        partner=partner, prefix="weekly", initial={"first_day": max(monday, timezone.localdate())}
    )
    refused = shift_form.errors or weekly_form.errors
    context = {
        "partner": partner,
        "days": rota.week(partner, monday),
        "monday": monday,
        "previous": monday - timedelta(days=7),
        "next": monday + timedelta(days=7),
        "this_week": rota.week_of(timezone.localdate()),
        "now": timezone.now(),
        "shift_form": shift_form,
        "weekly_form": weekly_form,
        "errors": error_links(shift_form, FORM_ID) + error_links(weekly_form, FORM_ID),
    }
    return render(request, "network/rota.html", context, status=400 if refused else 200)


@require_GET
@staff_page
def rota_week(request, service_partner_id: int):
    partner = access_partner(request.user, service_partner_id)
    return _rota_page(request, partner, _monday(request.GET.get("week")))


@require_POST
@supervisor_page
def shift_add(request, service_partner_id: int):
    partner = access_partner(request.user, service_partner_id)
    form = ShiftForm(request.POST, partner=partner, prefix="shift")
    if form.is_valid():
        data = form.cleaned_data
        try:
            shift = rota.add_shift(
                partner,
                data["responder"],
                data["starts_at"],
                data["ends_at"],
                data["position"],
                actor=actor(request),
            )
        except ActionError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Shift added for %s.") % shift.responder.name)
            return redirect(_rota_url(partner, rota.week_of(timezone.localdate(shift.starts_at))))
    monday = (
        rota.week_of(timezone.localdate(form.cleaned_data["starts_at"]))
        if (form.cleaned_data.get("starts_at"))
        else _monday(request.GET.get("week"))
    )
    return _rota_page(request, partner, monday, shift_form=form)


@require_POST
@supervisor_page
def shift_weekly(request, service_partner_id: int):
    partner = access_partner(request.user, service_partner_id)
    form = WeeklyForm(request.POST, partner=partner, prefix="weekly")
    if form.is_valid():
        data = form.cleaned_data
        try:
            spans = rota.weekly_spans(
                data["first_day"],
                data["weekdays"],
                data["start_time"],
                data["end_time"],
                data["weeks"],
            )
            shifts = rota.add_weekly(
                partner, data["responder"], spans, data["position"], actor=actor(request)
            )
        except ActionError as error:
            show_refusal(form, error)
        else:
            count = len(shifts)
            messages.success(
                request,
                ngettext(
                    "%(count)d shift added for %(name)s.",
                    "%(count)d shifts added for %(name)s.",
                    count,
                )
                % {"count": count, "name": data["responder"].name},
            )
            return redirect(_rota_url(partner, rota.week_of(data["first_day"])))
    first_day = form.cleaned_data.get("first_day")
    monday = rota.week_of(first_day) if first_day else _monday(request.GET.get("week"))
    return _rota_page(request, partner, monday, weekly_form=form)


@require_POST
@supervisor_page
def shift_remove(request, shift_id: int):
    shift = access_shift(request.user, shift_id)
    monday = rota.week_of(timezone.localdate(shift.starts_at))
    try:
        rota.remove_shift(shift, actor=actor(request))
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Shift of %s removed.") % shift.responder.name)
    return redirect(_rota_url(shift.partner, monday))
