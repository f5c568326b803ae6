"""Fetch the partner network only through these helpers.

Staff of an organisation read its network; supervisors and administrators change it.
Every lookup is scoped to the user's organisation, so an id from a URL never reaches
another organisation's districts, partners or responders: it is a 404, as if absent.
Responders (partner organisation staff) never see the helpline's network pages: for
them these pages do not exist. They have the portal, through `partner_of`.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from haven.network.models import (
    District,
    PartnerMembership,
    PartnerService,
    Responder,
    RotaShift,
    ServicePartner,
)


def _is_staff(user) -> bool:
    return user is not None and user.is_authenticated and user.is_helpline_staff


# --- Who may open the pages -------------------------------------------------------------


def staff_page(view):
    """Staff of an organisation read. Anyone else signed in gets a 404: the helpline's
    network is not something a responder or partner service should learn exists."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _is_staff(request.user):
            raise Http404("No such page")
        return view(request, *args, **kwargs)

    return wrapped


def supervisor_page(view):
    """Supervisors and administrators change the network; other staff are refused (403),
    everyone else gets a 404 as on every network page."""

    @staff_page
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_supervisor:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


# --- What they may see ------------------------------------------------------------------


def districts_for(user) -> QuerySet[District]:
    if not _is_staff(user):
        return District.objects.none()
    return District.objects.filter(organisation_id=user.organisation_id)


def partners_for(user) -> QuerySet[ServicePartner]:
    if not _is_staff(user):
        return ServicePartner.objects.none()
    return ServicePartner.objects.filter(organisation_id=user.organisation_id)


def access_district(user, district_id: int) -> District:
    district = districts_for(user).filter(pk=district_id).first()
    if district is None:
        raise Http404("No such district")
    return district


def access_partner(user, service_partner_id: int) -> ServicePartner:
    partner = partners_for(user).filter(pk=service_partner_id).first()
    if partner is None:
        raise Http404("No such partner")
    return partner


def access_service(user, partner_service_id: int) -> PartnerService:
    service = (
        PartnerService.objects.filter(pk=partner_service_id, partner__in=partners_for(user))
        .select_related("partner")
        .first()
    )
    if service is None:
        raise Http404("No such service")
    return service


def access_responder(user, responder_id: int) -> Responder:
    responder = (
        Responder.objects.filter(pk=responder_id, partner__in=partners_for(user))
        .select_related("partner", "user")
        .first()
    )
    if responder is None:
        raise Http404("No such responder")
    return responder


def access_shift(user, shift_id: int) -> RotaShift:
    shift = (
        RotaShift.objects.filter(pk=shift_id, partner__in=partners_for(user))
        .select_related("partner", "responder")
        .first()
    )
    if shift is None:
        raise Http404("No such shift")
    return shift


def partner_of(user) -> ServicePartner | None:
    """The partner a RESPONDER user works for, while that partner is active in their
    organisation's network; None for anyone else (staff, partner services, a responder
    whose partner left the network)."""
    if user is None or not user.is_authenticated or not user.is_responder:
        return None
    membership = (
        PartnerMembership.objects.filter(
            user=user,
            partner__organisation_id=user.organisation_id,
            partner__active=True,
        )
        .select_related("partner")
        .first()
    )
    return membership.partner if membership else None
