"""The directory of partner services: what each partner offers children, and where.

`services_for` is what case workers refer to. A service with no districts of its own is
offered in every district its partner covers; one with districts of its own, only in
those that its partner also covers (a partner that stops covering a district stops
offering anything there, whatever its services once listed).
"""

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from haven.audit.services import Actor, record
from haven.network.models import District, PartnerService, ServicePartner, ServiceType
from haven.triage.actions import InvalidInput, InvalidTransition

FIELDS = ("service_type", "name", "description", "accepts_referrals", "active")


def services_for(organisation, service_type=None, district=None) -> QuerySet[PartnerService]:
    """Active services of the organisation's active partners, of `service_type` if given,
    offered in `district` if given; ordered by type, name and partner."""
    services = PartnerService.objects.filter(
        partner__organisation=organisation, partner__active=True, active=True
    )
    if service_type:
        services = services.filter(service_type=service_type)
    if district is not None:
        services = services.filter(_offered_in(district))
    return services.select_related("partner").order_by(
        "service_type", "name", "partner__name", "pk"
    )


def _offered_in(district: District) -> Q:
    own = PartnerService.districts.through.objects.filter(partnerservice_id=OuterRef("pk"))
    covered = ServicePartner.districts.through.objects.filter(
        servicepartner_id=OuterRef("partner_id"), district_id=district.pk
    )
    return Q(Exists(covered)) & (Q(Exists(own.filter(district_id=district.pk))) | ~Q(Exists(own)))


# --- Changes ------------------------------------------------------------------------------


def create_service(partner: ServicePartner, data: dict, *, actor: Actor) -> PartnerService:
    service = PartnerService(partner=partner)
    districts = _apply(service, data)
    with transaction.atomic():
        service.save()
        service.districts.set(districts)
        record(
            actor,
            "network.service_created",
            service,
            partner=partner.pk,
            name=service.name,
            service_type=service.service_type,
            districts=sorted(d.pk for d in districts),
        )
    return service


def update_service(service: PartnerService, data: dict, *, actor: Actor) -> PartnerService:
    with transaction.atomic():
        service = PartnerService.objects.select_for_update().get(pk=service.pk)
        before = {name: getattr(service, name) for name in FIELDS}
        before_districts = set(service.districts.values_list("pk", flat=True))
        districts = _apply(service, data)
        service.save()
        service.districts.set(districts)
        changes = {
            name: [before[name], getattr(service, name)]
            for name in FIELDS
            if before[name] != getattr(service, name)
        }
        if {d.pk for d in districts} != before_districts:
            changes["districts"] = [sorted(before_districts), sorted(d.pk for d in districts)]
        if changes:
            record(actor, "network.service_changed", service, name=service.name, changes=changes)
    return service


def deactivate_service(service: PartnerService, *, actor: Actor) -> PartnerService:
    with transaction.atomic():
        service = PartnerService.objects.select_for_update().get(pk=service.pk)
        if not service.active:
            raise InvalidTransition(_("%s is already inactive.") % service.name)
        service.active = False
        service.save(update_fields=["active"])
        record(actor, "network.service_deactivated", service, name=service.name)
    return service


def _apply(service: PartnerService, data: dict) -> list[District]:
    for name in FIELDS:
        if name in data:
            value = data[name]
            setattr(service, name, value.strip() if isinstance(value, str) else value)
    if service.service_type not in ServiceType.values:
        raise InvalidInput(_("Choose the type of service from the list."), "service_type")
    if not service.name:
        raise InvalidInput(_("Give the service's name."), "name")
    if "districts" not in data:
        return list(service.districts.all()) if service.pk else []
    districts = list(data["districts"])
    covered = set(service.partner.districts.values_list("pk", flat=True))
    # One the service listed before the partner stopped covering it may stay (it is
    # ignored until the partner covers it again); a new one must be covered.
    if service.pk:
        covered |= set(service.districts.values_list("pk", flat=True))
    outside = [d for d in districts if d.pk not in covered]
    if outside:
        names = ", ".join(str(d) for d in outside)
        raise InvalidInput(
            _("%(partner)s does not cover %(names)s: add the district to the partner first.")
            % {"partner": service.partner.name, "names": names},
            "districts",
        )
    return districts
