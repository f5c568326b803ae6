"""Fetch exchanges and bank shares only through these helpers: every lookup is scoped to
the user's organisation, so an id or a bank name from a URL never reaches another's."""

from django.http import Http404

from haven.exchanges.models import BankShare, Exchange


def _member(user) -> bool:
    return user is not None and user.is_authenticated and user.organisation_id is not None


def exchanges_for(user):
    if not _member(user):
        return Exchange.objects.none()
    return Exchange.objects.filter(organisation_id=user.organisation_id)


def access_exchange(user, exchange_id: int) -> Exchange:
    exchange = exchanges_for(user).select_related("bank").filter(pk=exchange_id).first()
    if exchange is None:
        raise Http404("No such exchange")
    return exchange


def shares_for(user):
    if not _member(user):
        return BankShare.objects.none()
    return BankShare.objects.filter(bank__organisation_id=user.organisation_id)


def access_share(user, share_id: int) -> BankShare:
    share = shares_for(user).select_related("bank", "user").filter(pk=share_id).first()
    if share is None:
        raise Http404("No such share")
    return share


def access_feed(user, bank_name: str) -> BankShare:
    """The share that lets this very user read the bank's feed; 404 for anyone else."""
    share = (
        shares_for(user)
        .select_related("bank")
        .filter(bank__name=bank_name, user=user, user__is_active=True)
        .first()
    )
    if share is None:
        raise Http404("No such bank")
    return share
