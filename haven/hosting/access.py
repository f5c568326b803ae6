"""Fetch reported addresses and directory entries only through these helpers: each is
scoped to the user's organisation, so an id from a URL never reaches another's data."""

from django.http import Http404

from haven.hosting.models import HostDirectoryEntry
from haven.reports.models import ReportUrl


def access_report_url(user, url_id: int) -> ReportUrl:
    """A reported address of the user's organisation, for staff; anyone else gets 404."""
    if not user.is_authenticated or not user.is_org_staff:
        raise Http404("No such address")
    report_url = (
        ReportUrl.objects.filter(pk=url_id, report__organisation_id=user.organisation_id)
        .select_related("report")
        .first()
    )
    if report_url is None:
        raise Http404("No such address")
    return report_url


def directory_for(user):
    if not user.is_authenticated or not user.is_org_staff:
        return HostDirectoryEntry.objects.none()
    return HostDirectoryEntry.objects.filter(organisation_id=user.organisation_id)


def access_entry(user, entry_id: int) -> HostDirectoryEntry:
    entry = directory_for(user).filter(pk=entry_id).first()
    if entry is None:
        raise Http404("No such directory entry")
    return entry
