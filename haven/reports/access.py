"""Fetch reports only through these helpers: every lookup is scoped to the user's
organisation, so changing an id in a URL can never reach another organisation's data."""

from django.http import Http404

from haven.reports.models import MediaItem, Report, ReportUrl


def reports_for(user):
    if user is None or not user.is_authenticated or user.organisation_id is None:
        return Report.objects.none()
    reports = Report.objects.filter(organisation_id=user.organisation_id)
    if not user.is_org_staff:
        # A partner service sees only what it submitted itself; counsellors and partner
        # organisations' staff, who submit none, see none.
        reports = reports.filter(submitted_by=user)
    return reports


def access_report(user, reference: str) -> Report:
    report = reports_for(user).filter(reference=reference).first()
    if report is None:
        raise Http404("No such report")
    return report


def access_media(user, item_id: int) -> MediaItem:
    if not user.is_org_staff:
        raise Http404("No such item")
    item = (
        MediaItem.objects.filter(pk=item_id, report__organisation_id=user.organisation_id)
        .select_related("report")
        .first()
    )
    if item is None:
        raise Http404("No such item")
    return item


def access_report_url(user, url_id: int) -> ReportUrl:
    """A reported address of the user's organisation, for its staff; anyone else (other
    organisations, partner services, the public) gets a 404, as if it did not exist."""
    if user is None or not user.is_authenticated or not user.is_org_staff:
        raise Http404("No such address")
    report_url = (
        ReportUrl.objects.filter(pk=url_id, report__organisation_id=user.organisation_id)
        .select_related("report__organisation")
        .first()
    )
    if report_url is None:
        raise Http404("No such address")
    return report_url
