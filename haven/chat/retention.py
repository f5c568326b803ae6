"""Retention: conversations past the cutoff lose their words and the child's number;
what the statistics count (how many, when, how long, which channel) stays. Called by
haven.helpline.retention for each organisation.

"Past the cutoff" is: ended before it, or — whatever the status — nothing written in it
since. A waiting SMS conversation never ends by itself (idle.py: the child is owed an
answer), so without the second rule it would keep the child's number and words for
ever; such a conversation is ended first ("retention"), then anonymised.
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from haven.audit.services import Actor, record
from haven.chat.models import ChatMessage, Conversation, ConversationStatus
from haven.chat.services import OPEN_STATUSES, end


def anonymise_due(organisation, cutoff) -> int:
    """Anonymise the organisation's conversations past `cutoff`; returns how many.
    Running it again changes nothing."""
    mine = Conversation.objects.filter(organisation=organisation, anonymised_at=None)
    stale = list(mine.filter(status__in=OPEN_STATUSES, last_activity_at__lt=cutoff).order_by("pk"))
    for conversation in stale:
        end(conversation, "retention")
    due = mine.filter(
        Q(status=ConversationStatus.ENDED, ended_at__lt=cutoff)
        | Q(pk__in=[conversation.pk for conversation in stale])
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
            ended_for_retention=len(stale),
            cutoff=cutoff.isoformat(),
        )
    return len(ids)
