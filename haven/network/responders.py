"""Changes to responders, the people who go to a child in danger, and their logins.

A responder needs no login: alerts reach them by SMS or e-mail with a link that is their
permission to acknowledge. A supervisor may also give one a login, to see in the partner
portal what was referred or alerted to their partner. It is a RESPONDER user of the
helpline's own organisation, linked to the partner by a PartnerMembership; like everyone
else they set up two-factor sign-in before they see anything (the middleware insists).
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from haven.accounts.models import Role, User
from haven.audit.services import Actor, record
from haven.network.models import AlertChannel, PartnerMembership, Responder, ServicePartner
from haven.network.phones import BadNumber, e164
from haven.triage.actions import InvalidInput, InvalidTransition

FIELDS = ("name", "phone", "email", "alert_channel", "active")
# Unambiguous letters and digits: the password may be read out over the phone.
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # noqa: S105 - an alphabet, not a password


def create_responder(partner: ServicePartner, data: dict, *, actor: Actor) -> Responder:
    responder = Responder(partner=partner)
    _apply(responder, data)
    with transaction.atomic():
        responder.save()
        record(
            actor,
            "network.responder_created",
            responder,
            partner=partner.pk,
            name=responder.name,
            alert_channel=responder.alert_channel,
        )
    return responder


def update_responder(responder: Responder, data: dict, *, actor: Actor) -> Responder:
    with transaction.atomic():
        responder = Responder.objects.select_for_update().get(pk=responder.pk)
        before = {name: getattr(responder, name) for name in FIELDS}
        _apply(responder, data)
        responder.save()
        changes = {
            name: _shown(name, before[name], getattr(responder, name))
            for name in FIELDS
            if before[name] != getattr(responder, name)
        }
        if "active" in changes:
            _login_follows(responder, actor)
        if changes:
            record(
                actor, "network.responder_changed", responder, name=responder.name, changes=changes
            )
    return responder


def deactivate_responder(responder: Responder, *, actor: Actor) -> Responder:
    """No more alerts or shifts count for them, and their login (if any) stops working."""
    with transaction.atomic():
        responder = Responder.objects.select_for_update().get(pk=responder.pk)
        if not responder.active:
            raise InvalidTransition(_("%s is already inactive.") % responder.name)
        responder.active = False
        responder.save(update_fields=["active"])
        record(actor, "network.responder_deactivated", responder, name=responder.name)
        _login_follows(responder, actor)
    return responder


def _login_follows(responder: Responder, actor: Actor) -> None:
    """A responder's login is active exactly while the responder is."""
    user = responder.user
    if user is None or user.is_active == responder.active:
        return
    user.is_active = responder.active
    user.save(update_fields=["is_active"])
    action = "accounts.user_reactivated" if user.is_active else "accounts.user_deactivated"
    record(actor, action, user, responder=responder.pk)


# --- Logins -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewLogin:
    user: User
    password: str  # shown once, to the supervisor who made it; never stored in plain


def give_login(responder: Responder, *, username: str, email: str, actor: Actor) -> NewLogin:
    if responder.user_id is not None:
        raise InvalidTransition(_("%s already has a login.") % responder.name)
    if not responder.active:
        raise InvalidTransition(_("Reactivate %s before giving them a login.") % responder.name)
    username = username.strip()
    if not username:
        raise InvalidInput(_("Choose a username."), "username")
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInput(_("That username is taken: choose another."), "username")
    # 20 random characters of 31 (about 99 bits): past every password validator.
    password = _new_password()
    partner = responder.partner
    with transaction.atomic():
        responder = Responder.objects.select_for_update().get(pk=responder.pk)
        if responder.user_id is not None:
            raise InvalidTransition(_("%s already has a login.") % responder.name)
        user = User.objects.create_user(
            username=username,
            password=password,
            email=email,
            first_name=responder.name[:150],
            organisation_id=partner.organisation_id,
            role=Role.RESPONDER,
        )
        PartnerMembership.objects.create(user=user, partner=partner)
        responder.user = user
        responder.save(update_fields=["user"])
        record(
            actor,
            "accounts.user_created",
            user,
            username=username,
            role=Role.RESPONDER.value,
            partner=partner.pk,
        )
        record(
            actor, "network.responder_login_created", responder, user=user.pk, partner=partner.pk
        )
    return NewLogin(user, password)


def _new_password(length: int = 20) -> str:
    raw = get_random_string(length, _PASSWORD_ALPHABET)
    return "-".join(raw[i : i + 4] for i in range(0, length, 4))


def suggested_username(responder: Responder) -> str:
    """first.last of the responder, made unique; a suggestion the supervisor may change."""
    base = ".".join(responder.name.casefold().split())
    base = "".join(c for c in base if c.isalnum() or c in "._-")[:140] or "responder"
    candidate, number = base, 2
    while User.objects.filter(username__iexact=candidate).exists():
        candidate, number = f"{base}{number}", number + 1
    return candidate


# --- Rules ----------------------------------------------------------------------------------


def _apply(responder: Responder, data: dict) -> None:
    for name in FIELDS:
        if name in data:
            value = data[name]
            setattr(responder, name, value.strip() if isinstance(value, str) else value)
    if not responder.name:
        raise InvalidInput(_("Give the responder's name."), "name")
    if responder.alert_channel not in AlertChannel.values:
        raise InvalidInput(_("Choose how alerts reach them from the list."), "alert_channel")
    if responder.phone:
        try:
            responder.phone = e164(responder.phone)
        except BadNumber as error:
            raise InvalidInput(str(error), "phone") from error
    # An alert that cannot be delivered is an emergency nobody hears about.
    wants_sms = responder.alert_channel in (AlertChannel.SMS, AlertChannel.BOTH)
    wants_email = responder.alert_channel in (AlertChannel.EMAIL, AlertChannel.BOTH)
    if wants_sms and not responder.phone:
        raise InvalidInput(_("Give a mobile number: alerts reach them by SMS."), "phone")
    if wants_email and not responder.email:
        raise InvalidInput(_("Give an e-mail address: alerts reach them by e-mail."), "email")


def _shown(name: str, before, after):
    # A responder's number and address are personal data: the log says they changed.
    return ["…", "…"] if name in ("phone", "email") else [before, after]
