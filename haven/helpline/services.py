"""Every change to a contact and to the helpline's settings, and the audited reads of a
contact's identifying details.

Views, the chat and anything else that records a contact call these functions only.
Each runs in one transaction on a locked row and writes an audit row. Identifying
details (the child's name, the number or handle to call back, where the child is) are
sealed before they are stored; the number or handle also gives the contact its keyed
hash (`identity.contact_key`), which is how a returning child is recognised without the
number being kept in plain.
"""

import secrets
from dataclasses import dataclass

from cryptography.fernet import InvalidToken
from django.db import transaction
from django.utils import timezone

from haven.audit.services import Actor, record
from haven.helpline import identity, taxonomy
from haven.helpline.models import Channel, Contact, ContactStatus, HelplineSettings
from haven.reports.references import _ALPHABET
from haven.triage.actions import InvalidInput, InvalidTransition

__all__ = [
    "IDENTIFYING",
    "Identifying",
    "complete_contact",
    "masked_identifying",
    "new_contact_reference",
    "reveal_identifying",
    "save_contact",
    "settings_for",
    "start_contact",
    "update_settings",
    "view_contact",
]

# The fields of a contact a form may set, as they are named in `cleaned_data`.
FIELDS = [
    "channel",
    "caller_type",
    "child_age",
    "gender",
    "district",
    "categories",
    "risk_level",
    "urgency",
    "summary",
    "actions",
    "action_note",
    "consent_record",
    "consent_share",
    "consent_callback",
]
# Identifying details: the form's name -> the sealed column.
IDENTIFYING = {
    "child_name": "child_name_sealed",
    "contact_detail": "contact_detail_sealed",
    "location": "location_sealed",
}
UNREADABLE = "(sealed with a key this server no longer has)"


def as_actor(actor) -> Actor:
    """Callers pass an Actor, or the user acting (the chat does)."""
    return actor if isinstance(actor, Actor) else Actor.for_user(actor)


# --- Settings ---------------------------------------------------------------------------


def settings_for(organisation) -> HelplineSettings:
    found, _created = HelplineSettings.objects.get_or_create(organisation=organisation)
    return found


def update_settings(actor, organisation, changes: dict) -> HelplineSettings:
    with transaction.atomic():
        current = settings_for(organisation)
        current = HelplineSettings.objects.select_for_update().get(pk=current.pk)
        changed = {
            name: [getattr(current, name), value]
            for name, value in changes.items()
            if getattr(current, name) != value
        }
        for name, (_old, new) in changed.items():
            setattr(current, name, new)
        current.save()
        if changed:
            record(
                as_actor(actor),
                "helpline.settings_changed",
                current,
                organisation_id=organisation.pk,
                changes=changed,
            )
    return current


# --- Contacts ---------------------------------------------------------------------------


def new_contact_reference() -> str:
    """ "C-" and ten characters that are easy to read aloud (no 0/O, 1/I/L)."""
    while True:
        body = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        reference = f"C-{body[:5]}-{body[5:]}"
        if not Contact.objects.filter(reference=reference).exists():
            return reference


def start_contact(
    actor, organisation, *, channel, counsellor, conversation=None, handle: str = ""
) -> Contact:
    """A new contact, in progress, taken by `counsellor`. `handle` is the phone number,
    e-mail or messaging name the child used: sealed to call back, and hashed to
    recognise them next time. A counsellor who starts a contact for a conversation they
    already have one open for gets that one back, so a reload never makes two."""
    if channel not in Channel.values:
        raise InvalidInput("Choose how the contact came in.", "channel")
    if conversation is not None and conversation.organisation_id != organisation.pk:
        raise InvalidInput("That conversation belongs to another organisation.")
    if counsellor is not None and counsellor.organisation_id != organisation.pk:
        raise InvalidInput("The counsellor must work for this organisation.")
    with transaction.atomic():
        if conversation is not None and counsellor is not None:
            existing = Contact.objects.filter(
                conversation=conversation, counsellor=counsellor, status=ContactStatus.OPEN
            ).first()
            if existing is not None:
                return existing
        key = identity.contact_key(organisation.pk, handle) if handle.strip() else ""
        if not key and conversation is not None:
            key = conversation.contact_key
        contact = Contact.objects.create(
            organisation=organisation,
            reference=new_contact_reference(),
            channel=channel,
            counsellor=counsellor,
            started_at=timezone.now(),
            conversation=conversation,
            contact_detail_sealed=identity.seal(handle) if handle.strip() else "",
            contact_key=key,
        )
        record(
            as_actor(actor),
            "contact.started",
            contact,
            organisation_id=organisation.pk,
            reference=contact.reference,
            channel=channel,
            conversation=conversation.pk if conversation is not None else None,
        )
    return contact


def save_contact(actor, contact: Contact, cleaned_data: dict) -> Contact:
    """Apply what the contact form gave (any subset of FIELDS and of IDENTIFYING, with
    `clear_<name>` to remove a stored identifying detail). A blank identifying field
    keeps what is stored: the form never shows it, so blank means "not retyped"."""
    with transaction.atomic():
        contact = _locked(contact)
        _check(contact, cleaned_data)
        changed = [
            name
            for name in FIELDS
            if name in cleaned_data and _set(contact, name, cleaned_data[name])
        ]
        for name, column in IDENTIFYING.items():
            given = (cleaned_data.get(name) or "").strip()
            if given:
                setattr(contact, column, identity.seal(given))
            elif cleaned_data.get(f"clear_{name}") and getattr(contact, column):
                setattr(contact, column, "")
            else:
                continue
            changed.append(name)
            if name == "contact_detail":
                contact.contact_key = (
                    identity.contact_key(contact.organisation_id, given) if given else ""
                )
        contact.save()
        record(
            as_actor(actor),
            "contact.saved",
            contact,
            organisation_id=contact.organisation_id,
            reference=contact.reference,
            changed=changed,
        )
    return contact


def _check(contact: Contact, data: dict) -> None:
    if contact.anonymised_at is not None:
        raise InvalidTransition("This contact has been anonymised and can no longer change.")
    unknown = [code for code in data.get("categories") or [] if not taxonomy.is_category(code)]
    if unknown:
        raise InvalidInput(f"Unknown category: {', '.join(unknown)}.", "categories")
    unknown = [code for code in data.get("actions") or [] if code not in taxonomy.ACTIONS]
    if unknown:
        raise InvalidInput(f"Unknown action: {', '.join(unknown)}.", "actions")
    district = data.get("district")
    if district is not None and district.organisation_id != contact.organisation_id:
        raise InvalidInput("Choose one of your organisation's districts.", "district")
    channel = data.get("channel")
    if channel is not None and channel not in Channel.values:
        raise InvalidInput("Choose how the contact came in.", "channel")
    if channel is not None and contact.conversation_id and channel != contact.channel:
        raise InvalidInput("A contact from a conversation keeps that conversation's channel.")


def _set(contact: Contact, name: str, value) -> bool:
    if name in ("categories", "actions"):
        value = list(dict.fromkeys(value or []))  # in order, without repeats
    if name in ("summary", "action_note"):
        value = (value or "").strip()
    if getattr(contact, name) == value:
        return False
    setattr(contact, name, value)
    return True


def complete_contact(actor, contact: Contact) -> Contact:
    """The contact is over: it counts in statistics from now and its retention clock
    starts. It needs at least one category, since every figure is by category."""
    with transaction.atomic():
        contact = _locked(contact)
        if contact.anonymised_at is not None:
            raise InvalidTransition("This contact has been anonymised and can no longer change.")
        if contact.status == ContactStatus.COMPLETED:
            raise InvalidTransition("This contact is already completed.")
        if not contact.categories:
            raise InvalidInput(
                "Choose at least one category before completing: what the contact was about.",
                "categories",
            )
        contact.status = ContactStatus.COMPLETED
        contact.ended_at = timezone.now()
        contact.save(update_fields=["status", "ended_at", "updated_at"])
        record(
            as_actor(actor),
            "contact.completed",
            contact,
            organisation_id=contact.organisation_id,
            reference=contact.reference,
        )
    return contact


def _locked(contact: Contact) -> Contact:
    return Contact.objects.select_for_update().get(pk=contact.pk)


# --- Reading ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Identifying:
    child_name: str
    contact_detail: str
    location: str

    def __bool__(self) -> bool:
        return bool(self.child_name or self.contact_detail or self.location)


def view_contact(actor, contact: Contact) -> None:
    record(
        as_actor(actor),
        "contact.viewed",
        contact,
        organisation_id=contact.organisation_id,
        reference=contact.reference,
    )


def masked_identifying(contact: Contact) -> Identifying:
    """What a screen shows before anyone reveals it."""
    name, detail, location = _unsealed(contact)
    return Identifying(identity.mask(name), identity.mask_number(detail), identity.mask(location))


def reveal_identifying(actor, contact: Contact) -> Identifying:
    """The identifying details in full, once, with the look recorded."""
    revealed = Identifying(*_unsealed(contact))
    record(
        as_actor(actor),
        "contact.revealed",
        contact,
        organisation_id=contact.organisation_id,
        reference=contact.reference,
        fields=[name for name, column in IDENTIFYING.items() if getattr(contact, column)],
    )
    return revealed


def _unsealed(contact: Contact) -> tuple[str, str, str]:
    return (
        unseal_safely(contact.child_name_sealed),
        unseal_safely(contact.contact_detail_sealed),
        unseal_safely(contact.location_sealed),
    )


def unseal_safely(sealed: str) -> str:
    """The text, or a note that it cannot be read (rather than a failed page) when the
    evidence key changed without rotation."""
    try:
        return identity.unseal(sealed)
    except InvalidToken:
        return UNREADABLE
