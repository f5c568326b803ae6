"""Fetch contacts only through these helpers. Every lookup is scoped to the user's
organisation, and within it to what their role allows:

- supervisors and administrators: every contact of their organisation;
- counsellors (and any other staff): the contacts they took, and, to read only, the
  contacts linked to cases assigned to them;
- responders, partner services and anyone else: nothing (a 404, as if absent).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from haven.helpline.models import Contact


def is_helpline_staff(user) -> bool:
    return user is not None and user.is_authenticated and user.is_helpline_staff


def contacts_for(user) -> QuerySet[Contact]:
    if not is_helpline_staff(user):
        return Contact.objects.none()
    contacts = Contact.objects.filter(organisation_id=user.organisation_id)
    if user.is_supervisor:
        return contacts
    return contacts.filter(Q(counsellor=user) | Q(case__assigned_to=user))


def access_contact(user, reference: str) -> Contact:
    contact = (
        contacts_for(user)
        .filter(reference=reference.strip().upper())
        .select_related("counsellor", "district", "case", "conversation")
        .first()
    )
    if contact is None:
        raise Http404("No such contact")
    return contact


def may_edit(user, contact: Contact) -> bool:
    """Supervisors correct any contact; a counsellor their own. Contacts seen through an
    assigned case are read-only, and anonymised ones are kept only for statistics."""
    if contact.anonymised_at is not None or contact.organisation_id != user.organisation_id:
        return False
    return user.is_supervisor or contact.counsellor_id == user.pk


def access_contact_to_edit(user, reference: str) -> Contact:
    contact = access_contact(user, reference)
    if not may_edit(user, contact):
        raise PermissionDenied("This contact is not yours to change.")
    return contact
