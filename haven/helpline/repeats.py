"""Repeat contacts: the earlier contacts of a returning child, recognised by the keyed
hash of their number or handle, shown with the child's consent applied.

A counsellor sees these whoever took the earlier contacts: knowing that a child has
called three times this month about the same thing is the point. What they see of each
is limited by what the child agreed to then: without consent to keep a record, only
when, how and what about; with it, also the summary and the risk. Identifying details
are always masked here, and every look is recorded.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q, QuerySet

from haven.audit.services import record
from haven.helpline import identity, taxonomy
from haven.helpline.access import contacts_for
from haven.helpline.models import Contact
from haven.helpline.services import as_actor, unseal_safely

SHOWN = 20


@dataclass(frozen=True)
class EarlierContact:
    reference: str
    started_at: datetime
    channel: str
    categories: list[str]
    details_kept: bool  # the child agreed to a record with details
    summary: str = ""
    risk: str = ""
    child_name: str = ""  # masked
    openable: bool = False  # the viewer may open the contact itself


@dataclass(frozen=True)
class RepeatHistory:
    count: int
    shown: list[EarlierContact] = field(default_factory=list)


def earlier_contacts(contact: Contact) -> QuerySet[Contact]:
    """The same child's contacts with this organisation before this one (none when the
    contact has no number or handle)."""
    if not contact.contact_key:
        return Contact.objects.none()
    before = Q(started_at__lt=contact.started_at) | Q(
        started_at=contact.started_at, pk__lt=contact.pk
    )
    return (
        Contact.objects.filter(
            organisation_id=contact.organisation_id,
            contact_key=contact.contact_key,
            anonymised_at=None,
        )
        .filter(before)
        .exclude(pk=contact.pk)
        .order_by("-started_at", "-pk")
    )


def repeat_history(actor, user, contact: Contact) -> RepeatHistory:
    """The earlier contacts as `user` may see them; the look is audited."""
    earlier = earlier_contacts(contact)
    count = earlier.count()
    if not count:
        return RepeatHistory(0)
    rows = list(earlier[:SHOWN])
    openable = set(
        contacts_for(user).filter(pk__in=[row.pk for row in rows]).values_list("pk", flat=True)
    )
    shown = [_as_seen(row, row.pk in openable) for row in rows]
    record(
        as_actor(actor),
        "contact.history_viewed",
        contact,
        organisation_id=contact.organisation_id,
        reference=contact.reference,
        earlier=[row.reference for row in rows],
        with_details=[row.reference for row in rows if row.consent_record],
    )
    return RepeatHistory(count, shown)


def _as_seen(row: Contact, openable: bool) -> EarlierContact:
    seen = EarlierContact(
        reference=row.reference,
        started_at=row.started_at,
        channel=row.get_channel_display(),
        categories=[taxonomy.full_label(code) for code in row.categories],
        details_kept=row.consent_record,
        openable=openable,
    )
    if not row.consent_record:
        return seen
    return EarlierContact(
        **{
            **seen.__dict__,
            "summary": row.summary,
            "risk": row.get_risk_level_display(),
            "child_name": identity.mask(unseal_safely(row.child_name_sealed)),
        }
    )
