"""Fetch emergencies only through these helpers.

- Staff of an organisation (counsellors, analysts, supervisors, administrators) see all
  of its emergencies: in an emergency anyone on shift may need to act.
- A responder with a login sees the emergencies alerted to their partner's responders
  or assigned to their partner, on the partner pages only.
- Anyone else, and anyone of another organisation, gets a 404, as if it did not exist.

A responder without a login reaches one emergency through the link in their alert
(`alerts.for_token`); that link is their permission.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404

from haven.emergencies.models import Emergency
from haven.network.access import partner_of


def _is_staff(user) -> bool:
    return user is not None and user.is_authenticated and user.is_any_staff


def staff_page(view):
    """Staff of an organisation only; for anyone else signed in the page does not exist."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _is_staff(request.user):
            raise Http404("No such page")
        return view(request, *args, **kwargs)

    return wrapped


def responder_page(view):
    """Responders (partner organisation staff) only."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if partner_of(request.user) is None:
            raise Http404("No such page")
        return view(request, *args, **kwargs)

    return wrapped


def emergencies_for(user) -> QuerySet[Emergency]:
    if not _is_staff(user):
        return Emergency.objects.none()
    return Emergency.objects.filter(organisation_id=user.organisation_id)


def access_emergency(user, reference: str) -> Emergency:
    emergency = (
        emergencies_for(user)
        .filter(reference=(reference or "").strip().upper())
        .select_related("district", "partner", "responder", "contact", "report", "case")
        .first()
    )
    if emergency is None:
        raise Http404("No such emergency")
    return emergency


def emergencies_for_partner(partner) -> QuerySet[Emergency]:
    """What a partner may see: emergencies alerted to its responders or assigned to it."""
    if partner is None:
        return Emergency.objects.none()
    return Emergency.objects.filter(
        Q(partner=partner) | Q(alerts__responder__partner=partner),
        organisation_id=partner.organisation_id,
    ).distinct()


def access_partner_emergency(user, reference: str) -> Emergency:
    emergency = (
        emergencies_for_partner(partner_of(user))
        .filter(reference=(reference or "").strip().upper())
        .select_related("district", "partner", "responder")
        .first()
    )
    if emergency is None:
        raise Http404("No such emergency")
    return emergency
