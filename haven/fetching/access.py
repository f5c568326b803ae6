"""Fetch reported addresses only through this helper: scoped to the user's organisation,
so an address id from a URL never reaches another organisation's reports."""

from django.http import Http404

from haven.reports.models import ReportUrl


def access_report_url(user, url_id: int) -> ReportUrl:
    if (
        user is None
        or not user.is_authenticated
        or user.organisation_id is None
        or not user.is_org_staff
    ):
        raise Http404("No such address")
    report_url = (
        ReportUrl.objects.filter(pk=url_id, report__organisation_id=user.organisation_id)
        .select_related("report")
        .first()
    )
    if report_url is None:
        raise Http404("No such address")
    return report_url
