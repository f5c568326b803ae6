"""Changes to an organisation's SMS channels: supervisors add, change and deactivate
them (the pages are in `views`).

The auth token is sealed as it arrives and never shown again; the audit log records
that it changed, never what it is. Channels are deactivated, not deleted: the messages
sent on them keep their history. One active channel at most is marked for alerts.
"""

import re
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction

from haven.audit.services import Actor, record
from haven.hosting.directory import api_address_problem
from haven.messaging.credentials import seal_token
from haven.messaging.models import ProviderKind, SmsChannel
from haven.triage.actions import InvalidInput, InvalidTransition

FIELDS = ("name", "provider", "number", "api_base_url", "account_id", "used_for_alerts", "active")
NUMBER = re.compile(r"^\+[1-9]\d{6,14}$")
MESSAGING_SERVICE = re.compile(r"^MG[0-9a-fA-F]{32}$")


def new_public_id() -> str:
    """The random part of the webhook addresses: 22 characters, unguessable."""
    return secrets.token_urlsafe(16)


def create_channel(organisation, data: dict, by, *, auth_token: str = "", actor=None) -> SmsChannel:
    _require_supervisor(by, organisation.pk)
    channel = SmsChannel(organisation=organisation, public_id=new_public_id())
    _apply(channel, data)
    if auth_token:
        channel.auth_token_sealed = seal_token(auth_token)
    elif channel.provider == ProviderKind.FAKE:
        # The fake provider's shared secret for signed test calls (see docs/messaging.md).
        channel.auth_token_sealed = seal_token(secrets.token_urlsafe(24))
    _check(channel)
    with transaction.atomic():
        channel.save()
        _only_alert_channel(channel)
        record(
            actor or Actor.for_user(by),
            "sms_channel.created",
            channel,
            name=channel.name,
            provider=channel.provider,
            used_for_alerts=channel.used_for_alerts,
        )
    return channel


def update_channel(
    channel: SmsChannel, data: dict, by, *, auth_token: str = "", actor=None
) -> SmsChannel:
    _require_supervisor(by, channel.organisation_id)
    with transaction.atomic():
        channel = SmsChannel.objects.select_for_update().get(pk=channel.pk)
        before = {name: getattr(channel, name) for name in FIELDS}
        _apply(channel, data)
        if auth_token:
            channel.auth_token_sealed = seal_token(auth_token)
        _check(channel)
        channel.save()
        _only_alert_channel(channel)
        changes = {
            name: [before[name], getattr(channel, name)]
            for name in FIELDS
            if before[name] != getattr(channel, name)
        }
        record(
            actor or Actor.for_user(by),
            "sms_channel.changed",
            channel,
            name=channel.name,
            changes=changes,
            token_changed=bool(auth_token),
        )
    return channel


def deactivate_channel(channel: SmsChannel, by, *, actor=None) -> SmsChannel:
    _require_supervisor(by, channel.organisation_id)
    with transaction.atomic():
        channel = SmsChannel.objects.select_for_update().get(pk=channel.pk)
        if not channel.active:
            raise InvalidTransition(f"{channel.name} is already inactive.")
        channel.active = False
        channel.save(update_fields=["active"])
        record(actor or Actor.for_user(by), "sms_channel.deactivated", channel, name=channel.name)
    return channel


def _require_supervisor(user, organisation_id: int) -> None:
    if not user.is_supervisor or user.organisation_id != organisation_id:
        raise PermissionDenied("Only supervisors can change SMS channels.")


def _apply(channel: SmsChannel, data: dict) -> None:
    for name in FIELDS:
        if name in data:
            value = data[name]
            setattr(channel, name, value.strip() if isinstance(value, str) else value)


def _check(channel: SmsChannel) -> None:
    if not channel.name:
        raise InvalidInput("Give the channel a name.", "name")
    if channel.provider not in ProviderKind.values:
        raise InvalidInput("Choose a provider from the list.", "provider")
    if channel.provider == ProviderKind.FAKE and settings.PRODUCTION:
        raise InvalidInput(
            "The local fake provider sends nothing: it is for tests and demonstrations, "
            "not for a helpline in production.",
            "provider",
        )
    compact = compact_number(channel.number)
    is_service = channel.provider == ProviderKind.TWILIO and MESSAGING_SERVICE.match(compact)
    if not NUMBER.match(compact) and not is_service:
        raise InvalidInput(
            "Enter the number in international format, such as +44 7700 900123"
            + (
                ", or a Twilio Messaging Service SID (MG…)."
                if channel.provider == "twilio"
                else "."
            ),
            "number",
        )
    channel.number = compact
    if channel.provider == ProviderKind.TWILIO:
        if not channel.account_id:
            raise InvalidInput(
                "Give the account SID (or project id) the provider gave you.", "account_id"
            )
        if not channel.auth_token_sealed:
            raise InvalidInput("Give the auth token the provider gave you.", "auth_token")
        problem = channel.api_base_url and api_address_problem(
            channel.api_base_url, http_allowed=settings.SMS_API_ALLOW_HTTP
        )
        if problem:
            raise InvalidInput(problem.replace("API token", "auth token"), "api_base_url")


def compact_number(text: str) -> str:
    """A number as typed ("+44 7700 900123", "+44 (0)…" aside) without its spacing."""
    return re.sub(r"[\s().-]", "", text or "")


def _only_alert_channel(channel: SmsChannel) -> None:
    if channel.used_for_alerts:
        SmsChannel.objects.filter(
            organisation_id=channel.organisation_id, used_for_alerts=True
        ).exclude(pk=channel.pk).update(used_for_alerts=False)
