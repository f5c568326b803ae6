"""Fetch schemes, labels and the items of a report only through these helpers.

Built-in schemes are visible to everyone; an organisation's own schemes only to its
staff. Anything else, and any item that is not part of the given report, is a 404, as if
it did not exist. Built-ins can be looked at but never changed.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from haven.classification.models import Label, Scheme
from haven.reports.models import MediaItem, Report, ReportUrl

BUILTIN_REFUSAL = "Built-in schemes and their labels cannot be changed; you can disable them."


def schemes_visible_to(user):
    if user is None or not user.is_authenticated or user.organisation_id is None:
        return Scheme.objects.none()
    return Scheme.objects.filter(Q(organisation=None) | Q(organisation_id=user.organisation_id))


def access_scheme(user, scheme_id: int, *, to_change: bool = False) -> Scheme:
    scheme = schemes_visible_to(user).filter(pk=scheme_id).first()
    if scheme is None:
        raise Http404("No such scheme")
    if to_change and scheme.organisation_id is None:
        raise PermissionDenied(BUILTIN_REFUSAL)
    return scheme


def access_label(user, label_id: int, *, to_change: bool = False) -> Label:
    label = (
        Label.objects.filter(pk=label_id, scheme__in=schemes_visible_to(user))
        .select_related("scheme")
        .first()
    )
    if label is None:
        raise Http404("No such label")
    if to_change and label.scheme.organisation_id is None:
        raise PermissionDenied(BUILTIN_REFUSAL)
    return label


def access_item_of(report: Report, item_id: int) -> MediaItem:
    """A file of `report` (itself fetched through `access_report`)."""
    item = MediaItem.objects.filter(pk=item_id, report=report).first()
    if item is None:
        raise Http404("No such item")
    return item


def access_url_of(report: Report, url_id: int) -> ReportUrl:
    """An address of `report` (itself fetched through `access_report`)."""
    report_url = ReportUrl.objects.filter(pk=url_id, report=report).first()
    if report_url is None:
        raise Http404("No such address")
    return report_url
