"""Contacts and cases made the way the pages make them."""

from django.utils import timezone

from haven.audit.services import Actor
from haven.cases.models import Case
from haven.helpline import services
from haven.helpline.models import Channel

CHILD_NUMBER = "+44 7700 900123"
CHILD_DIGITS = "447700900123"


def record_contact(counsellor, *, channel=Channel.PHONE, complete=False, handle="", **fields):
    """A contact as the form would record it: started, saved, and completed if asked."""
    actor = Actor.for_user(counsellor)
    contact = services.start_contact(
        actor, counsellor.organisation, channel=channel, counsellor=counsellor
    )
    data = {"categories": ["violence.bullying"], **fields}
    if handle:
        data["contact_detail"] = handle
    contact = services.save_contact(actor, contact, data)
    if complete:
        contact = services.complete_contact(actor, contact)
    return contact


def open_case(organisation, assigned_to, **fields):
    count = Case.objects.count()
    return Case.objects.create(
        organisation=organisation,
        reference=f"K-TEST-{count + 1:04d}",
        assigned_to=assigned_to,
        created_at=timezone.now(),
        **fields,
    )


def backdate(contact, **delta):
    """Move a contact into the past (signed-in test clients do not survive moving the
    clock forward: their sessions expire)."""
    from datetime import timedelta

    from haven.helpline.models import Contact

    shift = timedelta(**delta)
    ended = contact.ended_at - shift if contact.ended_at else None
    Contact.objects.filter(pk=contact.pk).update(
        started_at=contact.started_at - shift, ended_at=ended
    )
    contact.refresh_from_db()
    return contact
