"""Fetch partners and referrals only through these helpers: every lookup is scoped to
the user's organisation, so an id from a URL never reaches another organisation's."""

from django.http import Http404

from haven.routing.models import Partner, Referral


def partners_for(user):
    if user is None or not user.is_authenticated or not user.is_org_staff:
        return Partner.objects.none()
    return Partner.objects.filter(organisation_id=user.organisation_id)


def access_partner(user, partner_id: int) -> Partner:
    partner = partners_for(user).filter(pk=partner_id).first()
    if partner is None:
        raise Http404("No such partner")
    return partner


def access_referral(user, referral_id: int) -> Referral:
    if user is None or not user.is_authenticated or not user.is_org_staff:
        raise Http404("No such referral")
    referral = (
        Referral.objects.filter(pk=referral_id, organisation_id=user.organisation_id)
        .select_related("partner", "report")
        .first()
    )
    if referral is None:
        raise Http404("No such referral")
    return referral
