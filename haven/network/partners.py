"""Changes to the service partners: the organisations that respond to emergencies or
provide services to children in the helpline's districts.

Partners are deactivated, never deleted: referrals and emergencies keep their history.
A deactivated partner is alerted for nothing, offers no service in the directory, and its
logins see nothing in the portal; reactivating it (on its edit page) restores all that.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from haven.audit.services import Actor, record
from haven.network.models import District, PartnerKind, ServicePartner
from haven.network.phones import BadNumber, desk_number
from haven.triage.actions import InvalidInput, InvalidTransition

FIELDS = ("name", "kind", "email", "phone", "responds_to_emergencies", "active", "notes")


def create_partner(organisation, data: dict, *, actor: Actor) -> ServicePartner:
    partner = ServicePartner(organisation=organisation)
    districts = _apply(partner, data)
    with transaction.atomic():
        partner.save()
        partner.districts.set(districts)
        record(
            actor,
            "network.partner_created",
            partner,
            name=partner.name,
            kind=partner.kind,
            districts=sorted(d.pk for d in districts),
            responds_to_emergencies=partner.responds_to_emergencies,
        )
    return partner


def update_partner(partner: ServicePartner, data: dict, *, actor: Actor) -> ServicePartner:
    with transaction.atomic():
        partner = ServicePartner.objects.select_for_update().get(pk=partner.pk)
        before = {name: getattr(partner, name) for name in FIELDS}
        before_districts = set(partner.districts.values_list("pk", flat=True))
        districts = _apply(partner, data)
        partner.save()
        partner.districts.set(districts)
        changes: dict[str, object] = {
            name: [before[name], getattr(partner, name)]
            for name in FIELDS
            if before[name] != getattr(partner, name)
        }
        if "notes" in changes:
            changes["notes"] = ["…", "…"]  # notes may name people: only that they changed
        after_districts = {d.pk for d in districts}
        if after_districts != before_districts:
            changes["districts"] = {
                "added": sorted(after_districts - before_districts),
                "removed": sorted(before_districts - after_districts),
            }
        if changes:
            record(actor, "network.partner_changed", partner, name=partner.name, changes=changes)
    return partner


def deactivate_partner(partner: ServicePartner, *, actor: Actor) -> ServicePartner:
    with transaction.atomic():
        partner = ServicePartner.objects.select_for_update().get(pk=partner.pk)
        if not partner.active:
            raise InvalidTransition(_("%s is already inactive.") % partner.name)
        partner.active = False
        partner.save(update_fields=["active", "updated_at"])
        record(actor, "network.partner_deactivated", partner, name=partner.name)
    return partner


def _apply(partner: ServicePartner, data: dict) -> list[District]:
    """Set the partner's fields from `data`; the districts to cover, all of its own
    organisation (a form offers no others; this is the rule, not the form)."""
    for name in FIELDS:
        if name in data:
            value = data[name]
            setattr(partner, name, value.strip() if isinstance(value, str) else value)
    if not partner.name:
        raise InvalidInput(_("Give the partner's name."), "name")
    if partner.kind not in PartnerKind.values:
        raise InvalidInput(_("Choose what kind of organisation this is from the list."), "kind")
    try:
        partner.phone = desk_number(partner.phone)
    except BadNumber as error:
        raise InvalidInput(str(error), "phone") from error
    if "districts" not in data:
        return list(partner.districts.all()) if partner.pk else []
    districts = list(data["districts"])
    if any(d.organisation_id != partner.organisation_id for d in districts):
        raise InvalidInput(_("Choose districts of your own organisation."), "districts")
    return districts
