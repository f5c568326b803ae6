"""Change exchanges and bank shares: every change goes through here and is audited.

Credentials are checked, encrypted and stored here; they never appear in an audit row,
only the names of the fields that were set.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from haven.audit.services import Actor, record
from haven.exchanges.credentials import (
    CredentialsUnreadable,
    seal_credentials,
    unseal_credentials,
)
from haven.exchanges.kinds import ExchangeError, clean_credentials, clean_settings, spec
from haven.exchanges.models import (
    MAX_INTERVAL_MINUTES,
    MIN_INTERVAL_MINUTES,
    BankShare,
    Exchange,
    Trigger,
)
from haven.jobs.services import enqueue

__all__ = ["ExchangeError"]

EDITABLE = {"bank", "enabled", "interval_minutes", "settings"}


def _check_interval(minutes) -> int:
    minutes = int(minutes)
    if not MIN_INTERVAL_MINUTES <= minutes <= MAX_INTERVAL_MINUTES:
        raise ExchangeError(f"fetch every {MIN_INTERVAL_MINUTES} to {MAX_INTERVAL_MINUTES} minutes")
    return minutes


def _check_bank(organisation_id: int, bank) -> None:
    if bank is None or bank.organisation_id != organisation_id:
        raise ExchangeError("choose one of your organisation's banks")


@transaction.atomic
def create_exchange(
    actor: Actor,
    organisation,
    *,
    name: str,
    kind: str,
    bank,
    settings: dict,
    credentials: dict,
    enabled: bool = True,
    interval_minutes: int = 60,
) -> Exchange:
    name = (name or "").strip()
    if not name:
        raise ExchangeError("an exchange needs a name")
    spec(kind)
    _check_bank(organisation.pk, bank)
    if Exchange.objects.filter(organisation=organisation, name=name).exists():
        raise ExchangeError(f"an exchange named {name!r} already exists")
    exchange = Exchange.objects.create(
        organisation=organisation,
        name=name[:80],
        kind=kind,
        bank=bank,
        enabled=enabled,
        interval_minutes=_check_interval(interval_minutes),
        settings=clean_settings(kind, settings),
        credentials_sealed=seal_credentials(clean_credentials(kind, credentials)),
        next_run_at=timezone.now(),
    )
    record(
        actor,
        "exchange.created",
        exchange,
        organisation_id=organisation.pk,
        name=exchange.name,
        kind=kind,
        bank=bank.name,
        settings=exchange.settings,
        enabled=enabled,
        interval_minutes=exchange.interval_minutes,
        credentials_set=sorted(credentials_fields(kind)),
    )
    return exchange


@transaction.atomic
def update_exchange(
    actor: Actor, exchange: Exchange, credentials: dict | None = None, **fields
) -> Exchange:
    """Change settings; credential fields left blank keep their stored value."""
    unknown = set(fields) - EDITABLE
    if unknown:
        raise ExchangeError(f"unknown exchange fields: {', '.join(sorted(unknown))}")
    if "bank" in fields:
        _check_bank(exchange.organisation_id, fields["bank"])
    if "interval_minutes" in fields:
        fields["interval_minutes"] = _check_interval(fields["interval_minutes"])
    if "settings" in fields:
        fields["settings"] = clean_settings(exchange.kind, fields["settings"])
    changed = {k: v for k, v in fields.items() if getattr(exchange, k) != v}
    replaced = _replace_credentials(exchange, credentials or {})
    if not changed and not replaced:
        return exchange
    before = {k: _shown(getattr(exchange, k)) for k in changed}
    for key, value in changed.items():
        setattr(exchange, key, value)
    if "interval_minutes" in changed or changed.get("enabled") is True:
        exchange.next_run_at = min(
            exchange.next_run_at or timezone.now(),
            timezone.now() + timedelta(minutes=exchange.interval_minutes),
        )
    # Only these columns: a fetch running meanwhile writes the checkpoint and counters.
    saved = [*changed, "next_run_at", "updated_at"]
    exchange.save(update_fields=[*saved, "credentials_sealed"] if replaced else saved)
    record(
        actor,
        "exchange.changed",
        exchange,
        organisation_id=exchange.organisation_id,
        before=before,
        after={k: _shown(v) for k, v in changed.items()},
        credentials_replaced=replaced,
    )
    return exchange


def _replace_credentials(exchange: Exchange, given: dict) -> list[str]:
    """Store the newly given credential fields; return their names (never their values)."""
    given = {k: str(v).strip() for k, v in given.items() if str(v or "").strip()}
    if not given:
        return []
    try:
        stored = unseal_credentials(exchange.credentials_sealed)
    except CredentialsUnreadable:
        stored = {}
    cleaned = clean_credentials(exchange.kind, given, stored)
    replaced = sorted(k for k in given if stored.get(k) != cleaned[k])
    if replaced:
        exchange.credentials_sealed = seal_credentials(cleaned)
    return replaced


def _shown(value):
    return value.name if hasattr(value, "_meta") else value


def credentials_fields(kind: str) -> list[str]:
    return [field.name for field in spec(kind).credentials]


@transaction.atomic
def delete_exchange(actor: Actor, exchange: Exchange) -> None:
    """Delete an exchange; the hashes it brought stay in the bank."""
    if exchange.running_since is not None:
        raise ExchangeError("this exchange is fetching; try again when it has finished")
    record(
        actor,
        "exchange.deleted",
        exchange,
        organisation_id=exchange.organisation_id,
        name=exchange.name,
        kind=exchange.kind,
        bank=exchange.bank.name,
    )
    exchange.delete()


@transaction.atomic
def request_fetch(actor: Actor, exchange: Exchange, trigger: str = Trigger.MANUAL) -> None:
    """Queue a fetch now, outside the schedule."""
    if not exchange.enabled:
        raise ExchangeError("this exchange is disabled: enable it to fetch")
    user_id = actor.user.pk if actor.user is not None else None
    enqueue("exchanges.fetch", exchange_id=exchange.pk, trigger=trigger, user_id=user_id)
    record(actor, "exchange.fetch_requested", exchange, organisation_id=exchange.organisation_id)


@transaction.atomic
def reset_exchange(actor: Actor, exchange: Exchange) -> None:
    """Forget the checkpoint: the next fetch takes everything again, then withdraws what
    the exchange no longer lists."""
    Exchange.objects.filter(pk=exchange.pk).update(checkpoint=None, sweep_pending=False)
    exchange.refresh_from_db()
    record(actor, "exchange.reset", exchange, organisation_id=exchange.organisation_id)


@transaction.atomic
def share_bank(actor: Actor, bank, user, include_notes: bool = False) -> BankShare:
    """Publish a bank's feed to one account of the same organisation."""
    if user.organisation_id != bank.organisation_id:
        raise ExchangeError("a bank is shared with an account of your own organisation")
    if not user.is_active:
        raise ExchangeError(f"the account {user.get_username()!r} is disabled")
    try:
        with transaction.atomic():
            share = BankShare.objects.create(
                bank=bank, user=user, include_notes=include_notes, created_by=actor.user
            )
    except IntegrityError:
        raise ExchangeError(
            f"{bank.name!r} is already shared with {user.get_username()!r}"
        ) from None
    record(
        actor,
        "bank.shared",
        bank,
        organisation_id=bank.organisation_id,
        user=user.get_username(),
        include_notes=include_notes,
    )
    return share


@transaction.atomic
def unshare_bank(actor: Actor, share: BankShare) -> None:
    record(
        actor,
        "bank.unshared",
        share.bank,
        organisation_id=share.bank.organisation_id,
        user=share.user.get_username(),
    )
    share.delete()
