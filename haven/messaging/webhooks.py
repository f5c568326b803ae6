"""What happens to a provider's call to /messaging/inbound/<public_id>/ and
/messaging/status/<public_id>/ before and after the views.

- An unknown public id is a 404 (logged). An inactive channel's inbound address is a
  404 too (and a rejection on that channel's page, so its supervisor sees that the
  provider still calls it); delivery reports still reach an inactive channel, since
  they are about messages it sent while active.
- A missing or wrong signature is a 403 and a `RejectedWebhook` with the reason only:
  nothing of the call's content is kept.
- A signed call without what it must carry is a 400 and a rejection.
- An inbound message is stored by the chat (`haven.chat.services.receive_sms`). Its
  provider id is kept as "<channel id>/<provider's id>", unique, so a delivery repeated
  by the provider is stored once and answered 200 like the first; two copies racing
  also end in 200 once one is stored. If storing fails, the answer is 500 so that the
  provider tries again: never a 200 for a message that was not stored.
"""

import importlib
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from haven.audit.services import client_ip
from haven.messaging.links import called_url
from haven.messaging.models import RejectedWebhook, SmsChannel
from haven.messaging.providers import InboundSms, MalformedWebhook, Provider

log = logging.getLogger(__name__)

# Rejections are kept a month; a flood of bad calls is logged but fills no table.
KEEP_REJECTIONS = timedelta(days=30)
MAX_REJECTIONS_PER_MINUTE = 60
Parsed = TypeVar("Parsed")


class Refused(Exception):
    """The call is refused with this HTTP status (the reason is recorded)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class NotStored(Exception):
    """The message could not be stored: the provider should send it again."""


def channel_for(public_id: str, request, *, inbound: bool) -> SmsChannel:
    channel = SmsChannel.objects.filter(public_id=public_id).first()
    if channel is None:
        log.warning("webhook for unknown SMS channel from %s", client_ip(request))
        raise Http404("No such channel")
    if inbound and not channel.active:
        reject(channel, "channel inactive", request)
        raise Http404("No such channel")
    return channel


def verified(
    channel: SmsChannel,
    provider: Provider,
    request,
    parse: Callable[..., Parsed],
) -> Parsed:
    """The call's content, once its signature is checked; raises Refused."""
    problem = provider.signature_problem(request, called_url(request))
    if problem:
        reject(channel, problem, request)
        raise Refused(403, problem)
    try:
        return parse(request)
    except MalformedWebhook as error:
        reason = f"malformed: {error}"
        reject(channel, reason, request)
        raise Refused(400, reason) from None


def reject(channel: SmsChannel, reason: str, request) -> None:
    ip_address = client_ip(request)
    log.warning("SMS webhook refused for channel %s from %s: %s", channel.pk, ip_address, reason)
    now = timezone.now()
    with transaction.atomic():
        RejectedWebhook.objects.filter(at__lt=now - KEEP_REJECTIONS).delete()
        recent = RejectedWebhook.objects.filter(channel=channel, at__gte=now - timedelta(minutes=1))
        if recent.count() < MAX_REJECTIONS_PER_MINUTE:
            RejectedWebhook.objects.create(
                channel=channel, reason=reason[:100], ip_address=ip_address
            )


def stored_id(channel: SmsChannel, provider_message_id: str) -> str:
    """The id kept on the chat message: the provider's, within its channel (two
    providers' ids may look alike; one channel's never repeat)."""
    return f"{channel.pk}/{provider_message_id}"


def store_inbound(channel: SmsChannel, sms: InboundSms):
    """Hand the message to the chat; the stored ChatMessage (None: the chat had it
    already, or chose not to keep it). Raises NotStored when it is not stored."""
    key = stored_id(channel, sms.provider_message_id)
    chat = importlib.import_module("haven.chat.services")
    try:
        # A savepoint of our own: a duplicate that loses the race leaves the connection
        # usable for the check below, even inside a caller's transaction.
        with transaction.atomic():
            return chat.receive_sms(channel, sms.from_number, sms.body, key)
    except Exception as exc:
        if _is_stored(key):
            log.info("inbound SMS %s arrived twice at once; stored once", key)
            return None
        log.exception("inbound SMS on channel %s could not be stored", channel.pk)
        raise NotStored(str(exc)) from exc


def _is_stored(key: str) -> bool:
    from haven.chat.models import ChatMessage

    return ChatMessage.objects.filter(provider_message_id=key).exists()
