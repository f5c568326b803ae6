"""Fetch reported addresses and directory entries only through these helpers: each is
scoped to the user's organisation, so an id from a URL never reaches another's data."""

from django.http import Http404

from haven.hosting.models import HostDirectoryEntry


def directory_for(user):
    if not user.is_authenticated or not user.is_org_staff:
        return HostDirectoryEntry.objects.none()
    return HostDirectoryEntry.objects.filter(organisation_id=user.organisation_id)


def access_entry(user, entry_id: int) -> HostDirectoryEntry:
    entry = directory_for(user).filter(pk=entry_id).first()
    if entry is None:
        raise Http404("No such directory entry")
    return entry
