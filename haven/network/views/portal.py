"""The partner portal: what was referred or alerted to the signed-in responder's partner,
and nothing else. Staff of the helpline and anyone else get a 404: it is not their page.

The lists come from the apps that own referrals and emergencies
(`cases.access.referrals_for_partner`, `emergencies.access.emergencies_for_partner`),
imported when the page is asked for; each item links to that app's page for partners.
"""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from haven.network.access import partner_of

PER_PAGE = 25
SHIFTS = 10  # the next ones; the rota page has the rest


def referrals_for(partner):
    try:
        from haven.cases.access import referrals_for_partner
    except ImportError:
        # Until cases provides it: the partner's own referrals in its organisation.
        from haven.cases.models import CaseReferral

        return CaseReferral.objects.filter(
            partner=partner, case__organisation_id=partner.organisation_id
        ).order_by("-requested_at", "-pk")
    return referrals_for_partner(partner)


def emergencies_for(partner):
    try:
        from haven.emergencies.access import emergencies_for_partner
    except ImportError:
        # Until emergencies provides it: assigned to the partner or alerted to its people.
        from haven.emergencies.models import Emergency

        emergencies = (
            Emergency.objects.filter(organisation_id=partner.organisation_id)
            .filter(Q(partner=partner) | Q(alerts__responder__partner=partner))
            .distinct()
        )
    else:
        emergencies = emergencies_for_partner(partner)
    return emergencies if emergencies.ordered else emergencies.order_by("-opened_at", "-pk")


@never_cache
@require_GET
@login_required
def portal(request):
    if not request.user.is_responder:
        raise Http404("No such page")
    partner = partner_of(request.user)
    if partner is None:
        return render(request, "network/portal_closed.html", status=403)
    now = timezone.now()
    alerted = emergencies_for(partner)
    # On a phone the open emergencies come first, before anything that can wait.
    open_now = list(
        alerted.exclude(status="closed").select_related("district").order_by("-opened_at")[:20]
    )
    emergencies = _page(request, alerted, "emergencies_page")
    referrals = _page(
        request,
        referrals_for(partner).select_related("partner_service", "case"),
        "referrals_page",
    )
    responder = getattr(request.user, "responder", None)
    shifts = (
        list(responder.shifts.filter(ends_at__gt=now).order_by("starts_at")[:SHIFTS])
        if responder is not None
        else []
    )
    context = {
        "partner": partner,
        "open_emergencies": open_now,
        "emergencies": emergencies,
        "emergency_links": _links(request, emergencies, "emergencies_page"),
        "referrals": referrals,
        "referral_links": _links(request, referrals, "referrals_page"),
        "shifts": shifts,
        "on_shift": bool(shifts) and shifts[0].starts_at <= now,
    }
    return render(request, "network/portal.html", context)


def _page(request, items, parameter: str) -> Page:
    if not items.ordered:  # pages of an unordered list could repeat or skip items
        items = items.order_by("-pk")
    return Paginator(items, PER_PAGE).get_page(request.GET.get(parameter))


def _links(request, page: Page, parameter: str) -> dict[str, str]:
    """Previous and next page links of one list, keeping the other list's page."""
    links = {}
    for name, wanted in (("previous", page.has_previous()), ("next", page.has_next())):
        if wanted:
            number = page.previous_page_number() if name == "previous" else page.next_page_number()
            query = request.GET.copy()
            query[parameter] = str(number)
            links[name] = "?" + urlencode(sorted(query.items()))
    return links
