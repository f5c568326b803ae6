"""Who an emergency reaches: the responders on call for its district, the responders a
supervisor may send by hand, and the organisation's supervisors."""

from django.db.models import QuerySet

from haven.accounts.models import SUPERVISING_ROLES, User
from haven.network import rota
from haven.network.models import Responder


def on_call(district, at) -> list[Responder]:
    """The responders to alert, in order; [] with no district."""
    if district is None:
        return []
    return rota.on_call(district, at)


def assignable(emergency) -> QuerySet[Responder]:
    """Whom staff may send by hand: any active responder of an active partner covering
    the district; when no partner covers it (or the district is not known), any active
    responder of the organisation's network, so a supervisor can always send someone."""
    responders = Responder.objects.filter(
        active=True,
        partner__active=True,
        partner__organisation_id=emergency.organisation_id,
    ).select_related("partner")
    if emergency.district_id is not None:
        covering = responders.filter(partner__districts=emergency.district_id)
        if covering.exists():
            responders = covering
    return responders.order_by("partner__name", "name", "pk").distinct()


def supervisors(organisation_id: int) -> list[User]:
    return list(
        User.objects.filter(
            organisation_id=organisation_id, role__in=SUPERVISING_ROLES, is_active=True
        ).order_by("pk")
    )
