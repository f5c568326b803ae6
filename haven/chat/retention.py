"""Retention: chats that ended before the cutoff lose their words and the child's
number; what the statistics count (how many, when, how long, which channel) stays.
Called by haven.helpline.retention for each organisation."""

from django.db import transaction
from django.utils import timezone

from haven.audit.services import Actor, record
from haven.chat.models import ChatMessage, Conversation, ConversationStatus


def anonymise_due(organisation, cutoff) -> int:
    """Anonymise the organisation's chats that ended before `cutoff`; returns how many.
    Running it again changes nothing."""
    due = Conversation.objects.filter(
        organisation=organisation,
        status=ConversationStatus.ENDED,
        ended_at__lt=cutoff,
        anonymised_at=None,
    )
    with transaction.atomic():
        ids = list(due.select_for_update().values_list("pk", flat=True))
        if not ids:
            return 0
        ChatMessage.objects.filter(conversation_id__in=ids).update(
            body="", client_id="", delivery_error="", provider_message_id=None
        )
        Conversation.objects.filter(pk__in=ids).update(
            address_sealed="",
            contact_key="",
            token_digest=None,
            anonymised_at=timezone.now(),
        )
        record(
            Actor.system("retention"),
            "chat.anonymised",
            organisation_id=organisation.pk,
            conversations=len(ids),
            cutoff=cutoff.isoformat(),
        )
    return len(ids)
