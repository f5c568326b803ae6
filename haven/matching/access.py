"""Fetch banks and entries only through these helpers: every lookup is scoped to the
user's organisation, so a bank id or name from a URL never reaches another's banks."""

from django.http import Http404

from haven.matching.models import BankEntry, BankImport, HashBank, Match


def banks_for(user):
    if user is None or not user.is_authenticated or user.organisation_id is None:
        return HashBank.objects.none()
    if not (user.is_org_staff or user.is_partner):
        return HashBank.objects.none()  # helpline staff and partner organisations: none
    return HashBank.objects.filter(organisation_id=user.organisation_id)


def access_bank(user, pk: int | None = None, name: str | None = None) -> HashBank:
    banks = banks_for(user)
    bank = banks.filter(pk=pk).first() if pk is not None else banks.filter(name=name).first()
    if bank is None:
        raise Http404("No such bank")
    return bank


def access_entry(user, entry_id: int, bank: HashBank | None = None) -> BankEntry:
    entries = BankEntry.objects.filter(bank__in=banks_for(user)).select_related("bank")
    if bank is not None:
        entries = entries.filter(bank=bank)
    entry = entries.filter(pk=entry_id).first()
    if entry is None:
        raise Http404("No such entry")
    return entry


def access_match(user, match_id: int) -> Match:
    if not user.is_org_staff:
        raise Http404("No such match")
    match = (
        Match.objects.filter(pk=match_id, item__report__organisation_id=user.organisation_id)
        .select_related("entry__bank", "item__report")
        .first()
    )
    if match is None:
        raise Http404("No such match")
    return match


def access_import(user, import_id: int) -> BankImport:
    job = BankImport.objects.filter(pk=import_id, bank__in=banks_for(user)).first()
    if job is None:
        raise Http404("No such import")
    return job
