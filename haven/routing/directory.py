"""Changes to the directory of partners: supervisors add, change and deactivate them.

A partner's API token is sealed as it arrives and never shown again; the audit log
records that it changed, never what it is. Partners are deactivated, not deleted, so
the referrals sent to them keep their history.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from haven.audit.services import Actor, record
from haven.routing.credentials import seal_token
from haven.routing.models import Partner, PartnerKind
from haven.triage.actions import InvalidInput, InvalidTransition
from haven.web.countries import is_country
from haven.web.languages import is_language

FIELDS = ("kind", "name", "country", "email", "language", "api_url", "notes", "active")
NEEDS_COUNTRY = (PartnerKind.HOTLINE,)


def create_partner(organisation, data: dict, by, *, api_token: str = "", actor=None) -> Partner:
    _require_supervisor(by, organisation.pk)
    partner = Partner(organisation=organisation)
    _apply(partner, data)
    if api_token:
        partner.api_token_sealed = seal_token(api_token)
    _check(partner)
    with transaction.atomic():
        partner.save()
        record(
            actor or Actor.for_user(by),
            "partner.created",
            partner,
            name=partner.name,
            kind=partner.kind,
            country=partner.country,
            api=bool(partner.api_url),
        )
    return partner


def update_partner(
    partner: Partner,
    data: dict,
    by,
    *,
    api_token: str = "",
    clear_token: bool = False,
    actor=None,
) -> Partner:
    _require_supervisor(by, partner.organisation_id)
    with transaction.atomic():
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
        before = {name: getattr(partner, name) for name in FIELDS}
        _apply(partner, data)
        token_changed = bool(api_token) or (clear_token and bool(partner.api_token_sealed))
        if clear_token:
            partner.api_token_sealed = ""
        if api_token:
            partner.api_token_sealed = seal_token(api_token)
        _check(partner)
        changed = {
            name: [before[name], getattr(partner, name)]
            for name in FIELDS
            if before[name] != getattr(partner, name) and name != "notes"
        }
        if "notes" in data and before["notes"] != partner.notes:
            changed["notes"] = ["…", "…"]  # notes may name people: only that they changed
        partner.save()
        record(
            actor or Actor.for_user(by),
            "partner.changed",
            partner,
            name=partner.name,
            changes=changed,
            token_changed=token_changed,
        )
    return partner


def deactivate_partner(partner: Partner, by, *, actor=None) -> Partner:
    _require_supervisor(by, partner.organisation_id)
    with transaction.atomic():
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
        if not partner.active:
            raise InvalidTransition(f"{partner.name} is already inactive.")
        partner.active = False
        partner.save(update_fields=["active", "updated_at"])
        record(actor or Actor.for_user(by), "partner.deactivated", partner, name=partner.name)
    return partner


def other_active_hotline(organisation_id: int, country: str, *, exclude=None) -> Partner | None:
    """The first-added active hotline for `country` other than `exclude`, if any.

    Two active hotlines for one country are allowed (Germany has three INHOPE hotlines),
    but forwards go to the first added only, so the partner form warns before saving a
    second one.
    """
    partners = Partner.objects.filter(
        organisation_id=organisation_id,
        kind=PartnerKind.HOTLINE,
        active=True,
        country=(country or "").upper(),
    )
    if exclude is not None:
        partners = partners.exclude(pk=exclude.pk)
    return partners.order_by("pk").first()


def _require_supervisor(user, organisation_id: int) -> None:
    if not user.is_supervisor or user.organisation_id != organisation_id:
        raise PermissionDenied("Only supervisors can change the directory of partners.")


def _apply(partner: Partner, data: dict) -> None:
    for name in FIELDS:
        if name in data:
            value = data[name]
            setattr(partner, name, value.strip() if isinstance(value, str) else value)
    partner.country = partner.country.upper()


def _check(partner: Partner) -> None:
    if partner.kind not in PartnerKind.values:
        raise InvalidInput("Choose what kind of partner this is.", "kind")
    if not partner.name:
        raise InvalidInput("Give the partner's name.", "name")
    if partner.country and not is_country(partner.country):
        raise InvalidInput("Choose a country from the list.", "country")
    if partner.kind in NEEDS_COUNTRY and not partner.country:
        raise InvalidInput("Choose the country this hotline covers.", "country")
    if not is_language(partner.language):
        raise InvalidInput(
            "Choose the partner's language from the list (an ISO 639-1 code such as en).",
            "language",
        )
    if partner.api_url and not partner.api_token_sealed:
        raise InvalidInput("Give the API token the partner's Haven issued to you.", "api_token")
    if not partner.email and not partner.api_url:
        raise InvalidInput("Give an e-mail address or the address of the partner's Haven.", "email")
