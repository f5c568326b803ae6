"""Fetch takedowns, reported addresses and notice templates only through these helpers:
each is scoped to the user's organisation (staff only), so an id from a URL never
reaches another organisation's data."""

from django.http import Http404

from haven.takedown.models import NoticeTemplate, Takedown


def _is_staff(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_org_staff)


def takedowns_for(user):
    if not _is_staff(user):
        return Takedown.objects.none()
    return Takedown.objects.filter(organisation_id=user.organisation_id)


def access_takedown(user, takedown_id: int) -> Takedown:
    takedown = (
        takedowns_for(user)
        .select_related("organisation", "report", "report_url", "opened_by")
        .filter(pk=takedown_id)
        .first()
    )
    if takedown is None:
        raise Http404("No such takedown")
    return takedown


def access_template(user, template_id: int) -> NoticeTemplate:
    """One of the organisation's own templates (built-in ones are not edited in place)."""
    if not _is_staff(user):
        raise Http404("No such template")
    template = NoticeTemplate.objects.filter(
        pk=template_id, organisation_id=user.organisation_id
    ).first()
    if template is None:
        raise Http404("No such template")
    return template
