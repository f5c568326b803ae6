"""Fetch CyberTipline reports only through these helpers: every lookup is scoped to the
user's organisation, so a tip id from a URL never reaches another organisation's."""

from django.http import Http404

from haven.cybertip.models import CyberTip


def tips_for(user):
    if user is None or not user.is_authenticated or not user.is_org_staff:
        return CyberTip.objects.none()
    return CyberTip.objects.filter(organisation_id=user.organisation_id)


def access_tip(user, tip_id: int) -> CyberTip:
    tip = tips_for(user).select_related("report__organisation").filter(pk=tip_id).first()
    if tip is None:
        raise Http404("No such CyberTipline report")
    return tip
